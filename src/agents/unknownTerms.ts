import type { SearchHit } from "../retrieval/types.js";
import { containsToken, namedTerms } from "../verification/index.js";

/** A hit's headings and text, where a named term counts as mentioned. */
function mentionText(hit: SearchHit): string {
  return `${hit.headingPath.join(" ")} ${hit.text}`;
}

/**
 * Named terms of the question (identifiers, acronyms, names) that occur nowhere in the knowledge
 * base: first checked against the retrieved chunks, then each remaining one with an exact-word
 * (BM25) lookup over the whole collection. A question about a thing the knowledge base never names
 * cannot be answered from it, whatever the similarity of the nearest passages.
 */
export async function findUnknownTerms(
  question: string,
  retrieved: readonly SearchHit[],
  /** Exact-word search; undefined when the lookup was not run (the term then counts as known). */
  lookup: (term: string) => Promise<SearchHit[] | undefined>,
  maxLookups = 6,
): Promise<string[]> {
  const text = retrieved.map(mentionText).join("\n");
  const candidates = namedTerms(question).filter((t) => !containsToken(text, t)).slice(0, maxLookups);
  const found = await Promise.all(
    candidates.map(async (t) => {
      const hits = await lookup(t);
      return hits === undefined || hits.some((h) => containsToken(mentionText(h), t));
    }),
  );
  return candidates.filter((_, i) => !found[i]);
}

/**
 * The question's named terms that the knowledge base mentions, and those of them that the chosen
 * evidence (its chunks, headings and titles) mentions too.
 */
export function namedTermsInEvidence(question: string, unknownTerms: readonly string[], evidence: readonly SearchHit[]): { known: string[]; inEvidence: string[] } {
  const known = namedTerms(question).filter((t) => !unknownTerms.includes(t));
  return { known, inEvidence: known.filter((t) => evidence.some((h) => mentions(h, t))) };
}

/** Whether a passage (its title, headings or text) mentions a named term. */
export function mentions(hit: SearchHit, term: string): boolean {
  return containsToken(`${hit.title ?? ""} ${mentionText(hit)}`, term);
}
