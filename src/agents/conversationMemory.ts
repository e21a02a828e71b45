export interface ConversationTurn {
  question: string;
  answer: string;
  abstained: boolean;
}

export interface ConversationMemoryOptions {
  /** Conversations kept (least recently used evicted). Defaults to 1000. */
  maxConversations?: number;
  /** Turns kept per conversation. Defaults to 6. */
  maxTurns?: number;
}

/** Bounded in-memory conversation history: a Map in insertion order doubles as an LRU. */
export class ConversationMemory {
  private readonly conversations = new Map<string, ConversationTurn[]>();
  private readonly maxConversations: number;
  private readonly maxTurns: number;

  constructor(options: ConversationMemoryOptions = {}) {
    this.maxConversations = options.maxConversations ?? 1000;
    this.maxTurns = options.maxTurns ?? 6;
  }

  get(conversationId: string): ConversationTurn[] {
    const turns = this.conversations.get(conversationId);
    if (!turns) return [];
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, turns);
    return [...turns];
  }

  append(conversationId: string, turn: ConversationTurn): void {
    const turns = this.conversations.get(conversationId) ?? [];
    this.conversations.delete(conversationId);
    turns.push(turn);
    while (turns.length > this.maxTurns) turns.shift();
    this.conversations.set(conversationId, turns);
    while (this.conversations.size > this.maxConversations) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.conversations.delete(oldest);
    }
  }

  get size(): number {
    return this.conversations.size;
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
