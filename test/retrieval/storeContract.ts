/**
 * The contract every KnowledgeStore engine passes (SQLite here, Qdrant in its own test file).
 * Only the public interface is used, and every test works in its own collection, so the suite
 * can run against a shared server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoreError } from "../../src/errors/index.js";
import type { ChunkRecord, DocumentMeta, EmbeddingSignature, KnowledgeStore, StoreQuery } from "../../src/retrieval/types.js";
import { unitVector } from "./storeVectors.js";

export interface StoreContractOptions {
  /** Skip the whole suite (e.g. "QDRANT_URL is not set"); vitest reports it as skipped. */
  skip?: string | false;
  /** Dimension of the test vectors. Defaults to 384. */
  dimension?: number;
}

const MINILM: Omit<EmbeddingSignature, "dimension"> = { modelId: "all-MiniLM-L6-v2-int8", sha256: "a".repeat(64) };
const BGE: Omit<EmbeddingSignature, "dimension"> = { modelId: "bge-small-en-v1.5-int8", sha256: "b".repeat(64) };

let seedCounter = 1000;

interface ChunkSpec {
  text: string;
  headingPath?: string[];
  seed?: number;
}

/** Builds a document and its chunks; chunk i's vector is unitVector(seed of spec i). */
export function makeDocument(
  collection: string,
  id: string,
  specs: ChunkSpec[],
  meta: Partial<Pick<DocumentMeta, "tags" | "acl" | "title" | "contentHash" | "metadata">> = {},
  dimension = 384,
): { document: DocumentMeta; chunks: ChunkRecord[] } {
  const document: DocumentMeta = {
    id,
    collection,
    source: `file:///corpus/${id}`,
    title: meta.title ?? `Title of ${id}`,
    contentHash: meta.contentHash ?? `hash-${id}`,
    tags: meta.tags ?? [],
    acl: meta.acl ?? [],
    metadata: meta.metadata ?? { format: "markdown" },
  };
  let offset = 0;
  const chunks = specs.map((spec, index): ChunkRecord => {
    const start = offset;
    offset += spec.text.length + 2;
    const headingPath = spec.headingPath ?? ["Intro"];
    return {
      id: `${id}#${index}`,
      documentId: id,
      index,
      text: spec.text,
      start,
      end: start + spec.text.length,
      headingPath,
      indexedText: `${headingPath.join(" > ")}\n${spec.text}`,
      vector: unitVector(spec.seed ?? seedCounter++, dimension),
    };
  });
  return { document, chunks };
}

export function runKnowledgeStoreContract(name: string, open: () => Promise<KnowledgeStore>, options: StoreContractOptions = {}): void {
  const dimension = options.dimension ?? 384;
  const minilm: EmbeddingSignature = { ...MINILM, dimension };
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const made: string[] = [];
  let store: KnowledgeStore;

  const suite = options.skip ? describe.skip : describe;
  suite(`KnowledgeStore contract: ${name}${options.skip ? ` (skipped: ${options.skip})` : ""}`, () => {
    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      if (!store) return;
      for (const collection of made) await store.deleteCollection(collection).catch(() => false);
      await store.close();
    });

    async function freshCollection(label: string): Promise<string> {
      const collection = `contract-${run}-${label}`;
      made.push(collection);
      await store.ensureCollection(collection, minilm);
      return collection;
    }

    function query(collection: string, text: string, vector: Float32Array, extra: Partial<StoreQuery> = {}): StoreQuery {
      return { collection, text, vector, limit: 10, ...extra };
    }

    it("creates, lists, gets and deletes collections", async () => {
      const collection = await freshCollection("lifecycle");
      const info = await store.getCollection(collection);
      expect(info).toMatchObject({ name: collection, embedding: minilm, documentCount: 0, chunkCount: 0 });
      expect(Number.isNaN(Date.parse(info!.createdAt))).toBe(false);
      expect((await store.listCollections()).map((c) => c.name)).toContain(collection);
      // Same signature again: a no-op that returns the collection.
      expect((await store.ensureCollection(collection, minilm)).name).toBe(collection);

      expect(await store.deleteCollection(collection)).toBe(true);
      expect(await store.getCollection(collection)).toBeUndefined();
      expect((await store.listCollections()).map((c) => c.name)).not.toContain(collection);
      expect(await store.deleteCollection(collection)).toBe(false);
    });

    it("refuses a different embedding model with EMBEDDING_MODEL_MISMATCH naming both models", async () => {
      const collection = await freshCollection("mismatch");
      const error = await store.ensureCollection(collection, { ...BGE, dimension }).catch((e: unknown) => e);
      expect(LoreError.isInstance(error)).toBe(true);
      expect((error as LoreError).code).toBe("EMBEDDING_MODEL_MISMATCH");
      expect((error as LoreError).message).toContain(MINILM.modelId);
      expect((error as LoreError).message).toContain(BGE.modelId);
      expect((error as LoreError).message).toMatch(/re-embed/i);
      const sameModelOtherFile = await store.ensureCollection(collection, { ...MINILM, sha256: "c".repeat(64), dimension }).catch((e: unknown) => e);
      expect((sameModelOtherFile as LoreError).code).toBe("EMBEDDING_MODEL_MISMATCH");
    });

    it("finds a replaced document by dense and BM25 search with exact provenance", async () => {
      const collection = await freshCollection("provenance");
      const { document, chunks } = makeDocument(
        collection,
        "guide/backup.md",
        [
          { text: "Continuous archiving copies every WAL segment to the archive.", headingPath: ["Backup", "WAL archiving"] },
          { text: "Point-in-time recovery replays the archived segments.", headingPath: ["Backup", "Recovery"] },
        ],
        { title: "Backup guide" },
        dimension,
      );
      await store.replaceDocument(document, chunks);
      await store.replaceDocument(...Object.values(makeDocument(collection, "other.md", [{ text: "Unrelated gardening notes about tomatoes." }], {}, dimension)) as [DocumentMeta, ChunkRecord[]]);

      const target = chunks[1]!;
      const dense = await store.searchDense(query(collection, "", target.vector));
      expect(dense[0]).toMatchObject({
        chunkId: target.id,
        documentId: "guide/backup.md",
        collection,
        source: "file:///corpus/guide/backup.md",
        title: "Backup guide",
        headingPath: ["Backup", "Recovery"],
        start: target.start,
        end: target.end,
        text: target.text,
      });
      expect(dense[0]!.score.dense).toBeCloseTo(1, 3);
      expect(dense[0]!.score.denseRank).toBe(1);

      const bm25 = await store.searchBm25(query(collection, "archiving", unitVector(1, dimension)));
      expect(bm25[0]?.chunkId).toBe(chunks[0]!.id);
      expect(bm25[0]?.headingPath).toEqual(["Backup", "WAL archiving"]);
      expect(bm25[0]!.score.bm25).toBeGreaterThan(0);
      expect(bm25.map((h) => h.documentId)).not.toContain("other.md");
    });

    it("replacing a document removes its old chunks from dense and BM25 results", async () => {
      const collection = await freshCollection("replace");
      const v1 = makeDocument(collection, "notes.md", [{ text: "The old procedure uses zebrafish tokens." }, { text: "Second old chunk." }], { contentHash: "v1" }, dimension);
      await store.replaceDocument(v1.document, v1.chunks);
      const v2 = makeDocument(collection, "notes.md", [{ text: "The new procedure uses kangaroo tokens." }], { contentHash: "v2" }, dimension);
      await store.replaceDocument(v2.document, v2.chunks);

      expect(await store.searchBm25(query(collection, "zebrafish", v2.chunks[0]!.vector))).toEqual([]);
      const kangaroo = await store.searchBm25(query(collection, "kangaroo", v2.chunks[0]!.vector));
      expect(kangaroo.map((h) => h.text)).toEqual(["The new procedure uses kangaroo tokens."]);

      const dense = await store.searchDense(query(collection, "", v1.chunks[0]!.vector));
      expect(dense.map((h) => h.chunkId)).toEqual(["notes.md#0"]);
      expect(dense[0]!.text).toBe("The new procedure uses kangaroo tokens.");
      expect(await store.getDocument(collection, "notes.md")).toMatchObject({ contentHash: "v2", chunkCount: 1 });
      expect(await store.getCollection(collection)).toMatchObject({ documentCount: 1, chunkCount: 1 });
    });

    it("deleting a document removes it from every index", async () => {
      const collection = await freshCollection("delete");
      const gone = makeDocument(collection, "gone.md", [{ text: "Ephemeral walrus content." }], {}, dimension);
      const kept = makeDocument(collection, "kept.md", [{ text: "Durable walrus content." }], {}, dimension);
      await store.replaceDocument(gone.document, gone.chunks);
      await store.replaceDocument(kept.document, kept.chunks);

      expect(await store.deleteDocument(collection, "gone.md")).toBe(true);
      expect(await store.deleteDocument(collection, "gone.md")).toBe(false);
      expect(await store.getDocument(collection, "gone.md")).toBeUndefined();
      const bm25 = await store.searchBm25(query(collection, "walrus", gone.chunks[0]!.vector));
      expect(bm25.map((h) => h.documentId)).toEqual(["kept.md"]);
      const hybrid = await store.searchHybrid(query(collection, "ephemeral walrus", gone.chunks[0]!.vector));
      expect(hybrid.map((h) => h.documentId)).toEqual(["kept.md"]);
      expect(await store.getCollection(collection)).toMatchObject({ documentCount: 1, chunkCount: 1 });
    });

    it("hides chunks of other ACL groups and keeps public ones", async () => {
      const collection = await freshCollection("acl");
      const shared = unitVector(77, dimension);
      const hr = makeDocument(collection, "hr.md", [{ text: "Salary bands for payroll.", seed: 77 }], { acl: ["hr"] }, dimension);
      const eng = makeDocument(collection, "eng.md", [{ text: "Payroll service deployment.", seed: 78 }], { acl: ["eng", "ops"] }, dimension);
      const pub = makeDocument(collection, "public.md", [{ text: "Payroll calendar for everyone.", seed: 79 }], {}, dimension);
      for (const d of [hr, eng, pub]) await store.replaceDocument(d.document, d.chunks);

      const asEng = { aclGroups: ["eng"] };
      for (const search of [store.searchDense, store.searchBm25, store.searchHybrid]) {
        const hits = await search.call(store, query(collection, "payroll", shared, { filter: asEng }));
        expect(hits.map((h) => h.documentId).sort()).toEqual(["eng.md", "public.md"]);
      }
      const nobody = await store.searchHybrid(query(collection, "payroll", shared, { filter: { aclGroups: [] } }));
      expect(nobody.map((h) => h.documentId)).toEqual(["public.md"]);
      const admin = await store.searchBm25(query(collection, "payroll", shared));
      expect(admin).toHaveLength(3);
    });

    it("filters by tags (all required) and by document ids", async () => {
      const collection = await freshCollection("tags");
      const a = makeDocument(collection, "a.md", [{ text: "Postgres tuning checklist." }], { tags: ["db", "howto"] }, dimension);
      const b = makeDocument(collection, "b.md", [{ text: "Postgres upgrade notes." }], { tags: ["db"] }, dimension);
      const c = makeDocument(collection, "c.md", [{ text: "Postgres client howto." }], { tags: ["howto"] }, dimension);
      for (const d of [a, b, c]) await store.replaceDocument(d.document, d.chunks);

      const both = await store.searchHybrid(query(collection, "postgres", b.chunks[0]!.vector, { filter: { tags: ["db", "howto"] } }));
      expect(both.map((h) => h.documentId)).toEqual(["a.md"]);
      const dense = await store.searchDense(query(collection, "", c.chunks[0]!.vector, { filter: { tags: ["db"] } }));
      expect(dense.map((h) => h.documentId).sort()).toEqual(["a.md", "b.md"]);
      const byId = await store.searchBm25(query(collection, "postgres", a.chunks[0]!.vector, { filter: { documentIds: ["b.md", "c.md"] } }));
      expect(byId.map((h) => h.documentId).sort()).toEqual(["b.md", "c.md"]);
    });

    it("never throws on query text that is FTS syntax", async () => {
      const collection = await freshCollection("hostile");
      const d = makeDocument(collection, "syslog.md", [{ text: "Set auth.=notice in rsyslog to log AND filter NEAR events." }], {}, dimension);
      await store.replaceDocument(d.document, d.chunks);
      const hostile = ['auth.=notice', '"foo', "AND OR NOT", "NEAR(", "col:umn*", "-", "(((", "'; DROP TABLE chunks; --", "", "   ", "^x +y {z}", "ünïcödé wörds"];
      for (const text of hostile) {
        const bm25 = await store.searchBm25(query(collection, text, d.chunks[0]!.vector));
        const hybrid = await store.searchHybrid(query(collection, text, d.chunks[0]!.vector));
        expect(Array.isArray(bm25)).toBe(true);
        expect(hybrid.length).toBeGreaterThan(0);
      }
      const found = await store.searchBm25(query(collection, "auth.=notice", d.chunks[0]!.vector));
      expect(found[0]?.documentId).toBe("syslog.md");
    });

    it("returns fused score parts from hybrid search", async () => {
      const collection = await freshCollection("hybrid");
      const docs = [
        makeDocument(collection, "both.md", [{ text: "Configure the firewall with nftables rules.", seed: 501 }], {}, dimension),
        makeDocument(collection, "lexical.md", [{ text: "nftables nftables nftables syntax reference.", seed: 502 }], {}, dimension),
        makeDocument(collection, "semantic.md", [{ text: "Packet filtering on Linux hosts.", seed: 503 }], {}, dimension),
      ];
      for (const d of docs) await store.replaceDocument(d.document, d.chunks);

      const hits = await store.searchHybrid(query(collection, "nftables firewall", unitVector(501, dimension), { limit: 3 }));
      expect(hits.length).toBe(3);
      const top = hits[0]!;
      expect(top.documentId).toBe("both.md");
      expect(top.score.denseRank).toBe(1);
      expect(top.score.dense).toBeCloseTo(1, 3);
      expect(top.score.bm25).toBeGreaterThan(0);
      expect(top.score.bm25Rank).toBeGreaterThanOrEqual(1);
      expect(top.score.fused).toBeCloseTo(1 / (60 + 1) + 1 / (60 + top.score.bm25Rank!), 6);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score.fused).toBeGreaterThanOrEqual(hits[i]!.score.fused);
      const semantic = hits.find((h) => h.documentId === "semantic.md")!;
      expect(semantic.score.bm25).toBeUndefined();
      expect(semantic.score.dense).toBeDefined();
    });

    it("reads a document with its current chunks in text order", async () => {
      const collection = await freshCollection("chunks");
      const v1 = makeDocument(collection, "guide.md", [{ text: "Old first chunk." }, { text: "Old second chunk." }], { contentHash: "v1" }, dimension);
      await store.replaceDocument(v1.document, v1.chunks);
      const v2 = makeDocument(collection, "guide.md", [{ text: "Install it.", headingPath: ["Guide", "Install"] }, { text: "Run it." }, { text: "Stop it." }], { contentHash: "v2" }, dimension);
      // Stored in reverse: the listing is in text order whatever the write order.
      await store.replaceDocument(v2.document, [...v2.chunks].reverse());

      const found = await store.getDocumentChunks(collection, "guide.md");
      expect(found?.document).toMatchObject({ id: "guide.md", contentHash: "v2", chunkCount: 3 });
      expect(found?.chunks).toEqual(
        v2.chunks.map((c) => ({ chunkId: c.id, documentId: "guide.md", headingPath: c.headingPath, start: c.start, end: c.end, text: c.text })),
      );
      expect(await store.getDocumentChunks(collection, "missing.md")).toBeUndefined();
      expect(await store.getDocumentChunks(`contract-${run}-no-such-collection`, "guide.md")).toBeUndefined();
      await store.deleteDocument(collection, "guide.md");
      expect(await store.getDocumentChunks(collection, "guide.md")).toBeUndefined();
    });

    it("lists and gets documents with their content hash and metadata", async () => {
      const collection = await freshCollection("documents");
      const a = makeDocument(collection, "b/second.md", [{ text: "two" }, { text: "three" }], { contentHash: "sha-2", tags: ["t"], acl: ["g"], metadata: { format: "markdown", pages: 2 } }, dimension);
      const b = makeDocument(collection, "a/first.md", [{ text: "one" }], { contentHash: "sha-1" }, dimension);
      await store.replaceDocument(a.document, a.chunks);
      await store.replaceDocument(b.document, b.chunks);

      const listed = await store.listDocuments(collection);
      expect(listed.map((d) => d.id).sort()).toEqual(["a/first.md", "b/second.md"]);
      const second = await store.getDocument(collection, "b/second.md");
      expect(second).toMatchObject({
        id: "b/second.md",
        collection,
        source: "file:///corpus/b/second.md",
        contentHash: "sha-2",
        tags: ["t"],
        acl: ["g"],
        metadata: { format: "markdown", pages: 2 },
        chunkCount: 2,
      });
      expect(Number.isNaN(Date.parse(second!.ingestedAt))).toBe(false);
      expect(await store.getDocument(collection, "missing.md")).toBeUndefined();
      expect(await store.listDocuments(`contract-${run}-no-such-collection`)).toEqual([]);
    });
  });
}
