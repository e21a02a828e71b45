import { keyTokens, splitSentences, type SentenceSpan } from "../verification/index.js";
import type { SearchHit } from "../retrieval/types.js";
import { adjacent, type EvidenceCandidate } from "./evidenceCandidates.js";
import { isHardWrapped, isParagraphBreak, isWrappedProse, LIST_ITEM, lineContinues, lineStartAt, wordsOf } from "./textShape.js";

export interface QuoteContextOptions {
  /**
   * Also follow a lead-in that is the sentence right after the candidate ("… allowing machines from the
   * local network. The following example shows the modifications:"): for a question that asks what to
   * type or set, the example a statement announces is its concrete answer.
   */
  followNextLeadIn: boolean;
  /** Longest quoted listing after its lead-in, in characters (a listing is cut at a line end). Defaults to 600. */
  maxChars?: number;
  /** For a question asking for a quantity: whether a text states one (see withStatedNumber). */
  statesNumber?: (text: string) => boolean;
}

// A line of running text ends the listing a lead-in announced; captions ("Example 11.22. The squid.conf
// file (excerpts)"), comment lines, list items ending in ";" and code lines do not, nor anything inside a
// fenced code block.
function isProse(line: string): boolean {
  const text = line.trim();
  return /[.!?]["”)]?$/.test(text) && !/^(?:#|\/\/|--|;|\*|>)/.test(text) && text.split(/\s+/).length >= 10;
}

/** How many spaces or tabs a line starts with. */
function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].length;
}

// Words a clause cannot end on: a sentence that stops on one carries on in what follows it.
const OPEN_CLAUSE_END = /\b(?:use|using|call|calling|with|of|by|via|to|as|like|is|are|run|running|type|enter|add|set|following|the|an?)$/i;

/**
 * Whether a sentence stops mid-clause where the text breaks into a listing ("…, you can use" then the
 * indented "png_set_user_limits(png_ptr, width_max, height_max);"): the listing finishes the sentence.
 * Returns the indent of the sentence's line when it does, undefined when it does not.
 */
function runsIntoListing(candidate: EvidenceCandidate): number | undefined {
  const { hit } = candidate;
  if (!OPEN_CLAUSE_END.test(candidate.text.trimEnd())) return undefined;
  const next = /^[ \t]*\n(?:[ \t]*\n)*([ \t]*)(\S[^\n]*)/.exec(hit.text.slice(candidate.end - hit.start));
  if (!next) return undefined;
  const indent = indentOf(hit.text.slice(lineStartAt(hit, candidate.start) - hit.start));
  return next[1]!.length > indent || /^(?:```|~~~)/.test(next[2]!) ? indent : undefined;
}

/**
 * A quoted sentence ending in a colon ("add the following directive to squid.conf:") announces a
 * listing; quoted alone it tells the reader nothing. This returns the candidate with its quote
 * extended, verbatim, over the listing that follows it in the same chunk (up to the next line
 * of running text), or the candidate itself when nothing is announced or nothing follows.
 */
export function withAnnouncedListing<T extends EvidenceCandidate>(candidate: T, options: QuoteContextOptions): T {
  const { hit } = candidate;
  const maxChars = options.maxChars ?? 600;
  let leadInEnd = candidate.end;
  // A listing that finishes a sentence ends where the text comes back to the sentence's indent.
  const unfinishedAt = runsIntoListing(candidate);
  if (!candidate.text.trimEnd().endsWith(":") && unfinishedAt === undefined) {
    if (!options.followNextLeadIn) return candidate;
    const next = splitSentences(hit.text.slice(candidate.end - hit.start), candidate.end)[0];
    const contiguous = next && hit.text.slice(candidate.end - hit.start, next.start - hit.start).trim() === "";
    if (!next || !contiguous || !next.text.endsWith(":") || !isWrappedProse(next)) return candidate;
    leadInEnd = next.end;
  }
  let end = leadInEnd;
  let inFence = false;
  let lineStart = leadInEnd;
  // In a hard-wrapped manual a paragraph's lines need not end a sentence: once the listing has been indented
  // deeper than its lead-in, a line of words back at the lead-in's indent is prose, and ends it. A list's
  // items ("- DHAT has been overhauled …") wrap back to the list's own indent, so a list is not cut so.
  // (Measured: cutting every indented listing so, not only hard-wrapped ones, cost a Node.js answer whose
  // fenced example was followed by its explanation.)
  const leadInIndent = indentOf(hit.text.slice(lineStartAt(hit, leadInEnd) - hit.start));
  const lines = hit.text.slice(leadInEnd - hit.start).split("\n");
  const cutsAtProse = isHardWrapped(hit) && !LIST_ITEM.test(lines.find((line) => line.trim() !== "") ?? "");
  let indented = false;
  for (const line of lines) {
    const fence = /^\s*(?:```|~~~)/.test(line);
    if (!inFence && !fence && isProse(line)) break;
    if (line.trim() !== "") {
      if (!inFence && cutsAtProse && indented && indentOf(line) <= leadInIndent && wordsOf(line) >= 6) break;
      if (indentOf(line) > leadInIndent) indented = true;
    }
    if (!inFence && !fence && unfinishedAt !== undefined && line.trim() !== "" && indentOf(line) <= unfinishedAt) break;
    const lineEnd = lineStart + line.trimEnd().length;
    if (lineEnd - leadInEnd > maxChars) break;
    if (line.trim() !== "") end = lineEnd;
    if (fence) inFence = !inFence;
    lineStart += line.length + 1;
  }
  if (end === leadInEnd) return candidate;
  const text = hit.text.slice(candidate.start - hit.start, end - hit.start).trimEnd();
  return { ...candidate, text, end: candidate.start + text.length };
}

/**
 * A line of a listing quoted alone ("curl -s …/v1/documents -F file=@handbook.pdf") leaves out what it
 * does; the lead-in that announces its listing says it ("Upload a file with POST /v1/documents:").
 * This returns the lead-in quoted with its listing when the candidate is one of that listing's lines,
 * or the candidate itself.
 */
export function withLeadIn<T extends EvidenceCandidate>(candidate: T, options: QuoteContextOptions): T {
  const { hit } = candidate;
  const before = hit.text.slice(0, candidate.start - hit.start);
  const lines = before.split("\n");
  if (lines.length < 2 || lines.at(-1)!.trim() !== "") return candidate;
  let lineStart = before.length - lines.at(-1)!.length;
  for (let i = lines.length - 2; i >= 0; i--) {
    const line = lines[i]!;
    lineStart -= line.length + 1;
    const text = line.trim();
    if (text.endsWith(":")) {
      const leadIn = splitSentences(line, hit.start + lineStart).at(-1);
      if (!leadIn) return candidate;
      const quote = withAnnouncedListing({ ...candidate, start: leadIn.start, end: leadIn.end, text: leadIn.text }, { ...options, followNextLeadIn: false });
      return quote.end >= candidate.end ? quote : candidate;
    }
    if (isProse(line)) return candidate;
  }
  return candidate;
}

/**
 * The selection with each quote extended over the context it needs to be understood: the listing its
 * lead-in announces, the neighbouring sentence it leans on and, for a quantity question, the value stated
 * after it (see withAnnouncedListing, withDependentSentences and withStatedNumber). A selected sentence
 * that another extended quote already holds is dropped rather than quoted twice.
 */
export function withQuoteContext<T extends EvidenceCandidate>(selected: readonly T[], options: QuoteContextOptions): T[] {
  const expanded = selected.map((c) => {
    const quote = withDependentSentences(withAnnouncedListing(withLeadIn(c, options), options));
    return options.statesNumber ? withStatedNumber(quote, options.statesNumber) : quote;
  });
  // A quote inside another one (or equal to an earlier one: two sentences that lean on each other) is dropped.
  const within = (c: T, i: number) => (other: T, j: number) => j !== i && quoteHolds(other, c) && (other.start < c.start || c.end < other.end || j < i);
  return expanded.filter((c, i) => !expanded.some(within(c, i)));
}

// Longest sentence that states a value on its own ("Must be a positive number.", "**Default:** `1000`.").
const MAX_VALUE_WORDS = 8;

/**
 * For a question that asks for a quantity: a quote that says what the quantity is about but not its value
 * ("Controls how many lines of history will be persisted if history is available.") extended, verbatim,
 * over the next sentences of its paragraph up to the first that states one ("Must be a positive number.
 * **Default:** `1000`."). Reference pages give the value after the description.
 */
export function withStatedNumber<T extends EvidenceCandidate>(candidate: T, statesNumber: (text: string) => boolean, maxSentences = 2): T {
  if (statesNumber(candidate.text)) return candidate;
  const { hit } = candidate;
  const spans = sentencesOf(hit);
  const last = spans.findIndex((s) => s.end >= candidate.end);
  if (last < 0) return candidate;
  for (let k = 1; k <= maxSentences; k++) {
    const next = spans[last + k];
    if (!next || !sameParagraph(hit, spans[last + k - 1]!, next)) return candidate;
    // A value stated on its own, not an example that happens to hold a number ("… `{ address: '0:1:2:3', ttl: 60 }` objects …").
    if (statesNumber(next.text) && next.text.split(/\s+/).length <= MAX_VALUE_WORDS) {
      return { ...candidate, end: next.end, text: hit.text.slice(candidate.start - hit.start, next.end - hit.start) };
    }
  }
  return candidate;
}

/** Whether the quote `outer` contains all of `inner` (same document). */
export function quoteHolds(outer: EvidenceCandidate, inner: EvidenceCandidate): boolean {
  return outer.hit.documentId === inner.hit.documentId && outer.start <= inner.start && inner.end <= outer.end;
}

// Openings by which a sentence leans on the one before it: quoted alone, it answers half a question
// ("As a consequence, they do not read /etc/hosts"); the sentence it leans on, alone, leaves out what
// follows from it ("To prevent even this, expire the account"), and a contrast ("However, if you wish to measure
// all the memory, …") is half of what it contrasts. An option's values or default stated
// next ("Valid values are 'rr' and 'none'.") complete the sentence that names the option, and so does a
// condition without a subject of its own ("If exceeded, the child process is terminated.").
const LEANS_ON_PREVIOUS = /^(?:as a (?:consequence|result)|consequently|therefore|hence|thus|instead|otherwise|however(?=,)|nevertheless|nonetheless|alternatively|conversely|on the other hand|in contrast|by contrast|in (?:that|this|such a) case|to (?:prevent|avoid|fix|solve) (?:even )?(?:this|that|it)|to do (?:so|this|that)|the (?:\w+ )?(?:workaround|solution|fix|remedy|cure) (?:is|for (?:this|that|it))|this (?:is why|means)|that is why|for this reason|(?:valid|possible|allowed|accepted|supported|permitted) values (?:are|include)|(?:the|its) default(?: value)? is|(?:if|when|unless|once) (?:not )?(?:exceeded|set|unset|omitted|specified|given|provided|enabled|disabled|present|absent|missing|reached|true|false))\b/i;

// A sentence whose subject points back ("It halves Memcheck's speed …", "These files are …") is about what
// the sentence before it names, and so is a short one that refers to it ("The maximum value for this is 500.").
const REFERS_BACK = /^(?:it|its|this|these|those|they|their|such|both)\b/i;
const POINTS_BACK = /\b(?:this|it|them|these)\b/i;
// Openings that point at nothing before: an "it" that only announces what follows ("It is recommended to
// …", "It has to be noted that …") and a text that names its own part ("This section describes …").
const POINTS_NOWHERE = /^(?:it(?:'s|\s+(?:is|was|may|might|can|could|would|should|will))(?:\s+\w+){0,3}?\s+(?:to|that|whether|if|when)\b|it\s+(?:has|had|must)\s+to\s+be\s+(?:noted|said|mentioned|stressed|emphasi[sz]ed)\b|it\s+(?:seems|appears)\s+(?:that|as\s+if)\b|this\s+(?:section|chapter|document|manual|guide|appendix|book|tutorial|page|article|part)\b)/i;

// A sentence that ends by pointing back ("Use Popen.communicate() when using pipes to avoid that.") completes the
// one before it ("how to fix it" points within its own sentence), and so does one too short to stand alone
// ("MAXYEAR is 9999.", "Defaults to 10.").
const ENDS_LEANING = /(?<!\bhow\s+)\bto (?:avoid|prevent|fix|solve|work around|get around) (?:this|that|it)[.!]?$/i;
// "Don't call png_set_strip_alpha() to do this": what "this" does, the sentence before says.
const DOES_WHAT_PREVIOUS = /(?<!\bhow\s+)\bto do (?:so|this|that)\b/i;
const MAX_SHORT_SENTENCE_WORDS = 3;

/** Whether a sentence completes the one before it, so that one is quoted with it too (see withDependentSentences). */
function completesPrevious(text: string): boolean {
  // A short sentence: not a section number ("5.9."), a label ("der: string returned."), or a list item
  // ("filter.d/*.conf.", "The macro DRD_STOP_TRACING_VAR(x).").
  const words = text.split(/\s+/).length;
  const short = words >= 2 && words <= MAX_SHORT_SENTENCE_WORDS && /^\p{L}[^:/()]*[.!]$/u.test(text);
  return LEANS_ON_PREVIOUS.test(text) || ENDS_LEANING.test(text) || DOES_WHAT_PREVIOUS.test(text) || short;
}

/**
 * Whether a sentence needs the one before it to be understood (see completesPrevious and REFERS_BACK),
 * and that one is a sentence of running text: not a heading ("2.4 Library Notes") or a listing.
 */
function leansBackOn(text: string, before: { text: string }): boolean {
  const leans = completesPrevious(text) || ((REFERS_BACK.test(text) || (text.split(/\s+/).length <= 12 && POINTS_BACK.test(text))) && !POINTS_NOWHERE.test(text));
  return leans && isRunningSentence(before);
}

/** Whether a span is one sentence of running text: on one line (or wrapped as prose), ending as a sentence does. */
function isRunningSentence(span: { text: string }): boolean {
  return isWrappedProse(span) && /[.!?;:)"”’]$/.test(span.text);
}

/** The chunk's text between two of its spans. */
function gapBetween(hit: SearchHit, before: { end: number }, after: { start: number }): string {
  return hit.text.slice(before.end - hit.start, after.start - hit.start);
}

/**
 * Whether two neighbouring spans are sentences of one paragraph: on one line, or across the line break of
 * a hard-wrapped paragraph (the line before it is a full line of words). Lines of a listing are not.
 */
function sameParagraph(hit: SearchHit, before: { start: number; end: number }, after: { start: number }): boolean {
  const between = gapBetween(hit, before, after);
  if (!between.includes("\n")) return true;
  if (isParagraphBreak(between)) return false;
  return lineContinues(hit, before.end);
}

/**
 * Whether `sentence` leans on `before`, the span right before it in the chunk: within a paragraph, or
 * opening the next one (see leanedOnIndex); lines of one listing lean on nothing.
 */
function leansOn(before: SentenceSpan, sentence: SentenceSpan, hit: SearchHit): boolean {
  return leansBackOn(sentence.text, before) && (sameParagraph(hit, before, sentence) || isParagraphBreak(gapBetween(hit, before, sentence)));
}

/**
 * The index of the span where the text a leaning sentence leans on starts. A pronoun that opens a paragraph ("The maximum value for
 * this is 500." after a paragraph on --num-callers) refers to what the paragraph before is about, which its
 * first sentence states ("Specifies the maximum number of entries shown in stack traces …"), so a short
 * paragraph of running text is leaned on whole; otherwise, and within a paragraph, the sentence right before.
 */
function leanedOnIndex(spans: readonly SentenceSpan[], beforeIndex: number, sentence: SentenceSpan, hit: SearchHit): number {
  const before = spans[beforeIndex]!;
  if (!isParagraphBreak(gapBetween(hit, before, sentence)) || completesPrevious(sentence.text)) return beforeIndex;
  let first = beforeIndex;
  while (first > 0 && sameParagraph(hit, spans[first - 1]!, spans[first]!)) first--;
  const paragraph = spans.slice(first, beforeIndex + 1);
  const short = paragraph.length <= MAX_PARAGRAPH_SENTENCES && before.end - spans[first]!.start <= MAX_PARAGRAPH_CHARS;
  return short && paragraph.every(isRunningSentence) ? first : beforeIndex;
}

// A paragraph leaned on whole is quoted whole: longer ones give way to their last sentence.
const MAX_PARAGRAPH_SENTENCES = 3;
const MAX_PARAGRAPH_CHARS = 500;

const sentencesOfChunk = new WeakMap<SearchHit, SentenceSpan[]>();
function sentencesOf(hit: SearchHit): SentenceSpan[] {
  let spans = sentencesOfChunk.get(hit);
  if (!spans) sentencesOfChunk.set(hit, (spans = splitSentences(hit.text, hit.start)));
  return spans;
}

/**
 * The sentence a candidate leans on, when it does: the one right before it in its chunk, if that is a
 * sentence of running text (not a listing line). The candidate is quoted with it (withDependentSentences),
 * so it is also scored with it.
 */
export function referentOf(candidate: EvidenceCandidate): EvidenceCandidate | undefined {
  const [before] = adjacent(candidate);
  if (!before || !isWrappedProse(candidate) || !leansOn(before, candidate, candidate.hit)) return undefined;
  // Only a whole sentence as withDependentSentences cuts them, so that the quote holds what was scored
  // (the last line of a listing is a candidate of its own but not a sentence).
  const spans = sentencesOf(candidate.hit);
  const at = spans.findIndex((s) => s.start === before.start && s.end === before.end);
  if (at < 0) return undefined;
  const from = leanedOnIndex(spans, at, candidate, candidate.hit);
  if (from === at) return before;
  const { hit } = candidate;
  const start = spans[from]!.start;
  return { ...before, start, text: hit.text.slice(start - hit.start, before.end - hit.start) };
}

/**
 * Whether a span is the term of a definition list, as option references write them: a line of its
 * own that opens with an option, setting or identifier ("--track-fds=<yes|no|all> [default: no]"), with its
 * description in the next paragraph ("When enabled, Valgrind prints …"). The description's first
 * sentence means nothing without it.
 */
function isTermLine(span: SentenceSpan, chunk: SearchHit): boolean {
  const startsLine = span.start === chunk.start || chunk.text[span.start - chunk.start - 1] === "\n";
  // A Texinfo definition ("[Function]int memeql_sec (const void *a, …)") is a term line however long its signature.
  const category = DEFINITION_CATEGORY.exec(span.text)?.[0] ?? SIGNATURE_ANNOTATION.exec(span.text)?.[0];
  const text = category ? span.text.slice(category.length).trimStart() : span.text;
  const first = text.split(/\s/, 1)[0]!;
  const termLike = category || CALL_SIGNATURE.test(text) ? text.length <= 300 : text.split(/\s+/).length <= 10 && TERM.test(first) && !first.includes("/");
  return startsLine && !span.text.includes("\n") && !/[.!?:;,]$/.test(text) && termLike;
}

// The category Texinfo sets at the margin of a definition, which PDF text puts first.
const DEFINITION_CATEGORY = /^\[(?:Function|Macro|Variable|Constant|Data type|Context struct|Type|Command|Special Form|User Option|Method|Instance Variable|Deffn)\]/i;

// A function's signature on a line of its own, however many parameters ("subprocess.run(args, *, stdin=None, …, **other_popen_kwargs)").
const CALL_SIGNATURE = /^[\p{L}_][\p{L}\p{N}_.]*\(.*\)(?:\s*->\s*\S+)?$/u;

// The lower-case annotation Sphinx sets before a Python signature ("class logging.handlers.RotatingFileHandler(filename, …)",
// "coroutine asyncio.wait_for(aw, timeout)"): what follows is an identifier, so the line is a definition's term.
const SIGNATURE_ANNOTATION = /^(?:(?:abstract |async |final )?(?:class|exception|coroutine|classmethod|staticmethod|abstractmethod|awaitable|property|decorator|method|function|attribute|data))(?= [\p{L}_][\p{L}\p{N}_]*[.(])/u;

// What a definition list's term opens with: an option ("--track-fds=…", "-v", Texinfo's "‘--enable-fat’"),
// inline code, an identifier ("RUNNING_ON_VALGRIND", "Acquire::http", "fs.readFile(path)") or a configuration
// element ("<remap-dir as-path=…>", "<blank>"); not a word, a number or a URL.
const TERM = /^(?:[‘'“"]?--?[\p{L}\d]|`|[\p{L}][\p{L}\d]*(?:[_=(]|::|\.[\p{L}])|<[\p{L}][\w:.-]*(?:>|$))/u;

/**
 * The term line of the option description a quote sits in, as a quote of its own (same passage and
 * scores), to be shown right before the quote: "This option specifies the maximum total size of the queue" names no option, and the
 * reader needs "--freelist-vol=<number> [default: 20000000]" to act on it. Undefined when the quote is
 * not in the first paragraph after a term line, or already starts with it.
 */
export function describedTerm<T extends EvidenceCandidate>(quote: T): T | undefined {
  const { hit } = quote;
  const before = hit.text.slice(0, quote.start - hit.start);
  const paragraphStart = before.lastIndexOf("\n\n");
  if (paragraphStart < 0 || isTermLine(quote, hit)) return undefined;
  const previous = splitSentences(before.slice(0, paragraphStart), hit.start).at(-1);
  if (!previous || !isTermLine(previous, hit) || before.slice(previous.end - hit.start, paragraphStart).trim() !== "") return undefined;
  return { ...quote, start: previous.start, end: previous.end, text: previous.text };
}

/**
 * The candidate's quote extended, verbatim, over the next sentence of its chunk when that sentence
 * leans on it, and back over the previous one when the candidate itself leans on it.
 */
export function withDependentSentences<T extends EvidenceCandidate>(candidate: T, hops = 2): T {
  const { hit } = candidate;
  const spans = sentencesOf(hit);
  const first = spans.findIndex((s) => s.start >= candidate.start);
  const last = spans.findIndex((s) => s.end >= candidate.end);
  if (first < 0 || last < 0) return candidate;
  const before = spans[first - 1];
  const after = spans[last + 1];
  // A term line followed by another term line ("pg_ctl start …" then "pg_ctl stop …") is a listing, not a description.
  const describes = before && isTermLine(before, hit) && gapBetween(hit, before, candidate).includes("\n") && !isTermLine(candidate, hit);
  const leansBack = before && (leansOn(before, candidate, hit) || describes);
  // The sentence leaned on may itself lean on the one before it ("‘--enable-mini-gmp’" / "Use the smaller …" / "This option is …").
  // A paragraph-opening pronoun leans on the short paragraph before it from its first sentence (leanedOnIndex),
  // which may itself lean on what comes before it (an option's term line).
  const head = !leansBack ? undefined : describes ? before : spans[leanedOnIndex(spans, first - 1, spans[first]!, hit)];
  const start = !head ? candidate.start : hops > 1 ? withDependentSentences({ ...candidate, start: head.start, end: head.end, text: head.text }, hops - 1).start : head.start;
  // Forward only over a connective ("However, …", "As a consequence, …"), and by the same rule as backward.
  const end = after && completesPrevious(after.text) && isWrappedProse(after) && leansOn(spans[last]!, after, hit) ? after.end : candidate.end;
  if (start === candidate.start && end === candidate.end) return candidate;
  return { ...candidate, start, end, text: hit.text.slice(start - hit.start, end - hit.start) };
}
