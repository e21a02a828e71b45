import type { GenerationUsage, TextGenerator } from "../inference/types.js";

export interface JudgeOptions {
  signal?: AbortSignal;
  /**
   * Prompt budget in tokens, chat template included (~0.35 s per 100 tokens with the 135M model on
   * a 2-core CPU). Evidence is cut to fit; the claim is always shown whole. Defaults to 256.
   */
  maxPromptTokens?: number;
}

export interface JudgeResult {
  /** The model's yes/no; undefined when it gave no usable answer (aborted, cut off, unparsable). */
  supported: boolean | undefined;
  usage: GenerationUsage;
  /** Prompt tokens as estimated before the call (the budget is checked against this). */
  promptTokens: number;
}

const SYSTEM = "Reply yes only if the evidence states the claim, with the same numbers, names and commands. Otherwise reply no.";

// Tokens the chat template wraps around a system and a user message (ChatML: role markers, newlines,
// the assistant header), counted on SmolLM2; other templates are of the same order.
const TEMPLATE_TOKENS = 15;

// A bare string enum, not an object: the grammar lets the model pad an object with whitespace tokens,
// and each completion token costs as much as a few prompt tokens.
const JUDGE_SCHEMA = { enum: ["yes", "no"] };

function userMessage(claim: string, evidence: readonly string[]): string {
  return `Evidence:\n${evidence.join("\n")}\n\nClaim: ${claim}\n\nDoes the evidence support the claim?`;
}

/** The longest word-prefix of `text` with at most `tokens` tokens (binary search on word count). */
function clipToTokens(generator: TextGenerator, text: string, tokens: number): string {
  if (generator.countTokens(text) <= tokens) return text;
  const words = text.split(/\s+/);
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (generator.countTokens(`${words.slice(0, mid).join(" ")} ...`) <= tokens) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? "" : `${words.slice(0, lo).join(" ")} ...`;
}

/**
 * Fits the evidence into what the budget leaves after the instructions and the claim: earlier
 * evidence first (callers order it best first), the last one that fits only in part cut at a word.
 */
function fitEvidence(generator: TextGenerator, claim: string, evidence: readonly string[], budget: number): { shown: string[]; promptTokens: number } {
  const count = (shown: readonly string[]) => generator.countTokens(SYSTEM) + generator.countTokens(userMessage(claim, shown)) + TEMPLATE_TOKENS;
  const shown: string[] = [];
  for (const raw of evidence) {
    const text = raw.trim();
    let room = budget - count([...shown, ""]);
    let clipped = clipToTokens(generator, text, room);
    // Tokens of a part and of the joined prompt can differ by one or two at the seams.
    while (clipped.length > 0 && count([...shown, clipped]) > budget) {
      room -= count([...shown, clipped]) - budget;
      clipped = clipToTokens(generator, text, room);
    }
    if (clipped.length === 0) break;
    shown.push(clipped);
    if (clipped !== text) break;
  }
  return { shown, promptTokens: count(shown) };
}

/**
 * Asks the generator whether the evidence supports a claim, as a constrained yes/no (llama.cpp JSON
 * grammar), greedy. The prompt is kept short because prompt processing dominates its latency on a
 * CPU. A signal that lexical and embedding scores lack (negation, who does what to whom), as good as
 * the model behind it: measure it (`npm run bench -- verify-signals`) before trusting a small model.
 */
export async function judgeSupport(generator: TextGenerator, claim: string, evidence: readonly string[], options: JudgeOptions = {}): Promise<JudgeResult> {
  const budget = options.maxPromptTokens ?? 256;
  const { shown, promptTokens } = fitEvidence(generator, claim, evidence, budget);
  const result = await generator.complete({
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: userMessage(claim, shown) },
    ],
    maxTokens: 8,
    temperature: 0,
    jsonSchema: JUDGE_SCHEMA,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { supported: result.finishReason === "abort" ? undefined : parseVerdict(result.text), usage: result.usage, promptTokens };
}

/** `"yes"` → true, `"no"` → false, anything else (not JSON, cut off) → undefined. */
export function parseVerdict(text: string): boolean | undefined {
  try {
    const value: unknown = JSON.parse(text.trim());
    return value === "yes" ? true : value === "no" ? false : undefined;
  } catch {
    return undefined;
  }
}
