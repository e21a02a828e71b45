import type { SearchFilter } from "./types.js";

/**
 * A SearchFilter as a SQL condition over `documents d` (ACL and tags are per document), with its
 * parameters. Testing a thousand document rows is far cheaper than a hundred thousand chunk rows.
 */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

export function filterCondition(filter: SearchFilter | undefined): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.aclGroups) {
    parts.push(`(d.acl = '[]' OR EXISTS (SELECT 1 FROM json_each(d.acl) a WHERE a.value IN (SELECT value FROM json_each(?))))`);
    params.push(JSON.stringify(filter.aclGroups));
  }
  if (filter?.tags && filter.tags.length > 0) {
    parts.push(`NOT EXISTS (SELECT 1 FROM json_each(?) q WHERE q.value NOT IN (SELECT value FROM json_each(d.tags)))`);
    params.push(JSON.stringify(filter.tags));
  }
  if (filter?.documentIds) {
    parts.push(`d.id IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.documentIds));
  }
  return { sql: parts.join(" AND "), params };
}

export function hasFilter(filter: SearchFilter | undefined): boolean {
  return filterCondition(filter).sql !== "";
}

/** The filter as a condition over `chunks c` of one collection (empty sql when there is no filter). */
export function chunkCondition(filter: SearchFilter | undefined, collectionId: number): SqlCondition {
  const documents = filterCondition(filter);
  if (!documents.sql) return documents;
  return {
    sql: `c.document_id IN (SELECT d.id FROM documents d WHERE d.collection_id = ? AND ${documents.sql})`,
    params: [collectionId, ...documents.params],
  };
}
