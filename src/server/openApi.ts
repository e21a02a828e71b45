import { z } from "zod/v4";
import {
  askResponseSchema,
  collectionInfoSchema,
  errorBodySchema,
  ingestResponseSchema,
  searchResponseSchema,
  storedDocumentSchema,
  documentChunksSchema,
  wsServerEventSchema,
} from "./responseSchemas.js";
import { askBodySchema, collectionParamSchema, conversationIdSchema, createCollectionBodySchema, searchBodySchema, uploadFieldsSchema, wsClientMessageSchema } from "./schemas.js";

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  return rest;
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (name: string): Json => ({ "application/json": { schema: ref(name) } });
const errorResponse = (description: string): Json => ({ description, content: jsonContent("Error") });

const commonErrors: Json = {
  "400": errorResponse("BAD_REQUEST: malformed JSON or invalid fields"),
  "401": errorResponse("UNAUTHORIZED: API key missing or wrong (only when keys are configured)"),
};

const collectionNameSchema = jsonSchema(collectionParamSchema, "input");
const collectionQuery: Json = {
  name: "collection",
  in: "query",
  required: false,
  schema: collectionNameSchema,
  description: "Collection; defaults to the server's default collection.",
};
const aclGroupsQuery: Json = {
  name: "aclGroups",
  in: "query",
  required: false,
  schema: { type: "string", maxLength: 512 },
  description: "Comma-separated ACL groups of the caller: a document that has ACL groups and shares none of them is left out (404 for one document).",
};
const documentIdParam: Json = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", minLength: 1 },
  description: "Document id (its source path or URI as given at ingest), URL-encoded: knowledge%2Finstall.md",
};

export const WS_PROTOCOL_DESCRIPTION = [
  "WebSocket endpoint ws(s)://<host>/v1/chat. Messages are JSON text frames.",
  "Client → server: `{type:'ask', id, question, collection?, conversationId?, aclGroups?, options?}` (schema WsClientMessage) and `{type:'cancel', id}`.",
  "Server → client: events of the ask, each carrying the ask's `id`: `plan`, `retrieval`, `sentence` (a verified sentence with its citations, streamed as soon as it passes verification), then exactly one of `done` (the full AskResponse) or `error` (`{code, message}`; `ABORTED` after a cancel). Schema WsServerEvent.",
  "Several asks may be in flight on one socket; a cancel or a disconnect aborts the ask and frees its generation sequence at once.",
  "A malformed message gets `{type:'error', code:'BAD_REQUEST', message}` (with `id` when one could be read); the socket stays open. Frames over 64 KiB close the socket with code 1009.",
  "Authentication (only when API keys are configured): `Authorization: Bearer <key>` or `x-api-key` on the upgrade request, or — for browsers, which cannot set headers — the subprotocols `['lore.v1', 'lore.key.<key>']` (the server selects `lore.v1`). A missing or wrong key fails the upgrade with 401.",
].join("\n\n");

/** The OpenAPI 3.1 document of every route, built from the schemas the routes validate with. */
export function buildOpenApiDocument(version: string): Json {
  const schemas: Json = {
    AskRequest: jsonSchema(askBodySchema, "input"),
    AskResponse: jsonSchema(askResponseSchema, "output"),
    SearchRequest: jsonSchema(searchBodySchema, "input"),
    SearchResponse: jsonSchema(searchResponseSchema, "output"),
    CreateCollectionRequest: jsonSchema(createCollectionBodySchema, "input"),
    Collection: jsonSchema(collectionInfoSchema, "output"),
    Document: jsonSchema(storedDocumentSchema, "output"),
    DocumentChunks: jsonSchema(documentChunksSchema, "output"),
    IngestResult: jsonSchema(ingestResponseSchema, "output"),
    Error: jsonSchema(errorBodySchema, "output"),
    WsClientMessage: jsonSchema(wsClientMessageSchema, "input"),
    WsServerEvent: jsonSchema(wsServerEventSchema, "output"),
  };
  const uploadSchema = jsonSchema(uploadFieldsSchema, "input") as { properties?: Json };
  return {
    openapi: "3.1.0",
    info: {
      title: "Lore",
      version,
      description: "Self-hosted knowledge service: hybrid retrieval and verified, cited answers.\n\n" + WS_PROTOCOL_DESCRIPTION,
    },
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Required on /v1/* and /metrics only when LORE_API_KEYS is set." },
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
      },
    },
    security: [{}, { bearer: [] }, { apiKey: [] }],
    paths: {
      "/v1/ask": {
        post: {
          summary: "Answer a question with verified, cited sentences (or abstain)",
          requestBody: { required: true, content: jsonContent("AskRequest") },
          responses: {
            "200": { description: "The verified answer", content: jsonContent("AskResponse") },
            ...commonErrors,
            "404": errorResponse("NOT_FOUND: unknown collection"),
            "413": errorResponse("PAYLOAD_TOO_LARGE"),
            "503": { ...errorResponse("OVERLOADED: generation queue full; retry after the Retry-After header's seconds"), headers: { "Retry-After": { schema: { type: "integer" } } } },
            "504": errorResponse("TIMEOUT: not answered within LORE_ASK_TIMEOUT_MS"),
          },
        },
      },
      "/v1/search": {
        post: {
          summary: "Hybrid (dense + BM25) search over a collection",
          requestBody: { required: true, content: jsonContent("SearchRequest") },
          responses: {
            "200": { description: "Ranked hits", content: jsonContent("SearchResponse") },
            ...commonErrors,
            "404": errorResponse("NOT_FOUND: unknown collection"),
            // A filter may list a thousand document ids, so a valid request can outgrow the JSON body limit.
            "413": errorResponse("PAYLOAD_TOO_LARGE: a JSON body over 256 KiB"),
          },
        },
      },
      "/v1/collections": {
        get: {
          summary: "List collections",
          responses: { "200": { description: "Collections", content: { "application/json": { schema: { type: "object", properties: { collections: { type: "array", items: ref("Collection") } } } } } }, ...commonErrors },
        },
        post: {
          summary: "Create a collection (idempotent) bound to the current embedding model",
          requestBody: { required: true, content: jsonContent("CreateCollectionRequest") },
          responses: { "201": { description: "Created", content: jsonContent("Collection") }, "200": { description: "Already existed", content: jsonContent("Collection") }, ...commonErrors, "409": errorResponse("EMBEDDING_MODEL_MISMATCH") },
        },
      },
      "/v1/collections/{name}": {
        parameters: [{ name: "name", in: "path", required: true, schema: collectionNameSchema }],
        get: { summary: "Get a collection", responses: { "200": { description: "The collection", content: jsonContent("Collection") }, ...commonErrors, "404": errorResponse("NOT_FOUND") } },
        delete: { summary: "Delete a collection with all its documents", responses: { "204": { description: "Deleted" }, ...commonErrors, "404": errorResponse("NOT_FOUND") } },
      },
      "/v1/conversations/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: jsonSchema(conversationIdSchema, "input"), description: "The conversationId of an answer" }],
        delete: {
          summary: "Forget a conversation: its questions and answers are deleted and a later question with this id starts afresh",
          responses: { "204": { description: "Deleted" }, ...commonErrors, "404": errorResponse("NOT_FOUND: no conversation with this id is kept") },
        },
      },
      "/v1/documents": {
        get: {
          summary: "List the documents of a collection",
          parameters: [collectionQuery, aclGroupsQuery],
          responses: { "200": { description: "Documents", content: { "application/json": { schema: { type: "object", properties: { documents: { type: "array", items: ref("Document") } } } } } }, ...commonErrors, "404": errorResponse("NOT_FOUND: unknown collection") },
        },
        post: {
          summary: "Upload a file (md, rst, adoc, man page, info, txt, html, pdf, docx, epub, json/jsonl; gzipped too) and ingest it; re-uploading unchanged content does nothing",
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: { type: "object", required: ["file"], properties: { file: { type: "string", format: "binary" }, ...(uploadSchema.properties ?? {}) } },
              },
            },
          },
          responses: {
            "201": { description: "Added or replaced", content: jsonContent("IngestResult") },
            "200": { description: "Unchanged", content: jsonContent("IngestResult") },
            ...commonErrors,
            "413": errorResponse("PAYLOAD_TOO_LARGE: over LORE_MAX_UPLOAD_BYTES"),
            "415": errorResponse("UNSUPPORTED_FORMAT"),
            "422": errorResponse("PARSE_FAILED: the file could not be read"),
          },
        },
      },
      "/v1/documents/{id}": {
        parameters: [documentIdParam, collectionQuery],
        get: { summary: "Get a document's metadata", parameters: [aclGroupsQuery], responses: { "200": { description: "The document", content: jsonContent("Document") }, ...commonErrors, "404": errorResponse("NOT_FOUND") } },
        delete: { summary: "Delete a document with its chunks and vectors", responses: { "204": { description: "Deleted" }, ...commonErrors, "404": errorResponse("NOT_FOUND") } },
      },
      "/v1/documents/{id}/chunks": {
        parameters: [
          documentIdParam,
          collectionQuery,
          aclGroupsQuery,
          { name: "start", in: "query", required: false, schema: { type: "string", pattern: "^\\d{1,10}$" }, description: "Only chunks that end after this character offset (a citation's start)." },
          { name: "end", in: "query", required: false, schema: { type: "string", pattern: "^\\d{1,10}$" }, description: "Only chunks that start before this character offset (a citation's end); greater than start." },
        ],
        get: {
          summary: "A document's chunks in text order: the extracted text that citations' chunkId, start and end point into",
          responses: {
            "200": { description: "The chunks", content: jsonContent("DocumentChunks") },
            ...commonErrors,
            "404": errorResponse("NOT_FOUND"),
            "503": errorResponse("STORE_UNAVAILABLE: the document kept changing while it was read (Qdrant); try again"),
          },
        },
      },
      "/v1/chat": {
        get: {
          summary: "WebSocket chat (upgrade): streamed verified sentences",
          description: WS_PROTOCOL_DESCRIPTION,
          responses: {
            "101": { description: "Switching protocols; then JSON messages WsClientMessage → WsServerEvent" },
            "400": errorResponse("BAD_REQUEST: a plain GET without a WebSocket upgrade"),
            "401": errorResponse("UNAUTHORIZED"),
          },
        },
      },
      "/healthz": { get: { summary: "Liveness", security: [], responses: { "200": { description: "Process is alive" } } } },
      "/readyz": { get: { summary: "Readiness: models loaded and store open", security: [], responses: { "200": { description: "Ready" }, "503": { description: "Starting or shutting down" } } } },
      "/metrics": { get: { summary: "Prometheus metrics (text exposition format)", responses: { "200": { description: "Metrics", content: { "text/plain": { schema: { type: "string" } } } } } } },
      "/openapi.json": { get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1" } } } },
      "/": { get: { summary: "Web chat page", security: [], responses: { "200": { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } } } },
    },
  };
}
