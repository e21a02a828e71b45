import { ErrorCodes, LoreError, type ErrorCode } from "../errors/index.js";
import type { ServiceDeps } from "../server/index.js";
import type { LoreRuntime } from "./openLore.js";

const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ErrorCodes, code);

/** What the HTTP layer is given: the runtime's objects behind the server's narrow interfaces. */
export function serviceDepsOf(runtime: LoreRuntime): ServiceDeps {
  const { config, logger, answerer, retriever, store, ingestor, generator } = runtime;
  return {
    config,
    logger,
    answerer,
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
        });
        if (result.status === "failed") {
          const code = result.error && isErrorCode(result.error.code) ? result.error.code : "PARSE_FAILED";
          throw new LoreError(code, result.error?.message ?? `${upload.fileName} could not be ingested`);
        }
        return { documentId: result.documentId, collection: upload.collection, status: result.status, chunks: result.chunks };
      },
    },
    createCollection: (name) => store.ensureCollection(name, ingestor.signature),
    engineMetrics: () => generator.metrics(),
    ready: () => runtime.ready(),
  };
}
