// `npm run bench -- ingest [--json] [--dir <corpus>]`: pages/s and chunks/s ingesting the
// Debian handbook corpus into a fresh SQLite store, split into extraction+chunking, embedding
// and store writes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machineLine, writeBenchmarkSection } from "./benchmarksFile.js";
import { ingestDirectory, openEvalEmbedder, openEvalStore } from "./evalIngest.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    dir: { type: "string", default: fileURLToPath(new URL("../../shared/eval/debian-handbook/corpus", import.meta.url)) },
  },
});

const tmp = mkdtempSync(join(tmpdir(), "lore-ingest-bench-"));
const embedder = await openEvalEmbedder();
const store = await openEvalStore(join(tmp, "lore.db"));
try {
  const stats = await ingestDirectory({ store, embedder, dir: values.dir!, collection: "bench" });
  const seconds = stats.totalMs / 1000;
  const pagesPerSecond = stats.documents / seconds;
  const chunksPerSecond = stats.chunks / seconds;
  const share = (ms: number) => `${(ms / 1000).toFixed(1)} s (${Math.round((100 * ms) / stats.totalMs)} %)`;
  const table = [
    "| pages | chunks | total | pages/s | chunks/s | extraction + chunking | embedding | store writes |",
    "|---|---|---|---|---|---|---|---|",
    `| ${stats.documents} | ${stats.chunks} | ${seconds.toFixed(1)} s | ${pagesPerSecond.toFixed(2)} | ${chunksPerSecond.toFixed(1)} | ${share(stats.extractMs)} | ${share(stats.embedMs)} | ${share(stats.storeMs)} |`,
  ].join("\n");
  process.stdout.write(`${table}\n`);
  writeBenchmarkSection(
    "ingest",
    [
      "## Ingest (`npm run bench -- ingest`)",
      "",
      `${machineLine()}. The Debian handbook corpus (HTML) into a fresh SQLite store through the Ingestor with default ` +
        `chunking, embedder ${embedder.modelId} (int8 ONNX). Embedding dominates; the machine was shared with other ` +
        "jobs when measured, so treat absolute numbers as a lower bound.",
      "",
      table,
    ].join("\n"),
  );
  if (values.json) process.stdout.write(`${JSON.stringify({ pagesPerSecond, chunksPerSecond })}\n`);
} finally {
  await store.close();
  await embedder.dispose();
  rmSync(tmp, { recursive: true, force: true });
}
