import { randomUUID } from "node:crypto";
import { QdrantClient, type Schemas } from "@qdrant/js-client-rest";
import { assertCollectionRequest, assertSameEmbedding } from "./embeddingSignature.js";
import { LoreError } from "../errors/index.js";
import { silentLogger, type Logger } from "../logging/index.js";
import { collectionPointId, documentPointId } from "./pointId.js";
import { qdrantClientAddress } from "./qdrantAddress.js";
import { isQdrantNotFound, toLoreError } from "./qdrantErrors.js";
import { RRF_K } from "./rrf.js";
import {
  collectionRecordPoint,
  documentRecordPoint,
  parseChunkPayload,
  parseCollectionRecord,
  parseDocumentRecord,
  recordFilter,
  toSearchHit,
  toStoredDocument,
  type CollectionRecord,
  type DocumentRecord,
  type ParsedChunkPayload,
} from "./qdrantRecords.js";
import {
  CHUNK_INDEXED_FIELDS,
  META_INDEXED_FIELDS,
  bm25QueryBody,
  chunkPoint,
  createChunkCollectionBody,
  createMetaCollectionBody,
  hasChunkCollectionLayout,
  denseQueryBody,
  hasSearchableTerms,
  hybridQueryBody,
  matchesNothing,
} from "./qdrantRequests.js";
import type {
  ChunkRecord,
  CollectionInfo,
  DocumentMeta,
  EmbeddingSignature,
  KnowledgeStore,
  SearchHit,
  DocumentChunks,
  StoreQuery,
  StoredChunk,
  StoredDocument,
} from "./types.js";

const INDEX_RACE_CHECKS = 10;
const INDEX_RACE_WAIT_MS = 300;

export interface QdrantStoreOptions {
  /** e.g. http://localhost:6333 */
  url: string;
  apiKey?: string;
  /** Prefix of every Qdrant collection Lore creates ("lore_docs" for collection "docs"). Defaults to "lore_". */
  prefix?: string;
  logger?: Logger;
  /** Points per upsert request. Defaults to 256. */
  batchSize?: number;
  /** How deep each list goes before fusion in searchHybrid. Defaults to 50 (at least `limit`). */
  hybridDepth?: number;
  /** Per-request timeout in ms. Defaults to 30000. */
  timeoutMs?: number;
}

export interface QdrantKnowledgeStore extends KnowledgeStore {
  readonly kind: "qdrant";
  readonly url: string;
  /** Qdrant collection holding the chunks of a Lore collection. */
  qdrantCollectionName(collection: string): string;
  /** Qdrant collection holding Lore's collection and document records. */
  readonly metaCollectionName: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Extra hits fetched so that dropping chunks of a superseded generation rarely leaves a list short. */
const STALE_SLACK = 8;
const META_SUFFIX = "_meta";

/** Connects to Qdrant (checking it answers) and creates Lore's meta collection when missing. */
export async function openQdrantStore(options: QdrantStoreOptions): Promise<QdrantKnowledgeStore> {
  const logger = (options.logger ?? silentLogger()).child({ component: "qdrantStore" });
  let client: QdrantClient;
  try {
    // The API key goes in a header: passing `apiKey` makes the client console.warn on plain http.
    client = new QdrantClient({
      ...qdrantClientAddress(options.url),
      checkCompatibility: false,
      timeout: options.timeoutMs ?? 30_000,
      ...(options.apiKey ? { headers: { "api-key": options.apiKey } } : {}),
    });
  } catch (error) {
    if (error instanceof LoreError) throw error;
    throw new LoreError("BAD_REQUEST", `Invalid Qdrant URL ${options.url}: ${(error as Error).message}`, { cause: error });
  }
  if (options.apiKey && options.url.startsWith("http://")) logger.warn({ url: options.url }, "Qdrant API key sent over plain http");
  const store = new QdrantStore(client, options, logger);
  await store.init();
  return store;
}

class QdrantStore implements QdrantKnowledgeStore {
  readonly kind = "qdrant" as const;
  readonly url: string;
  readonly metaCollectionName: string;
  readonly #client: QdrantClient;
  readonly #logger: Logger;
  readonly #prefix: string;
  readonly #batchSize: number;
  readonly #hybridDepth: number;
  /** In-process callers creating the same collection at once share one creation. */
  readonly #creating = new Map<string, Promise<void>>();
  /** Tail of each document's queue of writes (see #serialized). */
  readonly #documentWrites = new Map<string, Promise<void>>();

  constructor(client: QdrantClient, options: QdrantStoreOptions, logger: Logger) {
    this.#client = client;
    this.url = options.url;
    this.#logger = logger;
    this.#prefix = options.prefix ?? "lore_";
    this.#batchSize = Math.max(1, options.batchSize ?? 256);
    this.#hybridDepth = Math.max(1, options.hybridDepth ?? 50);
    this.metaCollectionName = `${this.#prefix}${META_SUFFIX}`;
  }

  qdrantCollectionName(collection: string): string {
    return `${this.#prefix}${collection}`;
  }

  #isReserved(collection: string): boolean {
    return this.qdrantCollectionName(collection) === this.metaCollectionName;
  }

  /**
   * Runs writes to one document one after another (in this process): two replaces interleaving
   * their steps would each delete the other's generation, leaving a record whose chunks are gone.
   */
  async #serialized<T>(collection: string, documentId: string, run: () => Promise<T>): Promise<T> {
    const key = `${collection}\u0000${documentId}`;
    const previous = this.#documentWrites.get(key) ?? Promise.resolve();
    const result = previous.then(run, run);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#documentWrites.set(key, settled);
    void settled.then(() => {
      if (this.#documentWrites.get(key) === settled) this.#documentWrites.delete(key);
    });
    return result;
  }

  /** Runs one Qdrant call, turning its failure into a LoreError. */
  async #call<T>(action: string, run: (client: QdrantClient) => Promise<T>): Promise<T> {
    try {
      return await run(this.#client);
    } catch (error) {
      throw toLoreError(error, this.url, action);
    }
  }

  async init(): Promise<void> {
    const version = await this.#call("report its version", (c) => c.versionInfo());
    this.#logger.info({ url: this.url, version: version.version, prefix: this.#prefix }, "connected to Qdrant");
    const meta = this.metaCollectionName;
    const { exists } = await this.#call("check the meta collection", (c) => c.collectionExists(meta));
    if (!exists) await this.#createQdrantCollection(meta, createMetaCollectionBody(), META_INDEXED_FIELDS);
    else await this.#ensurePayloadIndexes(meta, META_INDEXED_FIELDS);
  }

  /**
   * A process that stopped between creating the meta collection and indexing it left it unindexed, and
   * Qdrant's strict mode (Qdrant Cloud) refuses filtered reads on unindexed fields: the missing indexes
   * are made at the next start. Only missing ones: Qdrant does not promise that creating an index twice is harmless.
   */
  async #ensurePayloadIndexes(name: string, keywordFields: readonly string[], why: "repairing" | "taking over" = "repairing"): Promise<void> {
    const indexed = await this.#indexedFields(name);
    for (const field of keywordFields.filter((f) => !indexed.has(f))) {
      if (why === "repairing") this.#logger.warn({ qdrantCollection: name, field }, "indexing a payload field a stopped process left unindexed");
      await this.#indexPayloadField(name, field);
    }
  }

  async #indexedFields(name: string): Promise<Set<string>> {
    const info = await this.#call("read a collection's indexes", (c) => c.getCollection(name));
    return new Set(Object.keys(info.payload_schema ?? {}));
  }

  /**
   * Another process creating the same collection may be indexing the field too: an error is that race
   * when the field shows up indexed within a few seconds (its index may still be building).
   */
  async #indexPayloadField(name: string, field: string): Promise<void> {
    try {
      await this.#client.createPayloadIndex(name, { field_name: field, field_schema: "keyword", wait: true });
    } catch (error) {
      // Only a refusal of the request itself can be that race; no access, a missing collection or a timeout is not.
      const status = (error as { status?: unknown }).status;
      if (status !== 400 && status !== 409) throw toLoreError(error, this.url, `index payload field ${field}`);
      for (let attempt = 0; attempt < INDEX_RACE_CHECKS; attempt++) {
        if ((await this.#indexedFields(name)).has(field)) return;
        await new Promise((resolve) => setTimeout(resolve, INDEX_RACE_WAIT_MS));
      }
      throw toLoreError(error, this.url, `index payload field ${field}`);
    }
  }

  async #createQdrantCollection(name: string, body: Schemas["CreateCollection"], keywordFields: readonly string[]): Promise<void> {
    try {
      await this.#client.createCollection(name, body);
    } catch (error) {
      // Another process may have created it between our check and this call; that is fine.
      const { exists } = await this.#call("check a collection", (c) => c.collectionExists(name));
      if (!exists) throw toLoreError(error, this.url, `create collection ${name}`);
    }
    for (const field of keywordFields) await this.#indexPayloadField(name, field);
  }

  async #collectionRecord(name: string): Promise<CollectionRecord | undefined> {
    const points = await this.#call("read a collection record", (c) =>
      c.retrieve(this.metaCollectionName, { ids: [collectionPointId(name)], with_payload: true, with_vector: false }),
    );
    return points[0] ? parseCollectionRecord(points[0].payload) : undefined;
  }

  async #documentRecords(collection: string, documentIds: string[]): Promise<Map<string, DocumentRecord>> {
    const records = new Map<string, DocumentRecord>();
    if (documentIds.length === 0) return records;
    const points = await this.#call("read document records", (c) =>
      c.retrieve(this.metaCollectionName, {
        ids: documentIds.map((id) => documentPointId(collection, id)),
        with_payload: true,
        with_vector: false,
      }),
    );
    for (const point of points) {
      const record = parseDocumentRecord(point.payload);
      if (record && record.collection === collection) records.set(record.documentId, record);
    }
    return records;
  }

  async #info(record: CollectionRecord): Promise<CollectionInfo> {
    const [documents, chunks] = await Promise.all([
      this.#call("count documents", (c) => c.count(this.metaCollectionName, { filter: recordFilter("document", record.collection), exact: true })),
      this.#call("count chunks", (c) => c.count(this.qdrantCollectionName(record.collection), { exact: true })).catch(ignoreNotFound({ count: 0 })),
    ]);
    return {
      name: record.collection,
      embedding: { modelId: record.modelId, sha256: record.sha256, dimension: record.dimension },
      documentCount: documents.count,
      // Counted points: exact except while a replace is in flight or after an interrupted one (until that document's next replace).
      chunkCount: chunks.count,
      createdAt: record.createdAt,
    };
  }

  async ensureCollection(name: string, embedding: EmbeddingSignature): Promise<CollectionInfo> {
    assertCollectionRequest(name, embedding);
    if (this.#isReserved(name)) throw new LoreError("BAD_REQUEST", `Collection name "${name}" is reserved`);
    let existing = await this.#collectionRecord(name);
    if (!existing) {
      let creating = this.#creating.get(name);
      if (!creating) {
        creating = this.#createCollection(name, embedding).finally(() => this.#creating.delete(name));
        this.#creating.set(name, creating);
      }
      await creating;
      existing = await this.#collectionRecord(name);
      if (!existing) throw new LoreError("STORE_UNAVAILABLE", `Collection "${name}" vanished right after it was created`);
    }
    assertSameEmbedding(name, { modelId: existing.modelId, sha256: existing.sha256, dimension: existing.dimension }, embedding);
    return this.#info(existing);
  }

  /**
   * The record is written last, so a collection exists for Lore only once its Qdrant collection and
   * indexes are ready. A Qdrant collection without a record is either another process creating the
   * same collection right now, or the leftover of an interrupted create or delete. Chunks are written
   * only after the record, so an empty one of the right layout is taken over as it is (dropping it
   * would pull it from under the other process); one holding points or of another layout is a
   * leftover and is dropped and made afresh, so no stale points or wrong dimension survive.
   */
  async #createCollection(name: string, embedding: EmbeddingSignature): Promise<void> {
    const qname = this.qdrantCollectionName(name);
    const { exists } = await this.#call("check a collection", (c) => c.collectionExists(qname));
    const takenOver = exists && (await this.#isEmptyChunkCollection(qname, embedding.dimension));
    if (!exists) {
      await this.#createQdrantCollection(qname, createChunkCollectionBody(embedding.dimension), CHUNK_INDEXED_FIELDS);
    } else if (takenOver) {
      this.#logger.info({ collection: name, qdrantCollection: qname }, "taking over an empty Qdrant collection without a Lore record");
      await this.#ensurePayloadIndexes(qname, CHUNK_INDEXED_FIELDS, "taking over");
    } else {
      // Points or another layout: a leftover, unless the other process wrote its record (then its first chunks) meanwhile.
      if (await this.#collectionRecord(name)) return;
      this.#logger.warn({ collection: name, qdrantCollection: qname }, "dropping a Qdrant collection left without a Lore record");
      await this.#call(`delete collection ${qname}`, (c) => c.deleteCollection(qname));
      await this.#createQdrantCollection(qname, createChunkCollectionBody(embedding.dimension), CHUNK_INDEXED_FIELDS);
    }
    // Another process creating it at the same time may have finished first: its record stands, and so
    // do the document records it may already be writing.
    if (await this.#collectionRecord(name)) return;
    // Document records of an earlier collection of this name whose delete was interrupted (a delete
    // removes them before the Qdrant collection, so only a collection made afresh can have any). A taken-over
    // collection is another process's create in flight, whose own document records may follow at any moment.
    if (!takenOver) {
      await this.#call("delete stale document records", (c) => c.delete(this.metaCollectionName, { wait: true, filter: recordFilter("document", name) }));
    }
    const point = collectionRecordPoint(name, embedding, new Date().toISOString());
    await this.#call("write a collection record", (c) => c.upsert(this.metaCollectionName, { wait: true, points: [point] }));
    this.#logger.info({ collection: name, qdrantCollection: qname, model: embedding.modelId, dimension: embedding.dimension }, "collection created");
  }

  async #isEmptyChunkCollection(qname: string, dimension?: number): Promise<boolean> {
    const info = await this.#call("read a collection's layout", (c) => c.getCollection(qname));
    if (!hasChunkCollectionLayout(info.config?.params, dimension)) return false;
    const { count } = await this.#call("count a collection's points", (c) => c.count(qname, { exact: true }));
    return count === 0;
  }

  async getCollection(name: string): Promise<CollectionInfo | undefined> {
    const record = await this.#collectionRecord(name);
    return record ? this.#info(record) : undefined;
  }

  async listCollections(): Promise<CollectionInfo[]> {
    const records: CollectionRecord[] = [];
    for await (const payload of this.#scrollMeta(recordFilter("collection"))) {
      const record = parseCollectionRecord(payload);
      if (record) records.push(record);
    }
    records.sort((a, b) => (a.collection < b.collection ? -1 : a.collection > b.collection ? 1 : 0));
    return Promise.all(records.map((record) => this.#info(record)));
  }

  #scrollMeta(filter: Schemas["Filter"]): AsyncIterable<unknown> {
    return this.#scrollPayloads(this.metaCollectionName, filter, "list records");
  }

  async *#scrollPayloads(qdrantCollection: string, filter: Schemas["Filter"], what: string): AsyncIterable<unknown> {
    let offset: Schemas["ExtendedPointId"] | undefined;
    do {
      const page = await this.#call(what, (c) =>
        c.scroll(qdrantCollection, { filter, limit: 256, with_payload: true, with_vector: false, ...(offset !== undefined ? { offset } : {}) }),
      );
      for (const point of page.points) yield point.payload;
      const next = page.next_page_offset;
      offset = typeof next === "string" || typeof next === "number" ? next : undefined;
    } while (offset !== undefined);
  }

  /** The record goes first, so the collection disappears for readers at once; the rest is cleanup. */
  async deleteCollection(name: string): Promise<boolean> {
    // The meta collection holds every Lore record: it is never a Lore collection, so never dropped as one.
    if (this.#isReserved(name)) return false;
    const record = await this.#collectionRecord(name);
    if (record) {
      await this.#call("delete a collection record", (c) =>
        c.delete(this.metaCollectionName, { wait: true, points: [collectionPointId(name)] }),
      );
    }
    const qname = this.qdrantCollectionName(name);
    if (!record) {
      // Without a record, an empty Qdrant collection of this name is another process's create in flight: left alone.
      if (await this.#isEmptyChunkCollection(qname).catch(ignoreNotFound(false))) return false;
      // A create that finished meanwhile (record, then chunks) is not a leftover either.
      if (await this.#collectionRecord(name)) return false;
    }
    // Document records before the Qdrant collection: a delete stopped in between leaves a leftover
    // collection, which the next create drops with any stale records.
    await this.#call("delete document records", (c) => c.delete(this.metaCollectionName, { wait: true, filter: recordFilter("document", name) }));
    await this.#call(`delete collection ${qname}`, (c) => c.deleteCollection(qname)).catch(ignoreNotFound(false));
    if (record) this.#logger.info({ collection: name }, "collection deleted");
    return record !== undefined;
  }

  async getDocument(collection: string, documentId: string): Promise<StoredDocument | undefined> {
    const record = (await this.#documentRecords(collection, [documentId])).get(documentId);
    return record ? toStoredDocument(record) : undefined;
  }

  async listDocuments(collection: string): Promise<StoredDocument[]> {
    const documents: StoredDocument[] = [];
    for await (const payload of this.#scrollMeta(recordFilter("document", collection))) {
      const record = parseDocumentRecord(payload);
      if (record) documents.push(toStoredDocument(record));
    }
    return documents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Qdrant has no multi-point transactions, so a replace is made atomic for readers by generations:
   * 1. the new chunks are upserted under fresh point ids tagged with a new `generation`;
   * 2. the document record is flipped to that generation (one point write: atomic);
   * 3. chunks of every other generation of the document are deleted.
   * Every search keeps only chunks whose generation is their document's current one (one extra
   * lookup of the hits' document records), so a reader sees the old version until step 2 and the
   * new one after it — never a mix, never nothing. A crash before step 2 leaves invisible orphans
   * that the document's next replace or delete removes.
   */
  async replaceDocument(document: DocumentMeta, chunks: ChunkRecord[]): Promise<void> {
    return this.#serialized(document.collection, document.id, () => this.#replaceDocument(document, chunks));
  }

  async #replaceDocument(document: DocumentMeta, chunks: ChunkRecord[]): Promise<void> {
    const collection = await this.#collectionRecord(document.collection);
    if (!collection) throw new LoreError("NOT_FOUND", `Collection "${document.collection}" does not exist`);
    for (const chunk of chunks) {
      if (chunk.vector.length !== collection.dimension) {
        throw new LoreError(
          "BAD_REQUEST",
          `Chunk ${chunk.id} has a ${chunk.vector.length}-dimensional vector; collection "${collection.collection}" holds ${collection.dimension}`,
        );
      }
      if (chunk.documentId !== document.id) {
        throw new LoreError("BAD_REQUEST", `Chunk ${chunk.id} belongs to document ${chunk.documentId}, not ${document.id}`);
      }
    }
    const qname = this.qdrantCollectionName(document.collection);
    const generation = randomUUID();
    const ofDocument: Schemas["Condition"] = { key: "documentId", match: { value: document.id } };
    try {
      for (let i = 0; i < chunks.length; i += this.#batchSize) {
        const points = chunks.slice(i, i + this.#batchSize).map((chunk) => chunkPoint(document, chunk, generation));
        await this.#call("upsert chunks", (c) => c.upsert(qname, { wait: true, points }));
      }
    } catch (error) {
      await this.#client
        .delete(qname, { wait: true, filter: { must: [ofDocument, { key: "generation", match: { value: generation } }] } })
        .catch((cleanup: unknown) => this.#logger.warn({ err: cleanup, documentId: document.id }, "could not remove a failed generation's chunks"));
      throw error;
    }
    const record = documentRecordPoint(document, generation, chunks.length, new Date().toISOString());
    await this.#call("write a document record", (c) => c.upsert(this.metaCollectionName, { wait: true, points: [record] }));
    try {
      await this.#client.delete(qname, { wait: true, filter: { must: [ofDocument], must_not: [{ key: "generation", match: { value: generation } }] } });
    } catch (error) {
      // The new version is already the visible one; leftovers are invisible and go with the next replace.
      this.#logger.warn({ err: toLoreError(error, this.url, "delete old chunks"), documentId: document.id }, "old chunks not deleted");
    }
    this.#logger.debug({ collection: document.collection, documentId: document.id, chunks: chunks.length, generation }, "document replaced");
  }

  /**
   * The chunks of the record's generation (see replaceDocument), so a replace in progress is never mixed
   * in. A replace that finishes between reading the record and its chunks deletes them under the reader:
   * a count short of the record's is read again.
   */
  async getDocumentChunks(collection: string, documentId: string): Promise<DocumentChunks | undefined> {
    for (let attempt = 0; attempt < CHUNK_READ_ATTEMPTS; attempt++) {
      const record = (await this.#documentRecords(collection, [documentId])).get(documentId);
      if (!record) return undefined;
      const filter = { must: [{ key: "documentId", match: { value: documentId } }, { key: "generation", match: { value: record.generation } }] };
      const chunks: StoredChunk[] = [];
      try {
        for await (const payload of this.#scrollPayloads(this.qdrantCollectionName(collection), filter, "list a document's chunks")) {
          const chunk = parseChunkPayload(payload);
          if (chunk) chunks.push({ chunkId: chunk.chunkId, documentId, headingPath: chunk.headingPath, start: chunk.start, end: chunk.end, text: chunk.text });
        }
      } catch (error) {
        ignoreNotFound(undefined)(error);
      }
      if (chunks.length === record.chunkCount) return { document: toStoredDocument(record), chunks: chunks.sort((a, b) => a.start - b.start || a.end - b.end) };
    }
    throw new LoreError("STORE_UNAVAILABLE", `Document "${documentId}" changed while its chunks were read ${CHUNK_READ_ATTEMPTS} times; try again`);
  }

  async deleteDocument(collection: string, documentId: string): Promise<boolean> {
    return this.#serialized(collection, documentId, () => this.#deleteDocument(collection, documentId));
  }

  async #deleteDocument(collection: string, documentId: string): Promise<boolean> {
    if (!(await this.#collectionRecord(collection))) return false;
    const existed = (await this.#documentRecords(collection, [documentId])).has(documentId);
    await this.#call("delete a document record", (c) =>
      c.delete(this.metaCollectionName, { wait: true, points: [documentPointId(collection, documentId)] }),
    );
    await this.#call("delete a document's chunks", (c) =>
      c.delete(this.qdrantCollectionName(collection), { wait: true, filter: { must: [{ key: "documentId", match: { value: documentId } }] } }),
    ).catch(ignoreNotFound(undefined));
    return existed;
  }

  async searchDense(query: StoreQuery): Promise<SearchHit[]> {
    return this.#searchOne(query, "dense");
  }

  async searchBm25(query: StoreQuery): Promise<SearchHit[]> {
    return this.#searchOne(query, "bm25");
  }

  async #searchOne(query: StoreQuery, kind: "dense" | "bm25"): Promise<SearchHit[]> {
    if (!validQuery(query) || (kind === "bm25" && !hasSearchableTerms(query.text))) return [];
    const input = { ...query, limit: query.limit + STALE_SLACK };
    const points = await this.#query(query.collection, kind === "dense" ? denseQueryBody(input) : bm25QueryBody(input));
    if (!points) return [];
    const [current = []] = await this.#current(query.collection, [points]);
    return current.slice(0, query.limit).map(({ payload, score }, i) =>
      toSearchHit(payload, kind === "dense" ? { dense: score, denseRank: i + 1, fused: score } : { bm25: score, bm25Rank: i + 1, fused: score }),
    );
  }

  /**
   * Ranking is Qdrant's: prefetch + RRF fusion in the Query API. The same batch request (one round
   * trip) also runs the dense and BM25 lists at the prefetch depth, only to fill the hits' score
   * parts (dense/bm25 score and rank), which a fused query does not report. Text without terms
   * leaves the dense list alone, fused client-side with the same formula.
   */
  async searchHybrid(query: StoreQuery): Promise<SearchHit[]> {
    if (!validQuery(query)) return [];
    const depth = Math.max(query.limit, this.#hybridDepth) + STALE_SLACK;
    const lexical = hasSearchableTerms(query.text);
    const searches: Schemas["QueryRequest"][] = lexical
      ? [hybridQueryBody({ ...query, limit: query.limit + STALE_SLACK, depth }), denseQueryBody({ ...query, limit: depth }), bm25QueryBody({ ...query, limit: depth })]
      : [denseQueryBody({ ...query, limit: depth })];
    let responses: Schemas["QueryResponse"][];
    try {
      responses = await this.#client.queryBatch(this.qdrantCollectionName(query.collection), { searches });
    } catch (error) {
      if (isQdrantNotFound(error)) return [];
      throw toLoreError(error, this.url, "run a hybrid query");
    }
    const lists = await this.#current(
      query.collection,
      responses.map((r) => r.points),
    );
    if (!lexical) {
      return (lists[0] ?? [])
        .slice(0, query.limit)
        .map(({ payload, score }, i) => toSearchHit(payload, { dense: score, denseRank: i + 1, fused: 1 / (RRF_K + i + 1) }));
    }
    const [fused = [], dense = [], bm25 = []] = lists;
    const rankOf = (list: CurrentPoint[]) => new Map(list.map((p, i) => [p.payload.chunkId, { score: p.score, rank: i + 1 }]));
    const denseRanks = rankOf(dense);
    const bm25Ranks = rankOf(bm25);
    const hits = fused.map(({ payload, score }) => {
      const parts: SearchHit["score"] = { fused: score };
      const d = denseRanks.get(payload.chunkId);
      const b = bm25Ranks.get(payload.chunkId);
      if (d) Object.assign(parts, { dense: d.score, denseRank: d.rank });
      if (b) Object.assign(parts, { bm25: b.score, bm25Rank: b.rank });
      return toSearchHit(payload, parts);
    });
    // Qdrant's fusion leaves ties in no particular order; the embedded store breaks them by dense rank.
    const rank = (r: number | undefined) => r ?? Number.POSITIVE_INFINITY;
    hits.sort((a, b) => b.score.fused - a.score.fused || rank(a.score.denseRank) - rank(b.score.denseRank) || rank(a.score.bm25Rank) - rank(b.score.bm25Rank));
    return hits.slice(0, query.limit);
  }

  /** Runs one query; undefined when the collection does not exist (searches on it find nothing). */
  async #query(collection: string, body: Schemas["QueryRequest"]): Promise<Schemas["ScoredPoint"][] | undefined> {
    try {
      return (await this.#client.query(this.qdrantCollectionName(collection), body)).points;
    } catch (error) {
      if (isQdrantNotFound(error)) return undefined;
      throw toLoreError(error, this.url, "run a query");
    }
  }

  /** Keeps, in each list, the points of their document's current generation (see replaceDocument). */
  async #current(collection: string, lists: Schemas["ScoredPoint"][][]): Promise<CurrentPoint[][]> {
    const parsed = lists.map((points) =>
      points.flatMap((point) => {
        const payload = parseChunkPayload(point.payload);
        if (!payload) this.#logger.warn({ pointId: point.id }, "chunk point without a Lore payload skipped");
        return payload ? [{ payload, score: point.score }] : [];
      }),
    );
    const documentIds = [...new Set(parsed.flatMap((list) => list.map((p) => p.payload.documentId)))];
    const records = await this.#documentRecords(collection, documentIds);
    return parsed.map((list) => list.filter((p) => records.get(p.payload.documentId)?.generation === p.payload.generation));
  }

  async close(): Promise<void> {
    // The REST client holds no resources beyond pooled keep-alive sockets, which close when idle.
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

interface CurrentPoint {
  payload: ParsedChunkPayload;
  score: number;
}

/** Reads of a document's chunks before giving up on a document that keeps being replaced. */
const CHUNK_READ_ATTEMPTS = 3;

/** For cleanup and counts: a collection that is already gone is the outcome wanted, not an error. */
function ignoreNotFound<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (LoreError.isInstance(error) && error.code === "NOT_FOUND") return fallback;
    throw error;
  };
}

function validQuery(query: StoreQuery): boolean {
  if (!Number.isInteger(query.limit) || query.limit <= 0) throw new LoreError("BAD_REQUEST", `Invalid search limit ${query.limit}`);
  return !matchesNothing(query.filter);
}
