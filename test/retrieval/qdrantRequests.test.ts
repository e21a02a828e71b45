import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoreError } from "../../src/errors/index.js";
import { openQdrantStore } from "../../src/retrieval/index.js";
import { chunkPointId, collectionPointId, documentPointId, uuidV5 } from "../../src/retrieval/pointId.js";
import { qdrantClientAddress } from "../../src/retrieval/qdrantAddress.js";
import { toLoreError } from "../../src/retrieval/qdrantErrors.js";
import {
  bm25QueryBody,
  chunkFilter,
  chunkPoint,
  createChunkCollectionBody,
  hasChunkCollectionLayout,
  denseQueryBody,
  hasSearchableTerms,
  hybridQueryBody,
  matchesNothing,
} from "../../src/retrieval/qdrantRequests.js";
import { makeDocument } from "./storeContract.js";

// Pure request building and error mapping of the Qdrant engine: no server needed, always run.
// Expected shapes are the ones in /work/shared/QDRANT-NOTES.md that a real Qdrant 1.18 accepted.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("point ids", () => {
  it("are RFC 9562 UUID v5 (same value as Python's uuid.uuid5)", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
    expect(uuidV5("ünïcödé")).toBe("93ca8744-4ece-5e35-a0a0-e11c6b64ba36");
    expect(chunkPointId("doc-a#3", "g1", 3)).toBe("60451492-d7ee-5560-a2ab-1f348e878d69");
  });

  it("are stable, valid and distinct per document, generation, index and record kind", () => {
    const ids = [
      chunkPointId("doc-a", "g1", 0),
      chunkPointId("doc-a", "g1", 1),
      chunkPointId("doc-a", "g2", 0),
      chunkPointId("doc-b", "g1", 0),
      documentPointId("docs", "doc-a"),
      documentPointId("other", "doc-a"),
      collectionPointId("docs"),
    ];
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(chunkPointId("doc-a", "g1", 0)).toBe(ids[0]);
    // Separators cannot be forged by joining parts differently.
    expect(documentPointId("a", "b/c")).not.toBe(documentPointId("a/b", "c"));
  });
});

describe("collection and point bodies", () => {
  it("creates a named dense vector and an IDF-weighted sparse BM25 vector", () => {
    expect(createChunkCollectionBody(384)).toEqual({
      vectors: { dense: { size: 384, distance: "Cosine" } },
      sparse_vectors: { bm25: { modifier: "idf" } },
    });
  });

  it("recognises the chunk layout in a collection's params as Qdrant reports them, and nothing else", () => {
    const params = { vectors: { dense: { size: 384, distance: "Cosine" as const } }, sparse_vectors: { bm25: { modifier: "idf" as const } }, shard_number: 1, on_disk_payload: true };
    expect(hasChunkCollectionLayout(params, 384)).toBe(true);
    expect(hasChunkCollectionLayout(params, 768)).toBe(false);
    expect(hasChunkCollectionLayout({ ...params, sparse_vectors: {} }, 384)).toBe(false);
    expect(hasChunkCollectionLayout({ vectors: { size: 384, distance: "Cosine" } }, 384)).toBe(false);
    expect(hasChunkCollectionLayout(undefined, 384)).toBe(false);
  });

  it("sends BM25 as text for the server-side qdrant/bm25 model and keeps provenance in the payload", () => {
    const { document, chunks } = makeDocument("docs", "guide/wal.md", [{ text: "WAL segments are archived.", headingPath: ["Backup", "WAL"] }], {
      acl: ["eng"],
      tags: ["db"],
    }, 4);
    const point = chunkPoint(document, chunks[0]!, "gen-1");
    expect(point.id).toBe(chunkPointId("guide/wal.md", "gen-1", 0));
    const vector = point.vector as { dense: number[]; bm25: unknown };
    expect(vector.dense).toHaveLength(4);
    expect(vector.dense[0]).toBeCloseTo(chunks[0]!.vector[0]!, 6);
    expect(vector.bm25).toEqual({ text: "Backup > WAL\nWAL segments are archived.", model: "qdrant/bm25" });
    expect(point.payload).toMatchObject({
      collection: "docs",
      documentId: "guide/wal.md",
      chunkId: "guide/wal.md#0",
      generation: "gen-1",
      acl: ["eng"],
      tags: ["db"],
      headingPath: ["Backup", "WAL"],
      start: 0,
      end: chunks[0]!.text.length,
      text: "WAL segments are archived.",
      source: "file:///corpus/guide/wal.md",
    });
  });
});

describe("filters", () => {
  it("always restricts to the collection", () => {
    expect(chunkFilter("docs", undefined)).toEqual({ must: [{ key: "collection", match: { value: "docs" } }] });
  });

  it("lets a chunk through when it shares an ACL group or has no ACL", () => {
    expect(chunkFilter("docs", { aclGroups: ["eng", "public"] })).toEqual({
      must: [
        { key: "collection", match: { value: "docs" } },
        { should: [{ key: "acl", match: { any: ["eng", "public"] } }, { is_empty: { key: "acl" } }] },
      ],
    });
    // A caller in no group sees public chunks only (never `any: []`).
    expect(chunkFilter("docs", { aclGroups: [] })).toEqual({
      must: [{ key: "collection", match: { value: "docs" } }, { should: [{ is_empty: { key: "acl" } }] }],
    });
  });

  it("requires every tag and any of the document ids", () => {
    expect(chunkFilter("docs", { tags: ["db", "howto"], documentIds: ["a.md", "b.md"] })).toEqual({
      must: [
        { key: "collection", match: { value: "docs" } },
        { key: "tags", match: { value: "db" } },
        { key: "tags", match: { value: "howto" } },
        { key: "documentId", match: { any: ["a.md", "b.md"] } },
      ],
    });
    expect(matchesNothing({ documentIds: [] })).toBe(true);
    expect(matchesNothing({ documentIds: ["a.md"] })).toBe(false);
    expect(matchesNothing(undefined)).toBe(false);
  });
});

describe("queries", () => {
  const vector = new Float32Array([0.5, 0.5, 0.5, 0.5]);
  const base = { collection: "docs", text: "user question", vector, limit: 10, filter: { aclGroups: ["eng"] } };

  it("fuses dense and BM25 prefetches with RRF in one request, filter at the top level", () => {
    expect(hybridQueryBody({ ...base, depth: 50 })).toEqual({
      prefetch: [
        { query: [0.5, 0.5, 0.5, 0.5], using: "dense", limit: 50 },
        { query: { text: "user question", model: "qdrant/bm25" }, using: "bm25", limit: 50 },
      ],
      // Qdrant scores 0-based positions 1/(k+p): k = 61 is the classic 1/(60 + rank).
      query: { rrf: { k: 61 } },
      filter: chunkFilter("docs", base.filter),
      limit: 10,
      with_payload: true,
    });
  });

  it("searches one named vector with `using`", () => {
    expect(denseQueryBody(base)).toEqual({ query: [0.5, 0.5, 0.5, 0.5], using: "dense", filter: chunkFilter("docs", base.filter), limit: 10, with_payload: true });
    expect(bm25QueryBody(base)).toEqual({
      query: { text: "user question", model: "qdrant/bm25" },
      using: "bm25",
      filter: chunkFilter("docs", base.filter),
      limit: 10,
      with_payload: true,
    });
  });

  it("skips BM25 for text without letters or digits", () => {
    expect(hasSearchableTerms("   (((")).toBe(false);
    expect(hasSearchableTerms("")).toBe(false);
    expect(hasSearchableTerms("ünïcödé")).toBe(true);
    expect(hasSearchableTerms("auth.=notice")).toBe(true);
  });
});

describe("Qdrant URL", () => {
  it("is reached as written: the scheme's port when none is given, and the path as the prefix", () => {
    expect(qdrantClientAddress("http://localhost:6333")).toEqual({ url: "http://localhost:6333", port: 6333 });
    expect(qdrantClientAddress("https://search.example.com/qdrant/")).toEqual({ url: "https://search.example.com", port: 443, prefix: "/qdrant" });
    expect(qdrantClientAddress("http://qdrant.internal")).toEqual({ url: "http://qdrant.internal", port: 80 });
    expect(() => qdrantClientAddress("localhost:6333")).toThrow(/http:\/\//);
  });

  it("sends the client's requests under the URL's path", async () => {
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ result: { exists: false }, status: "ok", time: 0 }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const client = new QdrantClient({ ...qdrantClientAddress(`http://127.0.0.1:${(server.address() as AddressInfo).port}/qdrant`), checkCompatibility: false });
      expect(await client.collectionExists("docs")).toEqual({ exists: false });
      expect(paths).toEqual(["/qdrant/collections/docs/exists"]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("errors", () => {
  it("reports an unreachable Qdrant as STORE_UNAVAILABLE naming the URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}`;

    const error = await openQdrantStore({ url }).catch((e: unknown) => e);
    expect(LoreError.isInstance(error)).toBe(true);
    expect((error as LoreError).code).toBe("STORE_UNAVAILABLE");
    expect((error as LoreError).message).toContain(url);
    expect((error as LoreError).message).toContain("ECONNREFUSED");
  });

  it("refuses a URL without a protocol with BAD_REQUEST", async () => {
    await expect(openQdrantStore({ url: "localhost:6333" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  describe("answers as Qdrant words them", () => {
    // An HTTP endpoint replying with the exact bodies QDRANT-NOTES.md recorded from a real server,
    // to check what the real client throws for them and how it is mapped.
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        // Qdrant's auth layer answers in plain text (src/actix/auth.rs: `HttpResponse::Unauthorized().body(..)`).
        if (req.headers["api-key"] === undefined && req.url?.startsWith("/collections/locked")) {
          res.writeHead(401, { "content-type": "text/plain; charset=utf-8" }).end("Must provide an API key or an Authorization bearer token");
          return;
        }
        const [status, body] = req.url?.startsWith("/collections/missing")
          ? [404, { status: { error: "Not found: Collection `missing` doesn't exist!" }, time: 0.0001 }]
          : [400, { status: { error: "Wrong input: Vector dimension error: expected dim: 4, got 3" }, time: 0.0001 }];
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("maps an unknown collection to NOT_FOUND and a wrong dimension to BAD_REQUEST, keeping Qdrant's reason", async () => {
      const client = new QdrantClient({ url, checkCompatibility: false });
      const missing = toLoreError(await client.getCollection("missing").catch((e: unknown) => e), url, "read a collection");
      expect(missing.code).toBe("NOT_FOUND");
      expect(missing.message).toContain("Collection `missing` doesn't exist");
      const wrong = toLoreError(await client.query("docs", { query: [1, 2, 3], using: "dense" }).catch((e: unknown) => e), url, "run a query");
      expect(wrong.code).toBe("BAD_REQUEST");
      expect(wrong.message).toContain("expected dim: 4, got 3");
    });

    it("keeps the reason of a plain-text 401 (missing API key) and reports the store as unavailable", async () => {
      const client = new QdrantClient({ url, checkCompatibility: false });
      const locked = toLoreError(await client.getCollection("locked").catch((e: unknown) => e), url, "read a collection");
      expect(locked.code).toBe("STORE_UNAVAILABLE");
      expect(locked.message).toContain("Must provide an API key");
    });
  });
});
