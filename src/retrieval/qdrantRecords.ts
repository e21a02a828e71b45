import type { Schemas } from "@qdrant/js-client-rest";
import { z } from "zod";
import { collectionPointId, documentPointId } from "./pointId.js";
import { META_VECTOR } from "./qdrantRequests.js";
import type { DocumentMeta, EmbeddingSignature, SearchHit, StoredDocument } from "./types.js";

/**
 * Lore's metadata lives in Qdrant too (nothing local), in one small meta collection: a record point
 * per Lore collection (its embedding signature) and per document (hash, tags, ACL, and the ingest
 * generation whose chunks are current). Payloads come from another system, so they are parsed.
 */

const collectionRecordSchema = z.object({
  kind: z.literal("collection"),
  collection: z.string(),
  modelId: z.string(),
  sha256: z.string(),
  dimension: z.number().int().positive(),
  createdAt: z.string(),
});
export type CollectionRecord = z.infer<typeof collectionRecordSchema>;

const documentRecordSchema = z.object({
  kind: z.literal("document"),
  collection: z.string(),
  documentId: z.string(),
  generation: z.string(),
  source: z.string(),
  title: z.string().nullable(),
  contentHash: z.string(),
  tags: z.array(z.string()),
  acl: z.array(z.string()),
  metadata: z.record(z.unknown()),
  chunkCount: z.number().int().nonnegative(),
  ingestedAt: z.string(),
});
export type DocumentRecord = z.infer<typeof documentRecordSchema>;

const chunkPayloadSchema = z.object({
  collection: z.string(),
  documentId: z.string(),
  generation: z.string(),
  chunkId: z.string(),
  source: z.string(),
  title: z.string().nullable(),
  headingPath: z.array(z.string()),
  start: z.number(),
  end: z.number(),
  text: z.string(),
});
export type ParsedChunkPayload = z.infer<typeof chunkPayloadSchema>;

export function parseCollectionRecord(payload: unknown): CollectionRecord | undefined {
  const parsed = collectionRecordSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

export function parseDocumentRecord(payload: unknown): DocumentRecord | undefined {
  const parsed = documentRecordSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

export function parseChunkPayload(payload: unknown): ParsedChunkPayload | undefined {
  const parsed = chunkPayloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

export function collectionRecordPoint(name: string, embedding: EmbeddingSignature, createdAt: string): Schemas["PointStruct"] {
  const record: CollectionRecord = {
    kind: "collection",
    collection: name,
    modelId: embedding.modelId,
    sha256: embedding.sha256,
    dimension: embedding.dimension,
    createdAt,
  };
  return { id: collectionPointId(name), vector: META_VECTOR, payload: record };
}

export function documentRecordPoint(document: DocumentMeta, generation: string, chunkCount: number, ingestedAt: string): Schemas["PointStruct"] {
  const record: DocumentRecord = {
    kind: "document",
    collection: document.collection,
    documentId: document.id,
    generation,
    source: document.source,
    title: document.title ?? null,
    contentHash: document.contentHash,
    tags: document.tags,
    acl: document.acl,
    metadata: document.metadata,
    chunkCount,
    ingestedAt,
  };
  return { id: documentPointId(document.collection, document.id), vector: META_VECTOR, payload: record };
}

export function toStoredDocument(record: DocumentRecord): StoredDocument {
  return {
    id: record.documentId,
    collection: record.collection,
    source: record.source,
    title: record.title ?? undefined,
    contentHash: record.contentHash,
    tags: record.tags,
    acl: record.acl,
    metadata: record.metadata,
    chunkCount: record.chunkCount,
    ingestedAt: record.ingestedAt,
  };
}

export function toSearchHit(payload: ParsedChunkPayload, score: SearchHit["score"]): SearchHit {
  return {
    chunkId: payload.chunkId,
    documentId: payload.documentId,
    collection: payload.collection,
    source: payload.source,
    title: payload.title ?? undefined,
    headingPath: payload.headingPath,
    start: payload.start,
    end: payload.end,
    text: payload.text,
    score,
  };
}

/** Filter of the meta collection's records of one kind (optionally of one Lore collection). */
export function recordFilter(kind: "collection" | "document", collection?: string): Schemas["Filter"] {
  const must: Schemas["Condition"][] = [{ key: "kind", match: { value: kind } }];
  if (collection !== undefined) must.push({ key: "collection", match: { value: collection } });
  return { must };
}
