import { describe, expect, it } from "vitest";
import { askCoverage, askedPart, checkCitation, namingPart, decideAbstention, namedTerms, questionCoverage } from "../../src/verification/index.js";

const retrieved = [
  "Quotas limit disk usage. With the edquota -t command, you can define a grace period within which a soft limit may be exceeded.",
  "The cron daemon runs scheduled jobs. Programs in /etc/cron.daily/ run once per day.",
  "Disk space is managed with quotas and LVM volumes.",
];

describe("questionCoverage and decideAbstention", () => {
  it("answers when the selected evidence covers the question's distinguishing terms", () => {
    const coverage = questionCoverage("Which command sets the grace period for a soft quota limit?", [retrieved[0]!], retrieved);
    expect(coverage.coverage).toBeGreaterThan(0.6);
    expect(decideAbstention({ coverage, topSimilarity: 0.6, keptSentences: 1 }).abstain).toBe(false);
  });

  it("abstains when the question names something the retrieved text never mentions", () => {
    const coverage = questionCoverage("What vm.swappiness value does Debian use for disk caching?", [retrieved[2]!], retrieved);
    expect(coverage.missingKeyTokens).toContain("vm.swappiness");
    const decision = decideAbstention({ coverage, topSimilarity: 0.5, keptSentences: 1, unknownTerms: ["swappiness"] });
    expect(decision.abstain).toBe(true);
    expect(decision.reasons.join(" ")).toMatch(/swappiness/);
  });

  it("abstains when two words naming what is asked about occur nowhere in the knowledge base, not one", () => {
    const coverage = questionCoverage("How do I stop the man-db systemd timer?", [retrieved[0]!], retrieved);
    const two = decideAbstention({ coverage, topSimilarity: 0.6, keptSentences: 1, unknownWords: ["systemd", "timer"] });
    expect(two.abstain).toBe(true);
    expect(two.reasons.join(" ")).toMatch(/systemd, timer/);
    expect(decideAbstention({ coverage, topSimilarity: 0.6, keptSentences: 1, unknownWords: ["timer"] }).reasons.join(" ")).not.toMatch(/timer/);
    expect(decideAbstention({ coverage, topSimilarity: 0.6, keptSentences: 1, unknownWords: ["timer"] }, { maxUnknownWords: 1 }).reasons.join(" ")).toMatch(/timer/);
  });

  it("abstains when the evidence chosen mentions none of the known things the question names", () => {
    const question = "How do I limit the disk space systemd-journald may use?";
    const coverage = questionCoverage(question, [retrieved[0]!], retrieved);
    const known = namedTerms(question);
    expect(known).toEqual(expect.arrayContaining(["systemd", "journald"]));
    const offTopic = decideAbstention({ coverage, topSimilarity: 0.5, keptSentences: 1, namedTerms: { known, inEvidence: [] } });
    expect(offTopic.abstain).toBe(true);
    expect(offTopic.reasons.join(" ")).toMatch(/journald/);
    // One of them in the evidence is enough, and a question naming nothing is not judged by this rule.
    expect(decideAbstention({ coverage, topSimilarity: 0.5, keptSentences: 1, namedTerms: { known, inEvidence: ["journald"] } }).abstain).toBe(false);
    expect(decideAbstention({ coverage, topSimilarity: 0.5, keptSentences: 1, namedTerms: { known: [], inEvidence: [] } }).abstain).toBe(false);
  });

  it("abstains when the evidence shares the question's scene but almost none of what is asked", () => {
    const question = "After upgrading OpenSSL, how do I list which running services still use the old library and need to be restarted?";
    expect(askedPart(question)).toBe("how do I list which running services still use the old library and need to be restarted?");
    const sceneOnly = ["AppArmor offers the abstractions/openssl choice, since a widely used library like OpenSSL reads /etc/ssl/openssl.cnf."];
    const ask = askCoverage(question, sceneOnly);
    expect(ask.covered).toEqual(["librari"]);
    const coverage = questionCoverage(question, sceneOnly, sceneOnly);
    const decision = decideAbstention({ coverage, askCoverage: ask, topSimilarity: 0.5, keptSentences: 1 });
    expect(decision.abstain).toBe(true);
    expect(decision.reasons.join(" ")).toMatch(/1 of the 6 words of what is asked/);
    // A scene ending in a colon is a scene too; a colon inside it, or a "When should I …" question, is not the end of a scene.
    expect(askedPart("Before I switch on origin tracking on a small CI runner: how much memory does it cost?")).toBe("how much memory does it cost?");
    expect(askedPart("When the backup runs at 02:30, which tool takes the snapshot?")).toBe("which tool takes the snapshot?");
    expect(askedPart("When should I use listen_port, and what port is the default?")).toBe("When should I use listen_port, and what port is the default?");
    expect(askedPart("What does --track-origins do, e.g. for Memcheck?")).toBe("What does --track-origins do, e.g. for Memcheck?");
    // The named terms a question must share with the knowledge base: what is asked, unless that names nothing.
    expect(namingPart("In CI the job should go red on a leak. Which options make leaks fail the job?")).toBe("Which options make leaks fail the job?");
    expect(namingPart("I want the daemon to answer Kubernetes probes. Is that possible?")).toBe("I want the daemon to answer Kubernetes probes. Is that possible?");
    // A generic ask points to the sentence right before it; the scene before that holds the user's own data.
    expect(namingPart("My dict holds names like 'Jürgen'. I want the real characters written out. Which switch?")).toBe("I want the real characters written out. Which switch?");
    // Evidence about the ask answers; a short ask ("What's the quickest way?") leans on its context and is not checked.
    const onAsk = askCoverage(question, ["After a library upgrade, needrestart lists the running services that still use the old library so they can be restarted."]);
    expect(decideAbstention({ coverage, askCoverage: onAsk, topSimilarity: 0.5, keptSentences: 1 }).abstain).toBe(false);
    const short = askCoverage("I need to lock every account for maintenance. What's the quickest way?", ["Create the file /etc/nologin."]);
    expect(short.terms).toEqual(["quickest"]);
    expect(decideAbstention({ coverage, askCoverage: short, topSimilarity: 0.5, keptSentences: 1 }).abstain).toBe(false);
    // What is asked and what is written meet through their Porter stems ("encryption" / "encrypt").
    const faster = askCoverage("Does Nettle have anything faster for the encryption side?", ["The combined functions encrypt several blocks in one call."]);
    expect(faster.covered).toEqual(["encrypt"]);
    expect(faster.coverage).toBe(0.25);
  });

  it("abstains when the question asks for a quantity and the evidence states none", () => {
    const coverage = questionCoverage("How long does the lookup cache a hostname?", ["Lookups go through the operating system resolver."], retrieved);
    const decision = decideAbstention({ coverage: { ...coverage, coverage: 0.5 }, topSimilarity: 0.6, keptSentences: 1, statesAskedNumber: false });
    expect(decision.abstain).toBe(true);
    expect(decision.reasons).toContain("the question asks for a quantity and the evidence states none");
    expect(decideAbstention({ coverage: { ...coverage, coverage: 0.5 }, topSimilarity: 0.6, keptSentences: 1, statesAskedNumber: true }).abstain).toBe(false);
  });

  it("abstains when nothing survived verification", () => {
    const coverage = questionCoverage("How do cron jobs run?", [], retrieved);
    expect(decideAbstention({ coverage, topSimilarity: 0, keptSentences: 0 }).abstain).toBe(true);
  });
});

describe("checkCitation", () => {
  const chunk = { chunkId: "doc#0", start: 100, end: 100 + retrieved[0]!.length, text: retrieved[0]! };
  const chunks = new Map([[chunk.chunkId, chunk]]);

  it("accepts offsets that select the quote in a retrieved chunk", () => {
    expect(checkCitation({ chunkId: "doc#0", start: 100, end: 124, quote: "Quotas limit disk usage." }, chunks)).toBeUndefined();
  });

  it("rejects citations of chunks that were not retrieved or offsets off the quote", () => {
    expect(checkCitation({ chunkId: "other#1", start: 0, end: 5, quote: "Quota" }, chunks)).toBe("not-retrieved");
    expect(checkCitation({ chunkId: "doc#0", start: 101, end: 125, quote: "Quotas limit disk usage." }, chunks)).toBe("quote-mismatch");
    expect(checkCitation({ chunkId: "doc#0", start: 50, end: 60, quote: "x" }, chunks)).toBe("outside-chunk");
  });
});

describe("namedTerms", () => {
  it("keeps identifiers, acronyms and names, not ordinary words", () => {
    const terms = namedTerms("How do I bond two cards with LACP (802.3ad) using wg-quick, WireGuard and vm.swappiness? What's the quickest way?");
    expect(terms).toEqual(expect.arrayContaining(["lacp", "802", "3ad", "wg", "quick", "wireguard", "vm", "swappiness"]));
    expect(terms).not.toContain("quickest");
    expect(terms).not.toContain("bond");
    expect(terms).not.toContain("how");
  });

  it("names an acronym by its plural, and a quoted command by its program and options, not the user's arguments", () => {
    expect(namedTerms("I'm converting PNGs with transparency for our APIs.")).toEqual(expect.arrayContaining(["png", "api"]));
    const terms = namedTerms("I used `sed -i '1,/DEBUG=1/s//DEBUG=0/' app.ini`, but the `host` lookup fails.");
    expect(terms).toEqual(expect.arrayContaining(["host"]));
    expect(terms).not.toContain("ini");
    expect(terms).not.toContain("app");
    expect(terms).not.toContain("debug");
    // What a quoted command names is still named: an error code, a unit, a path.
    expect(namedTerms("`journalctl -u NetworkManager` prints `Error: listen EADDRINUSE` for `cat /etc/resolv.conf`")).toEqual(expect.arrayContaining(["networkmanager", "eaddrinuse", "resolv"]));
  });
});
