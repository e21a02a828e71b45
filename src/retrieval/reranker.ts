import type { SearchHit } from "./types.js";
import { contentTerms, queryTerms } from "./queryRewrite.js";

/** Reorders fused candidates (best first). A cross-encoder would implement this; none ships offline. */
export interface Reranker {
  rerank(query: string, hits: SearchHit[], options?: { signal?: AbortSignal }): Promise<SearchHit[]>;
}

export interface LexicalRerankerOptions {
  /** Weight of the lexical evidence against the fused rank score, 0..1. Defaults to 0.5. */
  weight?: number;
}

// Crude suffix folding so "quotas"/"quota" and "archiving"/"archive" meet; both sides get the same treatment.
function stem(term: string): string {
  if (term.length <= 4) return term;
  return term.replace(/(?:ies|es|s|ing|ed|ly)$/, "") || term;
}

function termSet(text: string): Set<string> {
  return new Set(queryTerms(text).map(stem));
}

/**
 * A cheap second stage built from signals already at hand: how much of the query's (IDF-weighted)
 * vocabulary the chunk covers, and how much of it a single sentence of the chunk covers (an
 * evidence sentence usually holds most of the question's key words together). IDF is taken over
 * the candidate set, so the reranker needs no corpus statistics.
 */
export class LexicalReranker implements Reranker {
  private readonly weight: number;

  constructor(options: LexicalRerankerOptions = {}) {
    this.weight = options.weight ?? 0.5;
  }

  async rerank(query: string, hits: SearchHit[]): Promise<SearchHit[]> {
    const terms = [...new Set(contentTerms(query).map(stem))];
    if (terms.length === 0 || hits.length === 0) return hits;
    const chunkTerms = hits.map((h) => termSet(`${h.headingPath.join(" ")} ${h.text}`));
    const idf = new Map<string, number>();
    for (const t of terms) {
      const df = chunkTerms.filter((s) => s.has(t)).length;
      idf.set(t, Math.log((hits.length + 1) / (df + 0.5)));
    }
    const total = terms.reduce((sum, t) => sum + idf.get(t)!, 0) || 1;
    const cover = (set: Set<string>) => terms.reduce((sum, t) => sum + (set.has(t) ? idf.get(t)! : 0), 0) / total;
    const maxFused = Math.max(...hits.map((h) => h.score.fused)) || 1;
    const scored = hits.map((hit, i) => {
      const whole = cover(chunkTerms[i]!);
      const sentences = hit.text.split(/(?<=[.!?:;])\s+/);
      const best = Math.max(...sentences.map((s) => cover(termSet(s))));
      const lexical = 0.5 * whole + 0.5 * best;
      const rerank = (1 - this.weight) * (hit.score.fused / maxFused) + this.weight * lexical;
      return { ...hit, score: { ...hit.score, rerank } };
    });
    return scored.sort((a, b) => b.score.rerank - a.score.rerank);
  }
}
