import type { AskEvent, AskRequest, AskResponse } from "../agents/types.js";
import type { LoreConfig } from "../config/index.js";
import type { EngineMetrics } from "../inference/types.js";
import type { Logger } from "../logging/index.js";
import type { KnowledgeStore, SearchFilter, SearchHit } from "../retrieval/types.js";

/** What the HTTP layer needs from the answering pipeline (agents' Answerer satisfies it). */
export interface AnswerService {
  ask(request: AskRequest): AsyncIterable<AskEvent>;
  askComplete(request: AskRequest): Promise<AskResponse>;
}

/** Conversation history kept for follow-ups (agents' ConversationMemory satisfies it). */
export interface ConversationService {
  /** Forgets a conversation; false when none was kept. */
  delete(conversationId: string): boolean;
}

export interface SearchService {
  search(request: {
    collection: string;
    query: string;
    limit?: number;
    filter?: SearchFilter;
    mode?: "hybrid" | "dense" | "bm25";
    signal?: AbortSignal;
  }): Promise<SearchHit[]>;
}

export interface UploadedContent {
  collection: string;
  /** Document id / source as the user named it (file name by default). */
  source: string;
  fileName: string;
  content: Buffer;
  mimeType?: string;
  tags: string[];
  acl: string[];
  /** Aborted when the client hangs up: the upload's parse and embedding stop. */
  signal?: AbortSignal;
}

export interface UploadResult {
  documentId: string;
  collection: string;
  status: string;
  chunks: number;
}

export interface IngestService {
  ingestContent(content: UploadedContent): Promise<UploadResult>;
}

/**
 * Everything the server is built from. The runtime (src/runtime) provides the real objects; the
 * server holds no business logic of its own and never constructs engines.
 */
export interface ServiceDeps {
  config: Pick<LoreConfig, "defaultCollection" | "apiKeys" | "maxUploadBytes" | "askTimeoutMs">;
  logger: Logger;
  answerer: AnswerService;
  conversations: ConversationService;
  retriever: SearchService;
  store: KnowledgeStore;
  ingestor: IngestService;
  /** Creates a collection with the current embedding model's signature. */
  createCollection(name: string): Promise<unknown>;
  /** Generation engine metrics (queue depth, active sequences, tokens/s, TTFT). */
  engineMetrics(): EngineMetrics;
  /** Questions admitted at once (answering + waiting); beyond it asks get 503 OVERLOADED + Retry-After. */
  askCapacity: number;
  /** Models loaded and store open. */
  ready(): boolean;
}
