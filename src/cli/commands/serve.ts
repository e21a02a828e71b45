import { createServer } from "node:net";
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
    // Loading the models and ingesting take seconds: a host or port Lore cannot listen on is said first.
    await probeListen(config.host, config.port);
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
      throw listenError(error, config.host, config.port) ?? error;
    });
    const report = runtime.knowledgeReport;
    if (report) {
      process.stderr.write(
        `knowledge: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.deleted} deleted, ${report.failed} failed` +
          `${report.skipped.length > 0 ? `, ${report.skipped.length} skipped (a type Lore does not read: ${report.skipped.slice(0, 3).join(", ")}${report.skipped.length > 3 ? ", …" : ""})` : ""}` +
          ` (${config.knowledgeDir} → collection "${config.defaultCollection}")\n`,
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

/** The error to report when Lore cannot listen on host:port, or undefined for an unexpected one. */
function listenError(error: unknown, host: string, port: number): LoreError | undefined {
  const code = (error as { code?: string }).code;
  if (code === "EADDRINUSE") return new LoreError("CONFIG_INVALID", `Port ${port} on ${host} is in use: set LORE_PORT or --port`, { cause: error });
  if (code === "EACCES") return new LoreError("CONFIG_INVALID", `Port ${port} on ${host} needs privileges: set LORE_PORT or --port to 1024 or above`, { cause: error });
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EADDRNOTAVAIL" || code === "EAFNOSUPPORT") {
    return new LoreError("CONFIG_INVALID", `Cannot listen on host "${host}" (${code}): set LORE_HOST or --host to an address of this machine, e.g. 127.0.0.1 or 0.0.0.0`, { cause: error });
  }
  return undefined;
}

/** Listens on host:port once and closes at once. */
async function probeListen(host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error) => reject(listenError(error, host, port) ?? error));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
