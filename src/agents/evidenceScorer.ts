import { containsToken, cosine, keyTokens, stem, words, contentStems } from "../verification/index.js";
import type { EvidenceCandidate } from "./evidenceCandidates.js";
import { neighbours } from "./evidenceCandidates.js";

export interface CandidateScore {
  /** Best cosine similarity to the question or one of its sub-questions. */
  similarity: number;
  /** IDF-weighted fraction of the question's content words in the sentence. */
  lexical: number;
  /** Fraction of the question's identifiers/numbers present verbatim. */
  keyTokens: number;
  /** Best lexical score of the neighbouring sentences (an answer often continues its context). */
  context: number;
  total: number;
}

export interface ScoredCandidate extends EvidenceCandidate {
  score: CandidateScore;
  vector: Float32Array | undefined;
}

export interface ScoringWeights {
  similarity: number;
  lexical: number;
  keyTokens: number;
  context: number;
  rank: number;
}

/** Starting weights; the eval measures them (see BENCHMARKS.md answers-eval). */
export const DEFAULT_WEIGHTS: ScoringWeights = { similarity: 0.5, lexical: 0.35, keyTokens: 0.1, context: 0.1, rank: 0.05 };

export interface ScoreInput {
  question: string;
  /** Normalised vectors: the question first, then sub-questions. */
  queryVectors: Float32Array[];
  candidates: EvidenceCandidate[];
  /** Candidate vectors in candidate order (same length), or undefined when no embedder ran. */
  candidateVectors: (Float32Array | undefined)[];
  weights?: ScoringWeights;
}

function idfTable(candidates: readonly EvidenceCandidate[]): (term: string) => number {
  const chunks = new Map<string, Set<string>>();
  for (const c of candidates) if (!chunks.has(c.hit.chunkId)) chunks.set(c.hit.chunkId, new Set(words(c.hit.text).map(stem)));
  const n = chunks.size;
  const sets = [...chunks.values()];
  const cache = new Map<string, number>();
  return (term) => {
    let v = cache.get(term);
    if (v === undefined) {
      const df = sets.filter((s) => s.has(term)).length;
      v = Math.log(1 + (n + 1) / (df + 0.5));
      cache.set(term, v);
    }
    return v;
  };
}

/**
 * Scores every candidate sentence as an answer to the question. General signals only:
 * meaning (embedding similarity), the question's distinguishing words (IDF over the retrieved
 * chunks, so topic words shared by every chunk weigh little), exact identifiers, the chunk's
 * retrieval rank and the neighbouring sentences. Fragments and headings are damped because they
 * carry no statement to quote.
 */
export function scoreCandidates(input: ScoreInput): ScoredCandidate[] {
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const idf = idfTable(input.candidates);
  const questionStems = contentStems(input.question);
  const totalIdf = questionStems.reduce((s, t) => s + idf(t), 0) || 1;
  const questionKeys = keyTokens(input.question);
  const lexicalOf = (text: string): number => {
    const stems = new Set(words(text).map(stem));
    return questionStems.reduce((s, t) => s + (stems.has(t) ? idf(t) : 0), 0) / totalIdf;
  };
  const lexicalCache = new Map<EvidenceCandidate, number>();
  const lexical = (c: EvidenceCandidate): number => {
    let v = lexicalCache.get(c);
    if (v === undefined) lexicalCache.set(c, (v = lexicalOf(c.text)));
    return v;
  };
  return input.candidates.map((c, i) => {
    const vector = input.candidateVectors[i];
    const similarity = vector ? Math.max(0, ...input.queryVectors.map((q) => cosine(q, vector))) : 0;
    const lex = lexical(c);
    const keys = questionKeys.length === 0 ? 0 : questionKeys.filter((k) => containsToken(c.text, k)).length / questionKeys.length;
    const context = Math.max(0, ...neighbours(c).map(lexical));
    const wordCount = c.text.split(/\s+/).length;
    const fragment = wordCount < 5 || (!/[.!?:;)"”]$/.test(c.text) && wordCount < 9) ? 0.6 : 1;
    const total =
      fragment *
      (weights.similarity * similarity + weights.lexical * lex + weights.keyTokens * keys + weights.context * context + weights.rank / (1 + c.chunkRank));
    return { ...c, vector, score: { similarity, lexical: lex, keyTokens: keys, context, total } };
  });
}

export interface SelectionOptions {
  maxSentences: number;
  /** A further sentence must score at least this fraction of the best one. Defaults to 0.7 (dev set: 0.8 → 0.62 accuracy, 0.7 → 0.68, lower adds nothing). */
  relativeFloor?: number;
  /** Best candidate of each sub-question (scored against that sub-question), added after the overall best. */
  stepBest?: ScoredCandidate[];
}

function sameText(a: string, b: string): boolean {
  const n = (s: string) => s.toLowerCase().replace(/\W+/g, " ").trim();
  return n(a) === n(b);
}

/** Picks the answer sentences: the best one, each sub-question's best, then close runners-up. */
export function selectEvidence(scored: readonly ScoredCandidate[], options: SelectionOptions): ScoredCandidate[] {
  const ranked = [...scored].sort((a, b) => b.score.total - a.score.total);
  const best = ranked[0];
  if (!best) return [];
  const chosen: ScoredCandidate[] = [best];
  const add = (c: ScoredCandidate | undefined) => {
    if (c && chosen.length < options.maxSentences && !chosen.some((x) => x === c || sameText(x.text, c.text))) chosen.push(c);
  };
  for (const c of options.stepBest ?? []) add(scored.find((x) => x.id === c.id));
  const floor = best.score.total * (options.relativeFloor ?? 0.7);
  for (const c of ranked) if (c.score.total >= floor) add(c);
  return chosen;
}

/** Answer order: grouped by document in order of first appearance, in text order within a document. */
export function orderForReading(selected: readonly ScoredCandidate[]): ScoredCandidate[] {
  const docOrder = new Map<string, number>();
  selected.forEach((c, i) => {
    if (!docOrder.has(c.hit.documentId)) docOrder.set(c.hit.documentId, i);
  });
  return [...selected].sort((a, b) => docOrder.get(a.hit.documentId)! - docOrder.get(b.hit.documentId)! || a.start - b.start);
}
