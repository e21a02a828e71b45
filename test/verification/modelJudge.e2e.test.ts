import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGenerationEngine, type TextGenerator } from "../../src/inference/index.js";
import { judgeSupport, parseVerdict } from "../../src/verification/modelJudge.js";

const MIRROR = fileURLToPath(new URL("../../../shared/models", import.meta.url));

const EVIDENCE = [
  "The frobnicator daemon listens on TCP port 7431 by default.",
  "Readings are kept for 14 days in /var/lib/frobnicator. Older readings are compressed into monthly archives.",
];

// What the judge guarantees whatever the model's quality: a yes/no or undefined, a prompt within
// its budget, a released sequence when aborted. Its accuracy is measured by bench verify-signals.
describe("judgeSupport with SmolLM2-135M", () => {
  let generator: TextGenerator;

  beforeAll(async () => {
    // One sequence: a request that did not free it would make the next one wait forever.
    generator = await loadGenerationEngine({ modelPath: join(MIRROR, "SmolLM2-135M-Instruct.Q4_1.gguf"), threads: 1, sequences: 1 });
  });

  afterAll(async () => {
    await generator?.dispose();
  });

  it("returns a yes/no verdict from constrained output, with the prompt it estimated", async () => {
    const result = await judgeSupport(generator, "The daemon listens on port 7431.", EVIDENCE);
    expect(typeof result.supported).toBe("boolean");
    expect(result.usage.promptTokens).toBe(result.promptTokens);
    expect(result.usage.promptTokens).toBeLessThanOrEqual(256);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeLessThanOrEqual(8);
  });

  it("cuts the evidence so that the whole prompt fits the token budget", async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence ${i + 1} says that the daemon reads its configuration from a file at startup.`);
    const unclipped = generator.countTokens(long.join("\n"));
    expect(unclipped).toBeGreaterThan(500);
    for (const budget of [120, 200]) {
      const result = await judgeSupport(generator, "The daemon reads its configuration at startup.", long, { maxPromptTokens: budget });
      expect(result.usage.promptTokens).toBeLessThanOrEqual(budget);
      // Cut at a word, not dropped: the budget is used.
      expect(result.usage.promptTokens).toBeGreaterThan(budget - 20);
      expect(typeof result.supported).toBe("boolean");
    }
  });

  it("shows a claim longer than the budget with no evidence rather than failing", async () => {
    const claim = Array.from({ length: 12 }, () => "The daemon listens on port 7431.").join(" ");
    const result = await judgeSupport(generator, claim, EVIDENCE, { maxPromptTokens: 40 });
    expect(result.usage.promptTokens).toBe(result.promptTokens);
    expect(result.promptTokens).toBeGreaterThan(40);
  });

  it("gives no verdict when aborted and frees the sequence for the next claim", async () => {
    const controller = new AbortController();
    const pending = judgeSupport(generator, "Readings are kept for 14 days.", EVIDENCE, { signal: controller.signal });
    controller.abort();
    const aborted = await pending;
    expect(aborted.supported).toBeUndefined();
    const already = await judgeSupport(generator, "Readings are kept for 14 days.", EVIDENCE, { signal: controller.signal });
    expect(already.supported).toBeUndefined();
    const next = await judgeSupport(generator, "Readings are kept for 14 days.", EVIDENCE);
    expect(typeof next.supported).toBe("boolean");
    expect(generator.metrics().activeSequences).toBe(0);
  });
});

describe("parseVerdict", () => {
  it("reads the constrained JSON string and nothing else", () => {
    expect(parseVerdict('"yes"\n\n')).toBe(true);
    expect(parseVerdict('"no"')).toBe(false);
    expect(parseVerdict('"ye')).toBeUndefined();
    expect(parseVerdict('{"supported":"yes"}')).toBeUndefined();
  });
});
