/** Contracts of the inference module; implementations live beside this file. */

export interface EmbedOptions {
  signal?: AbortSignal;
}

export interface EmbedResult {
  /** L2-normalised vectors, one per input, in input order. */
  vectors: Float32Array[];
  /** Tokens each input had before truncation (including [CLS]/[SEP]). */
  tokenCounts: number[];
  /** Whether each input was cut at the model's max length (reported, never silent). */
  truncated: boolean[];
}

export interface Embedder {
  /** Manifest id (or "custom:<dir>") of the model the vectors come from. */
  readonly modelId: string;
  /** sha256 of the ONNX file: a collection records it so vectors of two models never mix. */
  readonly modelSha256: string;
  readonly dimension: number;
  readonly maxTokens: number;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<EmbedResult>;
  /** Number of tokens (with special tokens) of a text, without running the model. */
  countTokens(text: string): number;
  dispose(): Promise<void>;
}

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  /** Defaults to 256. */
  maxTokens?: number;
  /** Defaults to 0 (greedy): answers should be reproducible. */
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** Constrains output to this JSON schema (llama.cpp grammar). */
  jsonSchema?: Record<string, unknown>;
  signal?: AbortSignal;
}

export type FinishReason = "stop" | "length" | "abort" | "error";

export interface GenerationUsage {
  promptTokens: number;
  completionTokens: number;
  /** Time from submit to the first completion token (includes queue wait). */
  ttftMs: number;
  /** Time spent waiting for a free sequence. */
  queueMs: number;
  totalMs: number;
}

export interface GenerationResult {
  text: string;
  finishReason: FinishReason;
  usage: GenerationUsage;
}

/** Text chunks as they are decoded, plus the final result as a promise. */
export interface GenerationStream extends AsyncIterable<string> {
  readonly result: Promise<GenerationResult>;
}

export interface EngineMetrics {
  queueDepth: number;
  activeSequences: number;
  sequences: number;
  completedRequests: number;
  rejectedRequests: number;
  completionTokens: number;
  promptTokens: number;
  /** Completion tokens/s over the last completed requests. */
  recentTokensPerSecond: number;
  /** Last observed time to first token. */
  lastTtftMs: number;
}

export interface TextGenerator {
  generate(request: GenerateRequest): GenerationStream;
  complete(request: GenerateRequest): Promise<GenerationResult>;
  metrics(): EngineMetrics;
  /** Tokens of a text under this model's tokenizer. */
  countTokens(text: string): number;
  readonly modelId: string;
  dispose(): Promise<void>;
}
