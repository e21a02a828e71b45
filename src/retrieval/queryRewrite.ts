/**
 * Query-side rewriting for the lexical (BM25) list. A natural-language question carries many
 * words ("which", "should", "I") that match everywhere and only dilute BM25; identifiers and
 * content words are what the lexical list is good at, so only those are kept.
 */

// Function words and question scaffolding; deliberately generic English, never corpus terms.
const STOPWORDS = new Set(
  (
    "a about above after again against all am an and any are aren't as at be because been before being below between both but by " +
    "can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had hadn't has hasn't " +
    "have haven't having he her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it it's its itself " +
    "let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she " +
    "should shouldn't so some such than that that's the their theirs them themselves then there there's these they they'd they'll " +
    "they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when " +
    "when's where where's which while who who's whom why why's will with won't would wouldn't you you'd you'll you're you've your yours " +
    "yourself yourselves also just instead rather than whether via using use used uses get gets got one ones someone something " +
    "anything thing things way ways make makes made need needs want wants kind like e.g i.e etc"
  ).split(/\s+/),
);

/** Words of a query as BM25 sees them: lower-cased word characters (identifiers keep `_`). */
export function queryTerms(query: string): string[] {
  return (query.toLowerCase().match(/[\p{L}\p{N}_]+(?:'[\p{L}]+)?/gu) ?? []).map((t) => t.replace(/'s$/, ""));
}

/** Content terms of a query (stopwords dropped, order kept, de-duplicated). Falls back to all terms. */
export function contentTerms(query: string): string[] {
  const all = queryTerms(query);
  const kept = all.filter((t) => !STOPWORDS.has(t) && !(t.length === 1 && !/\d/.test(t)));
  return [...new Set(kept.length > 0 ? kept : all)];
}

/** Text handed to the store's BM25 search for a user question. */
export function bm25QueryText(query: string): string {
  return contentTerms(query).join(" ");
}
