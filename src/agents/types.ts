import type { SearchHit } from "../retrieval/types.js";

/** How the answer text is made: quoted evidence sentences, or written by the chat model with [n] citations. */
export type AnswerMode = "extractive" | "generative";

export interface AskOptions {
  /** Overrides the service's answer mode for this question. */
  answerMode?: AnswerMode;
  /** Max knowledge_search calls (planned steps and abstention probes). Defaults to 12. */
  maxToolCalls?: number;
  /** Drop unsupported sentences (default) or keep them flagged. */
  verifyMode?: "drop" | "flag";
  /** Max answer sentences. Defaults to 4. */
  maxSentences?: number;
  /** Chunks retrieved per step. Defaults to 8. */
  topK?: number;
  /** Max planner sub-questions / tool calls. */
  maxSteps?: number;
  /** Wall-clock budget for the whole question. */
  deadlineMs?: number;
}

export interface AskRequest {
  question: string;
  collection: string;
  conversationId?: string;
  /** Caller's ACL groups (undefined: no ACL restriction). */
  aclGroups?: string[];
  options?: AskOptions;
  signal?: AbortSignal;
  requestId?: string;
}

export interface Citation {
  /** 1-based number used as [n] in the answer. */
  n: number;
  chunkId: string;
  documentId: string;
  source: string;
  headingPath: string[];
  /** Character offsets of the quoted span in the document's extracted text. */
  start: number;
  end: number;
  quote: string;
}

export interface VerifiedSentence {
  text: string;
  /** Support score in [0, 1]. */
  support: number;
  supported: boolean;
  citations: Citation[];
}

export interface PlanStep {
  id: number;
  query: string;
  reason?: string;
  /** What this step asks, without the context sentences its query repeats from the question: the step's answer is scored on these words. */
  focus?: string;
}

export interface Plan {
  kind: "single" | "decomposed";
  steps: PlanStep[];
  source: "model" | "fallback";
}

export interface TraceEntry {
  type: "plan" | "tool" | "limit" | "verify" | "generate";
  at: number;
  data: Record<string, unknown>;
}

export interface AskUsage {
  promptTokens: number;
  completionTokens: number;
  firstSentenceMs: number | null;
  totalMs: number;
}

export interface VerificationSummary {
  drafted: number;
  kept: number;
  dropped: number;
}

export interface AskResponse {
  conversationId: string;
  answer: string;
  abstained: boolean;
  sentences: VerifiedSentence[];
  citations: Citation[];
  verification: VerificationSummary;
  /** When abstaining: the closest sources found. */
  closestSources: Pick<SearchHit, "documentId" | "source" | "headingPath">[];
  trace: TraceEntry[];
  usage: AskUsage;
}

/** One question's stream of typed events: every transport (REST, WebSocket, CLI) only serialises it. */
export type AskEvent =
  | { type: "plan"; plan: Plan }
  | { type: "retrieval"; step: number; query: string; hits: Pick<SearchHit, "chunkId" | "documentId" | "source" | "headingPath" | "score">[] }
  | { type: "sentence"; index: number; sentence: VerifiedSentence }
  | { type: "done"; response: AskResponse }
  | { type: "error"; code: string; message: string };
