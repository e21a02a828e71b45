import { isErrorCode, LoreError } from "../errors/index.js";
import type { EngineMetrics, TextGenerator } from "../inference/types.js";
import type { ServiceDeps } from "../server/index.js";
import type { LoreRuntime } from "./openLore.js";


/** The parts of a runtime the server uses; a generator-less pipeline (scores only) is enough. */
export type ServedRuntime = Pick<LoreRuntime, "config" | "logger" | "answerer" | "conversations" | "retriever" | "store" | "ingestor" | "askCapacity" | "ready"> & {
  generator?: Pick<TextGenerator, "metrics">;
};

const IDLE_ENGINE: EngineMetrics = {
  queueDepth: 0,
  activeSequences: 0,
  sequences: 0,
  completedRequests: 0,
  rejectedRequests: 0,
  completionTokens: 0,
  promptTokens: 0,
  recentTokensPerSecond: 0,
  lastTtftMs: 0,
};

/** What the HTTP layer is given: the runtime's objects behind the server's narrow interfaces. */
export function serviceDepsOf(runtime: ServedRuntime): ServiceDeps {
  const { config, logger, answerer, retriever, store, ingestor, generator } = runtime;
  return {
    config,
    logger,
    answerer,
    conversations: runtime.conversations,
    retriever,
    store,
    askCapacity: runtime.askCapacity,
    ingestor: {
      async ingestContent(upload) {
        const result = await ingestor.ingestContent({
          collection: upload.collection,
          source: upload.source,
          fileName: upload.fileName,
          content: upload.content,
          tags: upload.tags,
          acl: upload.acl,
          ...(upload.signal ? { signal: upload.signal } : {}),
        });
        if (result.status === "failed") {
          const code = result.error && isErrorCode(result.error.code) ? result.error.code : "PARSE_FAILED";
          throw new LoreError(code, result.error?.message ?? `${upload.fileName} could not be ingested`);
        }
        return { documentId: result.documentId, collection: upload.collection, status: result.status, chunks: result.chunks };
      },
    },
    createCollection: (name) => store.ensureCollection(name, ingestor.signature),
    engineMetrics: () => generator?.metrics() ?? IDLE_ENGINE,
    ready: () => runtime.ready(),
  };
}
