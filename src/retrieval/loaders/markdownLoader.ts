import type { ExtractedDocument, ExtractedSection } from "../types.js";
import { decodeText } from "./decodeText.js";

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export interface MarkdownHeading {
  level: number;
  text: string;
  /** "# Title" (ATX) rather than a line underlined with "=" or "-" (setext). */
  atx: boolean;
  /** Offset of the heading's first line and of the line after it. */
  start: number;
  bodyStart: number;
}

/** A heading's text without its Markdown: links, code ticks and emphasis ("`ERROR_CODE`" stays ERROR_CODE). */
export function plainHeading(raw: string): string {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*`]+/g, "")
    // Underscores emphasise only at a word's edge; inside one they are part of a name (EMBEDDING_MODEL_MISMATCH).
    .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Per line: whether it opens, closes or sits inside a fenced code block (where no Markdown applies). */
function fencedLines(lines: readonly string[]): boolean[] {
  let fence: string | undefined;
  return lines.map((line) => {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker?.startsWith(fence)) fence = undefined;
      return true;
    }
    if (marker) fence = marker;
    return marker !== undefined;
  });
}

// A list item's first line ("- x", "* x", "1. x", "2) x").
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s/;

/** The headings of Markdown text, outside code fences, in order. */
export function findHeadings(text: string): MarkdownHeading[] {
  const headings: MarkdownHeading[] = [];
  let offset = 0;
  let previous: { line: string; start: number } | undefined;
  const lines = text.split("\n");
  const fenced = fencedLines(lines);
  for (const [i, line] of lines.entries()) {
    const start = offset;
    offset += line.length + 1;
    if (fenced[i]) {
      previous = undefined;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx?.[1]) {
      headings.push({ level: atx[1].length, text: plainHeading(atx[2] ?? ""), atx: true, start, bodyStart: Math.min(offset, text.length) });
      previous = undefined;
      continue;
    }
    const setext = SETEXT.exec(line);
    // "Title\n=====" (or "---") underlines the previous paragraph line; a lone "---" stays a rule.
    if (setext?.[1] && previous && previous.line.trim() !== "" && !LIST_ITEM.test(previous.line) && !/^\s*[>|]\s/.test(previous.line)) {
      headings.push({
        level: setext[1].startsWith("=") ? 1 : 2,
        text: plainHeading(previous.line),
        atx: false,
        start: previous.start,
        bodyStart: Math.min(offset, text.length),
      });
      previous = undefined;
      continue;
    }
    previous = { line, start };
  }
  return headings;
}

// A line that starts a block of its own rather than continuing the paragraph above it.
const BLOCK_START = /^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\||<|```|~~~|$)|^ {0,3}(?:=+|-+|\*{3,}|_{3,})\s*$/;

/**
 * Markdown renders a line break inside a paragraph as a space, and hard-wrapped documents break
 * every sentence across lines ("…, set\nthe `NODE_INSPECT_RESUME_ON_START` environment variable"):
 * left as they are, those lines read as the lines of a listing and are quoted as fragments. Such soft
 * breaks become one space (the continuation's indent goes too; offsets are into this text); code
 * fences, tables, headings, list items, quotes and hard breaks (two trailing spaces or a backslash)
 * keep their lines.
 */
function joinSoftBreaks(text: string): string {
  const lines = text.split("\n");
  const fenced = fencedLines(lines);
  // Whether line i runs on into line i + 1.
  const runsOn = (line: string, i: number): boolean => {
    const next = lines[i + 1];
    if (next === undefined || fenced[i]) return false;
    const hardBreak = / {2,}$|\\$/.test(line);
    // An indented line is code unless it continues the list item above it.
    const indentedCode = /^ {4,}|^\t/.test(line) && !LIST_ITEM.test(lines[i - 1] ?? "");
    const blockLine = line.trim() === "" || ATX.test(line) || /^\s*\|/.test(line) || indentedCode;
    return !hardBreak && !blockLine && !BLOCK_START.test(next);
  };
  const joined = lines.map(runsOn);
  return lines.reduce((out, line, i) => (i === 0 ? line : joined[i - 1] ? `${out} ${line.trimStart()}` : `${out}\n${line}`), "");
}

// A link reference definition ("[`fs.stat()`]: fs.md#fsstatpath-options-callback"): it renders as nothing.
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:[ \t]*\S+(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$/;

/**
 * The text without its link reference definitions, which documents (the Node.js API pages among them)
 * collect in blocks at their end: read as text, a block of them is one long "sentence" of link targets.
 * A definition cannot interrupt a paragraph, so one must follow a blank line or another definition.
 */
function dropLinkDefinitions(text: string): string {
  const lines = text.split("\n");
  const fenced = fencedLines(lines);
  const dropped = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, i) => {
    const after = i === 0 || lines[i - 1]!.trim() === "" || dropped[i - 1] === true;
    dropped[i] = !fenced[i] && after && LINK_DEFINITION.test(line);
  });
  return lines.filter((_, i) => !dropped[i]).join("\n");
}

/**
 * Markdown as written (users quote it that way), with soft line breaks inside paragraphs read as the
 * spaces they render as, minus YAML front matter and link reference definitions; ATX and setext headings outside code fences split
 * it into sections with heading paths.
 */
export function loadMarkdown(content: Buffer, fileName: string): ExtractedDocument {
  const raw = decodeText(content, fileName);
  const front = FRONT_MATTER.exec(raw);
  const text = joinSoftBreaks(dropLinkDefinitions(front ? raw.slice(front[0].length) : raw));
  const frontTitle = front?.[1] ? /^title:[ \t]*["']?(.*?)["']?[ \t]*$/m.exec(front[1])?.[1] : undefined;

  const sections: ExtractedSection[] = [];
  const stack: MarkdownHeading[] = [];
  const headings = findHeadings(text);
  let bodyStart = 0;
  let path: string[] = [];
  for (const heading of headings) {
    if (heading.start > bodyStart) sections.push({ headingPath: path, start: bodyStart, end: heading.start });
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= heading.level) stack.pop();
    if (heading.text) stack.push(heading);
    path = stack.map((h) => h.text);
    bodyStart = heading.bodyStart;
  }
  if (text.length > bodyStart) sections.push({ headingPath: path, start: bodyStart, end: text.length });

  const title = frontTitle || headings.find((h) => h.level === 1 && h.text)?.text;
  return { text, title, sections, format: "markdown" };
}
