/**
 * User text → an FTS5 MATCH expression that can never be a syntax error: the text is cut into
 * word terms, each term is quoted (so `AND`, `NEAR`, `-`, `:`, `*`, `"` lose their meaning)
 * and the terms are OR-ed, leaving the ranking to bm25().
 */

const MAX_TERMS = 64;

export function ftsTerms(text: string): string[] {
  const terms = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(terms)].slice(0, MAX_TERMS);
}

/** Undefined when there is no searchable term (the caller returns no BM25 hits). */
export function ftsMatchExpression(textOrTerms: string | string[]): string | undefined {
  const terms = typeof textOrTerms === "string" ? ftsTerms(textOrTerms) : textOrTerms;
  if (terms.length === 0) return undefined;
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(" OR ");
}
