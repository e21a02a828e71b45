import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/retrieval/index.js";
import { makeDocument, runKnowledgeStoreContract } from "./storeContract.js";
import { unitVector } from "./storeVectors.js";

const dir = mkdtempSync(join(tmpdir(), "lore-sqlite-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runKnowledgeStoreContract("sqlite", () => openSqliteStore({ path: join(dir, "contract.db") }));

const signature = { modelId: "all-MiniLM-L6-v2-int8", sha256: "a".repeat(64), dimension: 384 };

describe("SqliteKnowledgeStore specifics", () => {
  it("keeps data across reopen and re-indexes BM25 when the tokenizer changes", async () => {
    const path = join(dir, "tokenizer.db");
    const first = await openSqliteStore({ path, ftsTokenizer: "unicode61 remove_diacritics 2" });
    await first.ensureCollection("docs", signature);
    const d = makeDocument("docs", "run.md", [{ text: "The service keeps running after restarts." }]);
    await first.replaceDocument(d.document, d.chunks);
    const plain = await first.searchBm25({ collection: "docs", text: "runs", vector: d.chunks[0]!.vector, limit: 5 });
    expect(plain).toEqual([]);
    await first.close();

    const stemmed = await openSqliteStore({ path, ftsTokenizer: "porter unicode61 remove_diacritics 2" });
    const hits = await stemmed.searchBm25({ collection: "docs", text: "runs", vector: d.chunks[0]!.vector, limit: 5 });
    expect(hits.map((h) => h.chunkId)).toEqual(["run.md#0"]);
    await stemmed.close();

    // New collections stem by default.
    const fresh = await openSqliteStore({ path: join(dir, "default-tokenizer.db") });
    await fresh.ensureCollection("docs", signature);
    await fresh.replaceDocument(d.document, d.chunks);
    const defaultHits = await fresh.searchBm25({ collection: "docs", text: "runs", vector: d.chunks[0]!.vector, limit: 5 });
    expect(defaultHits.map((h) => h.chunkId)).toEqual(["run.md#0"]);
    await fresh.close();
  });

  it("fast dense path approximates exact search and is exact when the candidates cover the filter", async () => {
    const path = join(dir, "dense.db");
    const store = await openSqliteStore({ path });
    await store.ensureCollection("many", signature);
    for (let doc = 0; doc < 20; doc++) {
      const specs = Array.from({ length: 50 }, (_, i) => ({ text: `chunk ${doc}-${i}`, seed: doc * 1000 + i + 1 }));
      const { document, chunks } = makeDocument("many", `doc-${doc}.md`, specs, { tags: doc === 7 ? ["rare"] : [] });
      await store.replaceDocument(document, chunks);
    }
    const q = { collection: "many", text: "", vector: unitVector(424242), limit: 10 };
    const exact = await store.searchDenseExact(q);
    const fast = await store.searchDense(q);
    const exactIds = exact.map((h) => h.chunkId);
    // Isotropic random vectors are the hardest case for a 1-bit first pass; real embeddings do better (see the query bench).
    expect(fast.filter((h) => exactIds.includes(h.chunkId)).length).toBeGreaterThanOrEqual(7);
    const wide = await openSqliteStore({ path, denseMinCandidates: 1000 });
    expect((await wide.searchDense(q)).map((h) => h.chunkId)).toEqual(exactIds);
    await wide.close();

    const rare = { ...q, filter: { tags: ["rare"] } };
    const filtered = await store.searchDense(rare);
    expect(filtered).toHaveLength(10);
    expect(new Set(filtered.map((h) => h.documentId))).toEqual(new Set(["doc-7.md"]));
    expect(filtered.map((h) => h.chunkId)).toEqual((await store.searchDenseExact(rare)).map((h) => h.chunkId));
    await store.close();
  });

  it("reads are not blocked by another connection's open write, and see its commit afterwards", async () => {
    const path = join(dir, "concurrent.db");
    const reader = await openSqliteStore({ path });
    const writer = await openSqliteStore({ path });
    await writer.ensureCollection("c", signature);
    const first = makeDocument("c", "first.md", [{ text: "first chunk", seed: 1 }]);
    await writer.replaceDocument(first.document, first.chunks);
    const q = { collection: "c", text: "chunk", vector: first.chunks[0]!.vector, limit: 5 };
    expect((await reader.searchDense(q)).map((h) => h.chunkId)).toEqual(["first.md#0"]);

    const raw = new Database(path);
    raw.exec("BEGIN IMMEDIATE");
    raw.prepare("UPDATE documents SET title = 'changing' WHERE id = 'first.md'").run();
    // WAL: the reader sees the last committed state while the write transaction is open.
    expect((await reader.getDocument("c", "first.md"))?.title).toBe("Title of first.md");
    expect((await reader.searchHybrid(q)).map((h) => h.chunkId)).toEqual(["first.md#0"]);
    raw.exec("ROLLBACK");
    raw.close();

    const second = makeDocument("c", "second.md", [{ text: "second chunk", seed: 2 }]);
    await writer.replaceDocument(second.document, second.chunks);
    // The reader's in-memory Hamming index notices the other connection's commit.
    expect((await reader.searchDense({ ...q, vector: second.chunks[0]!.vector }))[0]?.chunkId).toBe("second.md#0");
    await writer.close();
    await reader.close();
  });

  it("BM25 ignores terms found in half the chunks unless nothing else is left", async () => {
    const store = await openSqliteStore({ path: join(dir, "common.db"), commonTermMinChunks: 0 });
    await store.ensureCollection("c", signature);
    const texts = ["common alpha", "common beta", "common gamma", "common alpha delta"];
    for (const [i, text] of texts.entries()) {
      const d = makeDocument("c", `d${i}.md`, [{ text }]);
      await store.replaceDocument(d.document, d.chunks);
    }
    const bm25 = (text: string) => store.searchBm25({ collection: "c", text, vector: new Float32Array(384), limit: 10 });
    // "common" and "alpha" (2 of 4 chunks) carry no IDF in FTS5's bm25(): only "delta" ranks.
    expect((await bm25("common alpha delta")).map((h) => h.documentId)).toEqual(["d3.md"]);
    expect((await bm25("common")).map((h) => h.documentId).sort()).toEqual(["d0.md", "d1.md", "d2.md", "d3.md"]);
    await store.close();
  });

  it("finds nothing by BM25 when every query term is in half the chunks or more, so hybrid follows the dense list", async () => {
    const store = await openSqliteStore({ path: join(dir, "zero-idf.db") });
    await store.ensureCollection("c", signature);
    for (let i = 0; i < 24; i++) {
      const d = makeDocument("c", `d${i}.md`, [{ text: `Lore chapter ${i} covers topic${i}.`, seed: 900 + i }]);
      await store.replaceDocument(d.document, d.chunks);
    }
    const query = (text: string) => ({ collection: "c", text, vector: unitVector(907), limit: 3 });
    // "Lore" is in every chunk: FTS5's bm25() gives it no IDF, and its ranking would only measure chunk length.
    expect(await store.searchBm25({ ...query("What is Lore?"), onlyInformative: true })).toEqual([]);
    // A lookup of the word itself still finds it.
    expect((await store.searchBm25(query("Lore"))).length).toBe(3);
    const [best] = await store.searchHybrid(query("What is Lore?"));
    expect(best).toMatchObject({ documentId: "d7.md" });
    expect(best?.score.bm25Rank).toBeUndefined();
    // A term that tells chunks apart keeps the lexical list.
    expect((await store.searchBm25(query("Lore topic12")))[0]?.documentId).toBe("d12.md");
    await store.close();
  });

  it("rejects vectors of the wrong dimension with BAD_REQUEST", async () => {
    const store = await openSqliteStore({ path: join(dir, "dims.db") });
    await store.ensureCollection("c", signature);
    const d = makeDocument("c", "x.md", [{ text: "x" }], {}, 128);
    await expect(store.replaceDocument(d.document, d.chunks)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(store.searchDense({ collection: "c", text: "", vector: new Float32Array(10), limit: 3 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await store.close();
  });
});
