/** A sentence of a larger text, with its exact character span in that text. */
export interface SentenceSpan {
  text: string;
  /** Offsets into the text given to the splitter, plus `baseOffset`. */
  start: number;
  end: number;
}

// Abbreviations after which a period does not end a sentence ("etc." is left out: it usually does).
const ABBREVIATIONS = new Set([
  "e.g", "i.e", "cf", "vs", "mr", "mrs", "ms", "dr", "prof", "fig", "no", "nr", "st", "approx", "resp", "incl", "esp", "viz", "al", "ch", "sec", "vol", "p", "pp",
]);

/** Whether the period at `dot` closes an abbreviation ("e.g.", "cf.", "no.") rather than a sentence. */
export function endsWithAbbreviation(text: string, dot: number): boolean {
  const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, dot - 12), dot))?.[1]?.toLowerCase() ?? "";
  return ABBREVIATIONS.has(word) || ABBREVIATIONS.has(word.replace(/^.*\./, ""));
}

const CLOSERS = `"')]}»”’`;

function isBoundaryAfterPunct(text: string, dot: number): { end: number; next: number } | undefined {
  let end = dot + 1;
  while (end < text.length && (CLOSERS.includes(text[end]!) || text[end] === "." || text[end] === "!" || text[end] === "?")) end++;
  let next = end;
  if (next >= text.length) return { end, next };
  if (!/\s/.test(text[next]!)) return undefined; // "/etc/foo.conf", "1.5", "auth.=notice"
  while (next < text.length && /\s/.test(text[next]!)) next++;
  if (next >= text.length) return { end, next };
  const following = text[next]!;
  // A lowercase continuation is a command, a path or an abbreviation, not a new sentence.
  // Markdown sentences may open with inline code ("`npx lore models pull` downloads …").
  if (!/[\p{Lu}\p{N}"'“‘(\[`]/u.test(following)) return undefined;
  if (text[dot] === ".") {
    if (endsWithAbbreviation(text, dot)) return undefined;
    if (/^\p{Lu}$/u.test(text.slice(dot - 1, dot)) && (dot < 2 || /\s/.test(text[dot - 2]!))) return undefined; // initials: "J. Smith"
  }
  return { end, next };
}

/**
 * Whether [start, end) leaves a quotation open that closes soon after, in the same paragraph: a
 * quoted question ("in \"Our probes cannot reach the daemon. Which port does it listen on?\", …")
 * is part of its sentence, and cut there both halves are fragments.
 */
function insideQuotation(text: string, start: number, end: number): boolean {
  const span = text.slice(start, end);
  // Only a quote before a word opens one; an inch mark ('15" wide') follows its digit, so it reads as closing.
  const straight = (span.match(OPENING_QUOTE) ?? []).length > (span.match(CLOSING_QUOTE) ?? []).length;
  const curly = (span.match(/“/g) ?? []).length > (span.match(/”/g) ?? []).length;
  if (!straight && !curly) return false;
  const after = text.slice(end, end + 300).split("\n\n", 1)[0]!;
  return curly ? after.includes("”") : CLOSING_QUOTE.test(after);
}

const OPENING_QUOTE = /(?<=^|[\s(\[])"(?=\S)/g;
const CLOSING_QUOTE = /(?<=\S)"(?=$|[\s.,;:!?)\]])/g;

function pushTrimmed(out: SentenceSpan[], text: string, start: number, end: number, baseOffset: number): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start && /[\p{L}\p{N}]/u.test(text.slice(start, end))) {
    out.push({ text: text.slice(start, end), start: start + baseOffset, end: end + baseOffset });
  }
}

/**
 * Cuts text into sentences with exact offsets (`text.slice(s.start - baseOffset, s.end - baseOffset) === s.text`).
 * Block breaks (blank lines, list items, lines ending in sentence punctuation or a colon) end a sentence too,
 * because extracted documents put headings, list items and code lines on their own lines.
 */
export function splitSentences(text: string, baseOffset = 0): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "." || ch === "!" || ch === "?") {
      const boundary = isBoundaryAfterPunct(text, i);
      if (boundary && !insideQuotation(text, start, boundary.end)) {
        pushTrimmed(out, text, start, boundary.end, baseOffset);
        start = boundary.end;
        i = boundary.end - 1;
      }
    } else if (ch === "\n") {
      const line = text.slice(start, i).trimEnd();
      const nextLine = text.slice(i + 1, i + 80);
      const blank = /^[ \t]*\n/.test(nextLine);
      const listItem = /^\s*(?:[-*•]|\d+[.)])\s/.test(nextLine);
      const lineEnds = /[.:;!?]$/.test(line) || line.length === 0;
      const headingLike = line.length > 0 && line.length < 60 && !/[,;]$/.test(line) && /^\s*\p{Lu}/u.test(nextLine);
      if (blank || listItem || lineEnds || headingLike) {
        pushTrimmed(out, text, start, i, baseOffset);
        start = i + 1;
      }
    }
  }
  pushTrimmed(out, text, start, text.length, baseOffset);
  return out;
}
