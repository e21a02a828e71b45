// `npm run bench -- verify-signals [--json] [--set <dir>] [--judge-budget <tokens>]`: which support
// signals separate supported from unsupported claims, on a claim set built from an eval set's
// questions (bench/verifyClaimSet.ts): embedding cosine, content-word overlap, the key-token veto,
// scoreSupport combined at its threshold, the chat model's yes/no judgement, and combinations.
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { basename } from "node:path";
import { loadConfig } from "../src/config/index.js";
import { loadGenerationEngine, resolveChatModel } from "../src/inference/index.js";
import { cosine, scoreSupport, type SupportScore } from "../src/verification/supportScorer.js";
import { containsToken } from "../src/verification/terms.js";
import { judgeSupport } from "../src/verification/modelJudge.js";
import { machineLine, percentile, writeBenchmarkSection } from "./benchmarksFile.js";
import { readQuestions } from "./evalAnswersSetup.js";
import { openEvalEmbedder } from "./evalIngest.js";
import { buildClaimSet, type ClaimKind, type LabelledClaim } from "./verifyClaimSet.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    set: { type: "string", default: fileURLToPath(new URL("../../shared/eval/debian-handbook/", import.meta.url)) },
    "judge-budget": { type: "string", default: "256" },
  },
});
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const THRESHOLD = 0.6; // scoreSupport's default, the one citedDraft uses for cited sentences

// ---- claims and their signals -------------------------------------------------------------------
const questions = readQuestions(values.set!);
const embedder = await openEvalEmbedder();
const vectors = new Map<string, Float32Array>();
async function embedAll(texts: readonly string[]): Promise<void> {
  const missing = [...new Set(texts)].filter((t) => !vectors.has(t));
  for (let i = 0; i < missing.length; i += 32) {
    const batch = missing.slice(i, i + 32);
    const { vectors: out } = await embedder.embed(batch);
    batch.forEach((t, j) => vectors.set(t, out[j]!));
  }
}
await embedAll([...questions.flatMap((q) => q.evidence.map((e) => e.quote)), ...questions.flatMap((q) => (q.answer ? [q.answer] : []))]);
const bestCosine = (claim: string, evidence: readonly string[]): number => Math.max(...evidence.map((e) => cosine(vectors.get(claim)!, vectors.get(e)!)));
const claims = buildClaimSet(questions, (claim, candidates) => {
  let best = candidates[0]!;
  for (const q of candidates) if (bestCosine(claim, q.evidence.map((e) => e.quote)) > bestCosine(claim, best.evidence.map((e) => e.quote))) best = q;
  return best;
});
await embedAll(claims.map((c) => c.claim));

interface Scored {
  claim: LabelledClaim;
  score: SupportScore;
  judge: boolean | undefined;
  judgeMs: number;
  judgePromptTokens: number;
}

// One thread, one sequence: the judge's latency per claim, alone (2 threads stall on a shared 2-core box).
const chatModel = (await resolveChatModel(loadConfig({ logLevel: "silent" }))).path;
const generator = await loadGenerationEngine({ modelPath: chatModel, threads: 1, sequences: 1 });
await judgeSupport(generator, "Warm-up.", ["Warm-up."]);
const scored: Scored[] = [];
const started = performance.now();
for (const [i, claim] of claims.entries()) {
  const score = scoreSupport({ claim: claim.claim, claimVector: vectors.get(claim.claim)!, evidence: claim.evidence.map((text) => ({ text, vector: vectors.get(text)! })) }, { threshold: THRESHOLD });
  const judged = await judgeSupport(generator, claim.claim, claim.evidence, { maxPromptTokens: Number(values["judge-budget"]) });
  scored.push({ claim, score, judge: judged.supported, judgeMs: judged.usage.totalMs, judgePromptTokens: judged.usage.promptTokens });
  if ((i + 1) % 50 === 0) log(`${i + 1}/${claims.length} claims judged (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
await generator.dispose();
await embedder.dispose();

// ---- metrics ----------------------------------------------------------------------------------------
/** Area under the ROC curve: the chance a random positive outscores a random negative (ties half). */
function rocAuc(items: readonly Scored[], value: (s: Scored) => number): number {
  const pos = items.filter((s) => s.claim.supported).map(value);
  const neg = items.filter((s) => !s.claim.supported).map(value);
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

interface Operating {
  precision: number;
  recall: number;
  f1: number;
  /** Share of each negative kind wrongly accepted. */
  acceptedByKind: Record<string, number>;
}

function operating(items: readonly Scored[], accept: (s: Scored) => boolean): Operating {
  const tp = items.filter((s) => s.claim.supported && accept(s)).length;
  const fp = items.filter((s) => !s.claim.supported && accept(s)).length;
  const positives = items.filter((s) => s.claim.supported).length;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp / positives;
  const acceptedByKind: Record<string, number> = {};
  for (const kind of NEGATIVE_KINDS) {
    const ofKind = items.filter((s) => s.claim.kind === kind);
    acceptedByKind[kind] = ofKind.filter(accept).length / Math.max(1, ofKind.length);
  }
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), acceptedByKind };
}

/** The threshold with the best F1 on this very set: an optimistic ceiling for a lone continuous signal. */
function bestThreshold(items: readonly Scored[], value: (s: Scored) => number): number {
  let best = { t: 0, f1: -1 };
  for (const t of [...new Set(items.map(value))]) {
    const { f1 } = operating(items, (s) => value(s) >= t);
    if (f1 > best.f1) best = { t, f1 };
  }
  return best.t;
}

const NEGATIVE_KINDS: ClaimKind[] = ["other-evidence", "corrupted-token", "swapped-command"];
const passesVeto = (s: Scored): boolean => s.score.verbatim || s.score.missingTokens.length === 0;
const judgeYes = (s: Scored): boolean => s.judge === true;

interface Signal {
  name: string;
  /** Continuous value for ROC-AUC, when the signal has one. */
  value?: (s: Scored) => number;
  accept: (s: Scored) => boolean;
  point: string;
  judged?: boolean;
}

// Thresholds for the lone continuous signals are fitted on the claims written from answers: the
// quotes are verbatim (cosine and overlap 1), so on the whole set any threshold near 1 looks best.
const fromAnswers = scored.filter((s) => s.claim.fromAnswer);
const embT = bestThreshold(fromAnswers, (s) => s.score.embedding);
const lexT = bestThreshold(fromAnswers, (s) => s.score.lexical);
// A stricter veto tried here: hyphenated names ("update-alternatives", "equivs-build") are not key
// tokens in terms.ts, so a claim naming the wrong one passes the veto.
const hyphenatedPresent = (s: Scored): boolean => {
  const joined = s.claim.evidence.join("\n");
  return (s.claim.claim.match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu) ?? []).every((h) => containsToken(joined, h.toLowerCase()));
};
const signals: Signal[] = [
  { name: "embedding cosine (MiniLM, best evidence text)", value: (s) => s.score.embedding, accept: (s) => s.score.embedding >= embT, point: `≥ ${embT.toFixed(2)} (best F1 on answer claims)` },
  { name: "lexical overlap (content words)", value: (s) => s.score.lexical, accept: (s) => s.score.lexical >= lexT, point: `≥ ${lexT.toFixed(2)} (best F1 on answer claims)` },
  { name: "key-token veto alone", accept: passesVeto, point: "no number/path/option/identifier missing" },
  { name: "veto AND embedding", accept: (s) => passesVeto(s) && s.score.embedding >= embT, point: `cosine ≥ ${embT.toFixed(2)}` },
  { name: "veto AND lexical", accept: (s) => passesVeto(s) && s.score.lexical >= lexT, point: `overlap ≥ ${lexT.toFixed(2)}` },
  { name: "**scoreSupport** (verbatim, veto, ½ cosine + ½ lexical)", value: (s) => s.score.support, accept: (s) => s.score.supported, point: `support ≥ ${THRESHOLD}` },
  { name: "model judge (chat model yes/no)", accept: judgeYes, point: "yes", judged: true },
  { name: "veto AND judge", accept: (s) => passesVeto(s) && judgeYes(s), point: "", judged: true },
  { name: "scoreSupport AND judge", accept: (s) => s.score.supported && judgeYes(s), point: "", judged: true },
  { name: "scoreSupport OR (veto AND judge)", accept: (s) => s.score.supported || (passesVeto(s) && judgeYes(s)), point: "", judged: true },
  { name: "scoreSupport, hyphenated names also vetoed (variant)", accept: (s) => s.score.supported && hyphenatedPresent(s), point: `support ≥ ${THRESHOLD}` },
];

const rows = signals.map((signal) => {
  const accept = signal.accept;
  return {
    name: signal.name,
    point: signal.point,
    all: operating(scored, accept),
    answers: operating(fromAnswers, accept),
    auc: signal.value ? rocAuc(scored, signal.value) : undefined,
    aucAnswers: signal.value ? rocAuc(fromAnswers, signal.value) : undefined,
    judged: signal.judged ?? false,
  };
});

const judgeMs = scored.map((s) => s.judgeMs);
const judgeTokens = scored.map((s) => s.judgePromptTokens);
const judged = scored.filter((s) => s.judge !== undefined);
const yesRate = judged.filter((s) => s.judge).length / Math.max(1, judged.length);
const count = (kind: ClaimKind): number => scored.filter((s) => s.claim.kind === kind).length;
const positives = scored.filter((s) => s.claim.supported);
const verbatimPositives = positives.filter((s) => s.score.verbatim).length;
const vetoedAnswers = scored.filter((s) => s.claim.kind === "answer" && !passesVeto(s)).map((s) => s.score.missingTokens.join(" "));
const answerPositivesVetoed = vetoedAnswers.length;
const combined = rows.find((r) => r.name.includes("**scoreSupport**"))!;
const judgeRow = rows.find((r) => r.name.startsWith("model judge"))!;
const andJudge = rows.find((r) => r.name === "scoreSupport AND judge")!;
const orJudge = rows.find((r) => r.name === "scoreSupport OR (veto AND judge)")!;

const f = (x: number | undefined, digits = 2): string => (x === undefined ? "–" : x.toFixed(digits));
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const judgeLatency = `${percentile(judgeMs, 50).toFixed(0)} ms p50, ${percentile(judgeMs, 95).toFixed(0)} ms p95`;
const table = rows
  .map(
    (r) =>
      `| ${r.name} | ${r.point} | ${f(r.all.precision)} | ${f(r.all.recall)} | ${f(r.all.f1)} | ${f(r.auc)} | ${f(r.answers.recall)} | ${f(r.answers.f1)} | ${f(r.aucAnswers)} | ${NEGATIVE_KINDS.map((k) => pct(r.all.acceptedByKind[k]!)).join(" | ")} | ${r.judged ? judgeLatency : "< 1 ms"} |`,
  )
  .join("\n");

const summary = {
  claims: scored.length,
  positives: positives.length,
  negatives: { otherEvidence: count("other-evidence"), corruptedToken: count("corrupted-token"), swappedCommand: count("swapped-command") },
  verbatimPositives,
  answerPositivesVetoed,
  judgeYesRate: Number(yesRate.toFixed(3)),
  judgeUndecided: scored.length - judged.length,
  judgeMsP50: Math.round(percentile(judgeMs, 50)),
  judgeMsP95: Math.round(percentile(judgeMs, 95)),
  judgePromptTokensP50: percentile(judgeTokens, 50),
  rows: rows.map((r) => ({ name: r.name.replace(/\*/g, ""), precision: r.all.precision, recall: r.all.recall, f1: r.all.f1, auc: r.auc, answersRecall: r.answers.recall, answersF1: r.answers.f1, aucAnswers: r.aucAnswers, accepted: r.all.acceptedByKind })),
};

writeBenchmarkSection(
  "verify-signals",
  `## verify-signals — which support signals separate supported from unsupported claims

\`npm run bench -- verify-signals [--json]\` · ${machineLine()} · claims built without hand labels from ${values.set!.replace(/.*\/eval\//, "eval/").replace(/\/$/, "")}/questions.jsonl (bench/verifyClaimSet.ts): **${positives.length} supported** (each answerable question's evidence quotes, and its reference answer, against that question's quotes; ${verbatimPositives} of them verbatim) and **${scored.length - positives.length} unsupported**: ${count("other-evidence")} the same claims against the quotes of the most similar question on other pages (*other evidence*), ${count("corrupted-token")} with one number/path/option/identifier replaced by another of the same kind from the set (*corrupted token*), ${count("swapped-command")} reference answers with their key command swapped for another question's (*swapped command*). Judge: ${basename(chatModel)}, 1 thread, constrained \`"yes"|"no"\`, prompt ≤ ${values["judge-budget"]} tokens (p50 ${summary.judgePromptTokensP50}), one claim at a time.

| signal | operating point | precision | recall | F1 | ROC-AUC | recall, answers | F1, answers | ROC-AUC, answers | accepted: other evidence | accepted: corrupted token | accepted: swapped command | added latency per claim |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${table}

"answers" columns: only claims written from reference answers (${fromAnswers.filter((s) => s.claim.supported).length} supported, ${fromAnswers.filter((s) => !s.claim.supported).length} unsupported), the paraphrases a generative answer produces; the quotes are verbatim and every signal but the judge accepts them. The judge said yes to ${pct(yesRate)} of all claims (${summary.judgeUndecided} without a verdict).

**Conclusion.** ${conclusion()}
`,
);

function conclusion(): string {
  const row = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;
  const [embedding, lexical, veto, variant] = [row("embedding"), row("lexical"), row("key-token veto"), row("scoreSupport, hyphenated")];
  const judgeAuc = rocAuc(scored, (s) => (s.judge ? 1 : 0));
  const accepted = (r: (typeof rows)[number], kind: ClaimKind) => pct(r.all.acceptedByKind[kind]!);
  return [
    `The signals catch different errors, so the combination wins: embedding cosine and content-word overlap reject claims set against the wrong evidence (they accept ${accepted(embedding, "other-evidence")} and ${accepted(lexical, "other-evidence")} of those; ROC-AUC ${f(embedding.auc)} and ${f(lexical.auc)}) but accept ${accepted(embedding, "corrupted-token")} and ${accepted(lexical, "corrupted-token")} of claims with one wrong number, path or option, which the key-token veto rejects (${accepted(veto, "corrupted-token")}) while accepting ${accepted(veto, "other-evidence")} of wrong-evidence claims that carry no such token.`,
    `scoreSupport at ${THRESHOLD} has the best F1 of all rows (${f(combined.all.f1)}, ROC-AUC ${f(combined.auc)}; on answer claims F1 ${f(combined.answers.f1)}). It misses paraphrased answers (recall ${f(combined.answers.recall)}): ${vetoedAnswers.length} of ${count("answer")} reference answers name a token their quotes lack (${vetoedAnswers.map((t) => `\`${t}\``).join(", ")}): mostly details the answer adds, some a path the quote writes differently, and \`e.g\`, the abbreviation read as an identifier. It accepts ${accepted(combined, "swapped-command")} of swapped commands, those whose command carries no key token (a plain or hyphenated word).`,
    `Also vetoing hyphenated names (a variant, not in scoreSupport) rejects ${accepted(combined, "swapped-command")} → ${accepted(variant, "swapped-command")} of swapped commands but loses recall (${f(combined.all.recall)} → ${f(variant.all.recall)}): F1 ${f(variant.all.f1)}, no clear gain on ${count("swapped-command")} claims.`,
    `The judge (${basename(chatModel)}) says yes to ${pct(yesRate)} of claims, supported or not: its verdict's balanced accuracy (ROC-AUC) is ${f(judgeAuc)}, chance is 0.50. With scoreSupport it gives F1 ${f(andJudge.all.f1)} (AND: recall collapses) or ${f(orJudge.all.f1)} (OR with the veto: unchanged from ${f(combined.all.f1)}), for ${judgeLatency} more per sentence.`,
    judgeAuc < 0.6 || Math.max(andJudge.all.f1, orJudge.all.f1) <= combined.all.f1 + 0.02
      ? "So the judge should stay off by default with this model: it adds latency and no separation. Rerun this bench with a larger GGUF (LORE_CHAT_MODEL) before enabling it there."
      : "The judge improves on scoreSupport here; see the rows above for the combination before enabling it.",
  ].join(" ");
}

log(JSON.stringify(summary, null, 2));
if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
