/** Contracts of the retrieval module. */

export interface ExtractedSection {
  /** Heading path of this section, outermost first, e.g. ["Backup", "WAL archiving"]. */
  headingPath: string[];
  /** Character offsets of the section's body in the document's extracted text. */
  start: number;
  end: number;
}

/** A file turned into plain text (the text citations point into). */
export interface ExtractedDocument {
  text: string;
  title: string | undefined;
  sections: ExtractedSection[];
  format: "markdown" | "rst" | "asciidoc" | "man" | "info" | "text" | "html" | "pdf" | "docx" | "epub" | "json";
}

export interface ChunkDraft {
  index: number;
  /** Exact slice of the document text: text === documentText.slice(start, end). */
  text: string;
  start: number;
  end: number;
  headingPath: string[];
  /**
   * The part of `text` that is embedded and BM25-indexed when `text` carries surrounding context
   * (sentence-window retrieval); absent when all of `text` is indexed.
   */
  indexed?: string;
}

export interface DocumentMeta {
  /** Stable id: the source URI/path as given at ingest. */
  id: string;
  collection: string;
  source: string;
  title: string | undefined;
  contentHash: string;
  tags: string[];
  acl: string[];
  metadata: Record<string, unknown>;
}

export interface StoredDocument extends DocumentMeta {
  chunkCount: number;
  ingestedAt: string;
}

/** A chunk as stored: exactly the document's extracted text from `start` to `end`. */
export interface StoredChunk {
  chunkId: string;
  documentId: string;
  headingPath: string[];
  start: number;
  end: number;
  text: string;
}

export interface DocumentChunks {
  document: StoredDocument;
  chunks: StoredChunk[];
}

export interface ChunkRecord extends ChunkDraft {
  /** `${documentId}#${index}` */
  id: string;
  documentId: string;
  /** Text given to BM25 and the embedder: heading path + chunk text. */
  indexedText: string;
  vector: Float32Array;
}

export interface EmbeddingSignature {
  modelId: string;
  sha256: string;
  dimension: number;
}

export interface CollectionInfo {
  name: string;
  embedding: EmbeddingSignature;
  documentCount: number;
  chunkCount: number;
  createdAt: string;
}

export interface SearchFilter {
  /** Caller's ACL groups; a chunk is visible when its acl is empty or shares a group. Undefined = no ACL check (admin/local). */
  aclGroups?: string[];
  /** All of these tags must be present. */
  tags?: string[];
  documentIds?: string[];
}

export interface StoreQuery {
  collection: string;
  text: string;
  vector: Float32Array;
  limit: number;
  filter?: SearchFilter;
  /**
   * For BM25 as one list of a fusion: no hits when every matching term is in half or more of the chunks
   * (the ranking then only measures chunk length). A word lookup leaves it off: it asks whether a word occurs at all.
   * Only the embedded store honours it: FTS5 clamps such terms' IDF to 1e-6, which tells them apart; Qdrant's IDF
   * for them is small but not clamped, so the Qdrant store ignores it.
   */
  onlyInformative?: boolean;
}

export interface ScoreParts {
  dense?: number;
  bm25?: number;
  /** Rank in each list (1-based), when present. */
  denseRank?: number;
  bm25Rank?: number;
  fused: number;
  rerank?: number;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  collection: string;
  source: string;
  title: string | undefined;
  headingPath: string[];
  start: number;
  end: number;
  text: string;
  score: ScoreParts;
}

export interface KnowledgeStore {
  readonly kind: "sqlite" | "qdrant";
  /** Creates the collection or checks that its embedding signature matches (EMBEDDING_MODEL_MISMATCH otherwise). */
  ensureCollection(name: string, embedding: EmbeddingSignature): Promise<CollectionInfo>;
  getCollection(name: string): Promise<CollectionInfo | undefined>;
  listCollections(): Promise<CollectionInfo[]>;
  deleteCollection(name: string): Promise<boolean>;
  getDocument(collection: string, documentId: string): Promise<StoredDocument | undefined>;
  listDocuments(collection: string): Promise<StoredDocument[]>;
  /** Replaces every chunk, vector and BM25 entry of a document atomically. */
  replaceDocument(document: DocumentMeta, chunks: ChunkRecord[]): Promise<void>;
  deleteDocument(collection: string, documentId: string): Promise<boolean>;
  /**
   * A document with its current chunks in text order, read together (the chunks are those of the
   * version the metadata describes); undefined when the document is not in the collection.
   */
  getDocumentChunks(collection: string, documentId: string): Promise<DocumentChunks | undefined>;
  searchDense(query: StoreQuery): Promise<SearchHit[]>;
  searchBm25(query: StoreQuery): Promise<SearchHit[]>;
  /** Dense + BM25 fused with reciprocal rank fusion (k = 60). */
  searchHybrid(query: StoreQuery): Promise<SearchHit[]>;
  close(): Promise<void>;
}
