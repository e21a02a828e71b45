import { z } from "zod";
import { loadConfig } from "../../config/index.js";
import { LoreError } from "../../errors/index.js";
import { createLogger } from "../../logging/index.js";
import { openLore, serviceDepsOf } from "../../runtime/index.js";
import { startServer } from "../../server/index.js";
import type { CliCommand } from "./command.js";
import { stderrProgress } from "./runtimeProgress.js";

const flagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  "no-ingest": z.boolean().default(false),
});

export const serveCommand: CliCommand = {
  summary: "Serve REST + WebSocket + the chat page (what `npm start` runs)",
  help: [
    "Usage: lore serve [--port 8080] [--host 127.0.0.1] [--no-ingest]",
    "",
    "Ensures the models (pulling missing ones when LORE_AUTO_PULL is on), opens the store",
    "(LORE_STORE: sqlite at data/lore.db, or qdrant at QDRANT_URL), ingests LORE_KNOWLEDGE_DIR",
    "(./knowledge) incrementally into LORE_DEFAULT_COLLECTION, then listens on LORE_HOST:LORE_PORT.",
    "Chat page at /, REST under /v1, WebSocket at /v1/chat, OpenAPI at /openapi.json.",
    "SIGINT/SIGTERM shut down gracefully (asks aborted, engines disposed, store closed).",
  ].join("\n"),
  options: {
    port: { type: "string", short: "p" },
    host: { type: "string" },
    "no-ingest": { type: "boolean" },
  },
  async run(values) {
    const parsed = flagsSchema.safeParse(values);
    if (!parsed.success) throw new LoreError("BAD_REQUEST", parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
    const flags = parsed.data;
    const config = loadConfig({ ...(flags.port !== undefined ? { port: flags.port } : {}), ...(flags.host ? { host: flags.host } : {}) });
    const logger = createLogger({ level: config.logLevel });
    const startup = new AbortController();
    const progress = stderrProgress();
    const abortStartup = () => startup.abort();
    process.once("SIGINT", abortStartup);
    process.once("SIGTERM", abortStartup);
    let runtime;
    try {
      runtime = await openLore(config, { logger, onProgress: progress.onProgress, ingestKnowledge: !flags["no-ingest"], signal: startup.signal });
    } finally {
      progress.stop();
      process.off("SIGINT", abortStartup);
      process.off("SIGTERM", abortStartup);
    }
    const server = await startServer(serviceDepsOf(runtime), { host: config.host, port: config.port }).catch(async (error: unknown) => {
      await runtime.close();
      const code = (error as { code?: string }).code;
      if (code === "EADDRINUSE") throw new LoreError("BAD_REQUEST", `Port ${config.port} on ${config.host} is in use: set LORE_PORT or --port`);
      throw error;
    });
    const report = runtime.knowledgeReport;
    if (report) {
      process.stderr.write(
        `knowledge: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.deleted} deleted, ${report.failed} failed (${config.knowledgeDir} → collection "${config.defaultCollection}")\n`,
      );
    }
    process.stderr.write(`Lore is listening on ${server.url} — chat page ${server.url}/, API ${server.url}/openapi.json\n`);
    logger.info({ url: server.url, store: runtime.store.kind, sequences: runtime.generator.sequences }, "lore serving");

    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        logger.info({ signal }, "shutting down");
        // A second signal means "now": skip the graceful path.
        process.once(signal, () => process.exit(130));
        resolve();
      };
      process.once("SIGINT", () => shutdown("SIGINT"));
      process.once("SIGTERM", () => shutdown("SIGTERM"));
    });
    await server.close();
    await runtime.close();
    logger.info("stopped");
    return 0;
  },
};
