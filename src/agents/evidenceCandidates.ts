import type { SearchHit } from "../retrieval/types.js";
import { splitSentences, type SentenceSpan } from "../verification/index.js";
import { isWrappedProse } from "./textShape.js";

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

// A table-of-contents or index entry ("xts_aes256_encrypt_message(struct . . . . . . 44"): a pointer to a
// page, with no statement to quote.
const LEADER_DOTS = /(?:\.\s?){5,}\s*\d*\s*$/;

// A Markdown heading inside a chunk of merged tiny sections ("## Reset the knowledge store") names a
// section, it states nothing. One "#" is left alone: it is also a root shell prompt ("# journalctl -u ssh").
const MARKDOWN_HEADING = /^#{2,6}\s+\S[^\n]*$/;

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
        if (span.text.length >= minChars && !LEADER_DOTS.test(span.text) && !MARKDOWN_HEADING.test(span.text)) out.push(candidate);
      });
    });
  }
  out.forEach((c, i) => (c.id = i + 1));
  return out;
}

/**
 * A "sentence" spanning several lines is a code block, a listing or a table, unless it is a paragraph
 * wrapped over full lines: each line is its own candidate, so a command line ("# journalctl -u
 * ssh.service") can be quoted without its output.
 */
function splitLines(span: SentenceSpan): SentenceSpan[] {
  if (span.text.split("\n").length <= 2 || isWrappedProse(span)) return [span];
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

/** The sentence just before and the one just after a candidate in its chunk (undefined at the chunk's edges). */
export function adjacent(candidate: EvidenceCandidate): [EvidenceCandidate | undefined, EvidenceCandidate | undefined] {
  const i = candidate.siblings.indexOf(candidate);
  return [candidate.siblings[i - 1], candidate.siblings[i + 1]];
}
