import { describe, expect, it } from "vitest";
import { LeadInGate, parseCitations, selectDraftEvidence, StreamingSentenceCutter, verifyDraftSentence, type DraftEvidence } from "../../src/agents/citedDraft.js";
import type { ScoredCandidate } from "../../src/agents/evidenceScorer.js";
import { splitSentences } from "../../src/verification/index.js";

function candidate(id: number, text: string): ScoredCandidate {
  const hit = {
    chunkId: `doc#${id}`,
    documentId: "doc",
    collection: "kb",
    source: "docs/doc.md",
    headingPath: ["Doc", "Section"],
    text,
    start: id * 1000,
    end: id * 1000 + text.length,
    metadata: {},
    score: { fused: 1 },
  } as unknown as ScoredCandidate["hit"];
  return {
    id,
    text,
    start: hit.start,
    end: hit.end,
    hit,
    chunkRank: id,
    stepIds: [1],
    indexInChunk: 0,
    siblings: [],
    vector: undefined,
    score: { similarity: 0, lexical: 0, keyTokens: 0, context: 0, total: 1 / id } as ScoredCandidate["score"],
  };
}

const evidence: DraftEvidence[] = [
  { n: 1, candidate: candidate(1, "The frobnicator daemon listens on TCP port 7431 by default.") },
  { n: 2, candidate: candidate(2, "Readings are kept for 14 days in /var/lib/frobnicator.") },
];

describe("StreamingSentenceCutter", () => {
  it("releases a sentence only once the next one has started, keeping citations that follow the period", () => {
    const cutter = new StreamingSentenceCutter();
    const out: string[] = [];
    for (const piece of ["The daemon listens on port 7431.", " [1]", " Readings are kept", " for 14 days [2].", " Done"]) out.push(...cutter.push(piece));
    expect(out).toEqual(["The daemon listens on port 7431. [1]", "Readings are kept for 14 days [2]."]);
    expect(cutter.flush()).toEqual(["Done"]);
  });

  it("does not cut inside file names, versions, abbreviations or lowercase commands", () => {
    const cutter = new StreamingSentenceCutter();
    const out = cutter.push("Edit /etc/cron.allow, e.g. with vi. Version 1.5 is current. Then run x. ls -l shows it. ");
    expect(out).toEqual(["Edit /etc/cron.allow, e.g. with vi.", "Version 1.5 is current."]);
    // The last sentence may still get a citation: it waits for the next text or the end.
    expect(cutter.flush()).toEqual(["Then run x. ls -l shows it."]);
  });

  it("knows the same abbreviations as the evidence splitter, so a quoted sentence is cut where the evidence is", () => {
    const text = "Dr. Smith wrote the module, cf. Section 4.2 of the guide. The daemon, etc. Restart it now. ";
    const cutter = new StreamingSentenceCutter();
    const streamed = [...cutter.push(text), ...cutter.flush()];
    expect(streamed).toEqual(splitSentences(text).map((s) => s.text));
    expect(streamed).toEqual(["Dr. Smith wrote the module, cf. Section 4.2 of the guide.", "The daemon, etc.", "Restart it now."]);
  });

  it("ends a sentence at a period followed by a citation, even after a word that can be an abbreviation", () => {
    const cutter = new StreamingSentenceCutter();
    expect([...cutter.push("The default timeout is 500 ms. [1] Increase it with --timeout [2]. "), ...cutter.flush()]).toEqual([
      "The default timeout is 500 ms. [1]",
      "Increase it with --timeout [2].",
    ]);
  });

  it("cuts at line breaks", () => {
    const cutter = new StreamingSentenceCutter();
    expect(cutter.push("First line [1]\nSecond")).toEqual(["First line [1]"]);
    expect(cutter.flush()).toEqual(["Second"]);
  });
});

describe("parseCitations", () => {
  it("removes markers and reads lists", () => {
    expect(parseCitations("It listens on 7431 [1, 2]. [2]")).toEqual({ text: "It listens on 7431.", cited: [1, 2] });
    expect(parseCitations("No citation here.")).toEqual({ text: "No citation here.", cited: [] });
  });
});

describe("verifyDraftSentence", () => {
  it("accepts a sentence its cited evidence supports", async () => {
    const s = await verifyDraftSentence("The frobnicator daemon listens on TCP port 7431 [1].", evidence);
    expect(s?.support.supported).toBe(true);
    expect(s?.cited.map((e) => e.n)).toEqual([1]);
    expect(s?.citationInferred).toBe(false);
  });

  it("rejects an invented number even when the citation is right", async () => {
    const s = await verifyDraftSentence("The frobnicator daemon listens on TCP port 8080 [1].", evidence);
    expect(s?.support.supported).toBe(false);
    expect(s?.support.missingTokens).toContain("8080");
  });

  it("rejects a sentence that cites evidence saying something else", async () => {
    const s = await verifyDraftSentence("Readings are kept for 14 days in /var/lib/frobnicator [1].", evidence);
    expect(s?.support.supported).toBe(false);
  });

  it("infers the citation of an uncited sentence only when one piece of evidence supports it on its own", async () => {
    const s = await verifyDraftSentence("Readings are kept for 14 days in /var/lib/frobnicator.", evidence);
    expect(s?.citationInferred).toBe(true);
    expect(s?.cited.map((e) => e.n)).toEqual([2]);
    expect(s?.support.supported).toBe(true);
    const invented = await verifyDraftSentence("Readings are deleted after a week.", evidence);
    expect(invented?.support.supported).toBe(false);
  });

  it("ignores echoed prompt scaffolding, labels and fragments", async () => {
    expect(await verifyDraftSentence("Question: which port?", evidence)).toBeUndefined();
    expect(await verifyDraftSentence("(Network settings)", evidence)).toBeUndefined();
    expect(await verifyDraftSentence("npm [1]", evidence)).toBeUndefined();
  });
});

describe("selectDraftEvidence", () => {
  it("numbers the evidence best first and drops the weakest to fit the prompt budget", () => {
    const ranked = Array.from({ length: 8 }, (_, i) => candidate(i + 1, `Sentence number ${i + 1} says something fairly long about the subject at hand.`));
    const countTokens = (t: string) => Math.ceil(t.length / 4);
    const wide = selectDraftEvidence(ranked, "What does it say?", { countTokens }, { maxPromptTokens: 10_000 });
    expect(wide.evidence.map((e) => e.candidate.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(wide.messages[1]!.content).toContain("[1] Sentence number 1 ");
    const narrow = selectDraftEvidence(ranked, "What does it say?", { countTokens }, { maxPromptTokens: 150 });
    expect(narrow.evidence.length).toBeLessThan(8);
    expect(narrow.evidence.length).toBeGreaterThan(0);
    expect(narrow.promptTokens).toBeLessThanOrEqual(150);
    expect(narrow.evidence.map((e) => e.candidate.id)).toEqual(wide.evidence.slice(0, narrow.evidence.length).map((e) => e.candidate.id));
  });
});

describe("verifyDraftSentence on unfinished lines", () => {
  it("ignores a line cut off mid-thought but keeps an unpunctuated command line", async () => {
    expect(await verifyDraftSentence("The frobnicator daemon listens on TCP", evidence)).toBeUndefined();
    const command = await verifyDraftSentence("listens on TCP port 7431 [1]", evidence);
    expect(command?.support.supported).toBe(true);
  });
});

describe("LeadInGate", () => {
  const sentence = (text: string) => ({ text, cited: [evidence[0]!], citationInferred: false, support: { support: 1, supported: true, verbatim: true, embedding: 1, lexical: 1, missingTokens: [] } });
  it("emits a lead-in only together with the kept sentence that follows it", () => {
    const gate = new LeadInGate();
    const lead = sentence("Set the port in frob.conf:");
    const body = sentence("listen_port = 7431");
    expect(gate.admit(lead, true)).toEqual([]);
    expect(gate.admit(body, true)).toEqual([lead, body]);
    expect(gate.admit(sentence("Plain sentence."), true).map((s) => s.text)).toEqual(["Plain sentence."]);
  });

  it("drops a lead-in whose successor is dropped", () => {
    const gate = new LeadInGate();
    expect(gate.admit(sentence("Run this:"), true)).toEqual([]);
    expect(gate.admit(sentence("frob --invented-flag"), false)).toEqual([]);
    expect(gate.admit(sentence("Next fact."), true).map((s) => s.text)).toEqual(["Next fact."]);
  });
});

describe("verifyDraftSentence with a judge", () => {
  const claim = "The frobnicator daemon listens on TCP port 7431 [1].";
  it("lets a 'no' veto a sentence the scores support, and records the verdict", async () => {
    const vetoed = await verifyDraftSentence(claim, evidence, { judge: async () => false });
    expect(vetoed?.support.supported).toBe(false);
    expect(vetoed?.judged).toBe(false);
  });

  it("keeps the scores' decision on 'yes' or no verdict, and never asks about unsupported sentences", async () => {
    expect((await verifyDraftSentence(claim, evidence, { judge: async () => undefined }))?.support.supported).toBe(true);
    expect((await verifyDraftSentence(claim, evidence, { judge: async () => true }))?.judged).toBe(true);
    let asked = 0;
    const invented = await verifyDraftSentence("The daemon listens on port 8080 [1].", evidence, {
      judge: async () => {
        asked++;
        return true;
      },
    });
    expect(invented?.support.supported).toBe(false);
    expect(asked).toBe(0);
  });
});
