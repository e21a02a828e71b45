import { cpus } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { LoreError } from "../errors/index.js";
import { collectionNameSchema } from "../retrieval/collectionName.js";

// A switch is on or off; anything else ("maybe", "ture") is refused rather than read as on.
const bool = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
  if (typeof v === "boolean") return v;
  const word = v.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(word)) return true;
  if (["0", "false", "no", "off"].includes(word)) return false;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected one of true, false, 1, 0, yes, no, on, off (got "${v}")` });
  return z.NEVER;
});
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));

/**
 * Every setting Lore reads, with its environment variable and default.
 * The README's configuration table is this object; keep both in step.
 */
const configSchema = z.object({
  host: z.string().default("127.0.0.1"),
  port: int(0, 65535).default(8080),
  dataDir: z.string().default("./data"),
  dbPath: z.string().optional(),
  modelsDir: z.string().optional(),
  autoPull: bool.default(true),
  embeddingModel: z.string().default("all-minilm-l6-v2"),
  chatModel: z.string().default("smollm2-135m-instruct"),
  chatModelPath: z.string().optional(),
  embeddingModelDir: z.string().optional(),
  threads: int(1, 256).optional(),
  sequences: int(1, 64).optional(),
  contextSize: int(256, 131072).optional(),
  queueLimit: int(0, 10000).default(32),
  store: z.enum(["sqlite", "qdrant"]).default("sqlite"),
  qdrantUrl: z.string().url().optional(),
  qdrantApiKey: z.string().optional(),
  knowledgeDir: z.string().default("./knowledge"),
  defaultCollection: collectionNameSchema.default("default"),
  apiKeys: list.default(""),
  verifyMode: z.enum(["drop", "flag"]).default("drop"),
  planner: z.enum(["auto", "model", "rules"]).default("auto"),
  chooser: z.enum(["auto", "model", "scores"]).default("auto"),
  answerMode: z.enum(["auto", "extractive", "generative"]).default("auto"),
  verifyJudge: z.enum(["auto", "on", "off"]).default("auto"),
  /** Whether the chat model's "the evidence does not answer this" verdict (given when it chooses sentences) makes Lore abstain. */
  modelVerdict: z.enum(["auto", "on", "off"]).default("auto"),
  /** Abstain when the best evidence sentence's cosine similarity to the question is below this (calibrate per corpus with eval:answers). */
  abstainMinSimilarity: z.coerce.number().min(-1).max(1).default(0.3),
  chunkSize: int(100, 20000).default(800),
  chunkOverlap: int(0, 5000).default(120),
  maxUploadBytes: int(1024, 1024 ** 3).default(25 * 1024 * 1024),
  askTimeoutMs: int(1000, 600000).default(60000),
  /** A file whose parsing (in a worker thread) takes longer is skipped as PARSE_FAILED. */
  parseTimeoutMs: int(1000, 3600000).default(120000),
  /** Days a conversation is kept (in dataDir/conversations.db) after its last turn; 0 keeps conversations in memory only. */
  conversationTtlDays: int(0, 36500).default(30),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type LoreConfig = z.infer<typeof configSchema> & {
  /** Absolute path of the SQLite file (dbPath or dataDir/lore.db). */
  resolvedDbPath: string;
  /** Threads for llama.cpp and onnxruntime; defaults to the core count (they never run at once on the hot path). */
  resolvedThreads: number;
};

/** Environment variable → config key. */
export const ENV_VARS: Record<string, keyof z.input<typeof configSchema>> = {
  LORE_HOST: "host",
  LORE_PORT: "port",
  LORE_DATA_DIR: "dataDir",
  LORE_DB_PATH: "dbPath",
  LORE_MODELS_DIR: "modelsDir",
  LORE_AUTO_PULL: "autoPull",
  LORE_EMBEDDING_MODEL: "embeddingModel",
  LORE_CHAT_MODEL: "chatModel",
  LORE_CHAT_MODEL_PATH: "chatModelPath",
  LORE_EMBEDDING_MODEL_DIR: "embeddingModelDir",
  LORE_THREADS: "threads",
  LORE_SEQUENCES: "sequences",
  LORE_CONTEXT_SIZE: "contextSize",
  LORE_QUEUE_LIMIT: "queueLimit",
  LORE_STORE: "store",
  QDRANT_URL: "qdrantUrl",
  QDRANT_API_KEY: "qdrantApiKey",
  LORE_KNOWLEDGE_DIR: "knowledgeDir",
  LORE_DEFAULT_COLLECTION: "defaultCollection",
  LORE_API_KEYS: "apiKeys",
  LORE_VERIFY_MODE: "verifyMode",
  LORE_PLANNER: "planner",
  LORE_ABSTAIN_MIN_SIMILARITY: "abstainMinSimilarity",
  LORE_CHOOSER: "chooser",
  LORE_ANSWER_MODE: "answerMode",
  LORE_VERIFY_JUDGE: "verifyJudge",
  LORE_MODEL_VERDICT: "modelVerdict",
  LORE_CHUNK_SIZE: "chunkSize",
  LORE_CHUNK_OVERLAP: "chunkOverlap",
  LORE_MAX_UPLOAD_BYTES: "maxUploadBytes",
  LORE_ASK_TIMEOUT_MS: "askTimeoutMs",
  LORE_PARSE_TIMEOUT_MS: "parseTimeoutMs",
  LORE_CONVERSATION_TTL_DAYS: "conversationTtlDays",
  LORE_LOG_LEVEL: "logLevel",
};

/** Reads configuration from the environment (plus explicit overrides). The only reader of process.env in src/. */
export function loadConfig(overrides: Partial<z.input<typeof configSchema>> = {}, env: NodeJS.ProcessEnv = process.env): LoreConfig {
  const raw: Record<string, unknown> = {};
  const envNameOf = new Map<string, string>();
  for (const [name, key] of Object.entries(ENV_VARS)) {
    const value = env[name];
    if (value !== undefined && value !== "" && !(key in overrides)) {
      raw[key] = value;
      envNameOf.set(key, name);
    }
  }
  const parsed = configSchema
    .superRefine((c, ctx) => {
      // Only an overlap the user set: the default (120) under a small LORE_CHUNK_SIZE is clamped by the chunker.
      const overlapSet = "chunkOverlap" in raw || overrides.chunkOverlap !== undefined;
      if (overlapSet && c.chunkOverlap >= c.chunkSize) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["chunkOverlap"], message: `must be smaller than the chunk size (${c.chunkSize}, LORE_CHUNK_SIZE)` });
    })
    .safeParse({ ...raw, ...overrides });
  if (!parsed.success) {
    // Name the environment variable the user actually set, not only the internal key.
    const problems = parsed.error.issues
      .map((i) => {
        const key = i.path.join(".");
        const name = envNameOf.get(key);
        return `${name ? `${name} (${key})` : key}: ${i.message}`;
      })
      .join("; ");
    throw new LoreError("CONFIG_INVALID", `Invalid configuration: ${problems}`);
  }
  const config = parsed.data;
  return {
    ...config,
    resolvedDbPath: resolve(config.dbPath ?? `${config.dataDir}/lore.db`),
    resolvedThreads: config.threads ?? Math.max(1, Math.min(cpus().length, 8)),
  };
}

/** Read-only view of environment variables the tests/benchmarks may use (kept here so src/ has one reader). */
export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}
