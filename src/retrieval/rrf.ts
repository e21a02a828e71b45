/** Reciprocal rank fusion (Cormack et al. 2009): robust to the different scales of cosine and BM25. */

export const RRF_K = 60;

export interface RankedId {
  id: number;
  score: number;
}

export interface FusedEntry {
  id: number;
  fused: number;
  dense?: number;
  bm25?: number;
  denseRank?: number;
  bm25Rank?: number;
}

/** Fuses a dense and a BM25 list (each best first); ties keep the dense order. */
export function fuseRrf(dense: RankedId[], bm25: RankedId[], k = RRF_K): FusedEntry[] {
  const byId = new Map<number, FusedEntry>();
  dense.forEach((hit, i) => {
    byId.set(hit.id, { id: hit.id, fused: 1 / (k + i + 1), dense: hit.score, denseRank: i + 1 });
  });
  bm25.forEach((hit, i) => {
    const entry = byId.get(hit.id) ?? { id: hit.id, fused: 0 };
    entry.fused += 1 / (k + i + 1);
    entry.bm25 = hit.score;
    entry.bm25Rank = i + 1;
    byId.set(hit.id, entry);
  });
  return [...byId.values()].sort((a, b) => b.fused - a.fused);
}
