import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sentenceChooserFor } from "../../src/runtime/openLore.js";

describe("sentenceChooserFor", () => {
  const dir = mkdtempSync(join(tmpdir(), "lore-chooser-"));
  const small = join(dir, "small.gguf");
  const big = join(dir, "big.gguf");
  writeFileSync(small, "x");
  writeFileSync(big, "");
  truncateSync(big, 2_000_000_000); // sparse file: no disk used

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
