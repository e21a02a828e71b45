export type * from "./types.js";
export { openSqliteStore, type SqliteKnowledgeStore, type SqliteStoreOptions } from "./sqliteStore.js";
export { DEFAULT_FTS_TOKENIZER } from "./sqliteSchema.js";
export { fuseRrf, RRF_K, type FusedEntry, type RankedId } from "./rrf.js";
export { ftsMatchExpression, ftsTerms } from "./ftsQuery.js";
export { openQdrantStore, type QdrantKnowledgeStore, type QdrantStoreOptions } from "./qdrantStore.js";
export { Retriever, type RetrieverOptions, type SearchRequest, type SearchMode } from "./retriever.js";
export { mergeAdjacentHits } from "./adjacentMerge.js";
export { LexicalReranker, type Reranker, type LexicalRerankerOptions } from "./reranker.js";
export { bm25QueryText, contentTerms } from "./queryRewrite.js";
export { groupNearDuplicates, type DuplicateGroupingOptions } from "./nearDuplicates.js";
export { openKnowledgeStore } from "./openKnowledgeStore.js";
export { COLLECTION_NAME_MAX_LENGTH, COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE, collectionNameSchema } from "./collectionName.js";
export { findHeadings, type MarkdownHeading } from "./loaders/index.js";
export { DocumentParser, type DocumentParserOptions } from "./loaders/index.js";
export { loadDocument, detectFormat, isSupportedFile, needsContentCheck, isRecognizedContent, SUPPORTED_EXTENSIONS, type LoaderKind } from "./loaders/index.js";
export { htmlToDocument, type HtmlTextOptions } from "./htmlText.js";
export { chunkDocument, indexedTextOf, DEFAULT_CHUNK_SIZE, DEFAULT_CHUNK_OVERLAP, DEFAULT_CONTEXT_CHARS, type ChunkOptions } from "./chunker.js";
export {
  Ingestor,
  summaryOf,
  type IngestorOptions,
  type IngestPathOptions,
  type IngestContentOptions,
  type IngestReport,
  type IngestFileResult,
  type IngestProgress,
  type IngestStatus,
  type DocumentOptions,
} from "./ingestor.js";
