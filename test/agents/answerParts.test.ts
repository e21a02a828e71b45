import { describe, expect, it } from "vitest";
import { sentenceHeadingPath } from "../../src/agents/answerParts.js";
import { buildCandidates } from "../../src/agents/evidenceCandidates.js";
import type { SearchHit } from "../../src/retrieval/types.js";

function hit(text: string, headingPath: string[]): SearchHit {
  return { chunkId: "g.md#0", documentId: "g.md", collection: "test", source: "g.md", title: undefined, headingPath, text, start: 100, end: 100 + text.length, score: { fused: 1 } };
}

describe("sentenceHeadingPath", () => {
  it("cites a sentence of merged tiny sections under the heading it stands after, at that heading's level", () => {
    const text = "This guide covers setup.\n\n## ERROR_CODE_ONE\n\nThis error means the disk is full.\n\n### Cleaning `up`\n\nDelete old logs.";
    const path = (sentence: string) => sentenceHeadingPath(buildCandidates([{ stepId: 1, hits: [hit(text, ["Guide"])] }]).find((c) => c.text === sentence)!);
    expect(path("This guide covers setup.")).toEqual(["Guide"]);
    expect(path("This error means the disk is full.")).toEqual(["Guide", "ERROR_CODE_ONE"]);
    expect(path("Delete old logs.")).toEqual(["Guide", "Cleaning up"]);
  });

  it("keeps the chunk's path when the heading is already in it, or when the passage has no heading line", () => {
    const candidates = buildCandidates([{ stepId: 1, hits: [hit("## Backup\n\nCopy the file.", ["Ops", "Backup"]), hit("# journalctl -u lore\n\nRead the log.", ["Ops"])] }]);
    expect(sentenceHeadingPath(candidates.find((c) => c.text === "Copy the file.")!)).toEqual(["Ops", "Backup"]);
    expect(sentenceHeadingPath(candidates.find((c) => c.text === "Read the log.")!)).toEqual(["Ops"]);
  });
});
