import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEmbedder, resolveEmbeddingModel, type Embedder } from "../../src/inference/index.js";
import { silentLogger } from "../../src/logging/index.js";
import { mergeAdjacentHits } from "../../src/retrieval/adjacentMerge.js";
import { Ingestor, LexicalReranker, openSqliteStore, Retriever, type SearchHit, type SqliteKnowledgeStore } from "../../src/retrieval/index.js";

const MIRROR = fileURLToPath(new URL("../../../shared/models", import.meta.url));
const collection = "kb";

const DUPLICATED =
  "Release trains leave every second Thursday. A change that misses the train waits for the next one; " +
  "hotfixes bypass the schedule only with sign-off from the on-call release captain.";

const DOCS: Record<string, { text: string; acl?: string[] }> = {
  "backup.md": {
    text:
      "# Backups\n\n## WAL archiving\n\nContinuous archiving copies every write-ahead log segment to object storage as soon as it is " +
      "complete. Together with a nightly base backup this lets the operator restore the database to any moment in time, " +
      "for example to just before a table was dropped by mistake.\n\n## Retention\n\nBase backups are kept for 30 days.",
  },
  "tuning.md": {
    text:
      "# Tuning\n\n## Flushing\n\nThe parameter zqx_flush_interval sets how many milliseconds the writer waits before it flushes " +
      "buffered pages. Lower values shorten the window of lost writes after a crash but cost throughput.\n\n" +
      "## Connections\n\nEach connection reserves a few megabytes of memory for sorting and hashing.",
  },
  "process-a.md": { text: `# Release process\n\n${DUPLICATED}` },
  "process-b.md": { text: `# Engineering handbook\n\n## Releases\n\n${DUPLICATED}` },
  "payroll.md": {
    text: "# Payroll\n\nThe quarterly payroll cutoff is the 20th of the last month of the quarter; late expense claims roll over.",
    acl: ["finance"],
  },
};

describe("Retriever (SQLite store, all-MiniLM-L6-v2)", () => {
  let dir: string;
  let embedder: Embedder;
  let store: SqliteKnowledgeStore;
  let retriever: Retriever;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lore-retriever-"));
    const model = await resolveEmbeddingModel({ modelsDir: MIRROR, embeddingModel: "all-minilm-l6-v2", chatModel: "smollm2-135m-instruct" });
    embedder = await loadEmbedder({ model, threads: 2, logger: silentLogger() });
    store = await openSqliteStore({ path: join(dir, "lore.db") });
    const ingestor = new Ingestor({ store, embedder, logger: silentLogger() });
    for (const [name, doc] of Object.entries(DOCS)) {
      await ingestor.ingestContent({ collection, source: `test://${name}`, fileName: name, content: doc.text, ...(doc.acl ? { acl: doc.acl } : {}) });
    }
    retriever = new Retriever({ store, embedder, logger: silentLogger() });
  });

  afterAll(async () => {
    await store?.close();
    await embedder?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("finds the passage for a paraphrased question that shares few words with it", async () => {
    const query = "How can I bring the DB back to how it was right before someone deleted a table by accident?";
    const [dense] = await retriever.search({ collection, query, mode: "dense" });
    const [hybrid] = await retriever.search({ collection, query });
    expect(dense?.source).toBe("test://backup.md");
    expect(hybrid?.source).toBe("test://backup.md");
    expect(hybrid?.headingPath).toContain("WAL archiving");
  });

  it("finds an exact identifier through BM25", async () => {
    const [bm25] = await retriever.search({ collection, query: "what does zqx_flush_interval do?", mode: "bm25" });
    const [hybrid] = await retriever.search({ collection, query: "zqx_flush_interval" });
    expect(bm25?.source).toBe("test://tuning.md");
    expect(hybrid?.source).toBe("test://tuning.md");
    expect(hybrid?.text).toContain("zqx_flush_interval");
  });

  it("collapses the same passage from two documents into one hit", async () => {
    const hits = await retriever.search({ collection, query: "When do release trains leave and who can approve a hotfix?" });
    const copies = hits.filter((h) => h.text.includes("Release trains leave every second Thursday"));
    expect(copies).toHaveLength(1);
    expect(hits[0]?.text).toContain("Release trains leave");
  });

  it("respects the caller's ACL groups", async () => {
    const query = "When is the quarterly payroll cutoff?";
    const outsider = await retriever.search({ collection, query, filter: { aclGroups: ["engineering"] } });
    const insider = await retriever.search({ collection, query, filter: { aclGroups: ["finance"] } });
    expect(outsider.map((h) => h.source)).not.toContain("test://payroll.md");
    expect(insider[0]?.source).toBe("test://payroll.md");
  });

  it("returns score parts, provenance and offsets for citations", async () => {
    const [hit] = await retriever.search({ collection, query: "flush interval of buffered pages", limit: 3 });
    expect(hit).toBeDefined();
    expect(hit!.score.fused).toBeGreaterThan(0);
    expect(hit!.score.dense).toBeGreaterThan(0);
    expect(hit!.score.bm25).toBeDefined();
    expect(hit!.score.denseRank).toBe(1);
    expect(hit!.score.bm25Rank).toBe(1);
    expect(hit!.documentId).toBe("test://tuning.md");
    expect(DOCS["tuning.md"]!.text.slice(hit!.start, hit!.end)).toBe(hit!.text);
  });

  it("switches between dense-only, BM25-only and hybrid lists", async () => {
    const query = "memory reserved per connection";
    const dense = await retriever.search({ collection, query, mode: "dense", limit: 3 });
    const bm25 = await retriever.search({ collection, query, mode: "bm25", limit: 3 });
    const hybrid = await retriever.search({ collection, query, limit: 3 });
    expect(dense.every((h) => h.score.dense !== undefined && h.score.bm25 === undefined)).toBe(true);
    expect(bm25.every((h) => h.score.bm25 !== undefined && h.score.dense === undefined)).toBe(true);
    expect(hybrid.some((h) => h.score.dense !== undefined && h.score.bm25 !== undefined)).toBe(true);
    expect(hybrid).toHaveLength(3);
  });

  it("lets a reranker reorder the fused candidates and records its score", async () => {
    const reranked = new Retriever({ store, embedder, reranker: new LexicalReranker() });
    const hits = await reranked.search({ collection, query: "zqx_flush_interval crash lost writes", limit: 2 });
    expect(hits[0]?.source).toBe("test://tuning.md");
    expect(hits[0]?.score.rerank).toBeGreaterThan(0);
  });
});

describe("mergeAdjacentHits", () => {
  const doc = "Alpha one. Beta two. Gamma three. Delta four.";
  const hit = (documentId: string, start: number, end: number, fused: number): SearchHit => ({
    chunkId: `${documentId}#${start}`,
    documentId,
    collection,
    source: documentId,
    title: undefined,
    headingPath: [],
    start,
    end,
    text: doc.slice(start, end),
    score: { fused },
  });

  it("joins overlapping chunks of one document into one exact span and gives the freed slot to the next hit", () => {
    const ranked = [hit("a", 11, 33, 0.9), hit("a", 0, 20, 0.8), hit("b", 0, 10, 0.7), hit("a", 21, 45, 0.6)];
    const merged = mergeAdjacentHits(ranked, 2, 1000);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({ documentId: "a", start: 0, end: 33, text: doc.slice(0, 33), chunkId: "a#11" });
    expect(merged[1]?.documentId).toBe("b");
  });

  it("leaves chunks apart when the joined span would be too long", () => {
    const merged = mergeAdjacentHits([hit("a", 0, 20, 0.9), hit("a", 11, 33, 0.8)], 5, 25);
    expect(merged.map((h) => [h.start, h.end])).toEqual([
      [0, 20],
      [11, 33],
    ]);
  });
});
