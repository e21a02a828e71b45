import { describe, expect, it } from "vitest";
import { fallbackPlan, safeParsePlan } from "../../src/agents/index.js";

const question = "On a laptop that is off at night, cron.daily jobs never run. What should I install, and will cron keep running those directories itself?";

describe("planner", () => {
  it("falls back to rules on garbage model output", () => {
    for (const garbage of ["", "not json", '{"queries": "x"}', '{"queries": []}', '{"queries": ["banana bread recipe"]}', '{"queries": ["ok", 3]}', '{"queries": ["anacron']) {
      expect(safeParsePlan(garbage, question, 3).success).toBe(false);
    }
  });

  it("keeps the whole question as step 1 and splits conjoined questions with their context", () => {
    const plan = fallbackPlan(question, 3);
    expect(plan.source).toBe("fallback");
    expect(plan.kind).toBe("decomposed");
    expect(plan.steps[0]!.query).toBe(question);
    expect(plan.steps.map((s) => s.query).slice(1)).toEqual([
      "On a laptop that is off at night, cron.daily jobs never run. What should I install",
      "On a laptop that is off at night, cron.daily jobs never run. will cron keep running those directories itself?",
    ]);
  });

  it("keeps what each sub-question asks without the repeated context as its focus", () => {
    expect(fallbackPlan(question, 3).steps.slice(1).map((s) => s.focus)).toEqual(["What should I install", "will cron keep running those directories itself?"]);
    expect(fallbackPlan("What is X? And how is Y configured?", 3).steps.map((s) => s.focus)).toEqual([undefined, undefined, undefined]);
  });

  it("gives an ask that names nothing no focus of its own, so the scene it refers to is searched", () => {
    const steps = fallbackPlan("I locked the account with passwd -l, but they log in with SSH keys. Is that enough, and what else should I do?", 3).steps;
    expect(steps.map((s) => s.query.endsWith("what else should I do?") || s.query.endsWith("Is that enough"))).toEqual([true, true, true]);
    expect(steps.map((s) => s.focus)).toEqual([undefined, "Is that enough", undefined]);
  });

  it("leaves a simple question as a single step and respects maxSteps", () => {
    expect(fallbackPlan("Which port does munin-node listen on?", 3)).toMatchObject({ kind: "single", steps: [{ id: 1 }] });
    expect(fallbackPlan("What is X? And how is Y configured? Where is Z stored?", 2).steps).toHaveLength(2);
  });

  it("accepts a usable model plan and always runs the original question first", () => {
    const parsed = safeParsePlan('{"queries": ["install anacron for laptops", "cron.daily directories after anacron"]}', question, 3);
    expect(parsed.success).toBe(true);
    if (parsed.success) {
      expect(parsed.value.source).toBe("model");
      expect(parsed.value.steps.map((s) => s.query)).toEqual([question, "install anacron for laptops", "cron.daily directories after anacron"]);
    }
  });
});
