import type { ChatMessage, GenerationUsage, TextGenerator } from "../inference/types.js";
import type { SafeResult } from "../errors/index.js";
import { contentStems, splitSentences } from "../verification/index.js";
import type { Plan, PlanStep } from "./types.js";

const PLAN_SCHEMA = {
  type: "object",
  properties: { queries: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 } },
  required: ["queries"],
  additionalProperties: false,
} as const;

// Clause starts that open a second question inside one sentence ("…, and will cron keep …").
const SECOND_QUESTION = /,?\s+(?:and|or|but|then|also)\s+(?=(?:what|which|where|when|how|why|who|is|are|does|do|did|will|would|should|can|could|must)\b)/i;

/**
 * The deterministic plan: the whole question is always step 1 (it carries all the context); each
 * further question sentence, and each "…, and what/how/does …" clause, becomes a sub-question,
 * prefixed with the question's non-question context sentences so it still stands on its own.
 */
export function fallbackPlan(question: string, maxSteps: number): Plan {
  const q = question.trim();
  const sentences = splitSentences(q).map((s) => s.text);
  const context = sentences.filter((s) => !s.endsWith("?")).join(" ");
  const asks = sentences.filter((s) => s.endsWith("?"));
  const parts = asks.flatMap((s) => s.split(SECOND_QUESTION).map((p) => p.trim()).filter((p) => p.split(/\s+/).length >= 3));
  const steps: PlanStep[] = [{ id: 1, query: q }];
  if (parts.length > 1) {
    for (const part of parts) {
      if (steps.length >= maxSteps) break;
      const prefixed = context.length > 0 && !part.includes(context);
      // An ask that names nothing ("what else should I do?") is no focus of its own: scored on its words
      // alone, it picks sentences at random.
      const focused = prefixed && contentStems(part).length > 0;
      steps.push({ id: steps.length + 1, query: prefixed ? `${context} ${part}` : part, reason: "sub-question", ...(focused ? { focus: part } : {}) });
    }
  }
  return { kind: steps.length > 1 ? "decomposed" : "single", steps, source: "fallback" };
}

/** Parses the model's plan; unusable output (bad JSON, empty or off-topic queries) is an error value. */
export function safeParsePlan(text: string, question: string, maxSteps: number): SafeResult<Plan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { success: false, error: "plan is not valid JSON" };
  }
  const queries = (parsed as { queries?: unknown })?.queries;
  if (!Array.isArray(queries) || queries.length === 0) return { success: false, error: "plan has no queries" };
  const questionStems = new Set(contentStems(question));
  const usable = queries
    .filter((q): q is string => typeof q === "string")
    .map((q) => q.trim())
    .filter((q) => q.length >= 8 && q.length <= 300 && contentStems(q).some((s) => questionStems.has(s)));
  if (usable.length === 0) return { success: false, error: "plan queries are empty or unrelated to the question" };
  const steps: PlanStep[] = [{ id: 1, query: question.trim() }];
  for (const query of new Set(usable)) {
    if (steps.length >= maxSteps) break;
    if (query.toLowerCase() === question.trim().toLowerCase()) continue;
    steps.push({ id: steps.length + 1, query, reason: "sub-question" });
  }
  return { success: true, value: { kind: steps.length > 1 ? "decomposed" : "single", steps, source: "model" } };
}

export interface PlanResult {
  plan: Plan;
  usage?: GenerationUsage;
  error?: string;
}

/**
 * Asks the model for at most three standalone search queries (JSON-schema constrained, short
 * prompt: every 100 prompt tokens cost ~0.35 s on a small CPU). The original question is always
 * step 1; when the model's output is unusable the deterministic plan is used instead.
 */
export async function planWithModel(generator: TextGenerator, question: string, maxSteps: number, signal?: AbortSignal): Promise<PlanResult> {
  const messages: ChatMessage[] = [
    { role: "system", content: "Split the user's question into 1 to 3 short standalone search queries, one per thing asked. Reply in JSON." },
    { role: "user", content: question },
  ];
  const result = await generator.complete({ messages, maxTokens: 96, temperature: 0, jsonSchema: PLAN_SCHEMA as unknown as Record<string, unknown>, ...(signal ? { signal } : {}) });
  const parsed = safeParsePlan(result.text, question, maxSteps);
  if (parsed.success) return { plan: parsed.value, usage: result.usage };
  return { plan: fallbackPlan(question, maxSteps), usage: result.usage, error: parsed.error };
}
