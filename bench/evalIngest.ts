// Corpus ingestion shared by the retrieval eval and the ingest bench: the product's Ingestor on
// the SQLite store, with the embedder and the store's writes wrapped to time each stage.
import { loadConfig } from "../src/config/index.js";
import { loadEmbedder, resolveEmbeddingModel, type Embedder } from "../src/inference/index.js";
import { Ingestor, openSqliteStore, type KnowledgeStore, type SqliteKnowledgeStore } from "../src/retrieval/index.js";

export interface IngestStats {
  documents: number;
  chunks: number;
  failed: number;
  totalMs: number;
  /** Loading, text extraction, chunking (everything that is neither embedding nor store writes). */
  extractMs: number;
  embedMs: number;
  storeMs: number;
}

export interface ChunkingParams {
  chunkSize?: number;
  chunkOverlap?: number;
  contextChars?: number;
}

export async function openEvalEmbedder(): Promise<Embedder> {
  const config = loadConfig({ logLevel: "silent" });
  return loadEmbedder({ model: await resolveEmbeddingModel(config), threads: config.resolvedThreads });
}

export function openEvalStore(path: string, ftsTokenizer?: string): Promise<SqliteKnowledgeStore> {
  return openSqliteStore(ftsTokenizer ? { path, ftsTokenizer } : { path });
}

/** A view of `target` whose method `name` adds its run time to `add`; other members pass through, bound to the target. */
function timed<T extends object>(target: T, name: keyof T & string, add: (ms: number) => void): T {
  return new Proxy(target, {
    get(obj, key) {
      const value = Reflect.get(obj, key, obj) as unknown;
      if (typeof value !== "function") return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(obj);
      if (key !== name) return bound;
      return async (...args: unknown[]) => {
        const t = performance.now();
        try {
          return await bound(...args);
        } finally {
          add(performance.now() - t);
        }
      };
    },
  });
}

export async function ingestDirectory(options: {
  store: KnowledgeStore;
  embedder: Embedder;
  dir: string;
  collection: string;
  chunking?: ChunkingParams;
  onDocument?: (done: number, total: number) => void;
}): Promise<IngestStats> {
  const { store, embedder } = options;
  let embedMs = 0;
  let storeMs = 0;
  const timedEmbedder = timed(embedder, "embed", (ms) => (embedMs += ms));
  const timedStore = timed(store, "replaceDocument", (ms) => (storeMs += ms));
  const ingestor = new Ingestor({ store: timedStore, embedder: timedEmbedder, ...options.chunking });
  const t0 = performance.now();
  const report = await ingestor.ingestPath(options.dir, {
    collection: options.collection,
    ...(options.onDocument ? { onProgress: (p) => options.onDocument!(p.done, p.total) } : {}),
  });
  const totalMs = performance.now() - t0;
  return {
    documents: report.added + report.updated + report.unchanged,
    chunks: report.chunks,
    failed: report.failed,
    totalMs,
    extractMs: totalMs - embedMs - storeMs,
    embedMs,
    storeMs,
  };
}
