import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";

describe("loadConfig", () => {
  it("reads the answering settings from the environment", () => {
    const config = loadConfig({}, { LORE_PLANNER: "rules", LORE_ABSTAIN_MIN_SIMILARITY: "0.45", LORE_CHOOSER: "scores" });
    expect(config.planner).toBe("rules");
    expect(config.abstainMinSimilarity).toBe(0.45);
    expect(config.chooser).toBe("scores");
  });

  it("defaults to auto planning and the 0.3 similarity floor", () => {
    const config = loadConfig({}, {});
    expect(config.planner).toBe("auto");
    expect(config.abstainMinSimilarity).toBe(0.3);
  });

  it("names the setting and the problem when a value is invalid", () => {
    expect(() => loadConfig({}, { LORE_ABSTAIN_MIN_SIMILARITY: "2" })).toThrow(/LORE_ABSTAIN_MIN_SIMILARITY \(abstainMinSimilarity\)/);
    expect(() => loadConfig({}, { LORE_PLANNER: "sometimes" })).toThrow(/planner/);
  });
});
