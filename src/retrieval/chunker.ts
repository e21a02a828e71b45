import type { ChunkDraft, ExtractedDocument, ExtractedSection } from "./types.js";

export interface ChunkOptions {
  /** Target maximum chunk length in characters. Defaults to 800. */
  chunkSize?: number;
  /** Characters repeated from the end of one chunk at the start of the next. Defaults to 120. */
  chunkOverlap?: number;
  /**
   * Sections shorter than this are merged with their neighbours (when the result still fits in one
   * chunk) instead of becoming chunks of a few words. Defaults to chunkSize / 4; 0 disables merging.
   */
  minSectionChars?: number;
  /**
   * Characters of the surrounding section returned on each side of a chunk (sentence-window
   * retrieval): the chunk itself is what gets embedded and BM25-indexed, so it stays small and
   * specific, while a hit carries enough neighbouring text to hold the whole evidence. Defaults to
   * 400 (dev eval: hybrid span Recall@5 0.87 -> 0.94 at 800-character chunks, see BENCHMARKS.md); 0 returns the chunk alone.
   */
  contextChars?: number;
}

export const DEFAULT_CHUNK_SIZE = 800;
export const DEFAULT_CHUNK_OVERLAP = 120;
export const DEFAULT_CONTEXT_CHARS = 400;

interface Span {
  start: number;
  end: number;
  headingPath: string[];
}

interface SectionSpan extends Span {
  /** The (merged) section the span was cut from: context never crosses its bounds. */
  section: { start: number; end: number };
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** Narrows [start, end) so that it neither starts nor ends with whitespace. */
function trimSpan(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && isSpace(text[s])) s++;
  while (e > s && isSpace(text[e - 1])) e--;
  return [s, e];
}

function commonPrefix(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length && i < b.length && a[i] === b[i]; i++) out.push(a[i] as string);
  return out;
}

/**
 * Heading path of two merged tiny sections: an ancestor's intro merged into its subsection keeps
 * the subsection's (deeper) path; siblings keep what they share.
 */
function mergedPath(first: string[], second: string[]): string[] {
  const prefix = commonPrefix(first, second);
  return prefix.length === first.length ? second : prefix;
}

function mergeSmallSections(sections: Span[], minChars: number, maxChars: number): Span[] {
  const merged: (Span & { siblings: boolean })[] = [];
  for (const section of sections) {
    const last = merged[merged.length - 1];
    const small = (s: Span): boolean => s.end - s.start < minChars;
    if (last && (small(last) || small(section)) && section.end - last.start <= maxChars) {
      // A tiny section merged into a substantial one takes that one's path; two tiny ones share theirs.
      // Sections already merged as siblings hold text of several headings: only the path they all share is true of it.
      const shared = last.siblings ? commonPrefix(last.headingPath, section.headingPath) : mergedPath(last.headingPath, section.headingPath);
      const headingPath = !small(last) ? last.headingPath : !small(section) ? section.headingPath : shared;
      const siblings = last.siblings || shared.length < section.headingPath.length;
      merged[merged.length - 1] = { start: last.start, end: section.end, headingPath, siblings };
    } else {
      merged.push({ ...section, siblings: false });
    }
  }
  return merged.map(({ siblings: _, ...span }) => span);
}

/** Best place to end a chunk in (min, max]: paragraph break, then line break, sentence end, word gap. */
function breakPoint(text: string, min: number, max: number): number {
  const window = text.slice(min, max);
  const paragraph = window.lastIndexOf("\n\n");
  if (paragraph > 0) return min + paragraph;
  const line = window.lastIndexOf("\n");
  if (line > 0) return min + line;
  let sentence = -1;
  for (const m of window.matchAll(/[.!?…:;]["'”’)\]]*\s/g)) sentence = m.index + m[0].length - 1;
  if (sentence > 0) return min + sentence;
  for (let i = window.length - 1; i > 0; i--) if (isSpace(window[i])) return min + i;
  return max;
}

/** Where the chunk after one ending at `end` starts: about `overlap` characters back, at a sentence or word start. */
function overlapStart(text: string, from: number, end: number, overlap: number): number {
  if (overlap <= 0) return end;
  const target = Math.max(from + 1, end - overlap);
  const window = text.slice(target, end);
  const sentence = /[.!?…]["'”’)\]]*\s+(?=\S)/.exec(window);
  if (sentence) return target + sentence.index + sentence[0].length;
  if (target > 0 && !isSpace(text[target - 1])) {
    const word = /\s+(?=\S)/.exec(window);
    if (word) return target + word.index + word[0].length;
  }
  return target;
}

function splitSpan(text: string, span: Span, size: number, overlap: number, out: SectionSpan[]): void {
  let [pos, end] = trimSpan(text, span.start, span.end);
  const section = { start: pos, end };
  while (pos < end) {
    if (end - pos <= size) {
      out.push({ start: pos, end, headingPath: span.headingPath, section });
      return;
    }
    const cut = breakPoint(text, pos + Math.floor(size / 2), pos + size);
    const [s, e] = trimSpan(text, pos, cut);
    if (e > s) out.push({ start: s, end: e, headingPath: span.headingPath, section });
    const next = overlapStart(text, pos, e, Math.min(overlap, Math.floor(size / 3)));
    pos = trimSpan(text, Math.max(next, pos + 1), end)[0];
  }
}

/** Start of the context before a chunk: about `chars` back, at a sentence (else word) start, inside the section. */
function contextStart(text: string, section: { start: number }, start: number, chars: number): number {
  const from = start - chars;
  if (from <= section.start) return section.start;
  const window = text.slice(from, start);
  const sentence = /[.!?…]["'”’)\]]*\s+(?=\S)|\n\s*(?=\S)/.exec(window);
  if (sentence) return from + sentence.index + sentence[0].length;
  const word = /\s+(?=\S)/.exec(window);
  return word ? from + word.index + word[0].length : start;
}

/** End of the context after a chunk: about `chars` on, at a sentence (else word) end, inside the section. */
function contextEnd(text: string, section: { end: number }, end: number, chars: number): number {
  const to = end + chars;
  if (to >= section.end) return section.end;
  const window = text.slice(end, to);
  let cut = -1;
  for (const m of window.matchAll(/[.!?…]["'”’)\]]*(?=\s)|\S(?=\s*\n)/g)) cut = m.index + m[0].length;
  if (cut < 0) for (const m of window.matchAll(/\S(?=\s)/g)) cut = m.index + 1;
  return cut > 0 ? end + cut : end;
}

/**
 * Splits a document into chunks that never cross a heading boundary (except tiny sections merged
 * with a neighbour), ending at paragraph, line, sentence or word boundaries, each an exact slice of
 * the document text with its heading path.
 */
export function chunkDocument(doc: ExtractedDocument, options: ChunkOptions = {}): ChunkDraft[] {
  const size = Math.max(50, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const overlap = Math.max(0, Math.min(options.chunkOverlap ?? DEFAULT_CHUNK_OVERLAP, size - 1));
  const minSection = options.minSectionChars ?? Math.floor(size / 4);
  const sections: Span[] = doc.sections
    .map((s: ExtractedSection) => {
      const [start, end] = trimSpan(doc.text, s.start, s.end);
      return { start, end, headingPath: s.headingPath };
    })
    .filter((s) => s.end > s.start);
  const spans: SectionSpan[] = [];
  for (const section of minSection > 0 ? mergeSmallSections(sections, minSection, size) : sections) {
    splitSpan(doc.text, section, size, overlap, spans);
  }
  const context = Math.max(0, options.contextChars ?? DEFAULT_CONTEXT_CHARS);
  return spans.map((s, index) => {
    if (context === 0) return { index, text: doc.text.slice(s.start, s.end), start: s.start, end: s.end, headingPath: s.headingPath };
    const start = contextStart(doc.text, s.section, s.start, context);
    const end = contextEnd(doc.text, s.section, s.end, context);
    return { index, text: doc.text.slice(start, end), start, end, headingPath: s.headingPath, indexed: doc.text.slice(s.start, s.end) };
  });
}

/** Text given to BM25 and the embedder: the title and heading path give a chunk its context. */
export function indexedTextOf(chunk: Pick<ChunkDraft, "text" | "headingPath" | "indexed">, title: string | undefined): string {
  const path = title && chunk.headingPath[0] !== title ? [title, ...chunk.headingPath] : chunk.headingPath;
  const body = chunk.indexed ?? chunk.text;
  return path.length > 0 ? `${path.join(" > ")}\n${body}` : body;
}
