import type { SearchFilter } from "./types.js";

/** A SearchFilter as a SQL condition over `chunks c`, with its parameters. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

export function filterCondition(filter: SearchFilter | undefined): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.aclGroups) {
    parts.push(`(c.acl = '[]' OR EXISTS (SELECT 1 FROM json_each(c.acl) a WHERE a.value IN (SELECT value FROM json_each(?))))`);
    params.push(JSON.stringify(filter.aclGroups));
  }
  if (filter?.tags && filter.tags.length > 0) {
    parts.push(`NOT EXISTS (SELECT 1 FROM json_each(?) q WHERE q.value NOT IN (SELECT value FROM json_each(c.tags)))`);
    params.push(JSON.stringify(filter.tags));
  }
  if (filter?.documentIds) {
    parts.push(`c.document_id IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.documentIds));
  }
  return { sql: parts.join(" AND "), params };
}

export function hasFilter(filter: SearchFilter | undefined): boolean {
  return filterCondition(filter).sql !== "";
}
