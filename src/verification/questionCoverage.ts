import { containsToken, contentStems, keyTokens, stem, words } from "./terms.js";

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
  const retrievedStems = retrieved.map((t) => new Set(words(t).map(stem)));
  const selectedStems = new Set(selected.flatMap((t) => words(t).map(stem)));
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
