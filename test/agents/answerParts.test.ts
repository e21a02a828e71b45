import { describe, expect, it } from "vitest";
import { sentenceHeadingPath } from "../../src/agents/answerParts.js";
import { buildCandidates } from "../../src/agents/evidenceCandidates.js";
import type { SearchHit } from "../../src/retrieval/types.js";

function hit(text: string, headingPath: string[], title?: string): SearchHit {
  return { chunkId: "g.md#0", documentId: "g.md", collection: "test", source: "g.md", title, headingPath, text, start: 100, end: 100 + text.length, score: { fused: 1 } };
}

const pathOf = (h: SearchHit, sentence: string) => sentenceHeadingPath(buildCandidates([{ stepId: 1, hits: [h] }]).find((c) => c.text === sentence)!);

describe("sentenceHeadingPath", () => {
  it("cites a sentence of merged tiny sections under the heading it stands after, nested below the document's title", () => {
    const guide = hit("This guide covers setup.\n\n## ERROR_CODE_ONE\n\nThis error means the disk is full.\n\n### Cleaning `up`\n\nDelete old logs.", ["Guide"], "Guide");
    expect(pathOf(guide, "This guide covers setup.")).toEqual(["Guide"]);
    expect(pathOf(guide, "This error means the disk is full.")).toEqual(["Guide", "ERROR_CODE_ONE"]);
    expect(pathOf(guide, "Delete old logs.")).toEqual(["Guide", "Cleaning up"]);
  });

  it("puts a '##' heading at the top of a document without an H1, keeps a closing '#' that has no space before it", () => {
    // A long "## Install" with a tiny "## Uninstall" merged into it: the chunk carries Install's path.
    const readme = hit("Install it with the installer.\n\n## Uninstall\n\nRun the remover.\n\n## Using C#\n\nCall the API.", ["Install"]);
    expect(pathOf(readme, "Run the remover.")).toEqual(["Uninstall"]);
    expect(pathOf(readme, "Call the API.")).toEqual(["Using C#"]);
  });

  it("ignores '##' lines inside code fences, and keeps the chunk's path when the heading is in it or there is none", () => {
    const build = hit("Build it:\n\n```sh\n## install deps\nnpm ci\n```\n\nAfterwards the binary lands in dist.", ["Doc", "Build"], "Doc");
    expect(pathOf(build, "Afterwards the binary lands in dist.")).toEqual(["Doc", "Build"]);
    expect(pathOf(hit("## Backup\n\nCopy the file.", ["Ops", "Backup"], "Ops"), "Copy the file.")).toEqual(["Ops", "Backup"]);
    expect(pathOf(hit("# journalctl -u lore\n\nRead the log.", ["Ops"], "Ops"), "Read the log.")).toEqual(["Ops"]);
  });
});
