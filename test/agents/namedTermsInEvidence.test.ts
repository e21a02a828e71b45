import { describe, expect, it } from "vitest";
import { findUnknownWords, incidentalUnknownTerms, namedTermsInEvidence } from "../../src/agents/unknownTerms.js";
import type { SearchHit } from "../../src/retrieval/index.js";
import { stem } from "../../src/verification/index.js";

const hit = (text: string, title: string, headingPath: string[]): SearchHit =>
  ({ chunkId: "d#0", documentId: "d", collection: "kb", source: "d.html", title, headingPath, text, start: 0, end: text.length, metadata: {}, score: { fused: 1 } }) as unknown as SearchHit;

describe("namedTermsInEvidence", () => {
  it("splits the question's named terms into known ones and those the evidence mentions (text, headings or title)", () => {
    const question = "How do I limit the disk space systemd-journald may use with LVM?";
    const evidence = [hit("Quotas limit disk usage per user.", "Quotas", ["Disk", "LVM volumes"])];
    expect(namedTermsInEvidence(question, [], evidence)).toEqual({ known: ["systemd", "journald", "lvm"], inEvidence: ["lvm"] });
  });

  it("counts a term that another retrieved passage of the evidence's document names, not one of another document", () => {
    const question = "What happens if I leave the root password fields empty in the Debian installer?";
    const evidence = { ...hit("Leave both fields empty to disable the root account.", "Installation steps", []), documentId: "install" } as SearchHit;
    const samePage = { ...hit("Debian also imposes the creation of a standard user account.", "Installation steps", []), documentId: "install", chunkId: "install#2" } as SearchHit;
    const otherPage = { ...samePage, documentId: "other", chunkId: "other#0" } as SearchHit;
    expect(namedTermsInEvidence(question, [], [evidence], [evidence, samePage]).inEvidence).toEqual(["debian"]);
    expect(namedTermsInEvidence(question, [], [evidence], [evidence, otherPage]).inEvidence).toEqual([]);
  });

  it("finds a part of the question's identifier as the same part of another identifier", () => {
    const question = "I set the key with aes256_set_decrypt_key and pass aes256_decrypt to ctr_crypt. What is wrong?";
    const evidence = [hit("[Function]void aes256_set_encrypt_key (struct aes256_ctx *ctx, const uint8_t *key)", "Cipher functions", [])];
    expect(namedTermsInEvidence(question, [], evidence).inEvidence).toContain("aes256");
  });

  it("leaves out terms the knowledge base never mentions (another rule covers those)", () => {
    expect(namedTermsInEvidence("Is WireGuard supported?", ["wireguard"], [hit("Debian ships OpenVPN.", "VPN", [])]).known).toEqual([]);
  });
});

describe("incidentalUnknownTerms", () => {
  const evidence = [hit("BIT STRING: asn1_read_value returns len as the number of bits, not bytes.", "asn1_read_value", [])];

  it("passes over one unknown name among several known ones that the evidence mentions", () => {
    const question = "I read a BIT STRING field (keyUsage) with asn1_read_value and len comes back as 9. Is something overflowing?";
    expect(incidentalUnknownTerms(question, ["keyusage"], evidence, evidence)).toBe(true);
  });

  it("keeps a scene whose names are mostly unknown, or whose known names the evidence never mentions", () => {
    expect(incidentalUnknownTerms("I want the daemon to answer Kubernetes probes. Is that possible?", ["kubernetes"], evidence, evidence)).toBe(false);
    const offEvidence = [hit("Quotas limit disk usage per user.", "Quotas", [])];
    const question = "I read a BIT STRING field (keyUsage) with asn1_read_value and len comes back as 9. Is something overflowing?";
    expect(incidentalUnknownTerms(question, ["keyusage"], offEvidence, offEvidence)).toBe(false);
    // An identifier is one name, however many parts it has.
    const twoUnknown = "I pass my FooBar and BazQux handles to asn1_read_value. Is something wrong?";
    expect(incidentalUnknownTerms(twoUnknown, ["foobar", "bazqux"], evidence, evidence)).toBe(false);
  });
});

describe("findUnknownWords", () => {
  const kb = ["The man-db cron job rebuilds the index databases every day.", "Pages are cached in /var/cache/man."];
  // An exact-word lookup over the whole knowledge base, stemmed as BM25's is.
  const lookup = async (word: string) => (kb.some((t) => new RegExp(`\\b${stem(word)}`, "i").test(t)) ? [hit(kb[0]!, "man-db", [])] : []);

  it("returns the words naming what is asked about that neither the retrieved passages nor the knowledge base use, not names, numbers or function words", async () => {
    const retrieved = [hit("Stop mandb from updating the databases.", "mandb", [])];
    const asked = "How do I stop the man-db systemd timer from rebuilding the database at 24:00?";
    expect(await findUnknownWords(asked, retrieved, lookup)).toEqual(["systemd", "timer"]);
  });

  it("looks only at the words of noun phrases: a verb or a qualifier is the user's own phrasing", async () => {
    const none = async () => [];
    expect(await findUnknownWords("How do I wipe a collection and start fresh?", [], none)).toEqual(["collection"]);
    expect(await findUnknownWords("How can answers come back quicker on a beefy server?", [], none)).toEqual(["beefy", "server"]);
    expect(await findUnknownWords("How can answers come back a bit quicker?", [], none)).toEqual([]);
  });

  it("counts a word as known when the lookup could not run, and looks up at most four", async () => {
    let lookups = 0;
    const counted = async () => {
      lookups++;
      return [];
    };
    expect(await findUnknownWords("Can I pin each worker thread to a core by its affinity mask and priority class?", [], counted)).toHaveLength(4);
    expect(lookups).toBe(4);
    expect(await findUnknownWords("Can I pin a thread by its affinity?", [], async () => undefined)).toEqual([]);
  });
});
