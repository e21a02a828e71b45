import { basename } from "node:path";
import cliProgress from "cli-progress";
import { z } from "zod";
import { loadConfig } from "../../config/index.js";
import { LoreError } from "../../errors/index.js";
import { loadEmbedder, resolveEmbeddingModel } from "../../inference/index.js";
import { createLogger } from "../../logging/index.js";
import { DocumentParser, Ingestor, openKnowledgeStore, type IngestProgress, type IngestReport } from "../../retrieval/index.js";
import { collectionFlag, type CliCommand } from "./command.js";

const flagsSchema = z.object({
  collection: collectionFlag.optional(),
  tag: z.array(z.string().min(1)).default([]),
  acl: z.array(z.string().min(1)).default([]),
  json: z.boolean().default(false),
  reembed: z.boolean().default(false),
});

function summary(report: IngestReport, collection: string): string {
  const lines = report.files
    .filter((f) => f.status === "failed")
    .map((f) => `  failed  ${f.path} [${f.error?.code ?? "INTERNAL"}]: ${(f.error?.message ?? "").replace(`${basename(f.path)}: `, "")}`);
  if (report.skipped.length > 0) {
    const shown = report.skipped.slice(0, 5).join(", ");
    lines.push(`  skipped ${report.skipped.length} file(s) of a type Lore does not read: ${shown}${report.skipped.length > 5 ? ", …" : ""}`);
  }
  const truncated = report.truncatedChunks > 0 ? `, ${report.truncatedChunks} chunks truncated for the embedder` : "";
  lines.push(
    `${collection}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ` +
      `${report.deleted} deleted, ${report.failed} failed — ${report.chunks} chunks in ${(report.ms / 1000).toFixed(1)} s${truncated}`,
  );
  return lines.join("\n");
}

export const ingestCommand: CliCommand = {
  summary: "Ingest a file or folder into a collection (incremental: unchanged files are skipped)",
  help: [
    "Usage: lore ingest <path> [--collection c] [--tag t]... [--acl group]... [--reembed] [--json]",
    "",
    "Reads .md, .markdown, .rst, .adoc, man pages (.1-.9), .info, .txt, .html, .htm, .pdf, .docx,",
    ".epub, .json, .jsonl, and any of these gzipped (ls.1.gz); folders recursively, dotfiles ignored.",
    "Documents are identified by their path as given; re-running skips unchanged files, replaces",
    "changed ones and deletes documents whose files were removed from the folder.",
    "A file that cannot be parsed is reported and the rest goes on (exit code 1 if any failed).",
    "Chunking follows LORE_CHUNK_SIZE / LORE_CHUNK_OVERLAP; the store is LORE_STORE (sqlite at",
    "LORE_DB_PATH or LORE_DATA_DIR/lore.db, or qdrant at QDRANT_URL). --json prints the report.",
    "A collection embedded with another model is refused; --reembed first re-embeds its documents",
    "from their source files with the configured model (refused if some have none, e.g. uploads).",
  ].join("\n"),
  options: {
    collection: { type: "string", short: "c" },
    tag: { type: "string", short: "t", multiple: true },
    acl: { type: "string", multiple: true },
    json: { type: "boolean" },
    reembed: { type: "boolean" },
  },
  async run(values, positionals) {
    const parsed = flagsSchema.safeParse(values);
    if (!parsed.success) throw new LoreError("BAD_REQUEST", parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
    const path = positionals[0];
    if (!path || positionals.length > 1) throw new LoreError("BAD_REQUEST", "Give one file or folder: lore ingest <path>");
    const flags = parsed.data;
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel === "info" ? "warn" : config.logLevel });
    const collection = flags.collection ?? config.defaultCollection;

    const store = await openKnowledgeStore(config, logger);
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: " ingest {bar} {value}/{total} files | {status} {file}", hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once("SIGINT", onSignal);
    try {
      const embedder = await loadEmbedder({ model: await resolveEmbeddingModel(config), threads: config.resolvedThreads, logger });
      const parser = new DocumentParser({ timeoutMs: config.parseTimeoutMs });
      try {
        // No logger for the ingestor: the summary below is where per-file failures are reported.
        // Parsed in a worker: the progress bar keeps moving, and a file past the time limit is skipped.
        const ingestor = new Ingestor({ store, embedder, chunkSize: config.chunkSize, chunkOverlap: config.chunkOverlap, parser });
        const onProgress = (p: IngestProgress) => {
          if (!started) {
            bar.start(p.total, 0, { file: "", status: "" });
            started = true;
          }
          bar.update(p.done, { file: p.file, status: p.status });
        };
        const stopBar = () => {
          if (started) bar.stop();
          started = false;
        };
        const existing = await store.getCollection(collection);
        if (existing && flags.reembed && JSON.stringify(existing.embedding) !== JSON.stringify(ingestor.signature)) {
          process.stderr.write(`re-embedding "${collection}" (${existing.embedding.modelId} → ${ingestor.signature.modelId})\n`);
          const reembedded = await ingestor.reembedCollection(collection, { onProgress, signal: abort.signal });
          stopBar();
          process.stderr.write(`${summary(reembedded, collection)}\n`);
        }
        const report = await ingestor
          .ingestPath(path, { collection, tags: flags.tag, acl: flags.acl, signal: abort.signal, onProgress })
          .catch((error: unknown) => {
            if (LoreError.isInstance(error) && error.code === "EMBEDDING_MODEL_MISMATCH") {
              throw new LoreError(error.code, `${error.message} To re-embed it from its source files, run again with --reembed.`, { cause: error });
            }
            throw error;
          });
        stopBar();
        process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${summary(report, collection)}\n`);
        return report.failed > 0 ? 1 : 0;
      } finally {
        await parser.close();
        await embedder.dispose();
      }
    } finally {
      if (started) bar.stop();
      process.off("SIGINT", onSignal);
      await store.close();
    }
  },
};
