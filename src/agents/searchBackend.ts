import type { SearchFilter, SearchHit } from "../retrieval/types.js";

/** What the orchestrator needs from retrieval: the `Retriever` of src/retrieval satisfies it. */
export interface SearchBackend {
  search(request: { collection: string; query: string; limit?: number; filter?: SearchFilter; signal?: AbortSignal; mode?: "hybrid" | "dense" | "bm25" }): Promise<SearchHit[]>;
}
