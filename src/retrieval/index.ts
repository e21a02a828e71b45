export type * from "./types.js";
export { openSqliteStore, type SqliteKnowledgeStore, type SqliteStoreOptions } from "./sqliteStore.js";
export { DEFAULT_FTS_TOKENIZER } from "./sqliteSchema.js";
export { fuseRrf, RRF_K, type FusedEntry, type RankedId } from "./rrf.js";
export { ftsMatchExpression, ftsTerms } from "./ftsQuery.js";
export { openQdrantStore, type QdrantKnowledgeStore, type QdrantStoreOptions } from "./qdrantStore.js";
export { openKnowledgeStore } from "./openKnowledgeStore.js";
