import type { Schemas } from "@qdrant/js-client-rest";
import { chunkPointId } from "./pointId.js";
import { RRF_K } from "./rrf.js";
import type { ChunkRecord, DocumentMeta, SearchFilter } from "./types.js";

/**
 * Request bodies of the Qdrant engine, as pure functions so their shapes are unit-tested without a
 * server. Shapes follow /work/shared/QDRANT-NOTES.md (checked against a real Qdrant 1.18).
 */

export const DENSE_VECTOR = "dense";
export const BM25_VECTOR = "bm25";
/** Qdrant computes BM25 sparse vectors server-side from text with this model (IDF from the collection's modifier). */
export const BM25_MODEL = "qdrant/bm25";
/** Payload fields filtered on; each gets a keyword index. */
// `generation` is filtered on when a replace deletes the superseded chunks: Qdrant Cloud's strict
// mode (on by default there) refuses filtered updates on fields without a payload index.
export const CHUNK_INDEXED_FIELDS = ["collection", "acl", "tags", "documentId", "generation"] as const;
export const META_INDEXED_FIELDS = ["kind", "collection"] as const;

export function createChunkCollectionBody(dimension: number): Schemas["CreateCollection"] {
  return {
    vectors: { [DENSE_VECTOR]: { size: dimension, distance: "Cosine" } },
    sparse_vectors: { [BM25_VECTOR]: { modifier: "idf" } },
  };
}

/**
 * Whether an existing Qdrant collection has the layout `createChunkCollectionBody(dimension)` makes (of
 * any dimension when none is given), read from its `config.params` (GET /collections/{name}).
 */
export function hasChunkCollectionLayout(params: Schemas["CollectionParams"] | undefined, dimension?: number): boolean {
  const vectors = params?.vectors;
  const dense = vectors && typeof vectors === "object" && DENSE_VECTOR in vectors ? (vectors as Record<string, Schemas["VectorParams"]>)[DENSE_VECTOR] : undefined;
  const size = dense?.size;
  return size !== undefined && (dimension === undefined || size === dimension) && dense?.distance === "Cosine" && params?.sparse_vectors?.[BM25_VECTOR]?.modifier === "idf";
}

/** The meta collection only stores records (payload); its 1-d vector exists because a point needs one. */
export function createMetaCollectionBody(): Schemas["CreateCollection"] {
  return { vectors: { size: 1, distance: "Dot" } };
}

export const META_VECTOR = [1];

/** Payload of a chunk point: everything a SearchHit needs, plus the fields filters match on. */
export interface ChunkPayload {
  kind: "chunk";
  collection: string;
  documentId: string;
  generation: string;
  chunkId: string;
  index: number;
  source: string;
  title: string | null;
  headingPath: string[];
  start: number;
  end: number;
  text: string;
  acl: string[];
  tags: string[];
}

export function chunkPoint(document: DocumentMeta, chunk: ChunkRecord, generation: string): Schemas["PointStruct"] {
  const payload: ChunkPayload = {
    kind: "chunk",
    collection: document.collection,
    documentId: document.id,
    generation,
    chunkId: chunk.id,
    index: chunk.index,
    source: document.source,
    title: document.title ?? null,
    headingPath: chunk.headingPath,
    start: chunk.start,
    end: chunk.end,
    text: chunk.text,
    acl: document.acl,
    tags: document.tags,
  };
  return {
    id: chunkPointId(document.id, generation, chunk.index),
    vector: {
      [DENSE_VECTOR]: Array.from(chunk.vector),
      [BM25_VECTOR]: { text: chunk.indexedText, model: BM25_MODEL },
    },
    payload: payload as unknown as Record<string, unknown>,
  };
}

const matchValue = (key: string, value: string): Schemas["FieldCondition"] => ({ key, match: { value } });

/**
 * The chunk filter of a search. ACL: a chunk is visible when it shares a group with the caller or
 * has no ACL at all (`is_empty` matches a missing field, null and []), hence a nested `should`.
 * Tags: every tag must be present, one `match` each. An empty `documentIds` list matches nothing;
 * callers short-circuit it (see `matchesNothing`) rather than send `any: []`.
 */
export function chunkFilter(collection: string, filter: SearchFilter | undefined): Schemas["Filter"] {
  const must: Schemas["Condition"][] = [matchValue("collection", collection)];
  if (filter?.aclGroups) {
    const should: Schemas["Condition"][] = [];
    if (filter.aclGroups.length > 0) should.push({ key: "acl", match: { any: filter.aclGroups } });
    should.push({ is_empty: { key: "acl" } });
    must.push({ should });
  }
  for (const tag of filter?.tags ?? []) must.push(matchValue("tags", tag));
  if (filter?.documentIds && filter.documentIds.length > 0) must.push({ key: "documentId", match: { any: filter.documentIds } });
  return { must };
}

/** A filter no point can pass: an explicit empty list of documents. */
export function matchesNothing(filter: SearchFilter | undefined): boolean {
  return filter?.documentIds !== undefined && filter.documentIds.length === 0;
}

/** BM25 on text without a letter or digit has no terms: skip the request instead of asking for nothing. */
export function hasSearchableTerms(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

export interface SearchRequestInput {
  collection: string;
  text: string;
  vector: Float32Array;
  limit: number;
  filter?: SearchFilter;
}

export function denseQueryBody(input: SearchRequestInput): Schemas["QueryRequest"] {
  return {
    query: Array.from(input.vector),
    using: DENSE_VECTOR,
    filter: chunkFilter(input.collection, input.filter),
    limit: input.limit,
    with_payload: true,
  };
}

export function bm25QueryBody(input: Omit<SearchRequestInput, "vector">): Schemas["QueryRequest"] {
  return {
    query: { text: input.text, model: BM25_MODEL },
    using: BM25_VECTOR,
    filter: chunkFilter(input.collection, input.filter),
    limit: input.limit,
    with_payload: true,
  };
}

/**
 * One Query API round trip: dense and BM25 prefetches fused by Qdrant's RRF. Qdrant scores a
 * 0-based position p as 1 / (k + p); sending k = RRF_K + 1 gives 1 / (60 + rank) with 1-based
 * ranks, the SQLite engine's fused score exactly. The top-level filter applies inside every
 * prefetch (verified on 1.18), so ACL holds at every stage.
 */
export function hybridQueryBody(input: SearchRequestInput & { depth: number }): Schemas["QueryRequest"] {
  return {
    prefetch: [
      { query: Array.from(input.vector), using: DENSE_VECTOR, limit: input.depth },
      { query: { text: input.text, model: BM25_MODEL }, using: BM25_VECTOR, limit: input.depth },
    ],
    query: { rrf: { k: RRF_K + 1 } },
    filter: chunkFilter(input.collection, input.filter),
    limit: input.limit,
    with_payload: true,
  };
}
