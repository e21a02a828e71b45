import { randomUUID } from "node:crypto";
import type { Embedder, GenerationUsage, TextGenerator } from "../inference/types.js";
import type { SearchHit } from "../retrieval/types.js";
import { AbortedError, LoreError, isAbortError } from "../errors/index.js";
import { silentLogger, type Logger } from "../logging/index.js";
import { askCoverage, askedPart, decideAbstention, namingPart, judgeSupport, namedTerms as namedTermsOf, questionCoverage, scoreSupport, type AbstentionPolicyOptions } from "../verification/index.js";
import { ABSTAIN_ANSWER, citationFor, closestSources, deadlineSignal } from "./answerParts.js";
import { Budget } from "./budget.js";
import { ConversationMemory, expandFollowUp } from "./conversationMemory.js";
import { describedTerm, quoteHolds, referentOf, withQuoteContext, withStatedNumber } from "./quoteContext.js";
import { buildCandidates, type StepHits } from "./evidenceCandidates.js";
import { asksForCode, asksForNumber, DEFAULT_WEIGHTS, statesFreshNumber, orderForReading, rankByScore, scoreCandidates, selectEvidence, type ScoredCandidate, type ScoringWeights } from "./evidenceScorer.js";
import { EmbeddingCache } from "./embeddingCache.js";
import { knowledgeSearchTool } from "./knowledgeSearchTool.js";
import { fallbackPlan, planWithModel } from "./planner.js";
import type { SearchBackend } from "./searchBackend.js";
import { chooseWithModel } from "./sentenceChooser.js";
import { draftCitedAnswer, LeadInGate, selectDraftEvidence, type DraftOutcome, type DraftSentence } from "./citedDraft.js";
import { findUnknownTerms, findUnknownWords, incidentalUnknownTerms, namedTermsInEvidence } from "./unknownTerms.js";
import { ToolRegistry } from "./toolRegistry.js";
import type { AnswerMode, AskEvent, AskRequest, AskResponse, Citation, Plan, VerifiedSentence } from "./types.js";

export interface AnswererOptions {
  retriever: SearchBackend;
  generator?: TextGenerator;
  embedder?: Embedder;
  logger?: Logger;
  /** Drop unsupported sentences or keep them flagged. Defaults to "drop". */
  verifyMode?: "drop" | "flag";
  /** "model": sub-questions from the generator for multi-part questions; "fallback": rules only. Defaults to "model". */
  planner?: "model" | "fallback";
  /**
   * "model": the generator chooses among the best-scored sentences; "scores": scores alone. Defaults to "scores":
   * measured on the dev set with SmolLM2-135M, the model's choice lowered accuracy (0.68 → 0.65) and added ~1.4 s;
   * turn it on with a bigger chat model.
   */
  chooser?: "model" | "scores";
  /**
   * "extractive": the answer is the best verified evidence sentences, quoted. "generative": the
   * generator writes the answer over numbered evidence, citing [n], and every sentence is verified
   * against what it cites before it streams (quoted evidence is the fallback when none survives).
   * Defaults to "extractive": with SmolLM2-135M the written answers lose to the quotes (BENCHMARKS.md).
   */
  answerMode?: AnswerMode;
  /** Time the model may spend writing a generative answer; what is verified by then is kept. Defaults to 20 s. */
  draftTimeoutMs?: number;
  /** Prompt budget of a generative answer, in tokens. Defaults to 700. */
  draftPromptTokens?: number;
  /**
   * Ask the generator for a constrained yes/no on each written sentence the scores support; "no"
   * drops it. Defaults to false: SmolLM2-135M's verdicts were at chance (BENCHMARKS.md verify-signals).
   */
  judgeWrittenSentences?: boolean;
  abstention?: AbstentionPolicyOptions;
  /** Time the model may take to choose sentences before the score-based choice is used. Defaults to 2500 ms (~300 prompt tokens take ~1.3 s on an idle 2-core CPU). */
  chooseTimeoutMs?: number;
  /** Time the model may take to plan before the rule-based plan is used. Defaults to 2500 ms. */
  planTimeoutMs?: number;
  weights?: ScoringWeights;
  /** Extra tools beside knowledge_search. */
  tools?: ToolRegistry;
  memory?: ConversationMemory;
  /** Defaults for AskOptions. */
  /** A runner-up sentence must score at least this fraction of the best one. Defaults to 0.7. */
  relativeFloor?: number;
  defaults?: { maxSentences?: number; topK?: number; maxSteps?: number; deadlineMs?: number; maxToolCalls?: number };
}

const MAX_PLAN_STEPS = 4;
// Answer length when the caller sets none. Each part of a question in several parts brings its own
// sentences (measured over six question sets: 6 rather than 4 for them answered 3 more questions right,
// abstained no more, and kept citation precision).
const ONE_PART_SENTENCES = 4;
const MULTI_PART_SENTENCES = 6;
const MULTI_PART = /\?.*\?|,?\s+(?:and|or)\s+(?:what|which|where|when|how|why|who|is|are|does|do|will|would|should|can)\b/i;

/**
 * Answers questions from a collection with quoted, verified evidence sentences.
 *
 * Measured with a 135M chat model: handed the gold evidence, the model answers 29% right, while the
 * evidence sentences themselves hold the answer 79% of the time. So the answer is built from
 * retrieved sentences quoted verbatim (each with exact document offsets), chosen by general scores;
 * the model is used only where it is cheap and helps — splitting multi-part questions and choosing
 * among the best candidates with a constrained, ~300-token prompt.
 */
export class Answerer {
  private readonly options: AnswererOptions;
  private readonly logger: Logger;
  private readonly tools: ToolRegistry;
  private readonly memory: ConversationMemory;
  private readonly cache: EmbeddingCache | undefined;

  constructor(options: AnswererOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger();
    this.tools = options.tools ?? new ToolRegistry();
    if (!this.tools.has("knowledge_search")) this.tools.register(knowledgeSearchTool(options.retriever));
    this.memory = options.memory ?? new ConversationMemory();
    this.cache = options.embedder ? new EmbeddingCache(options.embedder) : undefined;
  }

  /** The registered tools (for an MCP or OpenAI-compatible facade). */
  get toolRegistry(): ToolRegistry {
    return this.tools;
  }

  async askComplete(request: AskRequest): Promise<AskResponse> {
    for await (const event of this.ask(request)) {
      if (event.type === "done") return event.response;
      if (event.type === "error") throw new LoreError(event.code as LoreError["code"], event.message);
    }
    throw new LoreError("INTERNAL", "The answer stream ended without a result");
  }

  async *ask(request: AskRequest): AsyncGenerator<AskEvent> {
    const question = request.question?.trim() ?? "";
    if (question.length === 0 || question.length > 4000) {
      yield { type: "error", code: "BAD_REQUEST", message: "question must be 1-4000 characters" };
      return;
    }
    const d = this.options.defaults ?? {};
    const o = request.options ?? {};
    const budget = new Budget({
      maxSteps: o.maxSteps ?? d.maxSteps ?? 3,
      maxToolCalls: o.maxToolCalls ?? d.maxToolCalls ?? 12,
      deadlineMs: o.deadlineMs ?? d.deadlineMs ?? 30_000,
    });
    const { signal, dispose } = deadlineSignal(request.signal, budget.limits.deadlineMs);
    try {
      yield* this.run(request, question, budget, signal);
    } catch (error) {
      if (request.signal?.aborted || (isAbortError(error) && !signal.aborted)) {
        yield { type: "error", code: "ABORTED", message: "The request was cancelled" };
      } else if (signal.aborted) {
        yield { type: "error", code: "TIMEOUT", message: `The question took longer than ${budget.limits.deadlineMs} ms` };
      } else if (LoreError.isInstance(error)) {
        yield { type: "error", code: error.code, message: error.message };
      } else {
        this.logger.error({ err: error, requestId: request.requestId }, "ask failed");
        yield { type: "error", code: "INTERNAL", message: "Internal error while answering" };
      }
    } finally {
      dispose();
    }
  }

  private async planWithTimeout(question: string, fallback: Plan, budget: Budget, signal: AbortSignal, callerSignal: AbortSignal | undefined) {
    const timeoutMs = this.options.planTimeoutMs ?? 2500;
    const limited = deadlineSignal(signal, timeoutMs);
    try {
      const result = await planWithModel(this.options.generator!, question, MAX_PLAN_STEPS, limited.signal);
      if (limited.signal.aborted) budget.record("limit", { limit: "planTimeout", timeoutMs, fallback: "rules" });
      return result;
    } catch (error) {
      if (callerSignal?.aborted) throw error;
      budget.record("limit", { limit: "planTimeout", timeoutMs, fallback: "rules", error: error instanceof Error ? error.message : String(error) });
      return { plan: fallback, error: "model plan unavailable", usage: undefined };
    } finally {
      limited.dispose();
    }
  }

  private async *run(request: AskRequest, question: string, budget: Budget, signal: AbortSignal): AsyncGenerator<AskEvent> {
    const started = Date.now();
    const usage = { promptTokens: 0, completionTokens: 0 };
    const addUsage = (u: GenerationUsage | undefined) => {
      if (!u) return;
      usage.promptTokens += u.promptTokens;
      usage.completionTokens += u.completionTokens;
    };
    const verifyMode = request.options?.verifyMode ?? this.options.verifyMode ?? "drop";
    const requestedSentences = request.options?.maxSentences ?? this.options.defaults?.maxSentences;
    const topK = request.options?.topK ?? this.options.defaults?.topK ?? 8;
    const conversationId = request.conversationId ?? randomUUID();
    const history = request.conversationId ? this.memory.get(conversationId) : [];
    const searchQuestion = expandFollowUp(question, history);
    if (searchQuestion !== question) budget.record("plan", { followUp: true, expandedQuery: searchQuestion });
    const context = { collection: request.collection, aclGroups: request.aclGroups, signal };

    const search = async (stepId: number, query: string): Promise<StepHits> => {
      if (!budget.takeToolCall("knowledge_search")) return { stepId, hits: [] };
      const t = Date.now();
      const hits = (await this.tools.call("knowledge_search", { query, limit: topK }, context)) as SearchHit[];
      budget.record("tool", { tool: "knowledge_search", step: stepId, query, hits: hits.map((h) => h.chunkId), ms: Date.now() - t });
      return { stepId, hits };
    };

    // Step 1 (the whole question) always runs, concurrently with the model's plan.
    budget.takeStep("step 1");
    // Plans may propose more steps than the budget allows: the budget cuts them and says so in the trace.
    let plan: Plan = fallbackPlan(searchQuestion, MAX_PLAN_STEPS);
    const wantModelPlan = this.options.generator !== undefined && (this.options.planner ?? "model") === "model" && MULTI_PART.test(searchQuestion);
    const [first, modelPlan] = await Promise.all([
      search(1, searchQuestion),
      wantModelPlan ? this.planWithTimeout(searchQuestion, plan, budget, signal, request.signal) : undefined,
    ]);
    if (modelPlan) {
      addUsage(modelPlan.usage);
      plan = modelPlan.plan;
      if (modelPlan.error) budget.record("plan", { modelPlanRejected: modelPlan.error });
    }
    budget.record("plan", { plan });
    yield { type: "plan", plan };
    const summarize = (s: StepHits, query: string): AskEvent => ({
      type: "retrieval",
      step: s.stepId,
      query,
      hits: s.hits.map((h) => ({ chunkId: h.chunkId, documentId: h.documentId, source: h.source, headingPath: h.headingPath, score: h.score })),
    });
    yield summarize(first, searchQuestion);
    const steps: StepHits[] = [first];
    const more = plan.steps.filter((s) => s.id !== 1 && budget.takeStep(`step ${s.id}`));
    for (const s of await Promise.all(more.map((s) => search(s.id, s.query)))) {
      steps.push(s);
      yield summarize(s, plan.steps.find((p) => p.id === s.stepId)!.query);
    }
    if (signal.aborted) throw new AbortedError();

    const allHits = steps.flatMap((s) => s.hits);
    const candidates = buildCandidates(steps);
    const subSteps = plan.steps.filter((s) => s.id !== 1);
    const maxSentences = requestedSentences ?? (subSteps.length > 0 ? MULTI_PART_SENTENCES : ONE_PART_SENTENCES);
    const subQueries = subSteps.map((s) => s.query);
    // One text per sub-question; a step without a focus repeats its query, which the cache embeds once.
    const focuses = subSteps.map((s) => s.focus ?? s.query);
    // A follow-up is also scored on its own words, so the previous question does not outweigh it.
    // What is asked, without the scene a user sets first ("I compiled a Perl module by hand, but …"),
    // is scored too: a paraphrase of the ask is otherwise outweighed by sentences about the scene.
    const asked = askedPart(searchQuestion);
    const queries = [searchQuestion, ...subQueries, ...(searchQuestion !== question ? [question] : []), ...(asked && asked !== searchQuestion ? [asked] : []), ...focuses];
    const referents = candidates.map(referentOf);
    const readTogether = candidates.flatMap((c, i) => (referents[i] ? [`${referents[i]!.text} ${c.text}`] : []));
    const vectors = this.cache ? await this.cache.embed([...queries, ...candidates.map((c) => c.text), ...readTogether], signal) : undefined;
    const queryVectors = vectors ? vectors.slice(0, queries.length) : [];
    const candidateVectors = vectors ? vectors.slice(queries.length, queries.length + candidates.length) : candidates.map(() => undefined);
    const togetherVectors = vectors?.slice(queries.length + candidates.length) ?? [];
    let nextTogether = 0;
    const referentVectors = referents.map((r) => (r ? togetherVectors[nextTogether++] : undefined));
    const weights = this.options.weights ?? DEFAULT_WEIGHTS;
    const focusVectors = queryVectors.slice(queries.length - focuses.length);
    const mainVectors = queryVectors.slice(0, queries.length - focuses.length).filter((_, i) => i === 0 || i > subQueries.length);
    const wantsNumber = asksForNumber(searchQuestion);
    const statesNumber = (text: string) => statesFreshNumber(searchQuestion, text);
    // A description whose value follows it in the same paragraph is scored as the quote it would become.
    const continuations = wantsNumber
      ? candidates.map((c) => {
          const quote = withStatedNumber(c, statesNumber);
          return quote === c ? undefined : quote.text.slice(c.text.length);
        })
      : undefined;
    const scored = scoreCandidates({ question: searchQuestion, queryVectors: mainVectors, candidates, candidateVectors, referents, referentVectors, ...(continuations ? { continuations } : {}), weights });
    // Each sub-question contributes the sentence that best answers it on its own words (its focus):
    // the context it repeats from the question would pull every step toward the same sentences.
    const stepBest = subSteps
      .map((_, i) => {
        const vectors = [queryVectors[i + 1], focusVectors[i]].filter((v): v is Float32Array => v !== undefined);
        const own = scoreCandidates({ question: focuses[i]!, queryVectors: vectors, candidates, candidateVectors, referents, referentVectors, weights });
        return rankByScore(own)[0];
      })
      .filter((c): c is ScoredCandidate => c !== undefined);
    const ranked = rankByScore(scored);
    const selected = withQuoteContext(
      selectEvidence(scored, {
        maxSentences,
        stepBest,
        namedTerms: namedTermsOf(searchQuestion),
        ...(this.options.relativeFloor !== undefined ? { relativeFloor: this.options.relativeFloor } : {}),
      }),
      { followNextLeadIn: asksForCode(searchQuestion), ...(wantsNumber ? { statesNumber } : {}) },
    );
    budget.record("verify", {
      stage: "select",
      candidates: scored.length,
      top: ranked.slice(0, 8).map((c) => ({ id: c.id, chunkId: c.hit.chunkId, text: c.text.slice(0, 100), score: c.score })),
      selected: selected.map((c) => c.id),
      stepBest: stepBest.map((c) => c.id),
    });

    // The model may only reorder/extend the runners-up, within its own time budget: the best-scored
    // sentence is streamed before the model is asked, so the first verified sentence never waits for it.
    const runChooser = async (): Promise<{ picked: ScoredCandidate[]; answerable: boolean | undefined }> => {
      const none = { picked: [], answerable: undefined };
      if (!this.options.generator || (this.options.chooser ?? "scores") !== "model" || selected.length === 0) return none;
      const timeoutMs = Math.min(this.options.chooseTimeoutMs ?? 2500, budget.remainingMs() - 200);
      if (!budget.hasTime("choose", 500)) return none;
      const limited = deadlineSignal(signal, timeoutMs);
      try {
        const chosen = await chooseWithModel(this.options.generator, question, ranked, { signal: limited.signal });
        addUsage(chosen.usage);
        budget.record("generate", { stage: "choose", promptTokens: chosen.promptTokens, choice: chosen.choice, error: chosen.error, ms: chosen.usage?.totalMs });
        if (limited.signal.aborted) budget.record("limit", { limit: "chooseTimeout", timeoutMs, fallback: "scores" });
        if (!chosen.choice) return none;
        const picked = chosen.choice.ids.map((id) => scored.find((c) => c.id === id)).filter((c): c is ScoredCandidate => c !== undefined);
        return { picked, answerable: chosen.choice.answerable };
      } catch (error) {
        if (request.signal?.aborted) throw error;
        budget.record("limit", { limit: "chooseTimeout", timeoutMs, fallback: "scores", error: error instanceof Error ? error.message : String(error) });
        return none;
      } finally {
        limited.dispose();
      }
    };

    let drafted = 0;
    let dropped = 0;
    const verify = (c: ScoredCandidate): VerifiedSentence | undefined => {
      drafted++;
      const support = scoreSupport({ claim: c.text, ...(c.vector ? { claimVector: c.vector } : {}), evidence: [{ text: c.hit.text }] });
      if (!support.supported && verifyMode === "drop") {
        dropped++;
        return undefined;
      }
      return { text: c.text, support: support.support, supported: support.supported, citations: [] };
    };
    const trustModel = this.options.abstention?.trustModelVerdict === true;
    const early = trustModel ? await runChooser() : undefined;
    const best = selected[0];
    const bestVerified = best ? verify(best) : undefined;
    const kept = [...(bestVerified ? [best!] : []), ...selected.slice(1).filter((c) => verify(c) !== undefined)];
    drafted = bestVerified ? 1 : best ? 1 : 0;
    dropped = best && !bestVerified ? 1 : 0;
    const coverage = questionCoverage(searchQuestion, kept.map((c) => c.text), allHits.map((h) => `${h.headingPath.join(" ")} ${h.text}`));
    // Only what is asked must be named by the knowledge base: the scene a user sets ("In CI the job
    // should go red…", "The summary shows 72,704 bytes…") is theirs, and the documents need not name it.
    // A generic ask ("Is that possible?") names nothing, so then the whole question counts, except for
    // an unknown name incidental to a scene about known things (measured: PDF set false abstention 0.208 -> 0.167).
    const naming = namingPart(question);
    // An exact-word lookup over the whole collection, within the tool-call budget (undefined once it is spent).
    const lookupWord = (limit: number) => async (query: string) =>
      budget.takeToolCall("knowledge_search") ? ((await this.tools.call("knowledge_search", { query, limit, mode: "bm25" }, context)) as SearchHit[]) : undefined;
    const namedUnknown = await findUnknownTerms(naming, allHits, lookupWord(5));
    const questionAsk = askedPart(question);
    const unknownWords = await findUnknownWords(questionAsk, allHits, lookupWord(1));
    const genericAsk = naming !== questionAsk;
    const unknownTerms = genericAsk && incidentalUnknownTerms(naming, namedUnknown, kept.map((c) => c.hit), allHits) ? [] : namedUnknown;
    const topSimilarity = Math.max(0, ...kept.map((c) => c.score.similarity));
    // The evidence must name what the ask names; the scene's names ("a Windows-generated file") it need not.
    const namedTerms = namedTermsInEvidence(questionAsk, unknownTerms, kept.map((c) => c.hit), allHits);
    const ask = askCoverage(searchQuestion, kept.map((c) => c.text));
    const decision = decideAbstention(
      {
        coverage,
        askCoverage: ask,
        ...(this.cache ? { topSimilarity } : {}),
        keptSentences: kept.length,
        // In the answer's own document: a runner-up from another document that states some quantity is not the one asked for.
        ...(wantsNumber ? { statesAskedNumber: kept.some((c) => c.hit.documentId === kept[0]!.hit.documentId && statesNumber(c.text)) } : {}),
        unknownTerms,
        unknownWords,
        namedTerms,
        ...(early?.answerable !== undefined ? { modelAnswerable: early.answerable } : {}),
      },
      this.options.abstention,
    );
    budget.record("verify", { stage: "abstention", abstain: decision.abstain, reasons: decision.reasons, coverage: coverage.coverage, askCoverage: { coverage: ask.coverage, terms: ask.terms.length }, unknownTerms, unknownWords, namedTerms, topSimilarity, modelAnswerable: early?.answerable });

    const response: AskResponse = {
      conversationId,
      answer: ABSTAIN_ANSWER,
      abstained: decision.abstain,
      sentences: [],
      citations: [],
      verification: { drafted: 0, kept: 0, dropped: 0 },
      closestSources: decision.abstain ? closestSources(allHits) : [],
      trace: budget.trace,
      usage: { ...usage, firstSentenceMs: null, totalMs: 0 },
    };
    // One number per quoted span, shared by every sentence that cites it.
    const numbered = new Map<ScoredCandidate, Citation>();
    const citationOf = (c: ScoredCandidate): Citation => {
      let citation = numbered.get(c);
      if (!citation) {
        citation = citationFor(c, numbered.size + 1);
        numbered.set(c, citation);
        response.citations.push(citation);
      }
      return citation;
    };
    const emitCiting = (cited: readonly ScoredCandidate[], v: VerifiedSentence): AskEvent => {
      const sentence = { ...v, citations: cited.map(citationOf) };
      response.sentences.push(sentence);
      response.usage.firstSentenceMs ??= Date.now() - started;
      return { type: "sentence", index: response.sentences.length - 1, sentence };
    };
    const emit = (c: ScoredCandidate, v: VerifiedSentence): AskEvent => emitCiting([c], v);
    // A quote from an option's description is preceded by the option's line (its label), once.
    const labelsShown: ScoredCandidate[] = [];
    const emitQuote = function* (c: ScoredCandidate, v: VerifiedSentence): Generator<AskEvent> {
      // Not when another quote of the answer holds the option line already.
      const label = describedTerm(c);
      if (label && ![...selected, ...labelsShown].some((s) => quoteHolds(s, label))) {
        const lv = verify(label);
        if (lv) {
          labelsShown.push(label);
          yield emit(label, lv);
        }
      }
      yield emit(c, v);
    };

    let answerMode = request.options?.answerMode ?? this.options.answerMode ?? "extractive";
    if (answerMode === "generative" && !this.options.generator) {
      budget.record("generate", { stage: "draft", skipped: "no generator", fallback: "extractive" });
      answerMode = "extractive";
    }
    if (!decision.abstain && answerMode === "generative" && budget.hasTime("draft", 1500)) {
      // The verification summary describes the written answer (plus any quoted fallback).
      drafted = 0;
      dropped = 0;
      const shown = [...selected, ...ranked.filter((c) => !selected.includes(c))];
      const { evidence, messages, promptTokens } = selectDraftEvidence(shown, question, this.options.generator!, {
        maxPromptTokens: this.options.draftPromptTokens ?? 700,
      });
      const timeoutMs = Math.min(this.options.draftTimeoutMs ?? 20_000, budget.remainingMs() - 200);
      const limited = deadlineSignal(signal, timeoutMs);
      const draft = draftCitedAnswer(this.options.generator!, messages, evidence, {
        signal: limited.signal,
        ...(this.cache ? { embed: async (text: string) => (await this.cache!.embed([text], signal))[0] } : {}),
        ...(this.options.judgeWrittenSentences
          ? {
              judge: async (claim: string, texts: string[]) => {
                const verdict = await judgeSupport(this.options.generator!, claim, texts, { signal: limited.signal });
                addUsage(verdict.usage);
                return verdict.supported;
              },
            }
          : {}),
      });
      let outcome: DraftOutcome | undefined;
      const leadIns = new LeadInGate();
      const written: { text: string; support: number; supported: boolean; citations: number[]; inferred: boolean; judged: boolean | undefined }[] = [];
      try {
        for (;;) {
          const next = await draft.next();
          if (next.done) {
            outcome = next.value;
            break;
          }
          const d: DraftSentence = next.value;
          drafted++;
          written.push({ text: d.text, support: d.support.support, supported: d.support.supported, citations: d.cited.map((e) => e.n), inferred: d.citationInferred, judged: d.judged });
          const kept = d.support.supported || verifyMode === "flag";
          if (!kept) dropped++;
          for (const s of leadIns.admit(d, kept)) {
            if (response.sentences.length >= maxSentences) break;
            yield emitCiting(s.cited.map((e) => e.candidate), { text: s.text, support: s.support.support, supported: s.support.supported, citations: [] });
          }
        }
      } finally {
        limited.dispose();
      }
      if (request.signal?.aborted) throw new AbortedError();
      if (limited.signal.aborted && !signal.aborted) budget.record("limit", { limit: "draftTimeout", timeoutMs, kept: response.sentences.length });
      addUsage(outcome?.usage);
      budget.record("generate", {
        stage: "draft",
        promptTokens,
        evidence: evidence.map((e) => ({ n: e.n, chunkId: e.candidate.hit.chunkId, text: e.candidate.text.slice(0, 100) })),
        sentences: written,
        notFound: outcome?.notFound ?? false,
        finishReason: outcome?.finishReason,
        ms: outcome?.usage?.totalMs,
      });
      if (outcome?.notFound && trustModel) {
        response.abstained = true;
        response.closestSources = closestSources(allHits);
        budget.record("verify", { stage: "abstention", abstain: true, reasons: ["the model found no answer in the evidence"] });
      } else if (response.sentences.length === 0) {
        budget.record("generate", { stage: "draft", fallback: "extractive", reason: outcome?.notFound ? "model found no answer" : "no written sentence survived verification" });
      }
    }
    if (!decision.abstain && !response.abstained && response.sentences.length === 0) {
      if (best && bestVerified) yield* emitQuote(best, bestVerified);
      const chosen = early ?? (await runChooser());
      if (signal.aborted) throw new AbortedError();
      const picked = chosen.picked.filter((c) => c !== best);
      const rest = picked.length > 0 ? picked : selected.slice(1);
      for (const c of orderForReading(rest).slice(0, maxSentences - (response.sentences.length - labelsShown.length))) {
        const v = verify(c);
        if (v) yield* emitQuote(c, v);
      }
    }
    if (response.sentences.length > 0) response.answer = response.sentences.map((s) => `${s.text} ${s.citations.map((c) => `[${c.n}]`).join("")}`).join(" ");
    response.verification = { drafted, kept: response.sentences.length, dropped };
    // Tokens spent after the response object was built (the model's choice, a written answer) count too.
    response.usage.promptTokens = usage.promptTokens;
    response.usage.completionTokens = usage.completionTokens;
    response.usage.totalMs = Date.now() - started;
    // Every answer starts or continues a conversation: its conversationId is returned, and a client that
    // sends it back with the next question must find this turn (bounded and expired by the memory).
    this.memory.append(conversationId, { question, answer: response.answer, abstained: response.abstained });
    yield { type: "done", response };
  }
}
