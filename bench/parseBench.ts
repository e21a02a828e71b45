// `npm run bench -- parse [--json] [--dir <folder>] [--rounds n]`: what parsing files costs the event
// loop that answers questions. Each round parses every file of the folder inline (as a batch eval
// does) and through the DocumentParser's worker thread (as the server and `lore ingest` do), side by
// side, while a timer measures how late the event loop runs.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DocumentParser, isSupportedFile, loadDocument } from "../src/retrieval/index.js";
import { machineLine, percentile, writeBenchmarkSection } from "./benchmarksFile.js";

const pdfSet = fileURLToPath(new URL("./sets/pdf-manuals/corpus", import.meta.url));
const fixtures = fileURLToPath(new URL("../test/fixtures/typeset", import.meta.url));
const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    // The PDF set's manuals (bench/sets/pdf-manuals/corpus.sh) when fetched, else the test fixtures' PDFs.
    dir: { type: "string" },
    rounds: { type: "string", default: "3" },
  },
});
const dir = values.dir ?? (statSync(pdfSet, { throwIfNoEntry: false })?.isDirectory() ? pdfSet : fixtures);
const files = readdirSync(dir)
  .filter(isSupportedFile)
  .map((name) => ({ name, content: readFileSync(join(dir, name)) }));
if (files.length === 0) {
  process.stderr.write(`No supported files in ${dir}\n`);
  process.exit(1);
}
const rounds = Number(values.rounds);

interface Measure {
  ms: number;
  maxLagMs: number;
  p99LagMs: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function measure(parse: (name: string, content: Buffer) => Promise<unknown>): Promise<Measure> {
  // A 1 ms timer's gaps: how long the event loop went without a turn. (monitorEventLoopDelay records a
  // stall only when its timer next fires, which a stall at the very end never lets it do.)
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  const started = performance.now();
  for (const file of files) {
    await parse(file.name, file.content);
    // Between files the ingestor awaits embeddings and store writes, which give the loop its turns.
    await nextTurn();
  }
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(timer);
  return { ms, maxLagMs: gaps.reduce((max, gap) => Math.max(max, gap), 0), p99LagMs: percentile(gaps, 99) || 0 };
}

const parser = new DocumentParser({ timeoutMs: 600_000 });
const inline: Measure[] = [];
const worker: Measure[] = [];
try {
  // Warm both paths (module loading, the worker's start) before timing.
  await measure((name, content) => parser.parse(name, content));
  await measure(loadDocument);
  for (let round = 0; round < rounds; round++) {
    inline.push(await measure(loadDocument));
    worker.push(await measure((name, content) => parser.parse(name, content)));
  }
} finally {
  await parser.close();
}

const median = (xs: number[]) => percentile(xs, 50);
const summary = (ms: Measure[]) => ({ ms: median(ms.map((m) => m.ms)), maxLagMs: median(ms.map((m) => m.maxLagMs)), p99LagMs: median(ms.map((m) => m.p99LagMs)) });
const a = summary(inline);
const b = summary(worker);
const bytes = files.reduce((s, f) => s + f.content.length, 0);
const row = (label: string, m: ReturnType<typeof summary>) => `| ${label} | ${(m.ms / 1000).toFixed(2)} s | ${m.maxLagMs.toFixed(0)} ms | ${m.p99LagMs.toFixed(0)} ms |`;
const table = [
  "| parsed | all files | event loop's longest stall | p99 stall |",
  "|---|---|---|---|",
  row("inline (batch evals)", a),
  row("worker thread (server, `lore ingest`)", b),
].join("\n");
process.stdout.write(`${table}\n`);
writeBenchmarkSection(
  "parse",
  [
    "## parse — what reading files costs the event loop (`npm run bench -- parse`)",
    "",
    `${machineLine()}. ${files.length} files (${(bytes / 1024).toFixed(0)} KiB) from \`${relative(process.cwd(), dir) || "."}\`, ` +
      `parsed in turn, median of ${rounds} rounds, inline and in the worker alternately in one run. A stall is the longest the ` +
      "event loop went without a turn (a 1 ms timer's largest gap): while a file is parsed inline, no question is answered and " +
      "no WebSocket message is read. Parsing in the worker costs a copy of the file and of its text across threads.",
    "",
    table,
  ].join("\n"),
);
if (values.json) process.stdout.write(`${JSON.stringify({ inline: a, worker: b })}\n`);
