import { describe, expect, it } from "vitest";
import { contentStems, keyTokens, scoreSupport } from "../../src/verification/index.js";

const evidence = [{ text: "The approx daemon listens on port 9999 by default. Its configuration lives in /etc/approx/approx.conf." }];

describe("scoreSupport", () => {
  it("passes a verbatim evidence sentence", () => {
    const score = scoreSupport({ claim: "The approx daemon listens on port 9999 by default.", evidence });
    expect(score.verbatim).toBe(true);
    expect(score.supported).toBe(true);
    expect(score.support).toBe(1);
  });

  it("fails a claim whose number is absent from the evidence", () => {
    const score = scoreSupport({ claim: "The approx daemon listens on port 3142 by default.", evidence });
    expect(score.missingTokens).toEqual(["3142"]);
    expect(score.supported).toBe(false);
    expect(score.support).toBe(0);
  });

  it("fails a claim with an invented path or option", () => {
    expect(scoreSupport({ claim: "Edit /etc/approx.conf to change the approx port.", evidence }).supported).toBe(false);
    expect(scoreSupport({ claim: "Run approx --port to change the daemon port.", evidence }).supported).toBe(false);
  });

  it("accepts a paraphrase that keeps every identifier and most content words", () => {
    const score = scoreSupport({ claim: "By default the approx daemon listens on port 9999.", evidence });
    expect(score.verbatim).toBe(false);
    expect(score.missingTokens).toEqual([]);
    expect(score.supported).toBe(true);
  });

  it("extracts numbers, paths, options and identifiers as key tokens", () => {
    expect(keyTokens("Run edquota -t, set net.ifnames=0 in /etc/default/grub on port 2049.").sort()).toEqual(
      ["-t", "/etc/default/grub", "2049", "net.ifnames=0"].sort(),
    );
  });

  it("takes an option that starts with a plus for a key token, not a plus sign in prose", () => {
    expect(keyTokens('Use the "+c w" option, or lsof +L1 for unlinked files; C + C is two.').sort()).toEqual(["+c", "+l1"]);
  });

  it("takes scoped names and words set in backticks for key tokens", () => {
    expect(keyTokens('Add a line like Acquire::http::proxy "http://proxy:3128".').sort()).toEqual(["acquire::http::proxy", "http://proxy:3128"]);
    expect(keyTokens("Why does running `host` ignore /etc/hosts?").sort()).toEqual(["/etc/hosts", "host"]);
  });

  it("does not take Latin abbreviations for identifiers, so they never veto a claim", () => {
    expect(keyTokens("Use a cache, e.g. squid, i.e. a proxy.")).toEqual([]);
    expect(scoreSupport({ claim: "Use a caching proxy, e.g. squid.", evidence: [{ text: "Use a caching proxy such as squid." }] }).missingTokens).toEqual([]);
  });

  it("leaves what remains of a contraction out of a text's content words", () => {
    expect(contentStems("Why doesn't sed accept it, and we'll see what they’re doing?")).toEqual(["sed", "accept"]);
  });
});
