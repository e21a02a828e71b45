import { InMemoryConversationStore, SqliteConversationStore, type ConversationStore, type ConversationTurn } from "./conversationStore.js";

export type { ConversationTurn } from "./conversationStore.js";

export interface ConversationMemoryOptions {
  /** Conversations kept (least recently used evicted). Defaults to 1000 in memory, 10000 in a file. */
  maxConversations?: number;
  /** Turns kept per conversation. Defaults to 6. */
  maxTurns?: number;
  /**
   * A SQLite file that keeps conversations across restarts and crashes (each turn is committed
   * before the answer returns). Defaults to none: conversations live in this process only.
   */
  path?: string;
  /** With `path`: conversations not continued for this many days are forgotten. Defaults to 30. */
  ttlDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Bounded conversation history, in memory or (with `path`) durable in SQLite; reads and writes are synchronous. */
export class ConversationMemory {
  private readonly store: ConversationStore;

  constructor(options: ConversationMemoryOptions = {}) {
    const maxTurns = options.maxTurns ?? 6;
    this.store = options.path
      ? SqliteConversationStore.open({
          path: options.path,
          maxTurns,
          maxConversations: options.maxConversations ?? 10_000,
          ttlMs: (options.ttlDays ?? 30) * DAY_MS,
        })
      : new InMemoryConversationStore({ maxTurns, maxConversations: options.maxConversations ?? 1000 });
  }

  get(conversationId: string): ConversationTurn[] {
    return this.store.load(conversationId);
  }

  append(conversationId: string, turn: ConversationTurn): void {
    this.store.append(conversationId, turn);
  }

  /** Forgets a conversation (a user's request); false when it was not kept. */
  delete(conversationId: string): boolean {
    return this.store.delete(conversationId);
  }

  get size(): number {
    return this.store.size;
  }

  /** Closes the database file; idempotent. */
  close(): void {
    this.store.close();
  }
}

const FOLLOW_UP = /^(?:and|but|also|what about|how about|then|so)\b|\b(?:it|its|that|this|these|those|they|them|there|one)\b/i;

/**
 * The retrieval query for a follow-up: a short question or one leaning on a pronoun gets the
 * previous question appended, so "and on Ubuntu?" or "how do I disable it?" still find the topic.
 */
export function expandFollowUp(question: string, history: readonly ConversationTurn[]): string {
  const previous = history[history.length - 1];
  if (!previous) return question;
  const wordCount = question.trim().split(/\s+/).length;
  if (wordCount > 12 && !FOLLOW_UP.test(question.slice(0, 40))) return question;
  if (!FOLLOW_UP.test(question) && wordCount > 6) return question;
  return `${question} (${previous.question})`;
}
