// A labelled set of (claim, evidence) pairs built from an eval set's questions without labelling by
// hand. Positives: a question's evidence quotes and its reference answer, against that question's own
// quotes. Negatives: the same claims against another question's quotes; a claim with one number,
// path, option or identifier replaced by another of the same kind from the set; the reference
// answer with its key command (the span its `accept` pattern matches) swapped for another question's.
import { containsToken, keyTokens } from "../src/verification/terms.js";
import type { EvalQuestion } from "./evalAnswersSetup.js";

export type ClaimKind = "quote" | "answer" | "other-evidence" | "corrupted-token" | "swapped-command";

export interface LabelledClaim {
  questionId: string;
  kind: ClaimKind;
  /** Whether the claim was written from the reference answer (not copied from a quote). */
  fromAnswer: boolean;
  claim: string;
  evidence: string[];
  supported: boolean;
}

type TokenClass = "number" | "path" | "option" | "identifier";

function tokenClass(token: string): TokenClass {
  if (/^\d+(?:[.,:]\d+)*$/.test(token)) return "number";
  if (token.includes("/")) return "path";
  if (token.startsWith("-")) return "option";
  return "identifier";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces the first whole-token occurrence of `token` (case-insensitive) in `text`. */
function replaceToken(text: string, token: string, by: string): string | undefined {
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(token)}(?![\\p{L}\\p{N}_])`, "iu");
  return re.test(text) ? text.replace(re, by) : undefined;
}

/**
 * The answer's key command: the first `accept` pattern that matches whole words of it, when that
 * span names a command, path or identifier (numbers are the corrupted-token negatives' business).
 */
function keySpan(question: EvalQuestion): string | undefined {
  const answer = question.answer ?? "";
  for (const pattern of question.accept) {
    const match = new RegExp(pattern, "i").exec(answer);
    if (!match) continue;
    const span = match[0].trim();
    const at = answer.indexOf(span, match.index);
    const wordChar = /[\p{L}\p{N}_]/u;
    const wholeWords = !wordChar.test(answer[at - 1] ?? " ") && !wordChar.test(answer[at + span.length] ?? " ");
    const namesSomething = keyTokens(span).length > 0 || /^\p{L}[\p{L}\p{N}-]+$/u.test(span);
    if (span.length >= 3 && wholeWords && namesSomething && !/^\d+$/.test(span)) return span;
  }
  return undefined;
}

/**
 * Builds the set. `nearestOther` picks, for a claim, the question whose quotes are the hardest wrong
 * evidence (the caller ranks by embedding similarity); questions sharing an evidence file are never
 * offered, since their quotes may support the claim.
 */
export function buildClaimSet(questions: readonly EvalQuestion[], nearestOther: (claim: string, candidates: readonly EvalQuestion[]) => EvalQuestion): LabelledClaim[] {
  const answerable = questions.filter((q) => q.evidence.length > 0 && q.answer);
  const positives: LabelledClaim[] = [];
  for (const q of answerable) {
    const evidence = q.evidence.map((e) => e.quote);
    for (const quote of evidence) positives.push({ questionId: q.id, kind: "quote", fromAnswer: false, claim: quote, evidence, supported: true });
    positives.push({ questionId: q.id, kind: "answer", fromAnswer: true, claim: q.answer!, evidence, supported: true });
  }

  const pool = new Map<TokenClass, string[]>();
  for (const p of positives) for (const t of keyTokens(p.claim)) pool.set(tokenClass(t), [...new Set([...(pool.get(tokenClass(t)) ?? []), t])]);
  for (const tokens of pool.values()) tokens.sort();

  const negatives: LabelledClaim[] = [];
  positives.forEach((p, i) => {
    const own = answerable.find((q) => q.id === p.questionId)!;
    const files = new Set(own.evidence.flatMap((e) => e.files));
    const others = answerable.filter((q) => q.id !== own.id && !q.evidence.some((e) => e.files.some((f) => files.has(f))));
    const other = nearestOther(p.claim, others);
    negatives.push({ ...p, kind: "other-evidence", evidence: other.evidence.map((e) => e.quote), supported: false });

    const joined = p.evidence.join("\n");
    for (const token of keyTokens(p.claim)) {
      const candidates = (pool.get(tokenClass(token)) ?? []).filter((t) => t !== token && !containsToken(joined, t) && !joined.toLowerCase().includes(t));
      if (candidates.length === 0) continue;
      // A fixed spread over the pool, so the set is the same on every run.
      const corrupted = replaceToken(p.claim, token, candidates[(i * 7919) % candidates.length]!);
      if (!corrupted) continue;
      negatives.push({ ...p, kind: "corrupted-token", claim: corrupted, supported: false });
      break;
    }
  });

  const spans = answerable.map((q) => ({ q, span: keySpan(q) })).filter((s): s is { q: EvalQuestion; span: string } => s.span !== undefined);
  spans.forEach(({ q, span }, i) => {
    const evidence = q.evidence.map((e) => e.quote);
    const joined = evidence.join("\n").toLowerCase();
    for (let step = 1; step < spans.length; step++) {
      const swap = spans[(i + step) % spans.length]!.span;
      if (joined.includes(swap.toLowerCase())) continue;
      const claim = q.answer!.replace(span, swap);
      if (claim === q.answer) break;
      negatives.push({ questionId: q.id, kind: "swapped-command", fromAnswer: true, claim, evidence, supported: false });
      break;
    }
  });
  return [...positives, ...negatives];
}
