import type { ChatMessage, GenerationUsage, TextGenerator } from "../inference/types.js";
import { endsWithAbbreviation, keyTokens, scoreSupport, type SupportScore } from "../verification/index.js";
import type { ScoredCandidate } from "./evidenceScorer.js";

/** One numbered piece of evidence shown to the model. */
export interface DraftEvidence {
  /** The number the model cites as [n]. */
  n: number;
  candidate: ScoredCandidate;
}

/** A sentence the model wrote, with its [n] markers resolved and its support checked. */
export interface DraftSentence {
  /** The sentence without citation markers. */
  text: string;
  /** The evidence it cites (or, when it cited nothing valid, the one evidence that supports it best). */
  cited: DraftEvidence[];
  /** The model cited nothing usable: the citation was inferred by the verifier. */
  citationInferred: boolean;
  support: SupportScore;
  /** The yes/no judge's verdict, when a judge ran (only on sentences the scores support). */
  judged?: boolean | undefined;
}

export interface CitedDraftOptions {
  /** Prompt budget in tokens: prompt processing dominates latency on a CPU (~0.35 s per 100 tokens with 135M). Defaults to 700. */
  maxPromptTokens?: number;
  /** Evidence sentences shown. Defaults to 8. */
  maxEvidence?: number;
  /** Completion budget. Defaults to 180 tokens. */
  maxTokens?: number;
  /** Support a sentence needs. Defaults to 0.6 (cited) and 0.75 (uncited: the claim must stand on its own). */
  threshold?: number;
  uncitedThreshold?: number;
  /** Embeds a written sentence (normalised), for the paraphrase signal of verification. */
  embed?: (text: string) => Promise<Float32Array | undefined>;
  /**
   * A second opinion on sentences the scores support (e.g. the chat model's constrained yes/no):
   * `false` vetoes, `undefined` (no verdict) leaves the scores' decision.
   */
  judge?: (claim: string, evidence: string[]) => Promise<boolean | undefined>;
  signal?: AbortSignal;
}

/** What the model says when the evidence does not answer the question. */
export const NOT_FOUND = "NOT FOUND";

const SYSTEM =
  "Answer the question using only the numbered evidence. Write one to four short sentences. " +
  "End every sentence with the number of the evidence it comes from, like [2]. " +
  "Copy commands, file names, options and numbers exactly as the evidence writes them. " +
  `If the evidence does not answer the question, reply only: ${NOT_FOUND}`;

/**
 * Picks the evidence to show, best first, within a token budget: the weakest sentences are dropped
 * first, and long ones clipped, because every prompt token costs time before the first word.
 */
export function selectDraftEvidence(
  ranked: readonly ScoredCandidate[],
  question: string,
  generator: Pick<TextGenerator, "countTokens">,
  options: Pick<CitedDraftOptions, "maxPromptTokens" | "maxEvidence"> = {},
): { evidence: DraftEvidence[]; messages: ChatMessage[]; promptTokens: number } {
  const budget = options.maxPromptTokens ?? 700;
  let shown = ranked.slice(0, options.maxEvidence ?? 8);
  const build = (items: readonly ScoredCandidate[]) => {
    const evidence = items.map((candidate, i) => ({ n: i + 1, candidate }));
    const lines = evidence.map(({ n, candidate }) => {
      // Headings are left out: small models copy them back as answer "sentences".
      const text = candidate.text.length > 400 ? `${candidate.text.slice(0, 397)}...` : candidate.text;
      return `[${n}] ${text}`;
    });
    const messages: ChatMessage[] = [
      { role: "system", content: SYSTEM },
      { role: "user", content: `Evidence:\n${lines.join("\n")}\n\nQuestion: ${question}` },
    ];
    const promptTokens = messages.reduce((s, m) => s + generator.countTokens(m.content) + 4, 0);
    return { evidence, messages, promptTokens };
  };
  let built = build(shown);
  while (built.promptTokens > budget && shown.length > 1) {
    shown = shown.slice(0, -1);
    built = build(shown);
  }
  return built;
}

const CITATION = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;

/**
 * Cuts streamed text into sentences as soon as they are complete. A sentence is complete at
 * `.`/`!`/`?` or a line break once the next non-space character is known and is not a citation
 * bracket (citations may follow the period: "… to 5. [2] Next …").
 */
export class StreamingSentenceCutter {
  private buffer = "";

  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    for (;;) {
      const cut = this.findBoundary();
      if (cut === undefined) break;
      const sentence = this.buffer.slice(0, cut).trim();
      this.buffer = this.buffer.slice(cut);
      if (sentence.length > 0) out.push(sentence);
    }
    return out;
  }

  /** The rest of the text once the stream has ended. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = "";
    return rest.length > 0 ? [rest] : [];
  }

  private findBoundary(): number | undefined {
    const text = this.buffer;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "\n") {
        if (text.slice(0, i).trim().length > 0) return i + 1;
        continue;
      }
      if (ch !== "." && ch !== "!" && ch !== "?") continue;
      let end = i + 1;
      // Citation markers right after the punctuation belong to this sentence.
      for (;;) {
        const m = /^\s*\[\d+(?:\s*[,;]\s*\d+)*\]/.exec(text.slice(end));
        if (!m) break;
        end += m[0].length;
      }
      const rest = text.slice(end);
      const next = /^\s+(\S)/.exec(rest);
      if (!next) {
        if (rest.length > 0 && !/^\s/.test(rest)) continue; // "cron.allow", "1.5"
        return undefined; // wait: the next token may be a citation or the end
      }
      if (next[1] === "[") {
        if (/^\s+\[\d*(?:\s*[,;]\s*\d*)*$/.test(rest)) return undefined; // a citation still being written
        if (!/^\s+\[\d/.test(rest)) return end;
        continue;
      }
      // A citation after the period ("500 ms. [1]") always ends the sentence, whatever the word before it.
      if (ch === "." && end === i + 1 && endsWithAbbreviation(text, i)) continue;
      if (/^\p{Ll}$/u.test(next[1]!)) continue; // a lowercase continuation: a command or an abbreviation
      return end;
    }
    return undefined;
  }
}

/** Splits a written sentence into its text (markers removed) and the evidence numbers it cites. */
export function parseCitations(raw: string): { text: string; cited: number[] } {
  const cited: number[] = [];
  for (const m of raw.matchAll(CITATION)) for (const n of m[1]!.split(/[,;]/)) cited.push(Number(n.trim()));
  const text = raw
    .replace(CITATION, "")
    .replace(/\s+([.,;:!?])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return { text, cited: [...new Set(cited)] };
}

/** Checks one written sentence against the evidence it cites; sentences citing nothing valid must stand on the best single piece. */
export async function verifyDraftSentence(
  raw: string,
  evidence: readonly DraftEvidence[],
  options: Pick<CitedDraftOptions, "threshold" | "uncitedThreshold" | "embed" | "judge"> = {},
): Promise<DraftSentence | undefined> {
  const sentence = await scoreDraftSentence(raw, evidence, options);
  if (!sentence || !options.judge || !sentence.support.supported) return sentence;
  const judged = await options.judge(sentence.text, sentence.cited.map((e) => e.candidate.text));
  return judged === false ? { ...sentence, judged, support: { ...sentence.support, supported: false } } : { ...sentence, judged };
}

async function scoreDraftSentence(
  raw: string,
  evidence: readonly DraftEvidence[],
  options: Pick<CitedDraftOptions, "threshold" | "uncitedThreshold" | "embed">,
): Promise<DraftSentence | undefined> {
  const { text, cited } = parseCitations(raw);
  if (text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length < 3) return undefined;
  // Echoed prompt scaffolding and bracketed labels are not statements.
  if (/^(?:question|evidence|answer)\s*:/i.test(text) || /^\(.*\)\.?$/.test(text)) return undefined;
  // A line cut off mid-thought ("To use the nft commands, you need to") claims nothing checkable;
  // a line without final punctuation is kept only when it carries a command, path or number.
  if (!/[.!?:;)"'`”’]$/.test(text) && keyTokens(text).length === 0) return undefined;
  const claimVector = options.embed ? await options.embed(text) : undefined;
  const score = (items: readonly DraftEvidence[], threshold: number) =>
    scoreSupport(
      {
        claim: text,
        ...(claimVector ? { claimVector } : {}),
        evidence: items.map((e) => ({ text: e.candidate.text, ...(e.candidate.vector ? { vector: e.candidate.vector } : {}) })),
      },
      { threshold },
    );
  const valid = cited.map((n) => evidence.find((e) => e.n === n)).filter((e): e is DraftEvidence => e !== undefined);
  if (valid.length > 0) return { text, cited: valid, citationInferred: false, support: score(valid, options.threshold ?? 0.6) };
  let best: DraftSentence | undefined;
  for (const e of evidence) {
    const support = score([e], options.uncitedThreshold ?? 0.75);
    if (!best || support.support > best.support.support) best = { text, cited: [e], citationInferred: true, support };
  }
  return best;
}

/**
 * Holds a sentence that only announces what follows ("Add these lines to squid.conf:") until the
 * next sentence is kept; alone it says nothing, so it is dropped with a dropped successor.
 */
export class LeadInGate {
  private held: DraftSentence | undefined;

  /** The sentences to emit now, in order, given whether `sentence` itself is kept. */
  admit(sentence: DraftSentence, kept: boolean): DraftSentence[] {
    if (!kept) {
      this.held = undefined;
      return [];
    }
    if (sentence.text.endsWith(":")) {
      this.held = sentence;
      return [];
    }
    const out = this.held ? [this.held, sentence] : [sentence];
    this.held = undefined;
    return out;
  }
}

export interface DraftOutcome {
  /** The model said the evidence does not answer the question. */
  notFound: boolean;
  usage: GenerationUsage | undefined;
  finishReason: string | undefined;
}

/**
 * Has the model write a cited answer over numbered evidence and yields each sentence, verified, as
 * soon as it is complete, so the first verified sentence streams while the model writes the rest.
 * Whether an unsupported sentence is dropped is the caller's decision.
 */
export async function* draftCitedAnswer(
  generator: TextGenerator,
  messages: ChatMessage[],
  evidence: readonly DraftEvidence[],
  options: CitedDraftOptions = {},
): AsyncGenerator<DraftSentence, DraftOutcome> {
  // Our own controller: a stream that is no longer read must still free its sequence.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) stop.abort(options.signal.reason);
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const stream = generator.generate({ messages, maxTokens: options.maxTokens ?? 180, temperature: 0, signal: stop.signal });
  const cutter = new StreamingSentenceCutter();
  let written = "";
  const seen = new Set<string>();
  const verifyAll = async function* (raws: string[]): AsyncGenerator<DraftSentence> {
    for (const raw of raws) {
      const sentence = await verifyDraftSentence(raw, evidence, options);
      const key = sentence?.text.toLowerCase();
      // Small models repeat themselves; a repeated sentence adds nothing.
      if (!sentence || seen.has(key!)) continue;
      seen.add(key!);
      yield sentence;
    }
  };
  try {
    for await (const piece of stream) {
      written += piece;
      if (written.trim().toUpperCase().startsWith(NOT_FOUND)) break;
      yield* verifyAll(cutter.push(piece));
    }
    const notFound = written.trim().toUpperCase().startsWith(NOT_FOUND);
    if (notFound) stop.abort(new Error("not found"));
    else yield* verifyAll(cutter.flush());
    const result = await stream.result.catch(() => undefined);
    return { notFound, usage: result?.usage, finishReason: result?.finishReason };
  } finally {
    if (!stop.signal.aborted) stop.abort(new Error("draft no longer read"));
    options.signal?.removeEventListener("abort", onAbort);
  }
}
