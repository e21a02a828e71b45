import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database, { type Database as Db, type Statement } from "better-sqlite3";
import { LoreError } from "../errors/index.js";

export interface ConversationTurn {
  question: string;
  answer: string;
  abstained: boolean;
}

/** Where conversation turns live: a Map for one process, SQLite to outlive it. */
export interface ConversationStore {
  /** The conversation's turns, oldest first ([] when unknown or expired). */
  load(conversationId: string): ConversationTurn[];
  append(conversationId: string, turn: ConversationTurn): void;
  /** Forgets the conversation; false when there was none. */
  delete(conversationId: string): boolean;
  readonly size: number;
  close(): void;
}

export interface ConversationBounds {
  /** Conversations kept; the least recently continued ones are evicted first. */
  maxConversations: number;
  /** Turns kept per conversation (the oldest are dropped). */
  maxTurns: number;
}

/** A Map in insertion order doubles as an LRU: a read or a write moves the conversation to the end. */
export class InMemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, ConversationTurn[]>();

  constructor(private readonly bounds: ConversationBounds) {}

  load(conversationId: string): ConversationTurn[] {
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
    while (turns.length > this.bounds.maxTurns) turns.shift();
    this.conversations.set(conversationId, turns);
    while (this.conversations.size > this.bounds.maxConversations) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.conversations.delete(oldest);
    }
  }

  delete(conversationId: string): boolean {
    return this.conversations.delete(conversationId);
  }

  get size(): number {
    return this.conversations.size;
  }

  close(): void {
    this.conversations.clear();
  }
}

export interface SqliteConversationStoreOptions extends ConversationBounds {
  /** The database file (created with its folder when missing). */
  path: string;
  /** Conversations not continued for this long are forgotten. */
  ttlMs: number;
  /** How long a write waits for another process's write. Defaults to 5000 ms. */
  busyTimeoutMs?: number;
  /** Injected clock (tests). Defaults to Date.now. */
  now?: () => number;
}

const SCHEMA_VERSION = 1;

/**
 * Conversations in their own SQLite file, so they survive a restart with either knowledge engine.
 * `conversations.used_seq` orders conversations by their last append (a sequence, not a clock, so
 * two appends in one millisecond still have an order); `updated_at` drives the time-to-live. Reads
 * do not write: "least recently used" means least recently continued, which is the same thing
 * whenever an ask succeeds (the answerer reads then appends).
 */
export class SqliteConversationStore implements ConversationStore {
  readonly path: string;
  readonly #db: Db;
  readonly #options: SqliteConversationStoreOptions;
  readonly #now: () => number;
  readonly #load: Statement;
  readonly #appendTurn: (conversationId: string, turn: ConversationTurn) => void;
  readonly #delete: Statement;
  readonly #count: Statement;
  readonly #expire: Statement;

  private constructor(db: Db, options: SqliteConversationStoreOptions) {
    this.#db = db;
    this.path = options.path;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#load = db.prepare(
      `SELECT t.question, t.answer, t.abstained FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id
       WHERE c.id = ? AND c.updated_at >= ? ORDER BY t.turn_index DESC LIMIT ?`,
    );
    this.#delete = db.prepare("DELETE FROM conversations WHERE id = ?");
    this.#count = db.prepare("SELECT count(*) FROM conversations WHERE updated_at >= ?").pluck();
    this.#expire = db.prepare("DELETE FROM conversations WHERE updated_at < ?");
    const touch = db.prepare(
      `INSERT INTO conversations (id, updated_at, next_turn, used_seq)
       VALUES (@id, @now, 1, (SELECT coalesce(max(used_seq), 0) + 1 FROM conversations))
       ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, next_turn = next_turn + 1, used_seq = excluded.used_seq
       RETURNING next_turn - 1`,
    ).pluck();
    const insertTurn = db.prepare(
      `INSERT INTO conversation_turns (conversation_id, turn_index, question, answer, abstained, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const trimTurns = db.prepare("DELETE FROM conversation_turns WHERE conversation_id = ? AND turn_index <= ?");
    const evictLeastRecent = db.prepare(
      "DELETE FROM conversations WHERE id IN (SELECT id FROM conversations ORDER BY used_seq DESC LIMIT -1 OFFSET ?)",
    );
    const append = db.transaction((conversationId: string, turn: ConversationTurn) => {
      const now = this.#now();
      const turnIndex = touch.get({ id: conversationId, now }) as number;
      insertTurn.run(conversationId, turnIndex, turn.question, turn.answer, turn.abstained ? 1 : 0, now);
      trimTurns.run(conversationId, turnIndex - options.maxTurns);
      this.#expire.run(now - options.ttlMs);
      evictLeastRecent.run(options.maxConversations);
    });
    // IMMEDIATE: take the write lock before reading next_turn, so two processes never race for a turn index.
    this.#appendTurn = (conversationId, turn) => append.immediate(conversationId, turn);
  }

  static open(options: SqliteConversationStoreOptions): SqliteConversationStore {
    let db: Db | undefined;
    try {
      mkdirSync(dirname(options.path), { recursive: true });
      db = new Database(options.path);
      // The busy timeout first: switching to WAL and creating the schema wait for a concurrent opener.
      db.pragma(`busy_timeout = ${Math.floor(options.busyTimeoutMs ?? 5000)}`);
      db.pragma("journal_mode = WAL");
      // FULL: each turn is fsynced before the answer returns, so it survives a power loss too, not
      // only a process crash; one fsync is small next to answering a question.
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      applySchema(db);
      const store = new SqliteConversationStore(db, options);
      store.#expire.run(store.#now() - options.ttlMs);
      return store;
    } catch (error) {
      db?.close();
      throw new LoreError("STORE_UNAVAILABLE", `Cannot open the conversation store at ${options.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  load(conversationId: string): ConversationTurn[] {
    const rows = this.#load.all(conversationId, this.#now() - this.#options.ttlMs, this.#options.maxTurns) as {
      question: string;
      answer: string;
      abstained: number;
    }[];
    return rows.reverse().map((r) => ({ question: r.question, answer: r.answer, abstained: r.abstained === 1 }));
  }

  append(conversationId: string, turn: ConversationTurn): void {
    try {
      this.#appendTurn(conversationId, turn);
    } catch (error) {
      throw new LoreError("STORE_UNAVAILABLE", `Cannot save the conversation turn: ${(error as Error).message}`, { cause: error });
    }
  }

  delete(conversationId: string): boolean {
    return this.#delete.run(conversationId).changes > 0;
  }

  get size(): number {
    return this.#count.get(this.#now() - this.#options.ttlMs) as number;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function applySchema(db: Db): void {
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`schema version ${version} is newer than this Lore (${SCHEMA_VERSION})`);
    db.exec(`
      CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        updated_at INTEGER NOT NULL,
        next_turn INTEGER NOT NULL,
        used_seq INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS conversations_used_seq ON conversations (used_seq);
      CREATE INDEX IF NOT EXISTS conversations_updated_at ON conversations (updated_at);
      CREATE TABLE IF NOT EXISTS conversation_turns (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        turn_index INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        abstained INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, turn_index)
      ) WITHOUT ROWID;
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }).immediate();
}
