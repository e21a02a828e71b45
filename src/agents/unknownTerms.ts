import type { SearchHit } from "../retrieval/types.js";
import { containsToken, isStopword, namedTerms, stem, stemSet, words } from "../verification/index.js";

/**
 * Whether a text names a term. A term taken from a part of an identifier ("aes256" of the question's
 * "aes256_encrypt") is named by the same part of another identifier ("struct aes256_ctx").
 */
function names(text: string, term: string): boolean {
  return containsToken(text, term) || (!term.includes("_") && text.includes("_") && containsToken(text.replace(/_/g, " "), term));
}

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
  const candidates = namedTerms(question).filter((t) => !names(text, t)).slice(0, maxLookups);
  return notFound(candidates, lookup, (hits, t) => hits.some((h) => names(mentionText(h), t)));
}

/** Those of the terms whose lookup finds no mention; a term whose lookup could not run counts as found. */
async function notFound(
  terms: readonly string[],
  lookup: (term: string) => Promise<SearchHit[] | undefined>,
  mentioned: (hits: SearchHit[], term: string) => boolean,
): Promise<string[]> {
  const found = await Promise.all(
    terms.map(async (t) => {
      const hits = await lookup(t);
      return hits === undefined || mentioned(hits, t);
    }),
  );
  return terms.filter((_, i) => !found[i]);
}

// Words that open a noun phrase: the words after one, up to a function word, name a thing ("the man-db systemd timer", "its CPU affinity").
const DETERMINERS = new Set(["the", "a", "an", "its", "their", "our", "my", "your", "each", "every", "this", "these", "those"]);
const MAX_PHRASE_WORDS = 4;
// "a bit quicker", "a little faster", "the moment it restarts": a determiner before a measure word opens no thing.
const MEASURE_WORDS = new Set(["bit", "little", "lot", "lots", "few", "couple", "tad", "moment", "while"]);

/** Lower-cased words of the noun phrases a determiner opens ("a beefy server", not "start fresh"). */
function thingWords(text: string): string[] {
  const all = words(text);
  const out: string[] = [];
  all.forEach((w, i) => {
    if (!DETERMINERS.has(w) || MEASURE_WORDS.has(all[i + 1] ?? "")) return;
    for (const next of all.slice(i + 1, i + 1 + MAX_PHRASE_WORDS)) {
      if (isStopword(next)) break;
      out.push(next);
    }
  });
  return out;
}

/**
 * Words naming the things asked about (in a noun phrase a determiner opens; not names, numbers or
 * function words) that the knowledge base never uses: first checked against the retrieved chunks, then
 * each remaining one with an exact-word (BM25, stemmed) lookup over the whole collection. A question
 * about two things the documents never name ("stop the man-db systemd timer") is about something they
 * do not cover. Words outside such phrases are mostly verbs and qualifiers, the user's own phrasing ("wipe a
 * collection and start fresh", "answers come back quicker"): counted too, they made Lore abstain on questions
 * its own docs answer. A phrase can still take in an adjective or a verb ("a beefy server", "the server
 * restarts"), so one such word is not enough to abstain.
 */
export async function findUnknownWords(
  asked: string,
  retrieved: readonly SearchHit[],
  lookup: (word: string) => Promise<SearchHit[] | undefined>,
  maxLookups = 4,
): Promise<string[]> {
  const named = new Set(namedTerms(asked));
  const seen = stemSet(...retrieved.map(mentionText));
  const stems = new Set<string>();
  const things = new Set(thingWords(asked));
  const candidates = words(asked).filter((w) => {
    const s = stem(w);
    if (!things.has(w) || w.length < 3 || !/^\p{L}+$/u.test(w) || isStopword(w) || named.has(w) || seen.has(s) || stems.has(s)) return false;
    stems.add(s);
    return true;
  });
  // A stemmed BM25 hit holds the word (or a form of it), so any hit is a mention.
  return notFound(candidates.slice(0, maxLookups), lookup, (hits) => hits.length > 0);
}

/**
 * The question's named terms that the knowledge base mentions, and those of them that the chosen
 * evidence mentions too: its chunks, headings and titles, or another retrieved passage of the same
 * document. A page need not repeat its subject in every paragraph ("the root password fields" of the
 * Debian installer's page), but a page that never names it is about something else.
 */
export function namedTermsInEvidence(
  question: string,
  unknownTerms: readonly string[],
  evidence: readonly SearchHit[],
  retrieved: readonly SearchHit[] = [],
): { known: string[]; inEvidence: string[] } {
  const known = namedTerms(question).filter((t) => !unknownTerms.includes(t));
  const documents = new Set(evidence.map((h) => h.documentId));
  const passages = [...evidence, ...retrieved.filter((h) => documents.has(h.documentId))];
  return { known, inEvidence: known.filter((t) => passages.some((h) => mentions(h, t))) };
}

/** Whether a passage (its title, headings or text) mentions a named term. */
export function mentions(hit: SearchHit, term: string): boolean {
  return names(`${hit.title ?? ""} ${mentionText(hit)}`, term);
}

/**
 * Whether the unknown names of a question whose ask is generic ("Is something overflowing?", "What
 * should I do instead?") are incidental to a scene about known things: the user's own field
 * ("keyUsage") or the format they convert to ("a JPEG encoder") among names that the knowledge base
 * knows and the evidence mentions. A scene whose names are mostly unknown ("I want the daemon to
 * answer Kubernetes probes") is about something else.
 */
export function incidentalUnknownTerms(
  question: string,
  unknownTerms: readonly string[],
  evidence: readonly SearchHit[],
  retrieved: readonly SearchHit[],
): boolean {
  // Names, not their parts: "asn1_read_value" is one name, though its parts are named terms too.
  const all = namedTerms(question);
  const isName = (t: string) => !all.some((other) => other !== t && other.length > t.length && /[^\p{L}\p{N}]/u.test(other) && other.includes(t));
  if (unknownTerms.length === 0 || unknownTerms.length * 3 > all.filter(isName).length) return false;
  return namedTermsInEvidence(question, unknownTerms, evidence, retrieved).inEvidence.filter(isName).length >= 2 * unknownTerms.length;
}
