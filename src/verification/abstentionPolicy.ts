import type { AskCoverage, QuestionCoverage } from "./questionCoverage.js";

export interface AbstentionSignals {
  coverage: QuestionCoverage;
  /** Coverage of the asked part of the question (without the scene it sets) by the kept evidence. */
  askCoverage?: AskCoverage;
  /** Best query–sentence cosine similarity among the selected evidence (undefined: no embedder ran). */
  topSimilarity?: number;
  /** Number of evidence sentences that survived verification. */
  keptSentences: number;
  /** Named terms of the question (identifiers, acronyms, names) that occur nowhere in the knowledge base. */
  unknownTerms?: string[];
  /** Words of the things the ask names (noun phrases, not names) that occur nowhere in the knowledge base. */
  unknownWords?: string[];
  /**
   * Named terms of the question that the knowledge base does mention, and whether the chosen
   * evidence mentions any of them: an answer that names none of them is about something else.
   */
  namedTerms?: { known: string[]; inEvidence: string[] };
  /** For a question asking for a quantity: whether any kept evidence sentence states one the question does not hold. */
  statesAskedNumber?: boolean;
  /** The model's constrained yes/no "answerable" verdict, when it was asked. */
  modelAnswerable?: boolean;
}

export interface AbstentionPolicyOptions {
  /** Minimum weighted key-term coverage. Defaults to 0.1: questions carry scenario words no passage repeats, so only near-zero coverage is telling (measured on the dev set: correct answers at 0.17). */
  minCoverage?: number;
  /**
   * Minimum query–evidence similarity. Defaults to 0.3. Dev set (all-MiniLM-L6-v2): answered questions' best
   * sentence 0.50–0.83, unanswerable 0.31–0.47, so 0.45 would catch one more unanswerable question there; the
   * default stays low because such a threshold is a property of the corpus (see decideAbstention).
   */
  minSimilarity?: number;
  /**
   * Minimum fraction of the asked part's content words found in the evidence, for an asked part of at least
   * `minAskTerms` words. Defaults to 0.25. Dev set: answered questions at 0.43 and above (shorter asks such as
   * "What's the quickest way?" lean on their context and are not checked), an unanswerable question whose
   * evidence matched only its scene ("After upgrading OpenSSL, …") at 0.17.
   */
  minAskCoverage?: number;
  /** Shortest asked part (content words) that the ask-coverage check applies to. Defaults to 4. */
  minAskTerms?: number;
  /** Abstain when the question names something (identifier, acronym, name) found nowhere in the knowledge base. Defaults to true. */
  vetoOnUnknownTerms?: boolean;
  /**
   * Abstain when this many words of the things the ask names occur nowhere in the knowledge base. Defaults
   * to 2: one is often the user's own phrasing. Over the seven question sets this abstains on one more
   * unanswerable question ("stop the man-db systemd timer") and no answerable one; counting every word of
   * the ask, not only those of its noun phrases, also caught the CPU-affinity question but abstained on
   * "How do I wipe a collection and start fresh?" over Lore's own docs, which answer it.
   */
  maxUnknownWords?: number;
  /** Abstain when the question names known things and the chosen evidence mentions none of them. Defaults to true. */
  vetoOnNamedTermsOffEvidence?: boolean;
  /** Abstain when the question asks for a quantity and no kept evidence sentence states one. Defaults to true. */
  vetoOnMissingNumber?: boolean;
  /** Let a "not answerable" verdict of the model trigger abstention. Defaults to false (a 135M model's verdict is noise; a bigger model can turn it on). */
  trustModelVerdict?: boolean;
}

export interface AbstentionDecision {
  abstain: boolean;
  reasons: string[];
}

/**
 * Abstain unless the evidence both resembles the question and covers its distinguishing terms.
 * A similarity threshold alone transfers badly between corpora (measured: tuned on one corpus,
 * it abstained on none of another's unanswerable questions); coverage of the question's rare
 * terms is a property of the question and the evidence, not of the corpus' embedding geometry.
 */
export function decideAbstention(signals: AbstentionSignals, options: AbstentionPolicyOptions = {}): AbstentionDecision {
  const reasons: string[] = [];
  if (signals.keptSentences === 0) reasons.push("no supported evidence sentence");
  if (signals.coverage.coverage < (options.minCoverage ?? 0.1)) reasons.push(`key-term coverage ${signals.coverage.coverage.toFixed(2)} below threshold`);
  const ask = signals.askCoverage;
  if (ask && ask.terms.length >= (options.minAskTerms ?? 4) && ask.coverage < (options.minAskCoverage ?? 0.25)) {
    reasons.push(`the evidence holds ${ask.covered.length} of the ${ask.terms.length} words of what is asked`);
  }
  if (signals.topSimilarity !== undefined && signals.topSimilarity < (options.minSimilarity ?? 0.3)) reasons.push(`similarity ${signals.topSimilarity.toFixed(2)} below threshold`);
  if ((options.vetoOnUnknownTerms ?? true) && (signals.unknownTerms?.length ?? 0) > 0) {
    reasons.push(`question names what the knowledge base never mentions: ${signals.unknownTerms!.join(", ")}`);
  }
  if ((signals.unknownWords?.length ?? 0) >= (options.maxUnknownWords ?? 2)) {
    reasons.push(`what is asked is about things the knowledge base never names: ${signals.unknownWords!.join(", ")}`);
  }
  const named = signals.namedTerms;
  if ((options.vetoOnNamedTermsOffEvidence ?? true) && named && named.known.length > 0 && named.inEvidence.length === 0) {
    reasons.push(`the evidence found never mentions what the question names: ${named.known.join(", ")}`);
  }
  if ((options.vetoOnMissingNumber ?? true) && signals.statesAskedNumber === false) reasons.push("the question asks for a quantity and the evidence states none");
  if (options.trustModelVerdict && signals.modelAnswerable === false) reasons.push("model judged the evidence insufficient");
  return { abstain: reasons.length > 0, reasons };
}
