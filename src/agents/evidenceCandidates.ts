import type { SearchHit } from "../retrieval/types.js";
import { splitSentences, type SentenceSpan } from "../verification/index.js";

/** One sentence of a retrieved chunk, located in its document. */
export interface EvidenceCandidate {
  /** 1-based, stable for this question (used as the model's choice id). */
  id: number;
  text: string;
  /** Offsets in the document's extracted text. */
  start: number;
  end: number;
  hit: SearchHit;
  /** Best 0-based rank of the chunk over the steps that retrieved it. */
  chunkRank: number;
  /** Plan steps whose retrieval produced this sentence. */
  stepIds: number[];
  /** Position of the sentence in its chunk (for neighbour context). */
  indexInChunk: number;
  /** Sibling sentences of the same chunk, in order. */
  siblings: EvidenceCandidate[];
}

export interface StepHits {
  stepId: number;
  hits: SearchHit[];
}

export interface CandidateOptions {
  /** Chunks per step whose sentences become candidates. Defaults to 6. */
  chunksPerStep?: number;
  /** Shortest candidate sentence, in characters. Defaults to 12. */
  minChars?: number;
}

/**
 * Cuts the retrieved chunks into located sentences. Overlapping chunks repeat sentences, so a
 * sentence is keyed by (document, start): it keeps the best rank and every step that found it.
 */
export function buildCandidates(steps: readonly StepHits[], options: CandidateOptions = {}): EvidenceCandidate[] {
  const perStep = options.chunksPerStep ?? 6;
  const minChars = options.minChars ?? 12;
  const byKey = new Map<string, EvidenceCandidate>();
  const out: EvidenceCandidate[] = [];
  for (const step of steps) {
    step.hits.slice(0, perStep).forEach((hit, rank) => {
      const siblings: EvidenceCandidate[] = [];
      splitSentences(hit.text, hit.start).flatMap(splitLines).forEach((span, indexInChunk) => {
        const key = `${hit.documentId}\u0000${span.start}`;
        const existing = byKey.get(key);
        if (existing) {
          existing.chunkRank = Math.min(existing.chunkRank, rank);
          if (!existing.stepIds.includes(step.stepId)) existing.stepIds.push(step.stepId);
          siblings.push(existing);
          return;
        }
        const candidate: EvidenceCandidate = { id: 0, text: span.text, start: span.start, end: span.end, hit, chunkRank: rank, stepIds: [step.stepId], indexInChunk, siblings };
        siblings.push(candidate);
        byKey.set(key, candidate);
        if (span.text.length >= minChars) out.push(candidate);
      });
    });
  }
  out.forEach((c, i) => (c.id = i + 1));
  return out;
}

/**
 * A "sentence" spanning several lines is a code block, a listing or a table: each line is its own
 * candidate, so a command line ("# journalctl -u ssh.service") can be quoted without its output.
 */
function splitLines(span: SentenceSpan): SentenceSpan[] {
  if (span.text.split("\n").length <= 2 || isWrappedProse(span.text)) return [span];
  const out: SentenceSpan[] = [];
  let offset = 0;
  for (const line of span.text.split("\n")) {
    const lead = line.length - line.trimStart().length;
    const text = line.trim();
    if (text.length > 0) out.push({ text, start: span.start + offset + lead, end: span.start + offset + lead + text.length });
    offset += line.length + 1;
  }
  return out;
}

/**
 * Whether a sentence is one line of text, or a paragraph hard-wrapped at a fixed width (plain-text
 * manuals and FAQs): every line but its last is a full line of words. Code and listings are not.
 */
export function isWrappedProse(text: string): boolean {
  return text
    .split("\n")
    .slice(0, -1)
    .every((line) => !LISTING_MARK.test(line) && wordsOf(line) >= 6);
}

// A line that starts a list item, a comment, a prompt or a quotation.
const LISTING_MARK = /^\s*(?:[#$>*-]|\d+[.)])\s/;

/** How many words (not code or punctuation) a line holds. */
export function wordsOf(line: string): number {
  return line
    .trim()
    .split(/\s+/)
    .filter((w) => /^[\p{L}'’"“”(]*\p{L}+[\p{L}'’"“”),.;:!?-]*$/u.test(w)).length;
}

// Plain-text manuals wrap their lines at a fixed width (72–80 columns); the text loader joins only the
// wraps it is sure of, so some stay. Text extracted from HTML or Markdown keeps a paragraph on one
// line (longer than any terminal), so a line break there ends a block (a heading, an item).
const WRAP_WIDTH = 100;
const hardWrapped = new WeakMap<SearchHit, boolean>();

/** Whether a chunk's text is hard-wrapped: no line is wider than a terminal, and several are nearly that wide. */
export function isHardWrapped(hit: SearchHit): boolean {
  let wrapped = hardWrapped.get(hit);
  if (wrapped === undefined) {
    const lines = hit.text.split("\n");
    wrapped = lines.every((l) => l.length <= WRAP_WIDTH) && lines.filter((l) => l.trim().length >= 60).length >= 3;
    hardWrapped.set(hit, wrapped);
  }
  return wrapped;
}

/**
 * Whether the line of `hit` that ends at `offset` (document offset) is a full line of a hard-wrapped
 * paragraph, so that the text after the line break continues its paragraph.
 */
export function lineContinues(hit: SearchHit, offset: number): boolean {
  const lineStart = hit.text.lastIndexOf("\n", offset - hit.start - 1) + 1;
  return isHardWrapped(hit) && wordsOf(hit.text.slice(lineStart, offset - hit.start)) >= 6;
}

/** The sentence just before and the one just after a candidate in its chunk (undefined at the chunk's edges). */
export function adjacent(candidate: EvidenceCandidate): [EvidenceCandidate | undefined, EvidenceCandidate | undefined] {
  const i = candidate.siblings.indexOf(candidate);
  return [candidate.siblings[i - 1], candidate.siblings[i + 1]];
}
