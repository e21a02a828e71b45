import { cpus } from "node:os";
import { basename } from "node:path";
import {
  getLlama,
  LlamaGrammarEvaluationState,
  LlamaLogLevel,
  resolveChatWrapper,
  TokenBias,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import { LoreError, OverloadedError } from "../errors/index.js";
import { silentLogger, type Logger } from "../logging/index.js";
import { ChatPromptRenderer } from "./chatPrompt.js";
import { decodeFirstBatching } from "./decodeFirstBatching.js";
import { GenerationStreamController } from "./generationStream.js";
import { StopStringMatcher } from "./stopStringMatcher.js";
import { detokenizesIndependently, TokenTextDecoder } from "./tokenTextDecoder.js";
import type {
  EngineMetrics,
  FinishReason,
  GenerateRequest,
  GenerationResult,
  GenerationStream,
  TextGenerator,
} from "./types.js";

export interface GenerationEngineOptions {
  /** Path of a GGUF chat model. */
  modelPath: string;
  /** Id reported as `modelId`. Defaults to the file name without `.gguf`. */
  modelId?: string;
  /**
   * llama.cpp threads. Defaults to cores − 1 (at least 1): the JavaScript thread needs a core of
   * its own, and llama.cpp's spinning thread pool collapses when its threads are descheduled
   * (measured on 2 busy cores: 2 threads 0.9 tok/s, 1 thread 73 tok/s).
   */
  threads?: number;
  /** Parallel sequences in the one context. Defaults to 4 × cores, between 4 and 16 (8 on 2 cores). */
  sequences?: number;
  /** KV cells per sequence (prompt + completion). Defaults to 2048. */
  contextSize?: number;
  /** Requests allowed to wait for a sequence; beyond it `generate` throws OverloadedError. Defaults to 8 × sequences. */
  queueLimit?: number;
  /** Most prompt tokens processed per batch while other requests are generating. Defaults to 128. */
  promptChunk?: number;
  logger?: Logger;
}

/** Engine-only request options (benchmarks), beyond the TextGenerator contract. */
export interface BatchedGenerateRequest extends GenerateRequest {
  /** Never end on the model's end-of-generation token: fixed-length completions for benchmarks. */
  ignoreEos?: boolean;
}

export interface BatchedEngineMetrics extends EngineMetrics {
  /** Most sequences ever generating at once. */
  peakActiveSequences: number;
  /** Prompt tokens found already in a sequence's KV cache and not evaluated again. */
  reusedPromptTokens: number;
  /** llama.cpp decode batches run, and the tokens they held: their ratio is the batching achieved. */
  decodeBatches: number;
  batchedTokens: number;
}

interface Slot {
  readonly sequence: LlamaContextSequence;
  /** Tokens currently held in this sequence's KV cache, for prefix reuse. */
  tokens: Token[];
  busy: boolean;
}

interface Job {
  readonly request: BatchedGenerateRequest;
  readonly stream: GenerationStreamController;
  readonly promptTokens: Token[];
  readonly maxTokens: number;
  readonly stop: StopStringMatcher;
  readonly submittedAt: number;
  startedAt: number;
  firstTokenAt: number;
  completionTokens: number;
  text: string;
  emitted: number;
  aborted: boolean;
  detachAbort: () => void;
}

const DEFAULT_CONTEXT_SIZE = 2048;
const DEFAULT_MAX_TOKENS = 256;
const RATE_WINDOW = 32;

/** Default llama.cpp threads: all cores but one, which the event loop needs. */
export function defaultThreadCount(): number {
  return Math.max(1, cpus().length - 1);
}

/** Default parallel sequences: decoding N streams together costs little more than one. */
export function defaultSequenceCount(): number {
  return Math.min(16, Math.max(4, cpus().length * 4));
}

/**
 * One model, one context, N sequences; concurrent requests decode in the same llama.cpp batches
 * (continuous batching: a queued request takes the first sequence released). Prompts are
 * rendered with the model's own template once per request and fed to `sequence.evaluate`
 * directly, without a LlamaChatSession, so per-request and per-token JavaScript work stays small.
 */
export class BatchedGenerationEngine implements TextGenerator {
  readonly modelId: string;
  readonly sequences: number;
  readonly contextSize: number;
  readonly threads: number;

  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly runningJobs = new Set<Job>();
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly independentDetokenize: boolean;
  private readonly noEogBias: TokenBias;
  private readonly recent: { start: number; end: number; tokens: number }[] = [];
  private disposed = false;
  private active = 0;
  private generatingCount = 0;
  private counters = {
    completedRequests: 0,
    rejectedRequests: 0,
    completionTokens: 0,
    promptTokens: 0,
    reusedPromptTokens: 0,
    peakActiveSequences: 0,
    lastTtftMs: 0,
  };

  /** @internal use loadGenerationEngine() */
  constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly prompt: ChatPromptRenderer,
    private readonly queueLimit: number,
    private readonly batchStats: { batches: number; tokens: number },
    private readonly logger: Logger,
    info: { modelId: string; threads: number },
  ) {
    this.modelId = info.modelId;
    this.threads = info.threads;
    this.sequences = context.totalSequences;
    this.contextSize = context.contextSize;
    this.slots = Array.from({ length: this.sequences }, () => ({ sequence: context.getSequence(), tokens: [], busy: false }));
    this.independentDetokenize = detokenizesIndependently(model);
    this.noEogBias = new TokenBias(model.tokenizer);
    for (const token of [model.tokens.eos, model.tokens.eot, ...prompt.stopTokens]) {
      if (token != null) this.noEogBias.set(token, "never");
    }
  }

  /** Requests currently generating: read by the batching strategy on every batch. */
  get generatingRequests(): number {
    return this.generatingCount;
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  /**
   * Starts a request. Throws at once (synchronously) with OverloadedError when every sequence
   * is busy and the queue is full, and with a BAD_REQUEST LoreError when the prompt does not
   * fit a sequence's context. Failures while generating reject `result` and the iterator.
   */
  generate(request: BatchedGenerateRequest): GenerationStream {
    if (this.disposed) throw new LoreError("INTERNAL", "The generation engine has been disposed");
    const submittedAt = performance.now();
    const free = this.slots.some((slot) => !slot.busy);
    if (!free && this.queue.length >= this.queueLimit) {
      this.counters.rejectedRequests++;
      throw new OverloadedError(`Generation queue is full (${this.queue.length} waiting for ${this.sequences} sequences)`);
    }
    const promptTokens = this.prompt.render(request.messages);
    const room = this.contextSize - promptTokens.length - 1;
    if (room < 1) {
      throw new LoreError(
        "BAD_REQUEST",
        `Prompt is ${promptTokens.length} tokens; a sequence's context holds ${this.contextSize} tokens (prompt + completion)`,
        { details: { promptTokens: promptTokens.length, contextSize: this.contextSize } },
      );
    }
    const stream = new GenerationStreamController();
    const job: Job = {
      request,
      stream,
      promptTokens,
      maxTokens: Math.min(request.maxTokens ?? DEFAULT_MAX_TOKENS, room),
      stop: new StopStringMatcher(request.stop),
      submittedAt,
      startedAt: 0,
      firstTokenAt: 0,
      completionTokens: 0,
      text: "",
      emitted: 0,
      aborted: false,
      detachAbort: () => undefined,
    };
    const signal = request.signal;
    if (signal) {
      if (signal.aborted) {
        this.finish(job, "abort");
        return stream;
      }
      const onAbort = (): void => this.abort(job);
      signal.addEventListener("abort", onAbort, { once: true });
      job.detachAbort = () => signal.removeEventListener("abort", onAbort);
    }
    const slot = this.pickSlot(promptTokens);
    if (slot) this.start(job, slot);
    else this.queue.push(job);
    return stream;
  }

  async complete(request: BatchedGenerateRequest): Promise<GenerationResult> {
    return this.generate(request).result;
  }

  metrics(): BatchedEngineMetrics {
    return {
      queueDepth: this.queue.length,
      activeSequences: this.active,
      sequences: this.sequences,
      completedRequests: this.counters.completedRequests,
      rejectedRequests: this.counters.rejectedRequests,
      completionTokens: this.counters.completionTokens,
      promptTokens: this.counters.promptTokens,
      recentTokensPerSecond: this.recentRate(),
      lastTtftMs: this.counters.lastTtftMs,
      peakActiveSequences: this.counters.peakActiveSequences,
      reusedPromptTokens: this.counters.reusedPromptTokens,
      decodeBatches: this.batchStats.batches,
      batchedTokens: this.batchStats.tokens,
    };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of this.queue.splice(0)) {
      job.detachAbort();
      job.stream.fail(new LoreError("INTERNAL", "The generation engine was disposed before the request started"));
    }
    for (const slot of this.slots) slot.busy = true;
    // Running requests end as aborted after their next token instead of running to maxTokens.
    for (const job of this.runningJobs) this.abort(job);
    await Promise.allSettled([...this.running]);
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** The free sequence whose cached tokens share the longest prefix with the prompt. */
  private pickSlot(promptTokens: readonly Token[]): Slot | undefined {
    let best: Slot | undefined;
    let bestShared = -1;
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const shared = sharedPrefixLength(slot.tokens, promptTokens);
      if (shared > bestShared) {
        best = slot;
        bestShared = shared;
      }
    }
    return best;
  }

  private start(job: Job, slot: Slot): void {
    slot.busy = true;
    this.active++;
    if (this.active > this.counters.peakActiveSequences) this.counters.peakActiveSequences = this.active;
    job.startedAt = performance.now();
    this.runningJobs.add(job);
    const run = this.run(job, slot).finally(() => {
      this.running.delete(run);
      this.runningJobs.delete(job);
      slot.busy = false;
      this.active--;
      if (!this.disposed) this.admitNext(slot);
    });
    this.running.add(run);
  }

  private admitNext(slot: Slot): void {
    const job = this.queue.shift();
    if (job) this.start(job, slot);
  }

  private abort(job: Job): void {
    job.aborted = true;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    // The stream ends now; the sequence itself is released after the token being decoded.
    this.finish(job, "abort");
  }

  private async run(job: Job, slot: Slot): Promise<void> {
    const { sequence } = slot;
    let generating = false;
    try {
      const prompt = job.promptTokens;
      // Keep the KV of the longest shared prefix (a system prompt, a conversation so far);
      // at least one prompt token is evaluated again so that there are logits to sample from.
      const shared = sharedPrefixLength(slot.tokens, prompt, prompt.length - 1);
      if (sequence.nextTokenIndex > shared) {
        await sequence.eraseContextTokenRanges([{ start: shared, end: sequence.nextTokenIndex }]);
      }
      slot.tokens = [];
      this.counters.reusedPromptTokens += shared;
      this.counters.promptTokens += prompt.length;
      if (job.aborted) return;

      const { request } = job;
      const grammar = request.jsonSchema ? await this.grammarFor(request.jsonSchema) : undefined;
      const decoder = new TokenTextDecoder(this.model, this.independentDetokenize);
      const stopTokens = request.ignoreEos ? undefined : this.prompt.stopTokens;
      const tokens = sequence.evaluate(prompt.slice(shared), {
        temperature: request.temperature ?? 0,
        ...(request.topP !== undefined ? { topP: request.topP } : {}),
        ...(grammar ? { grammarEvaluationState: new LlamaGrammarEvaluationState({ model: this.model, grammar }) } : {}),
        ...(request.ignoreEos ? { tokenBias: this.noEogBias } : {}),
      });
      let reason: FinishReason = "stop";
      for await (const token of tokens) {
        if (job.aborted) break;
        if (!generating) {
          generating = true;
          this.generatingCount++;
          job.firstTokenAt = performance.now();
        }
        if (stopTokens?.has(token)) break;
        job.completionTokens++;
        const piece = decoder.push(token);
        if (piece.length > 0 && this.append(job, piece)) break;
        if (job.completionTokens >= job.maxTokens) {
          reason = "length";
          break;
        }
      }
      if (job.aborted) return;
      const rest = decoder.flush();
      if (rest.length > 0 && this.append(job, rest)) reason = "stop";
      this.finish(job, reason);
    } catch (error) {
      slot.tokens = [];
      await sequence.clearHistory().catch(() => undefined);
      const wrapped =
        error instanceof LoreError
          ? error
          : new LoreError("INTERNAL", `Generation failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      this.logger.warn({ err: wrapped, promptTokens: job.promptTokens.length }, "generation request failed");
      job.detachAbort();
      job.stream.fail(wrapped);
    } finally {
      if (generating) this.generatingCount--;
      if (slot.tokens.length === 0 && !this.disposed) slot.tokens = sequence.contextTokens;
    }
  }

  /** Appends decoded text; emits what can no longer be part of a stop string. True when a stop string ended it. */
  private append(job: Job, piece: string): boolean {
    const previousLength = job.text.length;
    job.text += piece;
    if (!job.stop.active) {
      job.stream.push(piece);
      job.emitted = job.text.length;
      return false;
    }
    const stopAt = job.stop.findStop(job.text, previousLength);
    if (stopAt >= 0) {
      job.text = job.text.slice(0, stopAt);
      if (stopAt > job.emitted) job.stream.push(job.text.slice(job.emitted));
      job.emitted = stopAt;
      return true;
    }
    const safe = job.stop.safeLength(job.text);
    if (safe > job.emitted) {
      job.stream.push(job.text.slice(job.emitted, safe));
      job.emitted = safe;
    }
    return false;
  }

  private finish(job: Job, finishReason: FinishReason): void {
    if (job.stream.isSettled) return;
    job.detachAbort();
    if (finishReason !== "abort" && job.emitted < job.text.length) job.stream.push(job.text.slice(job.emitted));
    const end = performance.now();
    const started = job.startedAt || end;
    const firstToken = job.firstTokenAt || end;
    const result: GenerationResult = {
      text: job.text,
      finishReason,
      usage: {
        promptTokens: job.promptTokens.length,
        completionTokens: job.completionTokens,
        ttftMs: firstToken - job.submittedAt,
        queueMs: started - job.submittedAt,
        totalMs: end - job.submittedAt,
      },
    };
    this.counters.completedRequests++;
    this.counters.completionTokens += job.completionTokens;
    if (job.firstTokenAt) {
      this.counters.lastTtftMs = result.usage.ttftMs;
      this.recent.push({ start: job.firstTokenAt, end, tokens: job.completionTokens });
      if (this.recent.length > RATE_WINDOW) this.recent.shift();
    }
    this.logger.debug({ finishReason, ...result.usage }, "generation finished");
    job.stream.finish(result);
  }

  /** Aggregate completion tokens/s over the last requests (overlapping requests count once in time). */
  private recentRate(): number {
    if (this.recent.length === 0) return 0;
    let start = Infinity;
    let end = 0;
    let tokens = 0;
    for (const entry of this.recent) {
      start = Math.min(start, entry.start);
      end = Math.max(end, entry.end);
      tokens += entry.tokens;
    }
    return end > start ? (tokens * 1000) / (end - start) : 0;
  }

  /** Grammars are compiled once per distinct schema. */
  private grammarFor(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.llama.createGrammarForJsonSchema(schema as Parameters<Llama["createGrammarForJsonSchema"]>[0]);
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }
}

function sharedPrefixLength(a: readonly Token[], b: readonly Token[], limit = Infinity): number {
  const n = Math.min(a.length, b.length, limit);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Loads the model once and creates the context with all its sequences. */
export async function loadGenerationEngine(options: GenerationEngineOptions): Promise<BatchedGenerationEngine> {
  const logger = options.logger ?? silentLogger();
  const threads = options.threads ?? defaultThreadCount();
  const sequences = options.sequences ?? defaultSequenceCount();
  const contextSize = options.contextSize ?? DEFAULT_CONTEXT_SIZE;
  const queueLimit = options.queueLimit ?? sequences * 8;
  const promptChunk = options.promptChunk ?? 128;
  const llama = await getLlama({
    gpu: false,
    build: "never",
    maxThreads: threads,
    logLevel: LlamaLogLevel.error,
    logger: (level, message) => logger.warn({ level }, `llama.cpp: ${message.trim()}`),
  });
  let engine: BatchedGenerationEngine | undefined;
  const batchStats = { batches: 0, tokens: 0 };
  try {
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const context = await model.createContext({
      sequences,
      contextSize,
      threads,
      batching: {
        itemPrioritizationStrategy: decodeFirstBatching({ promptChunk, generating: () => engine?.generatingRequests ?? 0, stats: batchStats }),
      },
    });
    const prompt = new ChatPromptRenderer(model, resolveChatWrapper(model));
    engine = new BatchedGenerationEngine(llama, model, context, prompt, queueLimit, batchStats, logger, {
      modelId: options.modelId ?? basename(options.modelPath).replace(/\.gguf$/i, ""),
      threads,
    });
    logger.info(
      { model: engine.modelId, sequences, contextSize: engine.contextSize, threads, queueLimit, template: prompt.templateName },
      "generation engine ready",
    );
    return engine;
  } catch (error) {
    await llama.dispose().catch(() => undefined);
    if (error instanceof LoreError) throw error;
    throw new LoreError("INTERNAL", `Could not load generation model ${options.modelPath}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
