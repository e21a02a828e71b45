import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Answerer, ConversationMemory } from "../../src/agents/index.js";
import { loadConfig, type LoreConfig } from "../../src/config/index.js";
import { loadEmbedder, resolveEmbeddingModel } from "../../src/inference/index.js";
import { silentLogger } from "../../src/logging/index.js";
import { Ingestor, openSqliteStore, Retriever } from "../../src/retrieval/index.js";
import { openLore, serviceDepsOf, type LoreRuntime, type ServedRuntime } from "../../src/runtime/index.js";
import { startServer, type LoreServer } from "../../src/server/index.js";

/** Small documents written for these tests (a fictional greenhouse controller). */
export const SERVICE_FIXTURES = fileURLToPath(new URL("../fixtures/service/", import.meta.url));

export function testConfig(dataDir: string, overrides: Parameters<typeof loadConfig>[0] = {}): LoreConfig {
  // An empty environment: the developer's LORE_* variables must not change what the test runs.
  return loadConfig(
    { dataDir, knowledgeDir: SERVICE_FIXTURES, autoPull: false, logLevel: "silent", threads: 2, askTimeoutMs: 300_000, ...overrides },
    {},
  );
}

export interface Served {
  server: LoreServer;
  config: LoreConfig;
  close(): Promise<void>;
}

/**
 * The real store, embedder, ingestor, retriever and answerer, without the chat model (the answerer
 * then chooses evidence by scores alone): fast enough for the HTTP-contract tests.
 */
export async function serveWithoutChatModel(overrides: Parameters<typeof loadConfig>[0] = {}): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), "lore-server-"));
  const config = testConfig(dataDir, overrides);
  const logger = silentLogger();
  const embedder = await loadEmbedder({ model: await resolveEmbeddingModel(config), threads: 2, logger });
  const store = await openSqliteStore({ path: config.resolvedDbPath });
  const ingestor = new Ingestor({ store, embedder, logger });
  await ingestor.ingestPath(config.knowledgeDir, { collection: config.defaultCollection });
  const retriever = new Retriever({ store, embedder, logger });
  const conversations = new ConversationMemory();
  const answerer = new Answerer({ retriever, embedder, logger, memory: conversations });
  let open = true;
  const runtime: ServedRuntime = { config, logger, answerer, conversations, retriever, store, ingestor, askCapacity: 4, ready: () => open };
  const server = await startServer(serviceDepsOf(runtime), { host: "127.0.0.1", port: 0 });
  return {
    server,
    config,
    async close() {
      open = false;
      await server.close();
      await store.close();
      await embedder.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ServedRuntimeHandle {
  runtime: LoreRuntime;
  server: LoreServer;
  close(): Promise<void>;
}

/** The whole runtime (both models, knowledge ingest) behind a real server on a free port. */
export async function serveFullRuntime(
  generation: { sequences?: number; queueLimit?: number } = {},
  overrides: Parameters<typeof loadConfig>[0] = {},
): Promise<ServedRuntimeHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), "lore-e2e-"));
  const config = testConfig(dataDir, overrides);
  const runtime = await openLore(config, { generation: { contextSize: 2048, ...generation } });
  const server = await startServer(serviceDepsOf(runtime), { host: "127.0.0.1", port: 0 });
  return {
    runtime,
    server,
    async close() {
      await server.close();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
