import type { Database } from "better-sqlite3";

/** Schema of the embedded store. Per-collection FTS5 tables are created with their collection. */
export const SCHEMA_VERSION = 1;

/**
 * Porter stemming so "users"/"user" and "logging"/"login" meet (Qdrant's BM25 model stems too);
 * dev eval: hybrid span Recall@5 0.94 -> 0.96 (see BENCHMARKS.md).
 */
export const DEFAULT_FTS_TOKENIZER = "porter unicode61 remove_diacritics 2";

export function applySchema(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS collections (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      model_id TEXT NOT NULL,
      model_sha256 TEXT NOT NULL,
      dimension INTEGER NOT NULL,
      fts_tokenizer TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS documents (
      collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      source TEXT NOT NULL,
      title TEXT,
      content_hash TEXT NOT NULL,
      tags TEXT NOT NULL,
      acl TEXT NOT NULL,
      metadata TEXT NOT NULL,
      chunk_count INTEGER NOT NULL,
      ingested_at TEXT NOT NULL,
      PRIMARY KEY (collection_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS chunks (
      rowid INTEGER PRIMARY KEY,
      collection_id INTEGER NOT NULL,
      document_id TEXT NOT NULL,
      idx INTEGER NOT NULL,
      chunk_id TEXT NOT NULL,
      text TEXT NOT NULL,
      indexed_text TEXT NOT NULL,
      heading_path TEXT NOT NULL,
      start INTEGER NOT NULL,
      "end" INTEGER NOT NULL,
      acl TEXT NOT NULL,
      tags TEXT NOT NULL,
      FOREIGN KEY (collection_id, document_id) REFERENCES documents(collection_id, id) ON DELETE CASCADE
    );
    CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(collection_id, document_id);
    -- Float32 vectors apart from chunks so that filter scans over chunks stay on small rows.
    CREATE TABLE IF NOT EXISTS chunk_vectors (
      rowid INTEGER PRIMARY KEY REFERENCES chunks(rowid) ON DELETE CASCADE,
      vector BLOB NOT NULL
    );
    -- Sign bits of each vector (48 bytes at 384-d), loaded into the in-memory Hamming index.
    CREATE TABLE IF NOT EXISTS chunk_bits (
      rowid INTEGER PRIMARY KEY REFERENCES chunks(rowid) ON DELETE CASCADE,
      collection_id INTEGER NOT NULL,
      bits BLOB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS chunk_bits_by_collection ON chunk_bits(collection_id);
  `);
  db.prepare("INSERT INTO meta(key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO NOTHING").run(String(SCHEMA_VERSION));
}

export function ftsTable(collectionId: number): string {
  return `fts_${collectionId}`;
}

/** Tokenizer names go into DDL, so only FTS5's own tokenizer syntax is accepted. */
export function assertTokenizer(tokenizer: string): void {
  if (!/^[a-z0-9_ ]+$/i.test(tokenizer)) throw new Error(`Invalid FTS5 tokenizer "${tokenizer}"`);
}

export function ftsVocabTable(collectionId: number): string {
  return `fts_${collectionId}_vocab`;
}

export function createCollectionTables(db: Database, collectionId: number, tokenizer: string): void {
  assertTokenizer(tokenizer);
  // External content: the text lives once, in chunks; FTS5 keeps only its index.
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${ftsTable(collectionId)} USING fts5(indexed_text, content='chunks', content_rowid='rowid', tokenize='${tokenizer}')`,
  );
  createVocabTable(db, collectionId);
}

/** Document frequency of each indexed term, read at query time to skip terms bm25() scores as ~0. */
export function createVocabTable(db: Database, collectionId: number): void {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${ftsVocabTable(collectionId)} USING fts5vocab(${ftsTable(collectionId)}, 'row')`);
}

export function dropCollectionTables(db: Database, collectionId: number): void {
  db.exec(`DROP TABLE IF EXISTS ${ftsVocabTable(collectionId)}`);
  db.exec(`DROP TABLE IF EXISTS ${ftsTable(collectionId)}`);
}

/** Re-creates a collection's FTS index with another tokenizer from the stored indexed text. */
export function rebuildFts(db: Database, collectionId: number, tokenizer: string): void {
  assertTokenizer(tokenizer);
  const table = ftsTable(collectionId);
  db.exec(`DROP TABLE IF EXISTS ${table}`);
  db.exec(`CREATE VIRTUAL TABLE ${table} USING fts5(indexed_text, content='chunks', content_rowid='rowid', tokenize='${tokenizer}')`);
  db.prepare(`INSERT INTO ${table}(rowid, indexed_text) SELECT rowid, indexed_text FROM chunks WHERE collection_id = ?`).run(collectionId);
  db.prepare("UPDATE collections SET fts_tokenizer = ? WHERE id = ?").run(tokenizer, collectionId);
}
