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
}

export const DEFAULT_CHUNK_SIZE = 800;
export const DEFAULT_CHUNK_OVERLAP = 120;

interface Span {
  start: number;
  end: number;
  headingPath: string[];
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
  const merged: Span[] = [];
  for (const section of sections) {
    const last = merged[merged.length - 1];
    const small = (s: Span): boolean => s.end - s.start < minChars;
    if (last && (small(last) || small(section)) && section.end - last.start <= maxChars) {
      // A tiny section merged into a substantial one takes that one's path; two tiny ones share theirs.
      const headingPath = !small(last) ? last.headingPath : !small(section) ? section.headingPath : mergedPath(last.headingPath, section.headingPath);
      merged[merged.length - 1] = { start: last.start, end: section.end, headingPath };
    } else {
      merged.push(section);
    }
  }
  return merged;
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

function splitSpan(text: string, span: Span, size: number, overlap: number, out: Span[]): void {
  let [pos, end] = trimSpan(text, span.start, span.end);
  while (pos < end) {
    if (end - pos <= size) {
      out.push({ start: pos, end, headingPath: span.headingPath });
      return;
    }
    const cut = breakPoint(text, pos + Math.floor(size / 2), pos + size);
    const [s, e] = trimSpan(text, pos, cut);
    if (e > s) out.push({ start: s, end: e, headingPath: span.headingPath });
    const next = overlapStart(text, pos, e, Math.min(overlap, Math.floor(size / 3)));
    pos = trimSpan(text, Math.max(next, pos + 1), end)[0];
  }
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
  const spans: Span[] = [];
  for (const section of minSection > 0 ? mergeSmallSections(sections, minSection, size) : sections) {
    splitSpan(doc.text, section, size, overlap, spans);
  }
  return spans.map((s, index) => ({ index, text: doc.text.slice(s.start, s.end), start: s.start, end: s.end, headingPath: s.headingPath }));
}

/** Text given to BM25 and the embedder: the title and heading path give a chunk its context. */
export function indexedTextOf(chunk: Pick<ChunkDraft, "text" | "headingPath">, title: string | undefined): string {
  const path = title && chunk.headingPath[0] !== title ? [title, ...chunk.headingPath] : chunk.headingPath;
  return path.length > 0 ? `${path.join(" > ")}\n${chunk.text}` : chunk.text;
}
