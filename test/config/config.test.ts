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

  it("refuses a switch that is neither on nor off, an overlap as long as a chunk and a collection name the API would refuse", () => {
    expect(() => loadConfig({}, { LORE_AUTO_PULL: "maybe" })).toThrow(/LORE_AUTO_PULL \(autoPull\): expected one of true, false/);
    expect(loadConfig({}, { LORE_AUTO_PULL: "off" }).autoPull).toBe(false);
    expect(loadConfig({}, { LORE_AUTO_PULL: "Yes" }).autoPull).toBe(true);
    expect(() => loadConfig({}, { LORE_CHUNK_OVERLAP: "5000" })).toThrow(/LORE_CHUNK_OVERLAP \(chunkOverlap\): must be smaller than the chunk size \(800, LORE_CHUNK_SIZE\)/);
    // The default overlap under the smallest chunk size is the chunker's to clamp, not an error.
    expect(loadConfig({}, { LORE_CHUNK_SIZE: "100" }).chunkSize).toBe(100);
    expect(() => loadConfig({}, { LORE_DEFAULT_COLLECTION: "bad name" })).toThrow(/LORE_DEFAULT_COLLECTION \(defaultCollection\): collection names use/);
    try {
      loadConfig({}, { LORE_PLANNER: "sometimes" });
    } catch (error) {
      expect((error as { code?: string }).code).toBe("CONFIG_INVALID");
    }
    expect.assertions(7);
  });
});
