import { Router, type RequestHandler } from "express";
import multer from "multer";
import { LoreError } from "../../errors/index.js";
import { requireCollection } from "../askLifecycle.js";
import type { ServiceDeps } from "../deps.js";
import type { StoredDocument } from "../../retrieval/index.js";
import { collectionQuerySchema, documentChunksQuerySchema, documentQuerySchema, parseInput, uploadFieldsSchema } from "../schemas.js";
import { onHangUp } from "./hangUp.js";

/**
 * ACL groups apply as in search: with the caller's groups, a document that has groups and shares none
 * is hidden, and a caller cannot tell a hidden document from a missing one. Without them, all are seen.
 */
const visibleTo =
  (groups: readonly string[] | undefined) =>
  (document: StoredDocument): boolean =>
    groups === undefined || document.acl.length === 0 || document.acl.some((g) => groups.includes(g));

/**
 * /v1/documents: multipart upload (field "file") ingested into a collection (created on first
 * upload), list, get and delete. Document ids are source URIs and may contain "/": clients
 * URL-encode them in the path.
 */
export function documentRoutes(deps: ServiceDeps): Router {
  const router = Router();
  // Memory storage: the ingestor parses from a buffer and the size limit bounds what is held.
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 8, fieldSize: 8192, parts: 10 },
  });
  const parseUpload = upload.single("file");
  // busboy and multer report a malformed body (no boundary, a bad part header, an empty field name,
  // a truncated form) as errors without a status: that is the client's input, not a server fault.
  // Limit errors (LIMIT_*) keep their own mapping (413 / 400) in errorMapping.
  const singleFile: RequestHandler = (req, res, next) => {
    parseUpload(req, res, (error?: unknown) => {
      if (error instanceof Error && !(error instanceof multer.MulterError && error.code.startsWith("LIMIT_"))) {
        next(new LoreError("BAD_REQUEST", `Malformed multipart/form-data body: ${error.message}`, { cause: error }));
        return;
      }
      if (error instanceof multer.MulterError && error.code === "LIMIT_FILE_SIZE") {
        next(new LoreError("PAYLOAD_TOO_LARGE", `File too large: the limit is ${deps.config.maxUploadBytes} bytes (LORE_MAX_UPLOAD_BYTES)`, { cause: error }));
        return;
      }
      next(error);
    });
  };

  router.post("/v1/documents", singleFile, async (req, res) => {
    const file = req.file;
    if (!file) throw new LoreError("BAD_REQUEST", 'Send the document as multipart/form-data in a field named "file"');
    const fields = parseInput(uploadFieldsSchema, { ...(req.body as Record<string, unknown>) }, "upload fields");
    // A client that hangs up frees the parser and the embedder for the next upload.
    const hungUp = new AbortController();
    const stopWatching = onHangUp(res, () => hungUp.abort());
    try {
      const result = await deps.ingestor.ingestContent({
        collection: fields.collection ?? deps.config.defaultCollection,
        source: fields.source ?? file.originalname,
        fileName: file.originalname,
        content: file.buffer,
        mimeType: file.mimetype,
        tags: fields.tags ?? [],
        acl: fields.acl ?? [],
        signal: hungUp.signal,
      });
      res.status(result.status === "unchanged" ? 200 : 201).json(result);
    } finally {
      stopWatching();
    }
  });

  router.get("/v1/documents", async (req, res) => {
    const query = parseInput(documentQuerySchema, req.query, "query");
    const collection = await requireCollection(deps, query.collection);
    res.json({ documents: (await deps.store.listDocuments(collection)).filter(visibleTo(query.aclGroups)) });
  });

  router.get("/v1/documents/:id", async (req, res) => {
    const query = parseInput(documentQuerySchema, req.query, "query");
    const collection = await requireCollection(deps, query.collection);
    const id = req.params["id"] ?? "";
    const document = await deps.store.getDocument(collection, id);
    if (!document || !visibleTo(query.aclGroups)(document)) throw new LoreError("NOT_FOUND", `Document "${id}" is not in collection "${collection}"`);
    res.json(document);
  });

  // The chunks are the document's extracted text as indexed: a citation's chunkId, start and end point
  // into them, so a client can show a quote in its context.
  router.get("/v1/documents/:id/chunks", async (req, res) => {
    const query = parseInput(documentChunksQuerySchema, req.query, "query");
    const collection = await requireCollection(deps, query.collection);
    const id = req.params["id"] ?? "";
    const found = await deps.store.getDocumentChunks(collection, id);
    if (!found || !visibleTo(query.aclGroups)(found.document)) throw new LoreError("NOT_FOUND", `Document "${id}" is not in collection "${collection}"`);
    const from = query.start ?? 0;
    const to = query.end ?? Number.POSITIVE_INFINITY;
    const chunks = found.chunks.filter((c) => c.end > from && c.start < to);
    res.json({ documentId: id, collection, source: found.document.source, chunks: chunks.map(({ chunkId, headingPath, start, end, text }) => ({ chunkId, headingPath, start, end, text })) });
  });

  router.delete("/v1/documents/:id", async (req, res) => {
    const query = parseInput(collectionQuerySchema, req.query, "query");
    const collection = await requireCollection(deps, query.collection);
    const id = req.params["id"] ?? "";
    if (!(await deps.store.deleteDocument(collection, id))) {
      throw new LoreError("NOT_FOUND", `Document "${id}" is not in collection "${collection}"`);
    }
    res.status(204).end();
  });

  return router;
}
