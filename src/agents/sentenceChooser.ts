import type { GenerationUsage, TextGenerator } from "../inference/types.js";
import type { SafeResult } from "../errors/index.js";
import type { ScoredCandidate } from "./evidenceScorer.js";

export interface ModelChoice {
  answerable: boolean;
  /** Chosen candidates, as their `id`s. */
  ids: number[];
}

export interface ChooseResult {
  choice?: ModelChoice;
  usage?: GenerationUsage;
  error?: string;
  promptTokens: number;
}

export interface ChooseOptions {
  /** Prompt budget in tokens (~0.35 s per 100 tokens on a 2-core CPU). Defaults to 300. */
  maxPromptTokens?: number;
  /** Candidates shown. Defaults to 6. */
  maxCandidates?: number;
  /** Most sentences the model may pick. Defaults to 3. */
  maxChoose?: number;
  signal?: AbortSignal;
}

const SYSTEM = "You pick the numbered sentences that answer the question. If none answers it, answerable is false. Reply in JSON.";

/** Parses the model's choice; ids outside the shown list are dropped, nothing usable is an error value. */
export function safeParseChoice(text: string, shown: number): SafeResult<ModelChoice> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { success: false, error: "choice is not valid JSON" };
  }
  const value = parsed as { answerable?: unknown; sentences?: unknown };
  if (typeof value?.answerable !== "boolean" || !Array.isArray(value.sentences)) return { success: false, error: "choice lacks answerable/sentences" };
  const ids = [...new Set(value.sentences.filter((n): n is number => Number.isInteger(n) && n >= 1 && n <= shown))];
  if (value.answerable && ids.length === 0) return { success: false, error: "answerable without sentences" };
  return { success: true, value: { answerable: value.answerable, ids } };
}

/**
 * Lets the generator choose among the best-scored sentences with JSON-schema constrained output.
 * The prompt is cut to a token budget (sentences clipped, the weakest dropped first) because prompt
 * processing dominates latency on a CPU; a bigger model improves the choice with no code change.
 */
export async function chooseWithModel(generator: TextGenerator, question: string, ranked: readonly ScoredCandidate[], options: ChooseOptions = {}): Promise<ChooseResult> {
  const budget = options.maxPromptTokens ?? 300;
  const maxChoose = options.maxChoose ?? 3;
  const shown = ranked.slice(0, options.maxCandidates ?? 6);
  const clip = (s: string) => (s.length > 220 ? `${s.slice(0, 217)}...` : s);
  let lines = shown.map((c, i) => `[${i + 1}] ${clip(c.text)}`);
  const user = () => `Question: ${question}\n\nSentences:\n${lines.join("\n")}`;
  let promptTokens = generator.countTokens(SYSTEM) + generator.countTokens(user()) + 12;
  while (promptTokens > budget && lines.length > 2) {
    lines = lines.slice(0, -1);
    promptTokens = generator.countTokens(SYSTEM) + generator.countTokens(user()) + 12;
  }
  const n = lines.length;
  const schema = {
    type: "object",
    properties: {
      answerable: { type: "boolean" },
      sentences: { type: "array", items: { enum: Array.from({ length: n }, (_, i) => i + 1) }, maxItems: maxChoose },
    },
    required: ["answerable", "sentences"],
    additionalProperties: false,
  };
  const result = await generator.complete({
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: user() },
    ],
    maxTokens: 40,
    temperature: 0,
    jsonSchema: schema,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const parsed = safeParseChoice(result.text, n);
  if (!parsed.success) return { usage: result.usage, error: parsed.error, promptTokens };
  return { choice: { answerable: parsed.value.answerable, ids: parsed.value.ids.map((i) => shown[i - 1]!.id) }, usage: result.usage, promptTokens };
}
