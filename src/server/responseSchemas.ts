import { z } from "zod/v4";

/**
 * Shapes of what the API returns, for the OpenAPI document only (responses are built from the
 * agents'/retrieval's typed objects, not re-validated). Kept next to the request schemas so the
 * document has one source.
 */

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe("Stable code: BAD_REQUEST, UNAUTHORIZED, NOT_FOUND, PAYLOAD_TOO_LARGE, UNSUPPORTED_FORMAT, OVERLOADED, …"),
    message: z.string(),
  }),
});

export const citationSchema = z.object({
  n: z.number().int().describe("1-based number used as [n] in the answer."),
  chunkId: z.string(),
  documentId: z.string(),
  source: z.string().describe("The ingested file's path or URI as given at ingest."),
  headingPath: z.array(z.string()),
  start: z.number().int().describe("Character offset of the quoted span in the document's extracted text."),
  end: z.number().int(),
  quote: z.string(),
});

export const verifiedSentenceSchema = z.object({
  text: z.string(),
  support: z.number().min(0).max(1),
  supported: z.boolean(),
  citations: z.array(citationSchema),
});

export const planSchema = z.object({
  kind: z.enum(["single", "decomposed"]),
  steps: z.array(z.object({ id: z.number().int(), query: z.string(), reason: z.string().optional(), focus: z.string().optional() })),
  source: z.enum(["model", "fallback"]),
});

export const scorePartsSchema = z.object({
  dense: z.number().optional(),
  bm25: z.number().optional(),
  denseRank: z.number().int().optional(),
  bm25Rank: z.number().int().optional(),
  fused: z.number(),
  rerank: z.number().optional(),
});

export const askResponseSchema = z.object({
  conversationId: z.string(),
  answer: z.string(),
  abstained: z.boolean().describe("True when nothing in the knowledge base supports an answer."),
  sentences: z.array(verifiedSentenceSchema),
  citations: z.array(citationSchema),
  verification: z.object({ drafted: z.number().int(), kept: z.number().int(), dropped: z.number().int() }),
  closestSources: z.array(z.object({ documentId: z.string(), source: z.string(), headingPath: z.array(z.string()) })),
  trace: z.array(z.object({ type: z.enum(["plan", "tool", "limit", "verify", "generate"]), at: z.number(), data: z.record(z.string(), z.unknown()) })),
  usage: z.object({
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    firstSentenceMs: z.number().nullable(),
    totalMs: z.number(),
  }),
});

export const searchHitSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  collection: z.string(),
  source: z.string(),
  title: z.string().optional(),
  headingPath: z.array(z.string()),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
  score: scorePartsSchema,
});

export const searchResponseSchema = z.object({ hits: z.array(searchHitSchema) });

export const collectionInfoSchema = z.object({
  name: z.string(),
  embedding: z.object({ modelId: z.string(), sha256: z.string(), dimension: z.number().int() }),
  documentCount: z.number().int(),
  chunkCount: z.number().int(),
  createdAt: z.string(),
});

export const storedDocumentSchema = z.object({
  id: z.string(),
  collection: z.string(),
  source: z.string(),
  title: z.string().optional(),
  contentHash: z.string(),
  tags: z.array(z.string()),
  acl: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  chunkCount: z.number().int(),
  ingestedAt: z.string(),
});

export const documentChunksSchema = z.object({
  documentId: z.string(),
  collection: z.string(),
  source: z.string(),
  chunks: z.array(
    z.object({
      chunkId: z.string().describe("The id citations carry."),
      headingPath: z.array(z.string()),
      start: z.number().int().describe("Offset of the chunk in the document's extracted text (the offsets citations use)."),
      end: z.number().int(),
      text: z.string().describe("Exactly the extracted text from start to end; neighbouring chunks may overlap."),
    }),
  ),
});

export const ingestResponseSchema = z.object({
  documentId: z.string(),
  collection: z.string(),
  status: z.string().describe("added, updated or unchanged"),
  chunks: z.number().int(),
});

const askIdField = z.string().describe("The id of the ask this event belongs to.");

/** Server → client messages on /v1/chat: the AskEvent stream, each event tagged with its ask id. */
export const wsServerEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("plan"), id: askIdField, plan: planSchema }),
  z.object({
    type: z.literal("retrieval"),
    id: askIdField,
    step: z.number().int(),
    query: z.string(),
    hits: z.array(searchHitSchema.pick({ chunkId: true, documentId: true, source: true, headingPath: true, score: true })),
  }),
  z.object({ type: z.literal("sentence"), id: askIdField, index: z.number().int(), sentence: verifiedSentenceSchema }),
  z.object({ type: z.literal("done"), id: askIdField, response: askResponseSchema }),
  z.object({
    type: z.literal("error"),
    id: askIdField.optional().describe("Absent when the message could not be attributed to an ask (e.g. malformed JSON)."),
    code: z.string(),
    message: z.string(),
    retryAfter: z.number().optional().describe("Seconds to wait before retrying (OVERLOADED)."),
  }),
]);
