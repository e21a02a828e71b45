import { containsToken, cosine, keyTokens, stemSet, contentStems } from "../verification/index.js";
import type { EvidenceCandidate } from "./evidenceCandidates.js";
import { adjacent } from "./evidenceCandidates.js";
import { mentions } from "./unknownTerms.js";

export interface CandidateScore {
  /** Best cosine similarity to the question or one of its sub-questions. */
  similarity: number;
  /** IDF-weighted fraction of the question's content words in the sentence. */
  lexical: number;
  /** Fraction of the question's identifiers/numbers present verbatim. */
  keyTokens: number;
  /** Best lexical score of the neighbouring sentences (an answer often continues its context). */
  context: number;
  /** 1 when the sentence has the form of answer the question asks for (a command, a setting, a number) that the question does not already hold. */
  answerForm: number;
  total: number;
}

export interface ScoredCandidate extends EvidenceCandidate {
  score: CandidateScore;
  vector: Float32Array | undefined;
  /** The sentence before, which this one leans on ("It halves Memcheck's speed …"): it is scored, and quoted, with it. */
  referent?: EvidenceCandidate;
}

export interface ScoringWeights {
  similarity: number;
  lexical: number;
  keyTokens: number;
  context: number;
  /** Weight of `answerForm` (dev set: 0 → accuracy 0.676, 0.05 → 0.647, 0.1 → 0.706, 0.15 → 0.676). */
  answerForm: number;
  rank: number;
}

/** Starting weights; the eval measures them (see BENCHMARKS.md answers-eval). */
export const DEFAULT_WEIGHTS: ScoringWeights = { similarity: 0.5, lexical: 0.35, keyTokens: 0.1, context: 0.1, answerForm: 0.1, rank: 0.05 };

export interface ScoreInput {
  question: string;
  /** Normalised vectors: the question first, then sub-questions. */
  queryVectors: Float32Array[];
  candidates: EvidenceCandidate[];
  /** Candidate vectors in candidate order (same length), or undefined when no embedder ran. */
  candidateVectors: (Float32Array | undefined)[];
  /** Per candidate (same order), the sentence it leans on, and the vector of both read together. */
  referents?: readonly (EvidenceCandidate | undefined)[];
  referentVectors?: readonly (Float32Array | undefined)[];
  /** Per candidate (same order), what its quote would run on to: the sentence that states the value a quantity question asks for. */
  continuations?: readonly (string | undefined)[];
  weights?: ScoringWeights;
}

// Questions that ask for something to type or set, or for a number; the cue is the question's own wording, not the corpus.
const ASKS_FOR_CODE = /\b(?:which|what)\s+(?:[\w-]+\s+){0,2}(?:commands?|options?|flags?|files?|director(?:y|ies)|paths?|settings?|directives?|parameters?|packages?|tools?|programs?|utilit(?:y|ies)|selectors?|variables?|syntax|lines?|keys?)\b|\b(?:which|what)\s+(?:[\w-]+\s+){0,2}(?:calls?|functions?|methods?|class(?:es)?|handlers?|arguments?|switch(?:es)?|fields?|macros?|constants?|hooks?|APIs?)\b|\bhow\s+(?:do|can|should|would|could|must)\s+(?:i|we|you|one)\b|\bwhere\s+(?:do|can|should|would|must)\s+(?:i|we|you|one)\b|\bwhat\s+(?:do|can|should|would|must)\s+(?:i|we|you|one)\s+(?:add|put|write|type|set|run|use|change|edit|enter|specify|configure|call|pass|do)\b/i;
const ASKS_FOR_NUMBER = /\bhow\s+(?:many|much|long|often|big|large|old|soon|far)\b|\b(?:is|are)\s+there\s+(?:an?\s+|any\s+)?(?:(?!to\b|ways?\b)[\w-]+\s+){0,2}(?:max|maximum|minimum|limit|limits|cap|upper bound|lower bound)\b|\b(?:which|what)(?:'s|’s)?\s+(?:(?:is|are|was)\s+)?(?:[\w'’-]+\s+){0,3}(?:port|number|size|percentage|version|value|priority|limit|cap|timeout|interval|delay|amount|count|age|depth|width|height|year|compression level|(?:exit|return|status|error) (?:code|status))s?(?![\w-])(?![^?.;]*\b(?:called|named|mean|means)\b)|\bwhat(?:'s|’s)?\s+(?:(?:is|are|was)\s+)?the\s+(?:largest|smallest|longest|shortest|highest|lowest|biggest|deepest|maximum|minimum|max|min)(?![\w-])(?![^?.;]*\b(?:called|named)\b)/i;
// A shell prompt ("# ", "$ ") then a lower-case command name; "# Sample configuration" is a comment.
const CODE_LINE = /^[#$]\s+[a-z][\w.+-]*(?:\s+(?:-|\/|[\w.:=+-]+$|[\w.:=+-]+\s+\S+$)|$)/;
// An option ("-u", "--search"), a setting ("net.ifnames=0") or a scoped name ("Acquire::http::proxy"); bare names with digits ("wlan0") and log timestamps are not commands.
const COMMAND_TOKEN = /^--?[\p{L}]|^\+\p{L}{1,2}\d*$|[\p{L}\d]=|::/u;
// Program output quoted in a document (log lines start with a timestamp): it shows a result, it does not tell how to get it.
const OUTPUT_LINE = /^(?:\p{L}{3}\s+\d{1,2}\s+)?\d{1,2}:\d\d:\d\d|^\d{4}-\d\d-\d\d[ T]\d/u;
// A quantity, with its unit when written together ("100MB", "30s", "5%").
const NUMBER = /^[+-]?\d+(?:[.,]\d+)?(?:%|[kmgtp]i?b|bytes?|[mµun]?s|secs?|min|mins|h|hrs?|d|days?|x|k)?$/i;
// Digits after a leading zero are a code, not a quantity: a file mode ("from 0644 to 0666"), a zero-padded field.
const CODE_NUMBER = /^0\d/;
// A level set as a digit option ("gzip -7c", "xz -9"): the digit is the quantity.
const DIGIT_OPTION = /^-\d[a-z]?$/i;
const isQuantity = (token: string): boolean => (NUMBER.test(token) && !CODE_NUMBER.test(token)) || DIGIT_OPTION.test(token);
// Quantities written as words ("retries twice", "one day"): an answer to "how many" need not use digits.
const NUMBER_WORD = /\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|thousand|million|billion|twice|thrice|dozen|half|unlimited|infinite|infinity|no limit)\b/i;

// "Is there an environment variable for that?": the answer is a variable's name, which no option or number form catches.
const ASKS_FOR_VARIABLE = /\benv(?:ironment)?\s+var(?:iable)?s?\b/i;
// A variable's name as written in running text ("the `UV_THREADPOOL_SIZE` environment variable", "NODE_OPTIONS=…");
// a constant of an API ("cluster.SCHED_RR") is reached through its object.
const VARIABLE_NAME = /(?<![\w.-])[A-Z][A-Z\d]*(?:_[A-Z\d]+)+(?![\w(])/g;

/** Whether a sentence names an environment variable the question does not already name. */
function namesVariable(text: string, known: ReadonlySet<string>): boolean {
  if (!/\benv(?:ironment)?\b|\$[A-Z]|[A-Z\d]=/.test(text)) return false;
  return [...text.matchAll(VARIABLE_NAME)].some(([name]) => !known.has(name.toLowerCase()));
}

/**
 * Whether some part of the question asks for a quantity as its answer (how many / how long / which port
 * / what size …), not for a command that sets one ("Which command sets how long …" asks for a command).
 */
export function asksForNumber(question: string): boolean {
  return question.split(/[?;]|,\s*(?:and|or|but)\b/i).some((part) => ASKS_FOR_NUMBER.test(part) && !asksForCode(part));
}

/** Whether a sentence states a quantity the question does not already hold (in digits or in words). */
export function statesFreshNumber(question: string, text: string): boolean {
  const known = new Set(keyTokens(question));
  // A manual section ("resolv.conf(5)") or a numbered item ("build it as in mode (1)") is a reference, not a quantity.
  return keyTokens(text.replace(/[\w.-]+\(\d\w*\)|\(\d{1,2}\)/g, "")).some((t) => !known.has(t) && isQuantity(t)) || (NUMBER_WORD.test(text) && !NUMBER_WORD.test(question));
}

/** Whether the question asks for something to type or set (a command, an option, a file, a setting). */
export function asksForCode(question: string): boolean {
  return ASKS_FOR_CODE.test(question);
}

/**
 * Whether a sentence carries the kind of answer the question asks for and does not itself state:
 * a command line, an option or a setting ("-u", "net.ifnames=0") for a "which command /
 * how do I" question; a number for a "how many / what port" question. A sentence that only repeats
 * the question's own identifiers restates the question rather than answering it.
 */
function answerFormOf(question: string): (text: string) => number {
  const wantsNumber = ASKS_FOR_NUMBER.test(question);
  const wantsCode = asksForCode(question);
  const wantsVariable = ASKS_FOR_VARIABLE.test(question);
  if (!wantsNumber && !wantsCode && !wantsVariable) return () => 0;
  const known = new Set(keyTokens(question));
  const questionWords = new Set(contentStems(question));
  return (text) => {
    const fresh = keyTokens(text).filter((t) => !known.has(t));
    if (wantsNumber && fresh.some(isQuantity)) return 1;
    if (wantsVariable && namesVariable(text, known)) return 1;
    if (OUTPUT_LINE.test(text)) return 0;
    if (wantsCode && ((CODE_LINE.test(text) && contentStems(text).some((w) => !questionWords.has(w))) || fresh.some((t) => COMMAND_TOKEN.test(t)))) return 1;
    return 0;
  };
}

function idfTable(candidates: readonly EvidenceCandidate[]): (term: string) => number {
  const chunks = new Map<string, Set<string>>();
  for (const c of candidates) if (!chunks.has(c.hit.chunkId)) chunks.set(c.hit.chunkId, stemSet(c.hit.text));
  const n = chunks.size;
  const sets = [...chunks.values()];
  const cache = new Map<string, number>();
  return (term) => {
    let v = cache.get(term);
    if (v === undefined) {
      const df = sets.filter((s) => s.has(term)).length;
      v = Math.log(1 + (n + 1) / (df + 0.5));
      cache.set(term, v);
    }
    return v;
  };
}

/**
 * Scores every candidate sentence as an answer to the question. General signals only:
 * meaning (embedding similarity), the question's distinguishing words (IDF over the retrieved
 * chunks, so topic words shared by every chunk weigh little), exact identifiers, the chunk's
 * retrieval rank and the neighbouring sentences. Fragments, headings and the document's own
 * questions (a FAQ entry's title) are damped because they carry no statement to quote.
 */
export function scoreCandidates(input: ScoreInput): ScoredCandidate[] {
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const idf = idfTable(input.candidates);
  const questionStems = contentStems(input.question);
  const totalIdf = questionStems.reduce((s, t) => s + idf(t), 0) || 1;
  const questionKeys = keyTokens(input.question);
  const answerForm = answerFormOf(input.question);
  const lexicalOf = (text: string): number => {
    const stems = stemSet(text);
    return questionStems.reduce((s, t) => s + (stems.has(t) ? idf(t) : 0), 0) / totalIdf;
  };
  const lexicalCache = new Map<EvidenceCandidate, number>();
  const lexical = (c: EvidenceCandidate): number => {
    let v = lexicalCache.get(c);
    if (v === undefined) lexicalCache.set(c, (v = lexicalOf(c.text)));
    return v;
  };
  const similarityTo = (vector: Float32Array | undefined) => (vector ? Math.max(0, ...input.queryVectors.map((q) => cosine(q, vector))) : 0);
  return input.candidates.map((c, i) => {
    const vector = input.candidateVectors[i];
    // A sentence that leans on the one before it is read with it: alone, "It halves Memcheck's speed and
    // increases memory use by a minimum of 100MB" does not say what costs that much.
    const referent = input.referents?.[i];
    const read = referent ? `${referent.text} ${c.text}` : c.text;
    const similarity = referent && input.referentVectors?.[i] ? similarityTo(input.referentVectors[i]) : similarityTo(vector);
    const lex = referent ? lexicalOf(read) : lexical(c);
    const keys = questionKeys.length === 0 ? 0 : questionKeys.filter((k) => containsToken(read, k)).length / questionKeys.length;
    const context = Math.max(0, ...adjacent(c).filter((n) => n !== undefined).map(lexical));
    const continuation = input.continuations?.[i];
    const form = answerForm(continuation ? `${read} ${continuation}` : read);
    const wordCount = c.text.split(/\s+/).length;
    // A shell command line is short but complete: it is what a "how do I" question asks for.
    const commandAnswer = form === 1 && CODE_LINE.test(c.text);
    const fragment = !commandAnswer && (wordCount < 5 || (!/[.!?:;)"”]$/.test(c.text) && wordCount < 9) || /\?["”’)]?$/.test(c.text)) ? 0.6 : 1;
    const total =
      fragment *
      (weights.similarity * similarity + weights.lexical * lex + weights.keyTokens * keys + weights.context * context + weights.answerForm * form + weights.rank / (1 + c.chunkRank));
    return { ...c, vector, ...(referent ? { referent } : {}), score: { similarity, lexical: lex, keyTokens: keys, context, answerForm: form, total } };
  });
}

export interface SelectionOptions {
  maxSentences: number;
  /** A further sentence must score at least this fraction of the best one. Defaults to 0.7 (dev set: 0.8 → 0.62 accuracy, 0.7 → 0.68, lower adds nothing). */
  relativeFloor?: number;
  /**
   * For a one-part question (no `stepBest`), the floor of a runner-up from another document than the best
   * sentence's, as a fraction of the best score. Defaults to 1.01: a one-part question is answered from one
   * page, and a second page's close runner-up was off-topic more often than not (dev set: citation precision
   * 0.864 → 0.947 at equal accuracy; 0.8 → 0.904, 0.9 → 0.930). Multi-part questions keep `relativeFloor`.
   */
  otherDocumentFloor?: number;
  /** Best candidate of each sub-question (scored against that sub-question), added after the overall best. */
  stepBest?: ScoredCandidate[];
  /** Named terms of the question (identifiers, acronyms, names): evidence from passages that mention one is preferred when it scores close to the best. */
  namedTerms?: string[];
}

/**
 * How close (fraction of the best score) the best sentence from a passage naming one of the question's
 * named terms must be to replace evidence that names none of them (which abstention would veto).
 * Dev set: 0.9 changes no answer there and turns an abstention on "How do I add my PDF files to the
 * knowledge base?" over Lore's own docs into the right answer; 0.8 also answered an unanswerable question.
 */
const NAMED_EVIDENCE_FLOOR = 0.9;

function sameText(a: string, b: string): boolean {
  const n = (s: string) => s.toLowerCase().replace(/\W+/g, " ").trim();
  return n(a) === n(b);
}

/** Candidates best first (a copy; the input keeps its order). */
export function rankByScore(scored: readonly ScoredCandidate[]): ScoredCandidate[] {
  return [...scored].sort((a, b) => b.score.total - a.score.total);
}

/**
 * Picks the answer sentences: the best one, each sub-question's best, then close runners-up (of the
 * best one's document, for a one-part question). When none of them comes from a passage naming the
 * question's named terms, a close runner-up that does is what the question is about: the choice is
 * made again among such passages.
 */
export function selectEvidence(scored: readonly ScoredCandidate[], options: SelectionOptions): ScoredCandidate[] {
  const chosen = selectByScore(scored, options);
  const named = options.namedTerms ?? [];
  const namesOne = (c: ScoredCandidate) => named.some((t) => mentions(c.hit, t));
  if (named.length === 0 || chosen.length === 0 || chosen.some(namesOne)) return chosen;
  const onTopic = scored.filter(namesOne);
  const bestOnTopic = rankByScore(onTopic)[0];
  // Against the best score, not the first one chosen: a sentence quoted with its referent takes that one's place.
  if (!bestOnTopic || bestOnTopic.score.total < NAMED_EVIDENCE_FLOOR * rankByScore(scored)[0]!.score.total) return chosen;
  return selectByScore(onTopic, { ...options, stepBest: (options.stepBest ?? []).filter(namesOne) });
}

function selectByScore(scored: readonly ScoredCandidate[], options: SelectionOptions): ScoredCandidate[] {
  const ranked = rankByScore(scored);
  const best = ranked[0];
  if (!best) return [];
  const chosen: ScoredCandidate[] = [best];
  // Scored candidates are copies: a referent is recognised by where it stands.
  const isReferentOf = (leaning: ScoredCandidate, c: ScoredCandidate) => leaning.referent !== undefined && leaning.referent.hit.documentId === c.hit.documentId && leaning.referent.start === c.start;
  const add = (c: ScoredCandidate | undefined) => {
    if (!c || chosen.some((x) => x === c || sameText(x.text, c.text) || isReferentOf(x, c))) return;
    // A sentence quoted with the one it leans on takes that one's place rather than a place of its own.
    const leanedOn = chosen.findIndex((x) => isReferentOf(c, x));
    if (leanedOn >= 0) chosen[leanedOn] = c;
    else if (chosen.length < options.maxSentences) chosen.push(c);
  };
  for (const c of options.stepBest ?? []) add(scored.find((x) => x.id === c.id));
  const floor = best.score.total * (options.relativeFloor ?? 0.7);
  const multiPart = (options.stepBest?.length ?? 0) > 0;
  const otherFloor = multiPart ? floor : best.score.total * (options.otherDocumentFloor ?? 1.01);
  for (const c of ranked) if (c.score.total >= (c.hit.documentId === best.hit.documentId ? floor : otherFloor)) add(c);
  return chosen;
}

/** Answer order: grouped by document in order of first appearance, in text order within a document. */
export function orderForReading(selected: readonly ScoredCandidate[]): ScoredCandidate[] {
  const docOrder = new Map<string, number>();
  selected.forEach((c, i) => {
    if (!docOrder.has(c.hit.documentId)) docOrder.set(c.hit.documentId, i);
  });
  return [...selected].sort((a, b) => docOrder.get(a.hit.documentId)! - docOrder.get(b.hit.documentId)! || a.start - b.start);
}
