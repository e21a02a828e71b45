// `npm run eval:retrieval -- <set dir> [--json] [--no-rerank] [--dense-weight w] [--chunk-size n] [--chunk-overlap n] [--context-chars n]`
// Ingests the set's corpus into a temporary SQLite store (cached in os.tmpdir() by a hash of the
// corpus, the chunking parameters and the ingestion code) and scores dense, BM25 and hybrid
// retrieval per evidence fact of the answerable questions.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machineLine, writeBenchmarkSection } from "./benchmarksFile.js";
import { ingestDirectory, openEvalEmbedder, openEvalStore } from "./evalIngest.js";
import { Retriever, type SearchMode } from "../src/retrieval/index.js";
import type { SearchHit } from "../src/retrieval/types.js";

interface Fact {
  question: string;
  quote: string;
  files: string[];
}

interface ModeMetrics {
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrrAt10: number;
  spanRecallAt1: number;
  spanRecallAt5: number;
  spanRecallAt10: number;
}

const BASELINE = { recallAt1: 0.8, recallAt5: 0.99, spanRecallAt1: 0.66, spanRecallAt5: 0.92, spanRecallAt10: 0.94 };
const MODES: SearchMode[] = ["dense", "bm25", "hybrid"];
const ROOT = fileURLToPath(new URL("..", import.meta.url));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    "no-rerank": { type: "boolean", default: false },
    "dense-weight": { type: "string" },
    "merge-max-chars": { type: "string" },
    /** Re-indexes a copy of the cached store's BM25 with this FTS5 tokenizer (e.g. "porter unicode61 remove_diacritics 2"). */
    "fts-tokenizer": { type: "string" },
    "chunk-size": { type: "string" },
    "chunk-overlap": { type: "string" },
    "context-chars": { type: "string" },
    "no-write": { type: "boolean", default: false },
    /** Lists the facts hybrid search misses at span level in the top 5 (error analysis). */
    misses: { type: "boolean", default: false },
  },
});
const setDir = positionals[0];
if (!setDir) {
  process.stderr.write("Usage: npm run eval:retrieval -- <set dir> [--json]\n");
  process.exit(2);
}
const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

function readFacts(dir: string): Fact[] {
  const facts: Fact[] = [];
  for (const line of readFileSync(join(dir, "questions.jsonl"), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const q = JSON.parse(line) as { type: string; question: string; evidence?: { quote: string; file: string; files?: string[] }[] };
    if (q.type === "unanswerable") continue;
    for (const e of q.evidence ?? []) facts.push({ question: q.question, quote: collapse(e.quote), files: e.files ?? [e.file] });
  }
  return facts;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** Hash of everything that changes what is stored: corpus bytes, chunking parameters, ingestion code. */
function cacheKey(corpusDir: string, params: Record<string, unknown>, modelSha: string): string {
  const h = createHash("sha256");
  for (const f of listFiles(corpusDir)) h.update(relative(corpusDir, f)).update(readFileSync(f));
  h.update(JSON.stringify(params)).update(modelSha);
  const code = [...listFiles(join(ROOT, "src/retrieval")).filter((f) => /chunker|htmlText|loaders|ingestor/.test(f)), join(ROOT, "bench/evalIngest.ts")];
  for (const f of code) h.update(readFileSync(f));
  return h.digest("hex").slice(0, 16);
}

function baseName(source: string): string {
  return source.split(/[\\/]/).pop() ?? source;
}

/** `results[k]` holds, per fact, the hits of a search with limit k (merged spans depend on the limit). */
function score(facts: Fact[], results: Record<1 | 5 | 10, SearchHit[][]>): ModeMetrics {
  const sums = { r1: 0, r5: 0, r10: 0, mrr: 0, s1: 0, s5: 0, s10: 0 };
  const docHit = (fact: Fact, hits: SearchHit[]) => hits.some((h) => fact.files.includes(baseName(h.source)));
  const spanHit = (fact: Fact, hits: SearchHit[]) => hits.some((h) => collapse(h.text).includes(fact.quote));
  facts.forEach((fact, i) => {
    const top10 = results[10][i]!;
    const docRank = top10.findIndex((h) => fact.files.includes(baseName(h.source)));
    if (docRank >= 0) sums.mrr += 1 / (docRank + 1);
    if (docHit(fact, results[1][i]!)) sums.r1++;
    if (docHit(fact, results[5][i]!)) sums.r5++;
    if (docHit(fact, top10)) sums.r10++;
    if (spanHit(fact, results[1][i]!)) sums.s1++;
    if (spanHit(fact, results[5][i]!)) sums.s5++;
    if (spanHit(fact, top10)) sums.s10++;
  });
  const n = facts.length || 1;
  const r = (x: number) => Math.round((x / n) * 1000) / 1000;
  return {
    recallAt1: r(sums.r1),
    recallAt5: r(sums.r5),
    recallAt10: r(sums.r10),
    mrrAt10: r(sums.mrr),
    spanRecallAt1: r(sums.s1),
    spanRecallAt5: r(sums.s5),
    spanRecallAt10: r(sums.s10),
  };
}

const corpusDir = resolve(setDir, "corpus");
const facts = readFacts(resolve(setDir));
const chunking = {
  ...(values["chunk-size"] ? { chunkSize: Number(values["chunk-size"]) } : {}),
  ...(values["chunk-overlap"] ? { chunkOverlap: Number(values["chunk-overlap"]) } : {}),
  ...(values["context-chars"] ? { contextChars: Number(values["context-chars"]) } : {}),
};
const embedder = await openEvalEmbedder();
const key = cacheKey(corpusDir, chunking, embedder.modelSha256);
const dbPath = join(tmpdir(), `lore-eval-${key}.db`);
const collection = "eval";
let ingestSeconds: number | undefined;
if (!existsSync(dbPath)) {
  const partial = `${dbPath}.partial`;
  rmSync(partial, { force: true });
  const t0 = performance.now();
  const store = await openEvalStore(partial);
  const report = await ingestDirectory({ store, embedder, dir: corpusDir, collection, chunking, onDocument: (d, t) => process.stderr.write(`\r${d}/${t}`) });
  await store.close();
  for (const ext of ["-wal", "-shm"]) rmSync(partial + ext, { force: true });
  renameSync(partial, dbPath);
  ingestSeconds = (performance.now() - t0) / 1000;
  process.stderr.write(`ingested ${report.documents} documents, ${report.chunks} chunks in ${ingestSeconds.toFixed(0)} s → ${dbPath}\n`);
} else {
  process.stderr.write(`using cached store ${dbPath}\n`);
}

let searchPath = dbPath;
if (values["fts-tokenizer"]) {
  searchPath = join(tmpdir(), `lore-eval-${key}-fts.db`);
  copyFileSync(dbPath, searchPath);
}
const store = await openEvalStore(searchPath, values["fts-tokenizer"]);
const info = await store.getCollection(collection);
const retrieverOptions = {
  store,
  embedder,
  ...(values["no-rerank"] ? { reranker: false as const } : {}),
  ...(values["dense-weight"] ? { denseWeight: Number(values["dense-weight"]) } : {}),
  ...(values["merge-max-chars"] ? { mergeAdjacentMaxChars: Number(values["merge-max-chars"]) } : {}),
};
const retriever = new Retriever(retrieverOptions);
const metrics = {} as Record<SearchMode, ModeMetrics>;
const questions = [...new Set(facts.map((f) => f.question))];
for (const mode of MODES) {
  const perLimit = {} as Record<1 | 5 | 10, SearchHit[][]>;
  let byQuestion = new Map<string, SearchHit[]>();
  for (const limit of [1, 5, 10] as const) {
    byQuestion = new Map();
    for (const q of questions) byQuestion.set(q, await retriever.search({ collection, query: q, limit, mode }));
    perLimit[limit] = facts.map((f) => byQuestion.get(f.question)!);
  }
  metrics[mode] = score(facts, perLimit);
  if (values.misses && mode === "hybrid") {
    for (const fact of facts) {
      const hits = byQuestion.get(fact.question)!;
      const rank = hits.findIndex((h) => collapse(h.text).includes(fact.quote));
      const top = hits[0] ? baseName(hits[0].source) : "";
      if (rank >= 0 && rank < 5 && fact.files.includes(top)) continue;
      if (rank >= 0 && rank < 5) {
        process.stderr.write(`DOC@1 miss: top ${top} want ${fact.files.join(",")} | ${fact.question.slice(0, 80)}\n`);
        continue;
      }
      process.stderr.write(`MISS span@${rank + 1} ${fact.files.join(",")} | ${fact.question.slice(0, 90)}\n   quote: ${fact.quote.slice(0, 100)}\n`);
      for (const h of hits.slice(0, 5)) {
        process.stderr.write(`   ${baseName(h.source)} d${h.score.denseRank ?? "-"} b${h.score.bm25Rank ?? "-"} ${h.headingPath.join(" > ").slice(0, 60)} | ${collapse(h.text).slice(0, 80)}\n`);
      }
    }
  }
}
await store.close();
await embedder.dispose();

const f = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
const rows = [
  "| mode | doc R@1 | doc R@5 | doc R@10 | doc MRR@10 | span R@1 | span R@5 | span R@10 |",
  "|---|---|---|---|---|---|---|---|",
  `| baseline (issue: 200-word chunks, hybrid) | ${f(BASELINE.recallAt1)} | ${f(BASELINE.recallAt5)} | — | — | ${f(BASELINE.spanRecallAt1)} | ${f(BASELINE.spanRecallAt5)} | ${f(BASELINE.spanRecallAt10)} |`,
  ...MODES.map((m) => {
    const x = metrics[m];
    return `| ${m} | ${f(x.recallAt1)} | ${f(x.recallAt5)} | ${f(x.recallAt10)} | ${f(x.mrrAt10)} | ${f(x.spanRecallAt1)} | ${f(x.spanRecallAt5)} | ${f(x.spanRecallAt10)} |`;
  }),
];
const table = rows.join("\n");
process.stdout.write(`${table}\n`);
if (!values["no-write"]) {
  writeBenchmarkSection(
    "retrieval-eval",
    [
      "## Retrieval eval (`npm run eval:retrieval -- ../shared/eval/debian-handbook`)",
      "",
      `${machineLine()}. Set: ${baseName(resolve(setDir))}, ${facts.length} evidence facts of ${questions.length} answerable questions; ` +
        `${info?.documentCount ?? "?"} documents, ${info?.chunkCount ?? "?"} chunks; embedder ${embedder.modelId}; ` +
        `reranker ${values["no-rerank"] ? "off" : "lexical"}. Document level: a top-k chunk's file is one of the fact's files; ` +
        "span level: a top-k chunk's text contains the fact's quote (whitespace collapsed).",
      "",
      table,
    ].join("\n"),
  );
}
if (values.json) process.stdout.write(`${JSON.stringify(metrics)}\n`);
