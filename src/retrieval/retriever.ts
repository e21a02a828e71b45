import type { Embedder } from "../inference/types.js";
import { throwIfAborted } from "../errors/index.js";
import { silentLogger, type Logger } from "../logging/index.js";
import { mergeAdjacentHits } from "./adjacentMerge.js";
import { groupNearDuplicates } from "./nearDuplicates.js";
import { bm25QueryText } from "./queryRewrite.js";
import { LexicalReranker, type Reranker } from "./reranker.js";
import type { KnowledgeStore, SearchFilter, SearchHit } from "./types.js";

export type SearchMode = "hybrid" | "dense" | "bm25";

export interface RetrieverOptions {
  store: KnowledgeStore;
  embedder: Embedder;
  /**
   * Second stage over the fused candidates. Defaults to the LexicalReranker (it raised Recall@1 on
   * the dev eval, see BENCHMARKS.md); `false` turns reranking off.
   */
  reranker?: Reranker | false;
  logger?: Logger;
  /** Candidates fetched from each list before fusion. Defaults to 50. */
  candidates?: number;
  /**
   * Reciprocal rank fusion constant. Defaults to 20: a lower k than the usual 60 lets a passage that
   * one list ranks near the top beat passages both lists rank mediocrely (dev eval, hybrid span
   * Recall@5 +1 to +2 facts of 71 on each of three chunkings, see BENCHMARKS.md).
   */
  rrfK?: number;
  /** RRF weight of the dense list (the BM25 list gets 1 - this). Defaults to 0.5. */
  denseWeight?: number;
  /** Shingle overlap at which two chunks are the same passage. Defaults to 0.8. */
  duplicateThreshold?: number;
  /** Fused candidates handed to the reranker. Defaults to 30. */
  rerankDepth?: number;
  /**
   * Overlapping hits of one document that both make the cut are joined into one span of at most
   * this many characters (0 disables). Defaults to 3000.
   */
  mergeAdjacentMaxChars?: number;
}

export interface SearchRequest {
  collection: string;
  query: string;
  /** Defaults to 8. */
  limit?: number;
  filter?: SearchFilter;
  /** Defaults to "hybrid". */
  mode?: SearchMode;
  signal?: AbortSignal;
}

interface Candidate {
  hit: SearchHit;
  dense?: { score: number; rank: number };
  bm25?: { score: number; rank: number };
}

/**
 * Hybrid retrieval over a KnowledgeStore: dense and BM25 candidates fused with weighted reciprocal
 * rank fusion, near-identical passages collapsed to their best-ranked copy, then an optional reranker.
 * Fusion happens here rather than in the store so every engine gets the same de-duplication and
 * query rewriting.
 */
export class Retriever {
  private readonly store: KnowledgeStore;
  private readonly embedder: Embedder;
  private readonly reranker: Reranker | undefined;
  private readonly logger: Logger;
  private readonly candidates: number;
  private readonly rrfK: number;
  private readonly denseWeight: number;
  private readonly duplicateThreshold: number;
  private readonly rerankDepth: number;
  private readonly mergeMaxChars: number;

  constructor(options: RetrieverOptions) {
    this.store = options.store;
    this.embedder = options.embedder;
    this.reranker = options.reranker === false ? undefined : (options.reranker ?? new LexicalReranker());
    this.logger = options.logger ?? silentLogger();
    this.candidates = options.candidates ?? 50;
    this.rrfK = options.rrfK ?? 20;
    this.denseWeight = options.denseWeight ?? 0.5;
    this.duplicateThreshold = options.duplicateThreshold ?? 0.8;
    this.rerankDepth = options.rerankDepth ?? 30;
    this.mergeMaxChars = options.mergeAdjacentMaxChars ?? 3000;
  }

  async search(request: SearchRequest): Promise<SearchHit[]> {
    const { collection, query, filter, signal } = request;
    const limit = request.limit ?? 8;
    const mode = request.mode ?? "hybrid";
    const started = performance.now();
    throwIfAborted(signal);
    const fetchLimit = Math.max(this.candidates, limit);
    const base = filter ? { collection, limit: fetchLimit, filter } : { collection, limit: fetchLimit };

    let denseHits: SearchHit[] = [];
    let bm25Hits: SearchHit[] = [];
    if (mode !== "bm25") {
      const { vectors } = await this.embedder.embed([query], signal ? { signal } : {});
      throwIfAborted(signal);
      denseHits = await this.store.searchDense({ ...base, text: query, vector: vectors[0]! });
    }
    if (mode !== "dense") {
      // Dense search ignores the vector's absence only for BM25 mode, where none is computed.
      const vector = new Float32Array(this.embedder.dimension);
      bm25Hits = await this.store.searchBm25({ ...base, text: bm25QueryText(query), vector, ...(mode === "hybrid" ? { onlyInformative: true } : {}) });
    }
    throwIfAborted(signal);

    let hits = this.fuse(denseHits, bm25Hits, mode);
    if (this.reranker && hits.length > 1) {
      const head = hits.slice(0, this.rerankDepth);
      hits = [...(await this.reranker.rerank(query, head, signal ? { signal } : {})), ...hits.slice(this.rerankDepth)];
    }
    const result = this.mergeMaxChars > 0 ? mergeAdjacentHits(hits, limit, this.mergeMaxChars) : hits.slice(0, limit);
    this.logger.debug(
      { collection, mode, dense: denseHits.length, bm25: bm25Hits.length, returned: result.length, ms: Math.round(performance.now() - started) },
      "search",
    );
    return result;
  }

  private fuse(denseHits: SearchHit[], bm25Hits: SearchHit[], mode: SearchMode): SearchHit[] {
    const byChunk = new Map<string, Candidate>();
    const add = (list: SearchHit[], key: "dense" | "bm25", scoreOf: (h: SearchHit) => number) => {
      list.forEach((hit, i) => {
        const entry = byChunk.get(hit.chunkId) ?? { hit };
        entry[key] = { score: scoreOf(hit), rank: i + 1 };
        byChunk.set(hit.chunkId, entry);
      });
    };
    add(denseHits, "dense", (h) => h.score.dense ?? h.score.fused);
    add(bm25Hits, "bm25", (h) => h.score.bm25 ?? h.score.fused);

    const weights = mode === "hybrid" ? { dense: this.denseWeight, bm25: 1 - this.denseWeight } : { dense: 1, bm25: 1 };
    const rrf = (rank: number | undefined, w: number) => (rank === undefined ? 0 : w / (this.rrfK + rank));
    const candidates = [...byChunk.values()];

    // Copies of one passage pool their best rank in each list, so a passage found by dense in one
    // file and by BM25 in its copy is still recognised as found by both.
    const order = candidates
      .map((c) => ({ c, pre: rrf(c.dense?.rank, weights.dense) + rrf(c.bm25?.rank, weights.bm25) }))
      .sort((a, b) => b.pre - a.pre);
    const hitAt = (i: number) => order[i]!.c.hit;
    const overlapping = (a: SearchHit, b: SearchHit) => a.documentId === b.documentId && a.start < b.end && b.start < a.end;
    const groups = groupNearDuplicates(
      order.map((o) => o.c.hit.text),
      { threshold: this.duplicateThreshold, groupable: (i, j) => !overlapping(hitAt(i), hitAt(j)) },
    );
    const pooled = new Map<number, { rep: Candidate; denseRank?: number; bm25Rank?: number; dense?: number; bm25?: number }>();
    order.forEach(({ c }, i) => {
      const g = groups[i]!;
      const p = pooled.get(g) ?? { rep: c };
      if (c.dense && (p.denseRank === undefined || c.dense.rank < p.denseRank)) {
        p.denseRank = c.dense.rank;
        p.dense = c.dense.score;
      }
      if (c.bm25 && (p.bm25Rank === undefined || c.bm25.rank < p.bm25Rank)) {
        p.bm25Rank = c.bm25.rank;
        p.bm25 = c.bm25.score;
      }
      pooled.set(g, p);
    });

    return [...pooled.values()]
      .map((p) => {
        const fused = rrf(p.denseRank, weights.dense) + rrf(p.bm25Rank, weights.bm25);
        const score: SearchHit["score"] = { fused };
        if (p.dense !== undefined) score.dense = p.dense;
        if (p.denseRank !== undefined) score.denseRank = p.denseRank;
        if (p.bm25 !== undefined) score.bm25 = p.bm25;
        if (p.bm25Rank !== undefined) score.bm25Rank = p.bm25Rank;
        return { ...p.rep.hit, score };
      })
      .sort((a, b) => b.score.fused - a.score.fused);
  }
}
