import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConversationMemory } from "../../src/agents/index.js";
import type { AskEvent, AskRequest, AskResponse } from "../../src/agents/types.js";
import { LoreError } from "../../src/errors/index.js";
import { silentLogger } from "../../src/logging/index.js";
import { openSqliteStore, type SqliteKnowledgeStore } from "../../src/retrieval/index.js";
import { startServer, type AnswerService, type LoreServer } from "../../src/server/index.js";
import { ChatClient } from "./wsClient.js";

// Flow control of /v1/chat pinned down with a scripted answerer implementing the real AnswerService
// interface (the real pipeline is far too slow to flood a socket); the store is the real SQLite one.
const EVENTS = 3000;
const TEXT = "x".repeat(8000);

function response(question: string): AskResponse {
  return {
    conversationId: "c",
    answer: question,
    abstained: false,
    sentences: [],
    citations: [],
    verification: { drafted: 0, kept: 0, dropped: 0 },
    closestSources: [],
    trace: [],
    usage: { promptTokens: 0, completionTokens: 0, firstSentenceMs: null, totalMs: 0 },
  };
}

class ScriptedAnswerer implements AnswerService {
  pulled = 0;
  readonly signals = new Map<string, AbortSignal>();
  release: (() => void) | undefined;

  async *ask(request: AskRequest): AsyncGenerator<AskEvent> {
    this.signals.set(request.question, request.signal!);
    if (request.question === "flood") {
      for (let i = 0; i < EVENTS; i++) {
        this.pulled++;
        yield { type: "sentence", index: i, sentence: { text: TEXT, support: 1, supported: true, citations: [] } };
      }
    } else if (request.question.startsWith("wait")) {
      await new Promise<void>((resolve) => {
        this.release = resolve;
        request.signal?.addEventListener("abort", () => resolve());
      });
      if (request.signal?.aborted) return;
    }
    yield { type: "done", response: response(request.question) };
  }

  askComplete(): Promise<AskResponse> {
    throw new LoreError("INTERNAL", "not used");
  }
}

let dir: string;
let store: SqliteKnowledgeStore;
let server: LoreServer;
const answerer = new ScriptedAnswerer();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lore-ws-"));
  store = await openSqliteStore({ path: join(dir, "lore.db") });
  await store.ensureCollection("default", { modelId: "test", sha256: "0".repeat(64), dimension: 4 });
  const unused = () => Promise.reject(new LoreError("INTERNAL", "not used"));
  server = await startServer(
    {
      config: { defaultCollection: "default", apiKeys: [], maxUploadBytes: 1024 * 1024, askTimeoutMs: 60_000 },
      logger: silentLogger(),
      answerer,
      conversations: new ConversationMemory(),
      retriever: { search: unused },
      store,
      ingestor: { ingestContent: unused },
      createCollection: unused,
      engineMetrics: () => ({ queueDepth: 0, activeSequences: 0, sequences: 1, completedRequests: 0, rejectedRequests: 0, completionTokens: 0, promptTokens: 0, recentTokensPerSecond: 0, lastTtftMs: 0 }),
      askCapacity: 8,
      ready: () => true,
    },
    { host: "127.0.0.1", port: 0 },
  );
});
afterAll(async () => {
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("/v1/chat flow control", () => {
  it("stops pulling events for a client that does not read, and delivers everything once it does", async () => {
    const chat = await ChatClient.open(server.url);
    try {
      chat.ws.pause();
      chat.send({ type: "ask", id: "f", question: "flood" });
      // Wait until the pipeline stalls: the count stops moving while the client reads nothing.
      let before = -1;
      while (answerer.pulled !== before) {
        before = answerer.pulled;
        await sleep(300);
      }
      expect(answerer.pulled).toBeGreaterThan(0);
      expect(answerer.pulled).toBeLessThan(EVENTS);

      chat.ws.resume();
      const done = await chat.end("f", 60_000);
      expect(done.type).toBe("done");
      expect(chat.events.filter((e) => e.type === "sentence" && e.id === "f")).toHaveLength(EVENTS);
      expect(answerer.pulled).toBe(EVENTS);
    } finally {
      chat.close();
    }
  });

  it("keeps several asks in flight on one socket, each with its own id", async () => {
    const chat = await ChatClient.open(server.url);
    try {
      chat.send({ type: "ask", id: "slow", question: "wait" });
      chat.send({ type: "ask", id: "fast", question: "quick" });
      expect(await chat.end("fast")).toMatchObject({ type: "done", id: "fast" });
      expect(chat.events.some((e) => e.id === "slow")).toBe(false);
      chat.send({ type: "ask", id: "slow", question: "again" });
      expect(await chat.end("slow")).toMatchObject({ type: "error", code: "BAD_REQUEST" });
      answerer.release?.();
      expect(await chat.next((e) => e.id === "slow" && e.type === "done")).toMatchObject({ response: { answer: "wait" } });
    } finally {
      chat.close();
    }
  });

  it("aborts an ask when its client disconnects", async () => {
    const chat = await ChatClient.open(server.url);
    chat.send({ type: "ask", id: "w", question: "wait for a disconnect" });
    while (!answerer.signals.has("wait for a disconnect")) await sleep(20);
    const signal = answerer.signals.get("wait for a disconnect")!;
    chat.close();
    while (!signal.aborted) await sleep(20);
    expect(signal.aborted).toBe(true);
  });
});
