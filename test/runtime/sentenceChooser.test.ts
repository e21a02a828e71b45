import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answerModeFor, modelVerdictFor, plannerFor, sentenceChooserFor, verifyJudgeFor } from "../../src/runtime/openLore.js";

const dir = mkdtempSync(join(tmpdir(), "lore-chooser-"));
const small = join(dir, "small.gguf");
const big = join(dir, "big.gguf");
writeFileSync(small, "x");
writeFileSync(big, "");
truncateSync(big, 2_000_000_000); // sparse file: no disk used

describe("sentenceChooserFor", () => {

  it("keeps the tiny default model out of sentence choice on auto", () => {
    expect(sentenceChooserFor("auto", small)).toBe("scores");
  });

  it("lets a bigger GGUF choose evidence sentences on auto", () => {
    expect(sentenceChooserFor("auto", big)).toBe("model");
  });

  it("honours an explicit setting", () => {
    expect(sentenceChooserFor("model", small)).toBe("model");
    expect(sentenceChooserFor("scores", big)).toBe("scores");
  });
});

describe("answerModeFor", () => {

  it("quotes verified evidence with the tiny default model and lets a bigger GGUF write on auto", () => {
    expect(answerModeFor("auto", small)).toBe("extractive");
    expect(answerModeFor("auto", big)).toBe("generative");
    expect(answerModeFor("auto", join(dir, "missing.gguf"))).toBe("extractive");
  });

  it("honours an explicit setting", () => {
    expect(answerModeFor("generative", small)).toBe("generative");
    expect(answerModeFor("extractive", big)).toBe("extractive");
  });
});

describe.each([
  ["verifyJudgeFor", verifyJudgeFor],
  ["modelVerdictFor", modelVerdictFor],
])("%s", (_, settingFor) => {
  it("asks the chat model's yes/no with a bigger GGUF on auto, never with the tiny default, and honours an explicit setting", () => {
    expect(settingFor("auto", small)).toBe("off");
    expect(settingFor("auto", big)).toBe("on");
    expect(settingFor("on", small)).toBe("on");
    expect(settingFor("off", big)).toBe("off");
  });
});

describe("plannerFor", () => {
  it("splits questions by rules with the tiny default model, asks a bigger GGUF on auto, and honours an explicit setting", () => {
    expect(plannerFor("auto", small)).toBe("fallback");
    expect(plannerFor("auto", big)).toBe("model");
    expect(plannerFor("model", small)).toBe("model");
    expect(plannerFor("rules", big)).toBe("fallback");
  });
});
