// Corpus ingestion shared by the retrieval eval and the ingest bench: the product's own loaders,
// chunker, embedder and SQLite store, timed per stage.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { loadConfig } from "../src/config/index.js";
import { loadEmbedder, resolveEmbeddingModel, type Embedder } from "../src/inference/index.js";
import { chunkDocument, indexedTextOf, type ChunkOptions } from "../src/retrieval/chunker.js";
import { loadDocument } from "../src/retrieval/loaders/index.js";
import { openSqliteStore, type SqliteKnowledgeStore } from "../src/retrieval/index.js";
import type { ChunkRecord } from "../src/retrieval/types.js";

export interface IngestStats {
  documents: number;
  chunks: number;
  failed: number;
  extractMs: number;
  embedMs: number;
  storeMs: number;
}

export async function openEvalEmbedder(): Promise<Embedder> {
  const config = loadConfig({ logLevel: "silent" });
  return loadEmbedder({ model: await resolveEmbeddingModel(config), threads: config.resolvedThreads });
}

export function openEvalStore(path: string): Promise<SqliteKnowledgeStore> {
  return openSqliteStore({ path });
}

export function corpusFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

export async function ingestDirectory(options: {
  store: SqliteKnowledgeStore;
  embedder: Embedder;
  dir: string;
  collection: string;
  chunking?: ChunkOptions;
  onDocument?: (done: number, total: number) => void;
}): Promise<IngestStats> {
  const { store, embedder, dir, collection } = options;
  await store.ensureCollection(collection, { modelId: embedder.modelId, sha256: embedder.modelSha256, dimension: embedder.dimension });
  const stats: IngestStats = { documents: 0, chunks: 0, failed: 0, extractMs: 0, embedMs: 0, storeMs: 0 };
  const files = corpusFiles(dir);
  for (const [i, file] of files.entries()) {
    let t = performance.now();
    const content = readFileSync(file);
    let doc;
    try {
      doc = await loadDocument(file, content);
    } catch {
      stats.failed++;
      continue;
    }
    const drafts = chunkDocument(doc, options.chunking ?? {});
    const id = relative(dir, file);
    const indexed = drafts.map((d) => indexedTextOf(d, doc.title));
    stats.extractMs += performance.now() - t;
    t = performance.now();
    const { vectors } = await embedder.embed(indexed);
    stats.embedMs += performance.now() - t;
    t = performance.now();
    const chunks: ChunkRecord[] = drafts.map((d, j) => ({ ...d, id: `${id}#${d.index}`, documentId: id, indexedText: indexed[j]!, vector: vectors[j]! }));
    await store.replaceDocument(
      { id, collection, source: file, title: doc.title, contentHash: createHash("sha256").update(content).digest("hex"), tags: [], acl: [], metadata: {} },
      chunks,
    );
    stats.storeMs += performance.now() - t;
    stats.documents++;
    stats.chunks += chunks.length;
    options.onDocument?.(i + 1, files.length);
  }
  return stats;
}
