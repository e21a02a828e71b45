import type { ExtractedDocument } from "../types.js";
import { decodeText } from "./decodeText.js";
import { cutWordJoiner } from "./lineBreakHyphens.js";

// Terminal formatting that manuals rendered for a terminal keep ("\x1b[1mman-db\x1b[0m", nroff's
// "b\bbo\bol\bld" overstrike): it shows as nothing, or as the letter once.
const TERMINAL_CONTROLS = /\x1b\[[\d;]*[A-Za-z]|[^\n]\x08/g;

const TAB_WIDTH = 8;

/** A line's width on screen, tabs expanded. */
function displayWidth(line: string): number {
  let width = 0;
  for (const ch of line) width = ch === "\t" ? (Math.floor(width / TAB_WIDTH) + 1) * TAB_WIDTH : width + 1;
  return width;
}

/** The screen column where a line's text starts. */
function indentOf(line: string): number {
  return displayWidth(/^[ \t]*/.exec(line)![0]);
}

// A list item or numbered entry whose text column its continuation lines align with ("3.21.1\tHow do …",
// "  - Use the …", "1) Read …"): the label, then the whitespace up to the text.
const LABEL = /^[ \t]*(?:[-*+•o]|\(?\d+(?:\.\d+)*[.)]?|\(?[a-z][.)])[ \t]+(?=\S)/;
// The next line opens a block of its own: a list item, or a line that is not running text.
const OPENS_BLOCK = /^[ \t]*(?:[-*+•]\s|\(?\d+(?:\.\d+)*[.)]\s|[|>#$%{}<])/;
// A log line opens with its timestamp ("2024-01-01 12:00:00 INFO …", "[12:00:01]", "Jan 12 10:00:01 host …").
const TIMESTAMP = /^[ \t]*\[?(?:\d{4}-\d\d-\d\d|\d{1,2}:\d\d:\d\d|\p{L}{3}\s+\d{1,2}\s+\d\d:\d\d)/u;
// Below this, lines are a list of short items, not text filled up to a margin.
const MIN_WRAP_WIDTH = 50;
// Code and tables end lines with these, prose does not.
const CODE_END = /[;{}\\|=]$/;

/**
 * The wrap width of a hard-wrapped text: the width that only a few lines exceed (code and tables run
 * over it now and then). Zero when there are too few lines to tell.
 */
export function wrapWidth(lines: readonly string[]): number {
  const widths = lines.filter((l) => l.trim() !== "").map((l) => displayWidth(l.trimEnd())).sort((a, b) => a - b);
  if (widths.length < 20) return 0;
  const width = widths[Math.floor(widths.length * 0.95)]!;
  return width >= MIN_WRAP_WIDTH ? width : 0;
}

/**
 * Plain text wrapped at a fixed width (FAQs, READMEs, manuals rendered for a terminal) breaks every
 * sentence across lines; left as lines, a sentence reads as the lines of a listing and is quoted in
 * fragments. A line break is a wrap when the next line's first word would not have fitted on the line
 * (the writer's editor moved it down) and the next line carries on the same paragraph (same text
 * column, not a list item or a log line); such breaks become one space, or nothing inside a hyphenated
 * word. A listing's lines are short of the width or start blocks of their own, so they keep their breaks.
 */
export function joinWrappedText(text: string, fileWidth?: number): string {
  const lines = text.split("\n");
  // A part of a file (one node of a manual) is wrapped at the whole file's width, which it may be too short to show.
  const width = fileWidth ?? wrapWidth(lines);
  if (width === 0) return text;
  const cutWords = cutWordJoiner(text);
  const out: string[] = [];
  // The pieces of the line being joined (joined once, so a long paragraph is not copied at every wrap).
  let pieces: string[] = [];
  // Joined lines lose their indent, so the line a paragraph started on gives the text column.
  let paragraphLine = "";
  for (const [i, line] of lines.entries()) {
    const previous = i > 0 ? lines[i - 1]!.trimEnd() : "";
    const word = /^\s*(\S+)/.exec(line)?.[1];
    const column = indentOf(paragraphLine.replace(LABEL, (label) => " ".repeat(displayWidth(label))));
    const wraps =
      i > 0 &&
      word !== undefined &&
      previous.trim() !== "" &&
      displayWidth(previous) + 1 + word.length > width - 2 &&
      indentOf(line) === column &&
      !OPENS_BLOCK.test(line) &&
      !TIMESTAMP.test(line) &&
      !CODE_END.test(previous);
    if (!wraps) {
      if (pieces.length > 0) out.push(pieces.join(""));
      pieces = [line];
      paragraphLine = line;
      continue;
    }
    // The last piece ends with the previous line, whose end a word hyphenated across the wrap rewrites.
    const last = pieces.pop()!.trimEnd();
    const next = line.trimStart();
    // Only the piece's tail goes to the joiner: after a run of cut lines it holds the whole paragraph.
    const keep = Math.max(0, last.length - 256);
    const cut = cutWords.lines(last.slice(keep), next);
    if (cut !== undefined) pieces.push(last.slice(0, keep), cut);
    else pieces.push(last, " ", next);
  }
  out.push(pieces.join(""));
  return out.join("\n");
}

/**
 * Plain text without terminal formatting, with hard-wrapped paragraphs read as lines of running text;
 * one untitled section (the chunker splits it at blank lines and sentences).
 */
export function loadText(content: Buffer, fileName: string): ExtractedDocument {
  const text = joinWrappedText(decodeText(content, fileName).replace(TERMINAL_CONTROLS, ""));
  return { text, title: undefined, sections: [{ headingPath: [], start: 0, end: text.length }], format: "text" };
}
