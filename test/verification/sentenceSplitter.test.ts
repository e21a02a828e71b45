import { describe, expect, it } from "vitest";
import { splitSentences } from "../../src/verification/index.js";

describe("splitSentences", () => {
  it("keeps abbreviations, paths, options and versions inside one sentence", () => {
    const text =
      "Use a tool, e.g. the edquota -t command, to set the grace period. Write rules to /etc/nftables.conf and run nft -f. Version 1.2.3 is current, i.e. the latest!";
    const sentences = splitSentences(text).map((s) => s.text);
    expect(sentences).toEqual([
      "Use a tool, e.g. the edquota -t command, to set the grace period.",
      "Write rules to /etc/nftables.conf and run nft -f.",
      "Version 1.2.3 is current, i.e. the latest!",
    ]);
  });

  it("does not split before a lowercase command after a period", () => {
    const text = "The selector is auth.=notice. cron.allow lists the users. Then restart.";
    expect(splitSentences(text).map((s) => s.text)).toEqual(["The selector is auth.=notice. cron.allow lists the users.", "Then restart."]);
  });

  it("ends sentences at block breaks and headings", () => {
    const text = "Scheduling\nThe cron daemon runs jobs:\n- hourly jobs\n- daily jobs\n\nAnother paragraph here.";
    expect(splitSentences(text).map((s) => s.text)).toEqual(["Scheduling", "The cron daemon runs jobs:", "- hourly jobs", "- daily jobs", "Another paragraph here."]);
  });

  it("ends a sentence before one that opens with inline code", () => {
    const text = "`npx lore models list` shows each model file. `npx lore models pull` downloads the missing ones.";
    expect(splitSentences(text).map((s) => s.text)).toEqual(["`npx lore models list` shows each model file.", "`npx lore models pull` downloads the missing ones."]);
  });

  it("keeps a quoted question inside its sentence, and still ends a sentence after a closing quote", () => {
    const text = 'In "Our probes cannot reach the daemon. Which port does it listen on?", Kubernetes is your setting. He said “Stop. Go.” Then he left.';
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      'In "Our probes cannot reach the daemon. Which port does it listen on?", Kubernetes is your setting.',
      "He said “Stop. Go.”",
      "Then he left.",
    ]);
    // An inch mark or a stray quote that never closes does not join the sentences after it.
    expect(splitSentences('The screen is 24" wide. It weighs little.').map((s) => s.text)).toEqual(['The screen is 24" wide.', "It weighs little."]);
    expect(splitSentences('The screen is 15" wide. The other is 17" wide. Both fit.')).toHaveLength(3);
    expect(splitSentences('Use a 3.5" drive. Set "mode" to "fast". Then restart.').map((s) => s.text)).toEqual(['Use a 3.5" drive.', 'Set "mode" to "fast".', "Then restart."]);
    // A quotation that closes after a digit (a port) is closed.
    expect(splitSentences('Add a line like Acquire::http::proxy "http://proxy:3128". The former must then be configured.')).toHaveLength(2);
  });

  it("reports exact offsets shifted by the base offset", () => {
    const text = "  First one here.   Second (with a quote) \"ends\". Third?";
    for (const s of splitSentences(text, 100)) expect(text.slice(s.start - 100, s.end - 100)).toBe(s.text);
    expect(splitSentences(text, 100)).toHaveLength(3);
  });
});
