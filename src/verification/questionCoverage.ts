import { splitSentences } from "./sentenceSplitter.js";
import { stemmer } from "stemmer";
import { containsToken, contentStems, keyTokens, stemSet } from "./terms.js";

export interface CoverageTerm {
  term: string;
  weight: number;
  covered: boolean;
  /** The term occurs in none of the retrieved texts. */
  absentFromRetrieved: boolean;
}

export interface QuestionCoverage {
  /** Weighted fraction of the question's key terms present in the selected evidence, in [0, 1]. */
  coverage: number;
  terms: CoverageTerm[];
  /** Key tokens (identifiers, numbers, names) of the question absent from everything retrieved. */
  missingKeyTokens: string[];
}

/**
 * How much of what the question is about appears in the evidence chosen to answer it. Terms are
 * weighted by inverse document frequency over the retrieved set, so words every retrieved chunk
 * shares (the topic) weigh little and the distinguishing ones (the specific thing asked about)
 * weigh most; a term found in no retrieved chunk gets the highest weight, because it is the
 * clearest sign that the knowledge base does not talk about the question's subject.
 */
export function questionCoverage(question: string, selected: readonly string[], retrieved: readonly string[]): QuestionCoverage {
  const retrievedStems = retrieved.map((t) => stemSet(t));
  const selectedStems = stemSet(...selected);
  const n = Math.max(1, retrievedStems.length);
  const terms: CoverageTerm[] = contentStems(question).map((term) => {
    const df = retrievedStems.filter((s) => s.has(term)).length;
    const weight = Math.log(1 + (n + 1) / (df + 0.5));
    return { term, weight, covered: selectedStems.has(term), absentFromRetrieved: df === 0 };
  });
  const total = terms.reduce((s, t) => s + t.weight, 0);
  const covered = terms.filter((t) => t.covered).reduce((s, t) => s + t.weight, 0);
  const joined = retrieved.join("\n");
  const missingKeyTokens = keyTokens(question).filter((t) => !containsToken(joined, t) && !joined.toLowerCase().includes(t));
  return { coverage: total === 0 ? 0 : covered / total, terms, missingKeyTokens };
}

const porter = (stem: string): string => (stem.length <= 3 || /[\d_]/.test(stem) ? stem : stemmer(stem));

export interface AskCoverage {
  /** Content words (stemmed) of the asked part of the question. */
  terms: string[];
  /** Those of them that the selected evidence contains. */
  covered: string[];
  coverage: number;
}

// A leading clause that sets the scene ("After upgrading OpenSSL, how do I …", "Before I switch it on: how
// much …") is not what is asked. "When should I …, and …" asks; a colon inside the clause ("at 02:30",
// "Acquire::http") does not end it.
const SCENE_CLAUSE =
  /^(?:after|before|if|when|once|since|because|while|although|now that)\b(?!\s+(?:should|do|does|did|is|are|was|were|can|could|will|would|must|may|might|shall|has|have)\b)\s+(?:[^,:?]|:(?!\s))+(?:,|:(?=\s))\s*/i;

/**
 * What the question asks, apart from the scene it sets: its question sentences (the whole text when
 * none ends with "?"), without a leading "After/If/When …," clause.
 */
export function askedPart(question: string): string {
  const sentences = splitSentences(question.trim()).map((s) => s.text);
  const asks = sentences.filter((s) => s.endsWith("?"));
  return (asks.length > 0 ? asks : sentences).map((s) => s.replace(SCENE_CLAUSE, "")).join(" ");
}

/**
 * The text whose named terms the knowledge base must know: what is asked, unless that is too generic
 * to name anything ("I want the daemon to answer Kubernetes probes. Is that possible?"), then what is asked
 * with the sentence right before it, which the ask points to ("that"). Earlier sentences set the scene
 * with the user's own data ("names like 'Jürgen' and '山田'"), which the knowledge base need not name.
 */
export function namingPart(question: string): string {
  const asked = askedPart(question);
  if (contentStems(asked).length >= 2) return asked;
  const sentences = splitSentences(question.trim()).map((s) => s.text);
  const firstAsk = sentences.findIndex((s) => s.endsWith("?"));
  return firstAsk > 0 ? sentences.slice(firstAsk - 1).join(" ") : question;
}

/**
 * How many of the asked part's content words the selected evidence contains. Evidence that shares
 * the question's scene ("OpenSSL") but none of what is asked about it ("list running services using
 * the old library") is about something else, however similar it looks.
 */
export function askCoverage(question: string, selected: readonly string[]): AskCoverage {
  // Porter stems here, unlike the other signals: a lenient match only ever keeps an answer ("encryption" is
  // asked, "encrypt" is written), and ask coverage is the signal most prone to false abstention.
  const terms = [...new Set(contentStems(askedPart(question)).map(porter))];
  const evidence = new Set([...stemSet(...selected)].map(porter));
  const covered = terms.filter((t) => evidence.has(t));
  return { terms, covered, coverage: terms.length === 0 ? 0 : covered.length / terms.length };
}
