import { z } from "zod/v4";
import { LoreError } from "../errors/index.js";
import { COLLECTION_NAME_MAX_LENGTH, COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE } from "../retrieval/index.js";

/**
 * Request schemas of the HTTP and WebSocket API. The same objects validate input and produce the
 * OpenAPI document (z.toJSONSchema), so what is documented is what is enforced.
 * zod/v4 is used here (not the project's default "zod" v3 import) because only v4 emits JSON Schema.
 */

const collectionName = z
  .string()
  .min(1)
  .max(COLLECTION_NAME_MAX_LENGTH)
  .regex(COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE)
  .describe("Collection name; defaults to the server's default collection (LORE_DEFAULT_COLLECTION).");

export const askOptionsSchema = z
  .object({
    verifyMode: z.enum(["drop", "flag"]).optional().describe("Drop unsupported sentences (default) or keep them flagged."),
    maxSentences: z.number().int().min(1).max(20).optional().describe("Max answer sentences (default 4, or 6 for a question in several parts)."),
    topK: z.number().int().min(1).max(50).optional().describe("Chunks retrieved per step (default 8)."),
    answerMode: z
      .enum(["extractive", "generative"])
      .optional()
      .describe("extractive: verified evidence sentences quoted verbatim; generative: the chat model writes the answer citing [n], each sentence verified before it streams. Defaults to the server's LORE_ANSWER_MODE."),
    maxSteps: z.number().int().min(1).max(8).optional().describe("Max retrieval steps (the whole question plus planned sub-questions)."),
    maxToolCalls: z.number().int().min(1).max(32).optional().describe("Max knowledge_search calls, including abstention probes (default 12)."),
    deadlineMs: z.number().int().min(1000).max(600_000).optional().describe("Wall-clock budget for the question."),
  })
  .strict();

export const conversationIdSchema = z.string().min(1).max(128);

/** ACL groups (a caller's or a document's) and tags: one bound for all, so any group given at upload can be presented. */
const labelsSchema = z.array(z.string().min(1).max(128)).max(64);
const aclGroupsSchema = labelsSchema;
const tagsSchema = labelsSchema;

/** A comma-separated form field or query parameter read as a list with the same bounds as the JSON list. */
const commaList = (list: typeof labelsSchema, maxChars: number) =>
  z
    .string()
    .max(maxChars)
    .transform((value) => value.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(list);

export const askBodySchema = z
  .object({
    question: z.string().trim().min(1).max(4000).describe("The question, in natural language."),
    collection: collectionName.optional(),
    conversationId: conversationIdSchema.optional().describe("Continue a conversation (multi-turn); returned by a previous answer."),
    aclGroups: aclGroupsSchema.optional().describe("Caller's ACL groups: only chunks with an empty ACL or a shared group are used."),
    options: askOptionsSchema.optional(),
  })
  .strict();
export type AskBody = z.infer<typeof askBodySchema>;

export const searchFilterSchema = z
  .object({
    aclGroups: aclGroupsSchema.optional(),
    tags: tagsSchema.optional().describe("All of these tags must be present."),
    documentIds: z.array(z.string().min(1).max(2048)).max(1000).optional(),
  })
  .strict();

export const searchBodySchema = z
  .object({
    query: z.string().trim().min(1).max(4000),
    collection: collectionName.optional(),
    limit: z.number().int().min(1).max(100).optional().describe("Hits to return (default 8)."),
    mode: z.enum(["hybrid", "dense", "bm25"]).optional().describe("Default hybrid (dense + BM25 fused with RRF)."),
    filter: searchFilterSchema.optional(),
  })
  .strict();
export type SearchBody = z.infer<typeof searchBodySchema>;

export const createCollectionBodySchema = z.object({ name: collectionName }).strict();

export const collectionParamSchema = collectionName;

/** Multipart text fields sent next to the uploaded file. */
export const uploadFieldsSchema = z
  .object({
    collection: collectionName.optional(),
    source: z.string().min(1).max(2048).optional().describe("Document id / source URI; defaults to the uploaded file's name."),
    tags: commaList(tagsSchema, 4096).optional().describe("Comma-separated tags (up to 64, each up to 128 characters)."),
    acl: commaList(aclGroupsSchema, 4096).optional().describe("Comma-separated ACL groups allowed to see the document (empty: everyone)."),
  })
  .strict();

export const collectionQuerySchema = z.object({ collection: collectionName.optional() });

// A query string, so short: a request line of 16 KB is the server's limit, and a percent-encoded character takes up to 12 bytes.
const aclGroupList = commaList(aclGroupsSchema, 512);

// Strict: a misspelt or array-encoded ACL parameter ("aclGroups[]=hr") must be refused, not read as no ACL.
export const documentQuerySchema = collectionQuerySchema
  .extend({ aclGroups: aclGroupList.optional().describe("Comma-separated ACL groups of the caller: a document that has ACL groups and shares none of them is not found.") })
  .strict();

const textOffset = z
  .string()
  .regex(/^\d{1,10}$/, "must be a character offset: a whole number, 0 or more")
  .transform(Number);

// A citation's span: only the chunks that overlap it, so showing one quote does not fetch a whole book.
export const documentChunksQuerySchema = documentQuerySchema
  .extend({
    start: textOffset.optional().describe("Only chunks that end after this offset."),
    end: textOffset.optional().describe("Only chunks that start before this offset."),
  })
  .strict()
  .refine((q) => q.start === undefined || q.end === undefined || q.end > q.start, { message: "end must be greater than start", path: ["end"] });

export const wsAskMessageSchema = z
  .object({
    type: z.literal("ask"),
    id: z.string().min(1).max(128).describe("Client-chosen id; every event of this ask carries it."),
    question: askBodySchema.shape.question,
    collection: collectionName.optional(),
    conversationId: askBodySchema.shape.conversationId,
    aclGroups: askBodySchema.shape.aclGroups,
    options: askOptionsSchema.optional(),
  })
  .strict();

export const wsCancelMessageSchema = z.object({ type: z.literal("cancel"), id: z.string().min(1).max(128) }).strict();

export const wsClientMessageSchema = z.discriminatedUnion("type", [wsAskMessageSchema, wsCancelMessageSchema]);
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;

/** One line per problem, "path: message", so a client sees which field is wrong. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** Validates input at the edge; a mismatch is a BAD_REQUEST naming the offending fields. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new LoreError("BAD_REQUEST", `Invalid ${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** A JSON request body; express.json leaves it undefined when the request does not say it is JSON. */
export function parseJsonBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  if (body === undefined) throw new LoreError("BAD_REQUEST", `Invalid ${what}: no JSON body; send one with the header content-type: application/json`);
  return parseInput(schema, body, what);
}
