import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Answerer, ConversationMemory } from "../agents/index.js";
import type { LoreConfig } from "../config/index.js";
import {
  ensureModels,
  loadEmbedder,
  loadGenerationEngine,
  type BatchedGenerationEngine,
  type OnnxEmbedder,
  type PullProgress,
} from "../inference/index.js";
import { silentLogger, type Logger } from "../logging/index.js";
import {
  DocumentParser,
  Ingestor,
  LexicalReranker,
  openKnowledgeStore,
  Retriever,
  type IngestProgress,
  type IngestReport,
  type KnowledgeStore,
} from "../retrieval/index.js";

export type RuntimeProgress =
  | ({ stage: "models" } & PullProgress)
  | { stage: "load"; what: "embedder" | "generator" | "store" }
  | ({ stage: "ingest" } & IngestProgress);

export interface OpenLoreOptions {
  logger?: Logger;
  /** Model pulls, engine loading and knowledge/ ingest, for progress bars. */
  onProgress?: (progress: RuntimeProgress) => void;
  /** Ingest config.knowledgeDir into config.defaultCollection (incrementally). Defaults to true. */
  ingestKnowledge?: boolean;
  /** Override engine options (tests: sequences 1, queueLimit 0). */
  generation?: { sequences?: number; queueLimit?: number; contextSize?: number };
  signal?: AbortSignal;
}

/** Everything Lore runs on, built once per process and closed once. */
export interface LoreRuntime {
  readonly config: LoreConfig;
  readonly logger: Logger;
  readonly embedder: OnnxEmbedder;
  readonly generator: BatchedGenerationEngine;
  readonly store: KnowledgeStore;
  readonly retriever: Retriever;
  readonly ingestor: Ingestor;
  readonly answerer: Answerer;
  /** The answerer's conversation history (in dataDir/conversations.db unless LORE_CONVERSATION_TTL_DAYS=0). */
  readonly conversations: ConversationMemory;
  /** Questions admitted at once (answering + waiting): engine sequences + queue bound. */
  readonly askCapacity: number;
  /** The start-up ingest of knowledge/ (undefined when skipped). */
  readonly knowledgeReport: IngestReport | undefined;
  /** Models loaded and store open (false once closing). */
  ready(): boolean;
  /** Disposes the engines and closes the store; idempotent. Abort in-flight asks first. */
  close(): Promise<void>;
}

/**
 * The composition root: ensure (or pull) models, load both engines, open the store selected by
 * LORE_STORE, ingest knowledge/ incrementally into the default collection, and build the
 * retriever and answerer over them. Anything opened before a failure is closed again.
 */
export async function openLore(config: LoreConfig, options: OpenLoreOptions = {}): Promise<LoreRuntime> {
  const logger = options.logger ?? silentLogger();
  const progress = options.onProgress ?? (() => undefined);
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => logger.warn({ err }, "cleanup failed"));
  };
  try {
    const models = await ensureModels(config, {
      logger,
      onProgress: (p) => progress({ stage: "models", ...p }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    progress({ stage: "load", what: "embedder" });
    const embedder = await loadEmbedder({ model: models.embedding, threads: config.resolvedThreads, logger });
    cleanups.push(() => embedder.dispose());
    progress({ stage: "load", what: "generator" });
    const generation = options.generation ?? {};
    const sequences = generation.sequences ?? config.sequences;
    const contextSize = generation.contextSize ?? config.contextSize;
    const generator = await loadGenerationEngine({
      modelPath: models.chat.path,
      modelId: models.chat.id,
      // Unset LORE_THREADS lets the engine pick cores − 1: llama.cpp's spinning pool collapses when
      // it shares every core with ONNX Runtime and the event loop (measured, see BENCHMARKS.md).
      ...(config.threads !== undefined ? { threads: config.threads } : {}),
      queueLimit: generation.queueLimit ?? config.queueLimit,
      ...(sequences !== undefined ? { sequences } : {}),
      ...(contextSize !== undefined ? { contextSize } : {}),
      logger,
    });
    cleanups.push(() => generator.dispose());
    progress({ stage: "load", what: "store" });
    const store = await openKnowledgeStore(config, logger);
    cleanups.push(() => store.close());

    const parser = new DocumentParser({ timeoutMs: config.parseTimeoutMs });
    cleanups.push(() => parser.close());
    const ingestor = new Ingestor({ store, embedder, chunkSize: config.chunkSize, chunkOverlap: config.chunkOverlap, parser, logger });
    // The default collection always exists, so a fresh server answers (abstains) instead of 404.
    await store.ensureCollection(config.defaultCollection, ingestor.signature);
    const knowledgeReport = await ingestKnowledge(config, ingestor, options, logger, progress);
    const retriever = new Retriever({ store, embedder, reranker: new LexicalReranker(), logger });
    const planner = plannerFor(config.planner, models.chat.path);
    const chooser = sentenceChooserFor(config.chooser, models.chat.path);
    const answerMode = answerModeFor(config.answerMode, models.chat.path);
    const judgeWrittenSentences = verifyJudgeFor(config.verifyJudge, models.chat.path) === "on";
    const trustModelVerdict = modelVerdictFor(config.modelVerdict, models.chat.path) === "on";
    logger.info({ planner, chooser, answerMode, judgeWrittenSentences, trustModelVerdict, chatModel: models.chat.id }, "answering");
    // Its own file, so conversations outlive a restart whichever knowledge engine LORE_STORE picks.
    const ttlDays = config.conversationTtlDays;
    const memory = new ConversationMemory(ttlDays > 0 ? { path: join(config.dataDir, "conversations.db"), ttlDays } : {});
    cleanups.push(async () => memory.close());
    const answerer = new Answerer({ retriever, generator, embedder, logger, verifyMode: config.verifyMode, abstention: { minSimilarity: config.abstainMinSimilarity, trustModelVerdict }, planner, chooser, answerMode, judgeWrittenSentences, memory });

    let closed = false;
    let closing: Promise<void> | undefined;
    return {
      config,
      logger,
      embedder,
      generator,
      store,
      retriever,
      ingestor,
      answerer,
      conversations: memory,
      askCapacity: generator.sequences + (generation.queueLimit ?? config.queueLimit),
      knowledgeReport,
      ready: () => !closed,
      close() {
        closed = true;
        closing ??= cleanup();
        return closing;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function ingestKnowledge(
  config: LoreConfig,
  ingestor: Ingestor,
  options: OpenLoreOptions,
  logger: Logger,
  progress: (p: RuntimeProgress) => void,
): Promise<IngestReport | undefined> {
  if (options.ingestKnowledge === false) return undefined;
  if (!existsSync(config.knowledgeDir)) {
    logger.info({ knowledgeDir: config.knowledgeDir }, "no knowledge folder: nothing ingested at start");
    return undefined;
  }
  const report = await ingestor.ingestPath(config.knowledgeDir, {
    collection: config.defaultCollection,
    onProgress: (p) => progress({ stage: "ingest", ...p }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for (const failed of report.files.filter((f) => f.status === "failed")) {
    logger.warn({ path: failed.path, error: failed.error }, "knowledge file not ingested");
  }
  return report;
}

/** Chat models at least this large (≈1.5B parameters at 4 bits) choose and write better than the scores and quotes alone. */
const CAPABLE_MODEL_MIN_BYTES = 1_000_000_000;

/** An explicit setting as given; "auto" decided by the chat model file's size. */
function bySize<T extends string>(setting: T | "auto", chatModelPath: string, capable: T, small: T): T {
  if (setting !== "auto") return setting;
  try {
    return statSync(chatModelPath).size >= CAPABLE_MODEL_MIN_BYTES ? capable : small;
  } catch {
    return small;
  }
}

/**
 * "auto" asks the chat model to split a multi-part question into search queries only when it is
 * big enough to: on the dev set SmolLM2-135M's plan was usable for 1 of 11 multi-part questions
 * (the rest invalid JSON or off-topic within the 2.5 s it is given), so the rule-based split is
 * used at once instead of after that wait.
 */
export function plannerFor(setting: "auto" | "model" | "rules", chatModelPath: string): "model" | "fallback" {
  return bySize(setting === "rules" ? "fallback" : setting, chatModelPath, "model", "fallback");
}

/**
 * "auto" lets the chat model pick among the top evidence sentences only when it is big enough to
 * help: on the dev set SmolLM2-135M choosing scored 0.65 against 0.68 for the scores alone (and
 * cost 1.4 s), so a user's bigger GGUF improves answers without any setting, and the tiny default
 * never hurts them.
 */
export function sentenceChooserFor(setting: "auto" | "model" | "scores", chatModelPath: string): "model" | "scores" {
  return bySize(setting, chatModelPath, "model", "scores");
}

/**
 * "auto" lets the chat model write the answer (each sentence verified against the evidence it
 * cites) only when it is big enough to write well; the 135M default quotes verified evidence, which
 * measured better than its own writing (BENCHMARKS.md, answers eval).
 */
export function answerModeFor(setting: "auto" | "extractive" | "generative", chatModelPath: string): "extractive" | "generative" {
  return bySize(setting, chatModelPath, "generative", "extractive");
}

/**
 * "auto" lets the chat model's "the evidence does not answer this" verdict (part of its sentence choice)
 * abstain only when it is big enough to judge: the 135M model said "no" for 15 of 20 dev questions, 10
 * of them answered correctly (BENCHMARKS.md, answers eval). Unanswerable questions that name documented
 * things ("How long does dns.lookup() cache a hostname?") need exactly that judgement.
 */
export function modelVerdictFor(setting: "auto" | "on" | "off", chatModelPath: string): "on" | "off" {
  return bySize(setting, chatModelPath, "on", "off");
}

/** "auto" asks the chat model's yes/no on written sentences only when it is big enough to judge: the 135M model's verdicts measured at chance (BENCHMARKS.md verify-signals). */
export function verifyJudgeFor(setting: "auto" | "on" | "off", chatModelPath: string): "on" | "off" {
  return bySize(setting, chatModelPath, "on", "off");
}
