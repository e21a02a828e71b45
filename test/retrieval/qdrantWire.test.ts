import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openQdrantStore, type QdrantKnowledgeStore } from "../../src/retrieval/index.js";
import { collectionRecordPoint } from "../../src/retrieval/qdrantRecords.js";
import { makeDocument } from "./storeContract.js";

// What the Qdrant engine puts on the wire, through the real @qdrant/js-client-rest: paths, `wait`
// and JSON bodies, compared with the requests /work/shared/QDRANT-NOTES.md recorded as accepted by
// a real Qdrant 1.18 (no server can run here). The endpoint below only records requests and keeps
// upserted points so that reads of Lore's own records succeed; it ranks nothing.

interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Point = { id: string; payload?: Record<string, unknown> };

interface RecordingQdrant {
  server: Server;
  requests: RecordedRequest[];
  dropIndexes: (name: string) => boolean;
  /** While on, every index request is answered with an error after the index is made, as when another process made it first. */
  raceIndexes: (on: boolean) => void;
  /** Runs once, just before the next count of that collection's points is answered: another process acting meanwhile. */
  beforeCount: (name: string, act: () => void) => void;
  /** Upserts points as another process would, bypassing the store. */
  put: (name: string, points: Point[]) => void;
}

function recordingQdrant(): RecordingQdrant {
  const requests: RecordedRequest[] = [];
  const collections = new Map<string, Map<string, Point>>();
  const indexes = new Map<string, Set<string>>();
  const layouts = new Map<string, unknown>();
  let racing = false;
  const countHooks = new Map<string, () => void>();
  const reply = (res: ServerResponse, result: unknown) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ result, status: "ok", time: 0.0001 }));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (part: Buffer) => (raw += part.toString("utf8")));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://qdrant");
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      requests.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, body });
      const [, , name = "", ...rest] = url.pathname.split("/");
      const route = `${req.method} ${rest.join("/")}`;
      const points = collections.get(name);
      const done = { operation_id: requests.length, status: "completed" };
      if (url.pathname === "/") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ title: "qdrant", version: "1.18.0" }));
      if (route === "GET exists") return reply(res, { exists: collections.has(name) });
      if (route === "PUT ") return collections.set(name, new Map()), layouts.set(name, body), reply(res, true);
      if (route === "DELETE ") return reply(res, collections.delete(name));
      if (!points) return res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ status: { error: `Not found: Collection \`${name}\` doesn't exist!` } }));
      if (route === "PUT index") {
        const fields = indexes.get(name) ?? new Set<string>();
        indexes.set(name, fields.add((body as { field_name: string }).field_name));
        if (racing) return res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: { error: "Wrong input: index already exists" } }));
        return reply(res, done);
      }
      if (route === "GET ") {
        const schema = Object.fromEntries([...(indexes.get(name) ?? [])].map((field) => [field, { data_type: "keyword", points: 0 }]));
        return reply(res, { status: "green", optimizer_status: "ok", segments_count: 1, config: { params: layouts.get(name) }, payload_schema: schema });
      }
      if (route === "PUT points") {
        for (const point of (body as { points: Point[] }).points) points.set(point.id, point);
        return reply(res, done);
      }
      if (route === "POST points") return reply(res, (body as { ids: string[] }).ids.flatMap((id) => (points.has(id) ? [points.get(id)] : [])));
      if (route === "POST points/delete") {
        for (const id of (body as { points?: string[] }).points ?? []) points.delete(id);
        return reply(res, done);
      }
      if (route === "POST points/count") {
        countHooks.get(name)?.();
        countHooks.delete(name);
        return reply(res, { count: (body as { filter?: unknown }).filter ? 0 : points.size });
      }
      if (route === "POST points/scroll") {
        // Keyword "must" filters and id-ordered pages, as a real scroll does.
        const { filter, limit = 10, offset } = body as { filter?: { must?: { key: string; match: { value: unknown } }[] }; limit?: number; offset?: string };
        const matching = [...points.values()]
          .filter((p) => (filter?.must ?? []).every((m) => p.payload?.[m.key] === m.match.value))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const from = offset === undefined ? 0 : matching.findIndex((p) => p.id >= offset);
        const page = matching.slice(from, from + limit);
        return reply(res, { points: page, next_page_offset: matching[from + limit]?.id ?? null });
      }
      if (route === "POST points/query") return reply(res, { points: [] });
      if (route === "POST points/query/batch") return reply(res, (body as { searches: unknown[] }).searches.map(() => ({ points: [] })));
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: { error: `unexpected ${route}` } }));
    });
  });
  return {
    server,
    requests,
    dropIndexes: (name: string) => indexes.delete(name),
    raceIndexes: (on: boolean) => void (racing = on),
    beforeCount: (name: string, act: () => void) => void countHooks.set(name, act),
    put: (name: string, added: Point[]) => {
      for (const point of added) collections.get(name)?.set(point.id, point);
    },
  };
}

describe("requests the Qdrant engine sends", () => {
  const { server, requests, dropIndexes, raceIndexes, beforeCount, put } = recordingQdrant();
  let store: QdrantKnowledgeStore;
  const signature = { modelId: "all-MiniLM-L6-v2-int8", sha256: "a".repeat(64), dimension: 4 };
  const { document, chunks } = makeDocument("docs", "guide/wal.md", [{ text: "WAL segments are archived." }], { acl: ["eng"] }, 4);
  const vector = new Float32Array([0.5, 0.5, 0.5, 0.5]);
  const sent = (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path);

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    store = await openQdrantStore({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, prefix: "t_" });
    await store.ensureCollection("docs", signature);
    await store.replaceDocument(document, chunks);
    await store.searchHybrid({ collection: "docs", text: "user question", vector, limit: 10, filter: { aclGroups: ["eng", "public"] } });
    await store.searchBm25({ collection: "docs", text: "user question", vector, limit: 10 });
    await store.deleteDocument("docs", document.id);
  });
  afterAll(async () => {
    await store.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("creates the chunk collection with a named dense vector and an IDF sparse vector, and keyword indexes", () => {
    expect(sent("PUT", "/collections/t_docs").map((r) => r.body)).toEqual([
      { vectors: { dense: { size: 4, distance: "Cosine" } }, sparse_vectors: { bm25: { modifier: "idf" } } },
    ]);
    expect(sent("PUT", "/collections/t_docs/index").map((r) => r.body)).toEqual(
      ["collection", "acl", "tags", "documentId", "generation"].map((field_name) => ({ field_name, field_schema: "keyword" })),
    );
  });

  it("waits on every write so the next read sees it", () => {
    const writes = requests.filter((r) => r.method === "PUT" ? /\/(points|index)$/.test(r.path) : r.path.endsWith("/points/delete"));
    expect(writes.length).toBeGreaterThanOrEqual(8);
    for (const write of writes) expect([write.method, write.path, write.query.get("wait")]).toEqual([write.method, write.path, "true"]);
  });

  it("upserts chunks under a UUID with the dense vector and BM25 text for the server-side model", () => {
    const [upsert] = sent("PUT", "/collections/t_docs/points");
    const [point] = (upsert?.body as { points: { id: string; vector: Record<string, unknown>; payload: Record<string, unknown> }[] }).points;
    expect(point?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(point?.vector).toEqual({ dense: Array.from(chunks[0]!.vector), bm25: { text: chunks[0]!.indexedText, model: "qdrant/bm25" } });
    expect(point?.payload).toMatchObject({ collection: "docs", acl: ["eng"], documentId: "guide/wal.md", start: 0, end: chunks[0]!.end });
  });

  it("runs hybrid search as one batch: RRF over dense and BM25 prefetches, the ACL filter at the top level", () => {
    const [batch] = sent("POST", "/collections/t_docs/points/query/batch");
    const [hybrid] = (batch?.body as { searches: Record<string, unknown>[] }).searches;
    expect(hybrid).toMatchObject({
      prefetch: [
        { query: [0.5, 0.5, 0.5, 0.5], using: "dense" },
        { query: { text: "user question", model: "qdrant/bm25" }, using: "bm25" },
      ],
      query: { rrf: { k: 61 } },
      filter: {
        must: [
          { key: "collection", match: { value: "docs" } },
          { should: [{ key: "acl", match: { any: ["eng", "public"] } }, { is_empty: { key: "acl" } }] },
        ],
      },
      with_payload: true,
    });
    expect(sent("POST", "/collections/t_docs/points/query").map((r) => r.body)).toEqual([
      { query: { text: "user question", model: "qdrant/bm25" }, using: "bm25", filter: { must: [{ key: "collection", match: { value: "docs" } }] }, limit: 18, with_payload: true },
    ]);
  });

  it("deletes a document's chunks by a documentId filter", () => {
    const deletes = sent("POST", "/collections/t_docs/points/delete").map((r) => r.body);
    expect(deletes.at(-1)).toEqual({ filter: { must: [{ key: "documentId", match: { value: "guide/wal.md" } }] } });
  });

  it("reads a document's chunks by scrolling its current generation page by page, never an older one", async () => {
    // This endpoint ignores deletes by filter, so the first version's chunks stay: only the generation filter hides them.
    const texts = Array.from({ length: 300 }, (_, i) => ({ text: `Paragraph ${i} of the long guide.` }));
    const v1 = makeDocument("docs", "long.md", texts, { contentHash: "v1" }, 4);
    await store.replaceDocument(v1.document, v1.chunks);
    const v2 = makeDocument("docs", "long.md", texts.map((t) => ({ text: t.text.replace("guide", "manual") })), { contentHash: "v2" }, 4);
    await store.replaceDocument(v2.document, v2.chunks);
    const before = requests.length;

    const found = await store.getDocumentChunks("docs", "long.md");
    expect(found?.document).toMatchObject({ contentHash: "v2", chunkCount: 300 });
    expect(found?.chunks.map((c) => c.text)).toEqual(v2.chunks.map((c) => c.text));
    const scrolls = requests.slice(before).filter((r) => r.method === "POST" && r.path === "/collections/t_docs/points/scroll");
    expect(scrolls).toHaveLength(2);
    const must = (scrolls[0]!.body as { filter: { must: { key: string }[] } }).filter.must;
    expect(must.map((m) => m.key)).toEqual(["documentId", "generation"]);
    expect(scrolls[0]!.body).toMatchObject({ limit: 256, with_payload: true, with_vector: false });
    expect(scrolls[1]!.body).toMatchObject({ offset: expect.any(String) });
    await store.deleteDocument("docs", "long.md");
  });

  it("runs two replaces of one document one after the other, so neither deletes the other's chunks", async () => {
    const from = requests.length;
    const a = makeDocument("docs", "race.md", [{ text: "Version A." }], { contentHash: "a" }, 4);
    const b = makeDocument("docs", "race.md", [{ text: "Version B." }], { contentHash: "b" }, 4);
    await Promise.all([store.replaceDocument(a.document, a.chunks), store.replaceDocument(b.document, b.chunks)]);
    const writes = requests.slice(from).filter((r) => r.path.startsWith("/collections/t_docs/points") && r.method !== "GET" && !r.path.endsWith("/query"));
    const text = (r: RecordedRequest) => JSON.stringify(r.body);
    // A's upsert, A's cleanup of other generations, then B's upsert and B's cleanup: never interleaved.
    expect(writes.map((r) => (r.method === "PUT" ? (text(r).includes("Version A") ? "upsert A" : "upsert B") : "cleanup"))).toEqual([
      "upsert A",
      "cleanup",
      "upsert B",
      "cleanup",
    ]);
  });

  it("indexes the meta collection's fields at start when a stopped process left them unindexed, and only then", async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const indexCalls = () => requests.filter((r) => r.method === "PUT" && r.path === "/collections/t__meta/index").map((r) => (r.body as { field_name: string }).field_name);
    const before = indexCalls().length;
    const again = await openQdrantStore({ url, prefix: "t_" });
    await again.close();
    expect(indexCalls().length).toBe(before);
    dropIndexes("t__meta");
    const repaired = await openQdrantStore({ url, prefix: "t_" });
    await repaired.close();
    expect(indexCalls().slice(before)).toEqual(["kind", "collection"]);
  });

  /** A Qdrant collection with Lore's chunk layout, made as another process would make it (not through the store). */
  const chunkCollection = async (qname: string, indexed: string[] = []) => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (path: string, body: unknown) => fetch(`${url}${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    await send(`/collections/${qname}`, { vectors: { dense: { size: 4, distance: "Cosine" } }, sparse_vectors: { bm25: { modifier: "idf" } } });
    for (const field_name of indexed) await send(`/collections/${qname}/index?wait=true`, { field_name, field_schema: "keyword" });
  };
  /** Another process finishing its create (record, then a first chunk) just before this one counts the collection's points. */
  const finishCreateBeforeCount = (name: string) =>
    beforeCount(`t_${name}`, () => {
      put("t__meta", [collectionRecordPoint(name, signature, "2026-11-24T00:00:00.000Z") as Point]);
      put(`t_${name}`, [{ id: "chunk-1", payload: { text: "written by the other process" } }]);
    });
  const deletes = (from: number) => requests.slice(from).filter((r) => r.method === "DELETE" || r.path.endsWith("/points/delete"));

  it("takes over an empty record-less collection of the right layout (another process creating it), and drops one holding points", async () => {
    await chunkCollection("t_halfway", ["collection"]);
    await chunkCollection("t_stale");
    put("t_stale", [{ id: "p1", payload: { text: "stale" } }]);
    const from = requests.length;
    await store.ensureCollection("halfway", signature);
    await store.ensureCollection("stale", signature);
    const after = requests.slice(from);
    expect(after.filter((r) => r.method === "DELETE").map((r) => r.path)).toEqual(["/collections/t_stale"]);
    // The taken-over collection gets only the indexes it lacks; the dropped one is made afresh with all of them.
    const indexed = (path: string) => after.filter((r) => r.method === "PUT" && r.path === path).map((r) => (r.body as { field_name: string }).field_name);
    expect(indexed("/collections/t_halfway/index")).toEqual(["acl", "tags", "documentId", "generation"]);
    expect(indexed("/collections/t_stale/index")).toEqual(["collection", "acl", "tags", "documentId", "generation"]);
    for (const name of ["halfway", "stale"]) expect(await store.getCollection(name)).toMatchObject({ name, chunkCount: 0 });
  });

  it("keeps a collection whose record another process wrote while this one looked at it", async () => {
    await chunkCollection("t_live");
    finishCreateBeforeCount("live");
    const from = requests.length;
    expect(await store.ensureCollection("live", signature)).toMatchObject({ name: "live", createdAt: "2026-11-24T00:00:00.000Z" });
    expect(deletes(from)).toEqual([]);
  });

  it("leaves a record-less empty collection (a create in flight) when deleting, and drops one that holds points", async () => {
    await chunkCollection("t_inflight");
    await chunkCollection("t_orphan");
    put("t_orphan", [{ id: "p1", payload: { text: "stale" } }]);
    const from = requests.length;
    expect(await store.deleteCollection("inflight")).toBe(false);
    expect(await store.deleteCollection("orphan")).toBe(false);
    expect(requests.slice(from).filter((r) => r.method === "DELETE").map((r) => r.path)).toEqual(["/collections/t_orphan"]);
  });

  it("does not delete a collection whose create finished while the delete looked at it", async () => {
    await chunkCollection("t_finishing");
    finishCreateBeforeCount("finishing");
    const from = requests.length;
    expect(await store.deleteCollection("finishing")).toBe(false);
    expect(deletes(from)).toEqual([]);
    expect(await store.getCollection("finishing")).toMatchObject({ name: "finishing" });
  });

  it("takes an index another process made first as made", async () => {
    raceIndexes(true);
    try {
      expect(await store.ensureCollection("raced", signature)).toMatchObject({ name: "raced" });
    } finally {
      raceIndexes(false);
    }
  });

  it("refuses to drop the meta collection as a Lore collection", async () => {
    const from = requests.length;
    expect(await store.deleteCollection("_meta")).toBe(false);
    expect(requests.slice(from).filter((r) => r.method === "DELETE" || r.path.endsWith("/points/delete"))).toEqual([]);
  });
});
