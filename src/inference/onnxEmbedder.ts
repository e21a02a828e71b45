import { availableParallelism } from "node:os";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { LoreError, throwIfAborted } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import { EmbeddingTokenizer, type TokenizedText } from "./embeddingTokenizer.js";
import { meanPoolNormalize, normalizeRows } from "./meanPooling.js";
import { MicroBatcher, type MicroBatcherMetrics } from "./microBatcher.js";
import { resolveEmbeddingModel, type ResolvedEmbeddingModel } from "./modelResolver.js";
import type { EmbedOptions, EmbedResult, Embedder } from "./types.js";

/**
 * all-MiniLM-L6-v2 was trained on 128-token inputs but sentence-transformers runs it with
 * max_seq_length 256 (sentence_bert_config.json); 256 is what users of the model expect and keeps
 * the tail of a ~200-token chunk instead of silently dropping it. Capped by the model's own limit.
 */
export const DEFAULT_EMBEDDING_MAX_TOKENS = 256;

export interface LoadEmbedderOptions {
  /** A resolved model (from resolveEmbeddingModel / ensureModels) … */
  model?: ResolvedEmbeddingModel;
  /** … or a directory holding an ONNX sentence-embedding model and its tokenizer.json (custom model). */
  modelDir?: string;
  /** ORT intra-op threads. Defaults to the core count (pass config.resolvedThreads). */
  threads?: number;
  /** Inputs longer than this are truncated (and reported). Defaults to 256, capped by the model. */
  maxTokens?: number;
  /** Defaults to 32. */
  maxBatchSize?: number;
  /**
   * Cap on padded tokens per ORT run (batch × longest input). run() blocks the event loop, so this
   * bounds a stall: 2048 tokens take ~0.4 s on 2 idle cores. Defaults to 2048.
   */
  maxBatchTokens?: number;
  /** How long an idle embedder waits for more inputs before running a partly filled batch. Defaults to 0. */
  maxWaitMs?: number;
  logger?: Logger;
}

export interface EmbedderMetrics extends MicroBatcherMetrics {
  truncatedInputs: number;
}

interface Embedded {
  vector: Float32Array;
}

/** ONNX Runtime sentence embedder with a micro-batching queue in front of one session. */
export class OnnxEmbedder implements Embedder {
  readonly modelId: string;
  readonly modelSha256: string;
  readonly dimension: number;
  readonly maxTokens: number;
  readonly #session: InferenceSession;
  readonly #tokenizer: EmbeddingTokenizer;
  readonly #batcher: MicroBatcher<TokenizedText, Embedded>;
  readonly #outputName: string;
  readonly #wantsTokenTypes: boolean;
  readonly #logger: Logger | undefined;
  #truncatedInputs = 0;
  #disposed = false;

  private constructor(init: {
    model: ResolvedEmbeddingModel;
    session: InferenceSession;
    tokenizer: EmbeddingTokenizer;
    outputName: string;
    dimension: number;
    maxTokens: number;
    options: LoadEmbedderOptions;
  }) {
    this.modelId = init.model.id;
    this.modelSha256 = init.model.sha256;
    this.#session = init.session;
    this.#tokenizer = init.tokenizer;
    this.#outputName = init.outputName;
    this.dimension = init.dimension;
    this.maxTokens = init.maxTokens;
    this.#wantsTokenTypes = init.session.inputNames.includes("token_type_ids");
    this.#logger = init.options.logger;
    this.#batcher = new MicroBatcher<TokenizedText, Embedded>({
      run: (items) => this.#runBatch(items),
      length: (item) => item.ids.length,
      maxBatchSize: init.options.maxBatchSize ?? 32,
      maxBatchCost: init.options.maxBatchTokens ?? 2048,
      maxWaitMs: init.options.maxWaitMs ?? 0,
    });
  }

  static async load(options: LoadEmbedderOptions): Promise<OnnxEmbedder> {
    const model =
      options.model ??
      (options.modelDir
        ? await resolveEmbeddingModel({ embeddingModelDir: options.modelDir, embeddingModel: "", chatModel: "" })
        : undefined);
    if (!model) throw new LoreError("BAD_REQUEST", "loadEmbedder needs a resolved model or a modelDir");
    const tokenizer = await EmbeddingTokenizer.load(model.tokenizerPath, model.tokenizerConfigPath);
    const session = await InferenceSession.create(model.onnxPath, {
      intraOpNumThreads: options.threads ?? Math.max(1, Math.min(availableParallelism(), 8)),
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
      executionMode: "sequential",
    });
    const outputName = session.outputNames.includes("last_hidden_state") ? "last_hidden_state" : session.outputNames[0];
    if (!outputName) throw new LoreError("MODEL_NOT_FOUND", `${model.onnxPath} has no outputs`);
    const limit = tokenizer.modelMaxTokens ?? Number.POSITIVE_INFINITY;
    const maxTokens = Math.max(2, Math.min(options.maxTokens ?? DEFAULT_EMBEDDING_MAX_TOKENS, limit));
    const embedder = new OnnxEmbedder({ model, session, tokenizer, outputName, dimension: 0, maxTokens, options });
    const declared = declaredDimension(session, outputName);
    // Custom exports often leave the hidden size symbolic: find it by embedding one word.
    const dimension = declared ?? (await embedder.#runBatch([tokenizer.encode("dimension", maxTokens)]))[0]!.vector.length;
    (embedder as { dimension: number }).dimension = dimension;
    options.logger?.debug({ model: model.id, onnx: model.onnxPath, dimension, maxTokens }, "embedder loaded");
    return embedder;
  }

  countTokens(text: string): number {
    return this.#tokenizer.countTokens(text);
  }

  /** The token ids the model will see for a text (truncated at maxTokens), without running it. */
  encode(text: string): TokenizedText {
    return this.#tokenizer.encode(text, this.maxTokens);
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<EmbedResult> {
    if (this.#disposed) throw new LoreError("INTERNAL", "embed() called on a disposed embedder");
    throwIfAborted(options.signal);
    const encoded = texts.map((t) => this.encode(t));
    const truncated = encoded.filter((e) => e.truncated);
    if (truncated.length > 0) {
      this.#truncatedInputs += truncated.length;
      this.#logger?.debug(
        { model: this.modelId, truncated: truncated.length, maxTokens: this.maxTokens, longest: Math.max(...truncated.map((e) => e.tokenCount)) },
        "embedding inputs truncated",
      );
    }
    const out = await this.#batcher.submit(encoded, options.signal);
    return {
      vectors: out.map((o) => o.vector),
      tokenCounts: encoded.map((e) => e.tokenCount),
      truncated: encoded.map((e) => e.truncated),
    };
  }

  metrics(): EmbedderMetrics {
    return { ...this.#batcher.metrics(), truncatedInputs: this.#truncatedInputs };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    // A running ORT call must finish before its session is released.
    await this.#batcher.close();
    await this.#session.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  async #runBatch(items: TokenizedText[]): Promise<Embedded[]> {
    const batch = items.length;
    const seq = items.reduce((m, i) => Math.max(m, i.ids.length), 0);
    const ids = new BigInt64Array(batch * seq).fill(BigInt(this.#tokenizer.padId));
    const mask = new BigInt64Array(batch * seq);
    items.forEach((item, b) => {
      item.ids.forEach((id, s) => {
        ids[b * seq + s] = BigInt(id);
        mask[b * seq + s] = 1n;
      });
    });
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor("int64", ids, [batch, seq]),
      attention_mask: new Tensor("int64", mask, [batch, seq]),
    };
    if (this.#wantsTokenTypes) feeds.token_type_ids = new Tensor("int64", new BigInt64Array(batch * seq), [batch, seq]);
    const output = (await this.#session.run(feeds))[this.#outputName];
    if (!output || !(output.data instanceof Float32Array)) {
      throw new LoreError("INTERNAL", `Embedding model output ${this.#outputName} is not a float32 tensor`);
    }
    const dims = output.dims;
    const vectors =
      dims.length === 3
        ? meanPoolNormalize(output.data, mask, batch, seq, dims[2]!)
        : normalizeRows(output.data, batch, dims[dims.length - 1]!);
    return vectors.map((vector) => ({ vector }));
  }
}

function declaredDimension(session: InferenceSession, outputName: string): number | undefined {
  const meta = session.outputMetadata[session.outputNames.indexOf(outputName)];
  if (!meta || !meta.isTensor) return undefined;
  const last = meta.shape[meta.shape.length - 1];
  return typeof last === "number" && last > 0 ? last : undefined;
}

/** Loads the embedder: ONNX session, tokenizer and micro-batcher. */
export function loadEmbedder(options: LoadEmbedderOptions): Promise<OnnxEmbedder> {
  return OnnxEmbedder.load(options);
}
