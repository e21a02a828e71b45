import type { ExtractedSection } from "../types.js";

/** Whether a source line is blank, or past the end of its lines. */
export const isBlank = (line: string | undefined): boolean => line === undefined || line.trim() === "";

/** A line of a lightweight-markup document (reStructuredText, AsciiDoc) as its renderer produced it. */
export interface RenderedLine {
  text: string;
  /** Running text, which renders a line break as a space; code, tables and titles keep their lines. */
  prose: boolean;
  /** A list item's or field's first line: it starts a block of its own, whatever came before. */
  opensBlock?: boolean;
  /** The line's indent in its source block: a deeper line under a plain paragraph line is a definition, not its continuation. */
  indent?: number;
  /** A section title, at this level (1 is the top). */
  heading?: { level: number; text: string };
}

// The most text one pass of inline-markup rendering sees. Paragraphs are shorter; an adversarial line
// is not, and several inline patterns backtrack over the rest of their line from each start, so a pass
// over n characters may cost n²: slices keep that to n × this.
const INLINE_SLICE_CHARS = 4000;

/**
 * Text rendered by `render` a slice of at most INLINE_SLICE_CHARS at a time, cut at a space (not an
 * escaped one) so words and short markup stay whole. Text this long is a pathological line, or a
 * paragraph long enough that markup spanning a cut is a rare loss.
 */
export function renderInSlices(text: string, render: (text: string) => string): string {
  if (text.length <= INLINE_SLICE_CHARS) return render(text);
  let out = "";
  for (let from = 0; from < text.length; ) {
    let to = Math.min(text.length, from + INLINE_SLICE_CHARS);
    if (to < text.length) {
      let space = text.lastIndexOf(" ", to);
      while (space > from && text[space - 1] === "\\") space = text.lastIndexOf(" ", space - 1);
      if (space > from + INLINE_SLICE_CHARS / 2) to = space;
    }
    out += render(text.slice(from, to));
    from = to;
  }
  return out;
}

/**
 * The document text from rendered lines: a paragraph's lines joined into one line of running text
 * (as a browser shows it, and so a sentence is not quoted in fragments), runs of blank lines made one,
 * and sections from the titles, each with the heading path of the titles above it.
 */
export function assembleLines(
  lines: readonly RenderedLine[],
  renderInline: (text: string) => string = (text) => text,
): { text: string; sections: ExtractedSection[] } {
  // Lines first become blocks (a paragraph's lines joined), so inline markup that spans a line break renders.
  const blocks: { text: string; prose: boolean; heading?: RenderedLine["heading"] }[] = [];
  let paragraph: RenderedLine | undefined;
  for (const line of lines) {
    if (line.text.trim() === "") {
      paragraph = undefined;
      if (blocks.length > 0 && blocks[blocks.length - 1]!.text !== "") blocks.push({ text: "", prose: false });
      continue;
    }
    const continues =
      paragraph !== undefined &&
      line.prose &&
      !line.opensBlock &&
      (line.indent === paragraph.indent || (paragraph.opensBlock === true && (line.indent ?? 0) > (paragraph.indent ?? 0)));
    if (continues) {
      blocks[blocks.length - 1]!.text += ` ${line.text.trim()}`;
      continue;
    }
    blocks.push({ text: line.text.trimEnd(), prose: line.prose, heading: line.heading });
    paragraph = line.prose ? line : undefined;
  }
  while (blocks.length > 0 && blocks[blocks.length - 1]!.text === "") blocks.pop();

  let text = "";
  const headings: { level: number; text: string; start: number; bodyStart: number }[] = [];
  for (const [i, block] of blocks.entries()) {
    if (i > 0) text += "\n";
    const start = text.length;
    text += block.prose ? renderInSlices(block.text, renderInline) : block.text;
    if (block.heading) headings.push({ ...block.heading, start, bodyStart: text.length + 1 });
  }

  const sections: ExtractedSection[] = [];
  const stack: { level: number; text: string }[] = [];
  let bodyStart = 0;
  let path: string[] = [];
  for (const heading of headings) {
    if (text.slice(bodyStart, heading.start).trim() !== "") sections.push({ headingPath: path, start: bodyStart, end: heading.start });
    while (stack.length > 0 && stack[stack.length - 1]!.level >= heading.level) stack.pop();
    if (heading.text) stack.push(heading);
    path = stack.map((h) => h.text);
    bodyStart = Math.min(heading.bodyStart, text.length);
  }
  if (text.slice(bodyStart).trim() !== "") sections.push({ headingPath: path, start: bodyStart, end: text.length });
  return { text, sections };
}
