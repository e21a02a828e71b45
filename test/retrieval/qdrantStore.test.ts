import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, describe, expect, it } from "vitest";
import { openQdrantStore, type QdrantKnowledgeStore } from "../../src/retrieval/index.js";
import { qdrantClientAddress } from "../../src/retrieval/qdrantAddress.js";
import { collectionPointId } from "../../src/retrieval/pointId.js";
import { chunkPoint, createChunkCollectionBody } from "../../src/retrieval/qdrantRequests.js";
import { makeDocument, runKnowledgeStoreContract } from "./storeContract.js";

// Runs against a real Qdrant when QDRANT_URL is set (e.g. `docker compose up qdrant` then
// QDRANT_URL=http://localhost:6333 npx vitest run test/retrieval/qdrantStore.test.ts);
// otherwise every test here reports as skipped. Request shapes and error mapping are covered
// without a server in qdrantRequests.test.ts.
const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY;
// A prefix per run keeps parallel runs on one server apart; afterAll drops everything under it.
const prefix = `lore_test_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}_`;
const open = (): Promise<QdrantKnowledgeStore> => openQdrantStore({ url: url ?? "", prefix, ...(apiKey ? { apiKey } : {}) });
/** A plain client on the same server, to inspect or bypass what the store does. */
const rawClient = (): QdrantClient =>
  new QdrantClient({ ...qdrantClientAddress(url!), checkCompatibility: false, ...(apiKey ? { headers: { "api-key": apiKey } } : {}) });

afterAll(async () => {
  if (!url) return;
  const client = rawClient();
  // With the server down the tests have already failed with the reason; cleanup would only repeat it.
  const listed = await client.getCollections().catch(() => undefined);
  if (!listed) return;
  const { collections } = listed;
  for (const { name } of collections) if (name.startsWith(prefix)) await client.deleteCollection(name);
});

runKnowledgeStoreContract("qdrant", open, { skip: url ? false : "QDRANT_URL is not set" });

const signature = { modelId: "all-MiniLM-L6-v2-int8", sha256: "a".repeat(64), dimension: 384 };

describe.skipIf(!url)("QdrantKnowledgeStore specifics", () => {
  it("creates the collection with dense + IDF sparse vectors and keyword payload indexes", async () => {
    const store = await open();
    await store.ensureCollection("layout", signature);
    const client = rawClient();
    const info = await client.getCollection(store.qdrantCollectionName("layout"));
    expect(info.config.params.vectors).toMatchObject({ dense: { size: 384, distance: "Cosine" } });
    expect(info.config.params.sparse_vectors).toMatchObject({ bm25: { modifier: "idf" } });
    for (const field of ["collection", "acl", "tags", "documentId", "generation"]) {
      expect(info.payload_schema[field]).toMatchObject({ data_type: "keyword" });
    }
    await store.deleteCollection("layout");
  });

  it("keeps an interrupted replace invisible and removes its chunks on the next replace", async () => {
    const store = await open();
    await store.ensureCollection("interrupted", signature);
    const v1 = makeDocument("interrupted", "doc.md", [{ text: "Version one mentions ocelots.", seed: 11 }], { contentHash: "v1" });
    await store.replaceDocument(v1.document, v1.chunks);

    // A writer that died after upserting a new generation's chunks but before flipping the record.
    const v2 = makeDocument("interrupted", "doc.md", [{ text: "Version two mentions pangolins.", seed: 11 }], { contentHash: "v2" });
    const client = rawClient();
    const qname = store.qdrantCollectionName("interrupted");
    await client.upsert(qname, { wait: true, points: [chunkPoint(v2.document, v2.chunks[0]!, "dead-generation")] });

    const query = { collection: "interrupted", text: "pangolins ocelots", vector: v1.chunks[0]!.vector, limit: 5 };
    for (const hits of [await store.searchDense(query), await store.searchBm25(query), await store.searchHybrid(query)]) {
      expect(hits.map((h) => h.text)).toEqual(["Version one mentions ocelots."]);
    }
    expect(await store.getDocument("interrupted", "doc.md")).toMatchObject({ contentHash: "v1" });
    expect((await store.getDocumentChunks("interrupted", "doc.md"))?.chunks.map((c) => c.text)).toEqual(["Version one mentions ocelots."]);

    await store.replaceDocument(v2.document, v2.chunks);
    expect((await store.searchHybrid(query)).map((h) => h.text)).toEqual(["Version two mentions pangolins."]);
    expect((await client.count(qname, { exact: true })).count).toBe(1);
    await store.deleteCollection("interrupted");
  });

  it("upserts a large document in batches and reports its chunk count", async () => {
    const store = await openQdrantStore({ url: url!, prefix, batchSize: 100, ...(apiKey ? { apiKey } : {}) });
    await store.ensureCollection("large", signature);
    const specs = Array.from({ length: 250 }, (_, i) => ({ text: `Paragraph ${i} about topic ${i % 7}.`, seed: 5000 + i }));
    const { document, chunks } = makeDocument("large", "big.md", specs);
    await store.replaceDocument(document, chunks);
    expect(await store.getCollection("large")).toMatchObject({ documentCount: 1, chunkCount: 250 });
    const hit = await store.searchDense({ collection: "large", text: "", vector: chunks[123]!.vector, limit: 1 });
    expect(hit[0]?.chunkId).toBe("big.md#123");
    await store.deleteCollection("large");
  });

  it("finds nothing by BM25 for a query of stop words only, and ranks hybrid hits by the dense list alone", async () => {
    // qdrant/bm25 drops English stop words, so such a query becomes an empty sparse vector, which the
    // server answers with no points rather than an error (bm25.rs search_embed, sparse_vector_index.rs).
    const store = await open();
    await store.ensureCollection("stopwords", signature);
    const { document, chunks } = makeDocument("stopwords", "the.md", [{ text: "The archive and the index are not the same.", seed: 31 }]);
    await store.replaceDocument(document, chunks);
    const query = { collection: "stopwords", text: "the AND or not", vector: chunks[0]!.vector, limit: 3 };
    expect(await store.searchBm25(query)).toEqual([]);
    const [hit] = await store.searchHybrid(query);
    expect(hit?.documentId).toBe("the.md");
    expect(hit?.score.bm25).toBeUndefined();
    expect(hit?.score.denseRank).toBe(1);
    expect(hit?.score.fused).toBeCloseTo(1 / 61, 6);
    await store.deleteCollection("stopwords");
  });

  it("rejects a query vector of the wrong dimension with BAD_REQUEST and finds nothing in a missing collection", async () => {
    const store = await open();
    await store.ensureCollection("dims", signature);
    await expect(store.searchDense({ collection: "dims", text: "", vector: new Float32Array(3), limit: 3 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await store.searchHybrid({ collection: "no-such", text: "x", vector: new Float32Array(384), limit: 3 })).toEqual([]);
    await store.deleteCollection("dims");
  });

  it("never drops the meta collection through deleteCollection", async () => {
    const store = await open();
    await store.ensureCollection("kept", signature);
    expect(await store.deleteCollection("_meta")).toBe(false);
    expect((await rawClient().collectionExists(store.metaCollectionName)).exists).toBe(true);
    expect((await store.listCollections()).map((c) => c.name)).toContain("kept");
    await store.deleteCollection("kept");
  });

  it("keeps a document whole when two replaces of it run at once", async () => {
    const store = await open();
    await store.ensureCollection("racing", signature);
    const a = makeDocument("racing", "doc.md", [{ text: "Version A mentions ocelots.", seed: 41 }, { text: "More of version A.", seed: 42 }], { contentHash: "a" });
    const b = makeDocument("racing", "doc.md", [{ text: "Version B mentions pangolins.", seed: 43 }], { contentHash: "b" });
    await Promise.all([store.replaceDocument(a.document, a.chunks), store.replaceDocument(b.document, b.chunks)]);
    // Writes run in call order, so B (the later call) is the current version, and its chunks are all there.
    expect(await store.getDocument("racing", "doc.md")).toMatchObject({ contentHash: "b", chunkCount: 1 });
    const hits = await store.searchDense({ collection: "racing", text: "", vector: b.chunks[0]!.vector, limit: 5 });
    expect(hits.map((h) => h.text)).toEqual(["Version B mentions pangolins."]);
    expect((await rawClient().count(store.qdrantCollectionName("racing"), { exact: true })).count).toBe(1);
    await store.deleteCollection("racing");
  });

  it("does not bring back the documents of an interrupted delete when the collection is created again", async () => {
    const store = await open();
    await store.ensureCollection("ghosts", signature);
    const { document, chunks } = makeDocument("ghosts", "old.md", [{ text: "An old document.", seed: 51 }]);
    await store.replaceDocument(document, chunks);
    // A delete that died after dropping the record and the Qdrant collection, before the document records.
    const client = rawClient();
    await client.delete(store.metaCollectionName, { wait: true, points: [collectionPointId("ghosts")] });
    await client.deleteCollection(store.qdrantCollectionName("ghosts"));

    expect(await store.ensureCollection("ghosts", signature)).toMatchObject({ documentCount: 0, chunkCount: 0 });
    expect(await store.listDocuments("ghosts")).toEqual([]);
    await store.deleteCollection("ghosts");
  });
  it("lets two processes create the same collection at once without either dropping the other's", async () => {
    const [first, second] = [await open(), await open()];
    await Promise.all([first.ensureCollection("together", signature), second.ensureCollection("together", signature)]);
    const { document, chunks } = makeDocument("together", "doc.md", [{ text: "Written by the first process.", seed: 61 }]);
    await first.replaceDocument(document, chunks);
    expect(await second.ensureCollection("together", signature)).toMatchObject({ documentCount: 1, chunkCount: 1 });
    expect(await second.getDocument("together", "doc.md")).toMatchObject({ chunkCount: 1 });
    await first.deleteCollection("together");
  });

  it("takes over an empty record-less Qdrant collection, and drops one that holds points", async () => {
    const store = await open();
    const client = rawClient();
    // One being created by another process (no chunks are written before the record), one left by a delete that died.
    await client.createCollection(store.qdrantCollectionName("halfway"), createChunkCollectionBody(384));
    await client.createCollection(store.qdrantCollectionName("leftover"), createChunkCollectionBody(384));
    const stale = makeDocument("leftover", "old.md", [{ text: "A stale chunk.", seed: 71 }]);
    await client.upsert(store.qdrantCollectionName("leftover"), { wait: true, points: [chunkPoint(stale.document, stale.chunks[0]!, "gone")] });

    expect(await store.ensureCollection("halfway", signature)).toMatchObject({ documentCount: 0, chunkCount: 0 });
    expect(await store.ensureCollection("leftover", signature)).toMatchObject({ documentCount: 0, chunkCount: 0 });
    const info = await client.getCollection(store.qdrantCollectionName("halfway"));
    for (const field of ["collection", "acl", "tags", "documentId", "generation"]) expect(info.payload_schema[field]).toMatchObject({ data_type: "keyword" });
    await store.deleteCollection("halfway");
    await store.deleteCollection("leftover");
  });
  it("leaves a record-less empty Qdrant collection alone when deleting (another process creating it)", async () => {
    const store = await open();
    const client = rawClient();
    const qname = store.qdrantCollectionName("inflight");
    await client.createCollection(qname, createChunkCollectionBody(384));
    expect(await store.deleteCollection("inflight")).toBe(false);
    expect((await client.collectionExists(qname)).exists).toBe(true);
    await client.deleteCollection(qname);
  });
});
