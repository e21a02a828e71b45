import { LoreError } from "../errors/index.js";
import type { EmbeddingSignature } from "./types.js";

/** Checks shared by every engine's ensureCollection before it touches storage. */
export function assertCollectionRequest(name: string, embedding: EmbeddingSignature): void {
  if (!name) throw new LoreError("BAD_REQUEST", "A collection needs a name");
  if (!Number.isInteger(embedding.dimension) || embedding.dimension <= 0) {
    throw new LoreError("BAD_REQUEST", `Invalid embedding dimension ${embedding.dimension}`);
  }
}

/** Refuses to mix vectors of two models in one collection (EMBEDDING_MODEL_MISMATCH). */
export function assertSameEmbedding(collection: string, stored: EmbeddingSignature, requested: EmbeddingSignature): void {
  if (stored.modelId === requested.modelId && stored.sha256 === requested.sha256 && stored.dimension === requested.dimension) return;
  const describe = (s: EmbeddingSignature) => `${s.modelId} (sha256 ${s.sha256.slice(0, 12)}…, ${s.dimension} dimensions)`;
  throw new LoreError(
    "EMBEDDING_MODEL_MISMATCH",
    `Collection "${collection}" was embedded with ${describe(stored)}, not ${describe(requested)}. ` +
      `Vectors of two models are never mixed: re-embed the collection with the new model, or ingest into a new collection.`,
    { details: { collection, stored, requested } },
  );
}
