import Database, { type Database as Db, type Statement } from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { assertCollectionRequest, assertSameEmbedding } from "./embeddingSignature.js";
import { LoreError } from "../errors/index.js";
import { silentLogger, type Logger } from "../logging/index.js";
import { ftsMatchExpression, ftsTerms } from "./ftsQuery.js";
import { fuseRrf, type RankedId } from "./rrf.js";
import { chunkCondition } from "./sqliteFilter.js";
import {
  DEFAULT_FTS_TOKENIZER,
  applySchema,
  assertTokenizer,
  createCollectionTables,
  dropCollectionTables,
  createVocabTable,
  ftsTable,
  ftsVocabTable,
  rebuildFts,
} from "./sqliteSchema.js";
import { BinaryIndex } from "./bitIndex.js";
import type {
  ChunkRecord,
  CollectionInfo,
  DocumentChunks,
  DocumentMeta,
  EmbeddingSignature,
  KnowledgeStore,
  SearchFilter,
  SearchHit,
  StoreQuery,
  StoredDocument,
} from "./types.js";
import { binaryBits, quantizeBinary, vectorToBlob } from "./vectorCodec.js";

const MIN_CHUNKS_FOR_ZERO_IDF = 20;
/** Above any sum of clamped IDFs (1e-6 per term, times a term-frequency factor below 3), below any real one. */
const ZERO_IDF_SCORE = 1e-4;

export interface SqliteStoreOptions {
  /** Database file; created with its folder when missing. ":memory:" works for throwaway stores. */
  path: string;
  logger?: Logger;
  /**
   * FTS5 tokenizer for BM25, e.g. "porter unicode61 remove_diacritics 2". Defaults to the
   * tokenizer each collection was built with ("unicode61 remove_diacritics 2" for new ones);
   * when given, collections built with another tokenizer are re-indexed at open.
   */
  ftsTokenizer?: string;
  /**
   * Dense search is a Hamming pass over 1-bit vectors held in memory, then exact cosine on the
   * float32 vectors of the best `max(limit × denseOversample, denseMinCandidates)` candidates.
   * Defaults to 10 and 400 (recall@10 against exact search is in BENCHMARKS.md, section query).
   */
  denseOversample?: number;
  denseMinCandidates?: number;
  /** How deep each list goes before RRF fusion in searchHybrid. Defaults to 50 (at least `limit`). */
  hybridDepth?: number;
  /**
   * BM25 leaves out query terms found in half or more of a collection's chunks once they are in at
   * least this many chunks (see #informativeTerms). Defaults to 2000: below that FTS5 is fast anyway
   * and the ranks of zero-IDF matches, which RRF still uses, are kept.
   */
  commonTermMinChunks?: number;
  /** busy_timeout in ms when another process holds the write lock. Defaults to 5000. */
  busyTimeoutMs?: number;
}

interface CollectionRow {
  id: number;
  name: string;
  model_id: string;
  model_sha256: string;
  dimension: number;
  fts_tokenizer: string;
  created_at: string;
}

interface DocumentRow {
  id: string;
  source: string;
  title: string | null;
  content_hash: string;
  tags: string;
  acl: string;
  metadata: string;
  chunk_count: number;
  ingested_at: string;
}

interface HitRow {
  rowid: number;
  chunk_id: string;
  document_id: string;
  heading_path: string;
  start: number;
  end: number;
  text: string;
  source: string;
  title: string | null;
}

export interface SqliteKnowledgeStore extends KnowledgeStore {
  readonly kind: "sqlite";
  readonly path: string;
  /** Exact (brute-force float32) dense search: the ground truth the bench compares the fast path to. */
  searchDenseExact(query: StoreQuery): Promise<SearchHit[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteKnowledgeStore> {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  let db: Db;
  try {
    db = new Database(options.path);
    sqliteVec.load(db);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma(`busy_timeout = ${Math.floor(options.busyTimeoutMs ?? 5000)}`);
    applySchema(db);
  } catch (error) {
    throw new LoreError("STORE_UNAVAILABLE", `Cannot open the SQLite store at ${options.path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return new SqliteStore(db, options);
}

class SqliteStore implements SqliteKnowledgeStore {
  readonly kind = "sqlite" as const;
  readonly path: string;
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #statements = new Map<string, Statement>();
  readonly #oversample: number;
  readonly #minCandidates: number;
  readonly #hybridDepth: number;
  readonly #tokenizer: string | undefined;
  readonly #commonTermMinChunks: number;
  /** Hamming indexes by collection id, loaded on first dense search. */
  readonly #bitIndexes = new Map<number, BinaryIndex>();
  /** PRAGMA data_version moves when another connection commits: then the indexes are reloaded. */
  #dataVersion = -1;

  constructor(db: Db, options: SqliteStoreOptions) {
    this.#db = db;
    this.path = options.path;
    this.#logger = options.logger ?? silentLogger();
    this.#oversample = options.denseOversample ?? 10;
    this.#minCandidates = options.denseMinCandidates ?? 400;
    this.#hybridDepth = options.hybridDepth ?? 50;
    this.#tokenizer = options.ftsTokenizer;
    this.#commonTermMinChunks = options.commonTermMinChunks ?? 2000;
    for (const id of db.prepare("SELECT id FROM collections").pluck().all() as number[]) createVocabTable(db, id);
    if (this.#tokenizer !== undefined) this.#retokenize(this.#tokenizer);
  }

  #retokenize(tokenizer: string): void {
    assertTokenizer(tokenizer);
    const stale = this.#db.prepare("SELECT id, name, fts_tokenizer FROM collections WHERE fts_tokenizer != ?").all(tokenizer) as CollectionRow[];
    for (const row of stale) {
      this.#logger.info({ collection: row.name, from: row.fts_tokenizer, to: tokenizer }, "re-indexing BM25 with another tokenizer");
      this.#db.transaction(() => rebuildFts(this.#db, row.id, tokenizer))();
    }
  }

  #stmt(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #collectionRow(name: string): CollectionRow | undefined {
    return this.#stmt("SELECT * FROM collections WHERE name = ?").get(name) as CollectionRow | undefined;
  }

  #requireCollection(name: string): CollectionRow {
    const row = this.#collectionRow(name);
    if (!row) throw new LoreError("NOT_FOUND", `Collection "${name}" does not exist`);
    return row;
  }

  #info(row: CollectionRow): CollectionInfo {
    const counts = this.#stmt("SELECT count(*) AS docs, coalesce(sum(chunk_count), 0) AS chunks FROM documents WHERE collection_id = ?").get(
      row.id,
    ) as { docs: number; chunks: number };
    return {
      name: row.name,
      embedding: { modelId: row.model_id, sha256: row.model_sha256, dimension: row.dimension },
      documentCount: counts.docs,
      chunkCount: counts.chunks,
      createdAt: row.created_at,
    };
  }

  async ensureCollection(name: string, embedding: EmbeddingSignature): Promise<CollectionInfo> {
    assertCollectionRequest(name, embedding);
    const existing = this.#collectionRow(name);
    if (existing) {
      assertSameEmbedding(name, { modelId: existing.model_id, sha256: existing.model_sha256, dimension: existing.dimension }, embedding);
      return this.#info(existing);
    }
    const tokenizer = this.#tokenizer ?? DEFAULT_FTS_TOKENIZER;
    const create = this.#db.transaction(() => {
      const result = this.#db
        .prepare("INSERT INTO collections(name, model_id, model_sha256, dimension, fts_tokenizer, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .run(name, embedding.modelId, embedding.sha256, embedding.dimension, tokenizer, new Date().toISOString());
      createCollectionTables(this.#db, Number(result.lastInsertRowid), tokenizer);
    });
    create();
    this.#logger.info({ collection: name, model: embedding.modelId, dimension: embedding.dimension }, "collection created");
    return this.#info(this.#requireCollection(name));
  }

  async getCollection(name: string): Promise<CollectionInfo | undefined> {
    const row = this.#collectionRow(name);
    return row ? this.#info(row) : undefined;
  }

  async listCollections(): Promise<CollectionInfo[]> {
    const rows = this.#stmt("SELECT * FROM collections ORDER BY name").all() as CollectionRow[];
    return rows.map((row) => this.#info(row));
  }

  async deleteCollection(name: string): Promise<boolean> {
    const row = this.#collectionRow(name);
    if (!row) return false;
    this.#db.transaction(() => {
      dropCollectionTables(this.#db, row.id);
      this.#db.prepare("DELETE FROM chunk_vectors WHERE rowid IN (SELECT rowid FROM chunks WHERE collection_id = ?)").run(row.id);
      this.#db.prepare("DELETE FROM chunk_bits WHERE collection_id = ?").run(row.id);
      this.#db.prepare("DELETE FROM chunks WHERE collection_id = ?").run(row.id);
      this.#db.prepare("DELETE FROM documents WHERE collection_id = ?").run(row.id);
      this.#db.prepare("DELETE FROM collections WHERE id = ?").run(row.id);
    })();
    // Cached statements may name the dropped tables, whose ids a new collection can reuse.
    this.#statements.clear();
    this.#bitIndexes.delete(row.id);
    this.#logger.info({ collection: name }, "collection deleted");
    return true;
  }

  async getDocument(collection: string, documentId: string): Promise<StoredDocument | undefined> {
    const row = this.#collectionRow(collection);
    if (!row) return undefined;
    const doc = this.#stmt("SELECT * FROM documents WHERE collection_id = ? AND id = ?").get(row.id, documentId) as DocumentRow | undefined;
    return doc ? toStoredDocument(collection, doc) : undefined;
  }

  async listDocuments(collection: string): Promise<StoredDocument[]> {
    const row = this.#collectionRow(collection);
    if (!row) return [];
    const docs = this.#stmt("SELECT * FROM documents WHERE collection_id = ? ORDER BY id").all(row.id) as DocumentRow[];
    return docs.map((doc) => toStoredDocument(collection, doc));
  }

  async getDocumentChunks(collection: string, documentId: string): Promise<DocumentChunks | undefined> {
    const row = this.#collectionRow(collection);
    if (!row) return undefined;
    // One read transaction: another process replacing the document cannot slip between the two reads.
    return this.#db.transaction(() => {
      const doc = this.#stmt("SELECT * FROM documents WHERE collection_id = ? AND id = ?").get(row.id, documentId) as DocumentRow | undefined;
      if (!doc) return undefined;
      const rows = this.#stmt(`SELECT chunk_id, heading_path, start, "end", text FROM chunks WHERE collection_id = ? AND document_id = ? ORDER BY start, idx`).all(row.id, documentId) as Pick<HitRow, "chunk_id" | "heading_path" | "start" | "end" | "text">[];
      const chunks = rows.map((r) => ({ chunkId: r.chunk_id, documentId, headingPath: JSON.parse(r.heading_path) as string[], start: r.start, end: r.end, text: r.text }));
      return { document: toStoredDocument(collection, doc), chunks };
    })();
  }

  async replaceDocument(document: DocumentMeta, chunks: ChunkRecord[]): Promise<void> {
    const row = this.#requireCollection(document.collection);
    for (const chunk of chunks) {
      if (chunk.vector.length !== row.dimension) {
        throw new LoreError("BAD_REQUEST", `Chunk ${chunk.id} has a ${chunk.vector.length}-dimensional vector; collection "${row.name}" holds ${row.dimension}`);
      }
      if (chunk.documentId !== document.id) {
        throw new LoreError("BAD_REQUEST", `Chunk ${chunk.id} belongs to document ${chunk.documentId}, not ${document.id}`);
      }
    }
    const acl = JSON.stringify(document.acl);
    const tags = JSON.stringify(document.tags);
    const fts = ftsTable(row.id);
    const insertChunk = this.#stmt(
      `INSERT INTO chunks(collection_id, document_id, idx, chunk_id, text, indexed_text, heading_path, start, "end", acl, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertFts = this.#stmt(`INSERT INTO ${fts}(rowid, indexed_text) VALUES (?, ?)`);
    const insertVector = this.#stmt("INSERT INTO chunk_vectors(rowid, vector) VALUES (?, ?)");
    const insertBits = this.#stmt("INSERT INTO chunk_bits(rowid, collection_id, bits) VALUES (?, ?, ?)");
    const added: Array<[number, Buffer]> = [];
    // One transaction: a crash at any point leaves the previous version of the document whole.
    const removed = this.#db.transaction(() => {
      const removedRows = this.#deleteDocumentRows(row.id, document.id);
      this.#stmt(
        `INSERT INTO documents(collection_id, id, source, title, content_hash, tags, acl, metadata, chunk_count, ingested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(collection_id, id) DO UPDATE SET source = excluded.source, title = excluded.title, content_hash = excluded.content_hash,
           tags = excluded.tags, acl = excluded.acl, metadata = excluded.metadata, chunk_count = excluded.chunk_count, ingested_at = excluded.ingested_at`,
      ).run(
        row.id,
        document.id,
        document.source,
        document.title ?? null,
        document.contentHash,
        tags,
        acl,
        JSON.stringify(document.metadata),
        chunks.length,
        new Date().toISOString(),
      );
      for (const chunk of chunks) {
        const rowid = BigInt(
          insertChunk.run(
            row.id,
            document.id,
            chunk.index,
            chunk.id,
            chunk.text,
            chunk.indexedText,
            JSON.stringify(chunk.headingPath),
            chunk.start,
            chunk.end,
            acl,
            tags,
          ).lastInsertRowid,
        );
        const bits = quantizeBinary(chunk.vector);
        insertFts.run(rowid, chunk.indexedText);
        insertVector.run(rowid, vectorToBlob(chunk.vector));
        insertBits.run(rowid, row.id, bits);
        added.push([Number(rowid), bits]);
      }
      return removedRows;
    })();
    // Only after the commit: the in-memory index never shows what the database does not hold.
    const index = this.#bitIndexes.get(row.id);
    if (index) {
      for (const rowid of removed) index.remove(rowid);
      for (const [rowid, bits] of added) index.add(rowid, bits);
    }
  }

  /** Removes a document's chunks from every table and returns their row ids; the caller owns the transaction. */
  #deleteDocumentRows(collectionId: number, documentId: string): number[] {
    const fts = ftsTable(collectionId);
    const chunkRows = "SELECT rowid FROM chunks WHERE collection_id = ? AND document_id = ?";
    const rowids = this.#stmt(chunkRows).pluck().all(collectionId, documentId) as number[];
    if (rowids.length === 0) return rowids;
    this.#stmt(
      `INSERT INTO ${fts}(${fts}, rowid, indexed_text) SELECT 'delete', rowid, indexed_text FROM chunks WHERE collection_id = ? AND document_id = ?`,
    ).run(collectionId, documentId);
    this.#stmt(`DELETE FROM chunk_bits WHERE rowid IN (${chunkRows})`).run(collectionId, documentId);
    this.#stmt(`DELETE FROM chunk_vectors WHERE rowid IN (${chunkRows})`).run(collectionId, documentId);
    this.#stmt("DELETE FROM chunks WHERE collection_id = ? AND document_id = ?").run(collectionId, documentId);
    return rowids;
  }

  async deleteDocument(collection: string, documentId: string): Promise<boolean> {
    const row = this.#collectionRow(collection);
    if (!row) return false;
    const { removed, existed } = this.#db.transaction(() => {
      const rowids = this.#deleteDocumentRows(row.id, documentId);
      return { removed: rowids, existed: this.#stmt("DELETE FROM documents WHERE collection_id = ? AND id = ?").run(row.id, documentId).changes > 0 };
    })();
    const index = this.#bitIndexes.get(row.id);
    for (const rowid of removed) index?.remove(rowid);
    return existed;
  }

  #bitIndex(row: CollectionRow): BinaryIndex {
    const version = this.#db.pragma("data_version", { simple: true }) as number;
    if (version !== this.#dataVersion) {
      this.#bitIndexes.clear();
      this.#dataVersion = version;
    }
    let index = this.#bitIndexes.get(row.id);
    if (!index) {
      const started = performance.now();
      index = new BinaryIndex(Math.ceil(binaryBits(row.dimension) / 32));
      const rows = this.#stmt("SELECT rowid, bits FROM chunk_bits WHERE collection_id = ?").raw().iterate(row.id) as IterableIterator<[number, Buffer]>;
      for (const [rowid, bits] of rows) index.add(rowid, bits);
      this.#bitIndexes.set(row.id, index);
      this.#logger.debug({ collection: row.name, vectors: index.size, ms: Math.round(performance.now() - started) }, "binary index loaded");
    }
    return index;
  }

  async searchDense(query: StoreQuery): Promise<SearchHit[]> {
    const row = this.#queryCollection(query);
    if (!row) return [];
    const ranked = this.#denseRanked(row, query.vector, query.limit, query.filter);
    return this.#hits(row.name, ranked.map((r, i) => ({ id: r.id, score: { dense: r.score, denseRank: i + 1, fused: r.score } })));
  }

  async searchDenseExact(query: StoreQuery): Promise<SearchHit[]> {
    const row = this.#queryCollection(query);
    if (!row) return [];
    const ranked = this.#denseExact(row, query.vector, query.limit, query.filter);
    return this.#hits(row.name, ranked.map((r, i) => ({ id: r.id, score: { dense: r.score, denseRank: i + 1, fused: r.score } })));
  }

  async searchBm25(query: StoreQuery): Promise<SearchHit[]> {
    const row = this.#queryCollection(query, false);
    if (!row) return [];
    const ranked = this.#bm25Ranked(row, query.text, query.limit, query.filter, query.onlyInformative);
    return this.#hits(row.name, ranked.map((r, i) => ({ id: r.id, score: { bm25: r.score, bm25Rank: i + 1, fused: r.score } })));
  }

  async searchHybrid(query: StoreQuery): Promise<SearchHit[]> {
    const row = this.#queryCollection(query);
    if (!row) return [];
    const depth = Math.max(query.limit, this.#hybridDepth);
    const dense = this.#denseRanked(row, query.vector, depth, query.filter);
    const bm25 = this.#bm25Ranked(row, query.text, depth, query.filter, true);
    const fused = fuseRrf(dense, bm25).slice(0, query.limit);
    return this.#hits(
      row.name,
      fused.map(({ id, ...score }) => ({ id, score })),
    );
  }

  #queryCollection(query: StoreQuery, needsVector = true): CollectionRow | undefined {
    if (!Number.isInteger(query.limit) || query.limit <= 0) throw new LoreError("BAD_REQUEST", `Invalid search limit ${query.limit}`);
    const row = this.#collectionRow(query.collection);
    if (row && needsVector && query.vector.length !== row.dimension) {
      throw new LoreError("BAD_REQUEST", `Query vector has ${query.vector.length} dimensions; collection "${row.name}" holds ${row.dimension}`);
    }
    return row;
  }

  /** Hamming top candidates on the 1-bit index (the filter restricts the scan itself), rescored with exact cosine. */
  #denseRanked(row: CollectionRow, vector: Float32Array, limit: number, filter: SearchFilter | undefined): RankedId[] {
    const k = Math.max(limit * this.#oversample, this.#minCandidates);
    const condition = chunkCondition(filter, row.id);
    let allowed: Set<number> | undefined;
    if (condition.sql) {
      const rowids = this.#stmt(`SELECT c.rowid FROM chunks c WHERE c.collection_id = ? AND ${condition.sql}`).pluck().all(row.id, ...condition.params);
      allowed = new Set(rowids as number[]);
      if (allowed.size === 0) return [];
    }
    const candidates = this.#bitIndex(row).nearest(quantizeBinary(vector), k, allowed);
    if (candidates.length === 0) return [];
    return this.#stmt(
      `SELECT rowid AS id, 1 - vec_distance_cosine(vector, ?) AS score FROM chunk_vectors WHERE rowid IN (SELECT value FROM json_each(?))
       ORDER BY score DESC LIMIT ?`,
    ).all(vectorToBlob(vector), JSON.stringify(candidates), limit) as RankedId[];
  }

  #denseExact(row: CollectionRow, vector: Float32Array, limit: number, filter: SearchFilter | undefined): RankedId[] {
    const condition = chunkCondition(filter, row.id);
    return this.#stmt(
      `SELECT c.rowid AS id, 1 - vec_distance_cosine(v.vector, ?) AS score FROM chunks c JOIN chunk_vectors v ON v.rowid = c.rowid
       WHERE c.collection_id = ?${condition.sql ? ` AND ${condition.sql}` : ""} ORDER BY score DESC LIMIT ?`,
    ).all(vectorToBlob(vector), row.id, ...condition.params, limit) as RankedId[];
  }

  #bm25Ranked(row: CollectionRow, text: string, limit: number, filter: SearchFilter | undefined, onlyInformative = false): RankedId[] {
    const match = ftsMatchExpression(this.#informativeTerms(row, text));
    if (match === undefined) return [];
    const fts = ftsTable(row.id);
    const condition = chunkCondition(filter, row.id);
    // bm25() is lower-is-better (negative); the contract wants higher-is-better.
    const sql = condition.sql
      ? `SELECT ${fts}.rowid AS id, -bm25(${fts}) AS score FROM ${fts} JOIN chunks c ON c.rowid = ${fts}.rowid
         WHERE ${fts} MATCH ? AND ${condition.sql} ORDER BY bm25(${fts}) LIMIT ?`
      : `SELECT rowid AS id, -bm25(${fts}) AS score FROM ${fts} WHERE ${fts} MATCH ? ORDER BY rank LIMIT ?`;
    const ranked = this.#stmt(sql).all(match, ...condition.params, limit) as RankedId[];
    // When every matching term sits in half or more of the chunks, FTS5 clamps their IDF to 1e-6 and the
    // ranking only measures chunk length; fused with the dense list it would outvote it ("What is Lore?"
    // over Lore's own docs, where every chunk says "Lore"). Below a few dozen chunks, such a term can still be a topic.
    if (onlyInformative && (ranked[0]?.score ?? 0) < ZERO_IDF_SCORE && this.#chunkTotal(row) >= MIN_CHUNKS_FOR_ZERO_IDF) return [];
    return ranked;
  }

  /**
   * Query terms without those in half or more of the collection's chunks: FTS5's bm25() gives
   * them an IDF of ~0 (it clamps log((N − n + 0.5)/(n + 0.5)) ≤ 0 to 1e-6), so the ranking stays
   * the same, but OR-ing them in makes FTS5 score nearly every row (tens of ms at 100k chunks).
   * Terms the tokenizer rewrites (stemming) are not found in the vocabulary and are kept.
   */
  #informativeTerms(row: CollectionRow, text: string): string[] {
    const terms = ftsTerms(text);
    if (terms.length < 2) return terms;
    const minimum = this.#commonTermMinChunks;
    const total = this.#chunkTotal(row);
    const frequency = this.#stmt(`SELECT doc FROM ${ftsVocabTable(row.id)} WHERE term = ?`).pluck();
    if (total < minimum) return terms;
    const kept = terms.filter((term) => {
      const chunks = (frequency.get(term) as number | undefined) ?? 0;
      return chunks * 2 < total || chunks < minimum;
    });
    return kept.length > 0 ? kept : terms;
  }

  #chunkTotal(row: CollectionRow): number {
    return this.#stmt("SELECT coalesce(sum(chunk_count), 0) FROM documents WHERE collection_id = ?").pluck().get(row.id) as number;
  }

  #hits(collection: string, ranked: Array<{ id: number; score: SearchHit["score"] }>): SearchHit[] {
    if (ranked.length === 0) return [];
    const rows = this.#stmt(
      `SELECT c.rowid, c.chunk_id, c.document_id, c.heading_path, c.start, c."end", c.text, d.source, d.title
       FROM chunks c JOIN documents d ON d.collection_id = c.collection_id AND d.id = c.document_id
       WHERE c.rowid IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ranked.map((r) => r.id))) as HitRow[];
    const byId = new Map(rows.map((r) => [r.rowid, r]));
    const hits: SearchHit[] = [];
    for (const { id, score } of ranked) {
      const r = byId.get(id);
      if (!r) continue;
      hits.push({
        chunkId: r.chunk_id,
        documentId: r.document_id,
        collection,
        source: r.source,
        title: r.title ?? undefined,
        headingPath: JSON.parse(r.heading_path) as string[],
        start: r.start,
        end: r.end,
        text: r.text,
        score,
      });
    }
    return hits;
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    this.#statements.clear();
    this.#bitIndexes.clear();
    this.#db.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function toStoredDocument(collection: string, row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    collection,
    source: row.source,
    title: row.title ?? undefined,
    contentHash: row.content_hash,
    tags: JSON.parse(row.tags) as string[],
    acl: JSON.parse(row.acl) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    chunkCount: row.chunk_count,
    ingestedAt: row.ingested_at,
  };
}
