import { describe, expect, it } from "vitest";
import { groupNearDuplicates } from "../../src/retrieval/nearDuplicates.js";

const passage = "Release trains leave every second Thursday and hotfixes need the on-call release captain's sign-off.";

describe("groupNearDuplicates", () => {
  it("groups copies of one passage under the first copy, including drifted boundaries", () => {
    const texts = [passage, "An unrelated note about backups and retention.", `${passage} Extra trailing words.`, passage];
    expect(groupNearDuplicates(texts)).toEqual([0, 1, 0, 0]);
  });

  it("keeps apart the pairs the caller says may not be grouped", () => {
    // e.g. overlapping context windows of one document, which the retriever merges into one span instead.
    const texts = [passage, passage, `${passage} Extra trailing words.`];
    const groups = groupNearDuplicates(texts, { groupable: (i, j) => !(i === 0 && j === 1) });
    expect(groups[1]).not.toBe(0);
    expect(groups[2]).toBe(0);
  });
});
