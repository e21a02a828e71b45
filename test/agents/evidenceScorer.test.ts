import { describe, expect, it } from "vitest";
import { buildCandidates } from "../../src/agents/evidenceCandidates.js";
import { referentOf } from "../../src/agents/quoteContext.js";
import { asksForCode, asksForNumber, rankByScore, scoreCandidates, selectEvidence, statesFreshNumber } from "../../src/agents/evidenceScorer.js";
import type { SearchHit } from "../../src/retrieval/types.js";

function hit(documentId: string, index: number, text: string): SearchHit {
  return { chunkId: `${documentId}#${index}`, documentId, collection: "test", source: documentId, title: undefined, headingPath: [], text, start: 0, end: text.length, score: { fused: 1 } };
}

const journal = hit(
  "services.html",
  0,
  [
    "The journal keeps the messages of every service started by systemd.",
    "",
    "Mar 31 17:30:36 host systemd[1]: ssh.service: main process exited, code=exited, status=255/n/a",
    "# systemctl status ssh.service",
    "# journalctl -u ssh.service",
    "",
    "Most of the time the journal of one service is what you need to read.",
  ].join("\n"),
);

describe("scoreCandidates answer form", () => {
  const question = "systemctl status says my ssh service failed. How do I read the journal entries of just that service?";
  const scored = scoreCandidates({ question, queryVectors: [], candidates: buildCandidates([{ stepId: 1, hits: [journal] }]), candidateVectors: [] });
  const byText = (prefix: string) => scored.find((c) => c.text.startsWith(prefix))!;

  it("marks a command line with something the question does not already say, not log output or the question's own command", () => {
    expect(byText("# journalctl").score.answerForm).toBe(1);
    expect(byText("Mar 31").score.answerForm).toBe(0);
    expect(byText("# systemctl status").score.answerForm).toBe(0);
    expect(byText("The journal keeps").score.answerForm).toBe(0);
  });

  it("does not damp a short command line as a fragment when the question asks how to do something", () => {
    expect(byText("# journalctl").score.total).toBeGreaterThan(byText("Mar 31").score.total);
  });

  it("takes an option that starts with a plus for the code a 'which option' question asks for", () => {
    const text = "Command names are cut at nine characters. The +c w option sets a larger width.";
    const scored = scoreCandidates({ question: "Which option widens the COMMAND column?", queryVectors: [], candidates: buildCandidates([{ stepId: 1, hits: [hit("lsof.txt", 0, text)] }]), candidateVectors: [] });
    expect(scored.map((c) => c.score.answerForm)).toEqual([0, 1]);
  });

  it("looks for a setting when the question asks what to add or put somewhere", () => {
    const text = "APT can use a proxy. If the Web can only be accessed through a proxy, add a line like Acquire::http::proxy in a file of /etc/apt/apt.conf.d/.";
    const proxy = scoreCandidates({ question: "What do I add to APT's configuration so it downloads through our proxy?", queryVectors: [], candidates: buildCandidates([{ stepId: 1, hits: [hit("apt.html", 0, text)] }]), candidateVectors: [] });
    expect(proxy.map((c) => c.score.answerForm)).toEqual([0, 1]);
  });

  it("looks for a variable's name when the question asks for an environment variable, not an API constant", () => {
    const text = "The policy is cluster.SCHED_RR or cluster.SCHED_NONE. SCHED_RR is the default. It can also be set through the NODE_CLUSTER_SCHED_POLICY environment variable.";
    const question = "I can only change the deployment environment, not the code. Is there an environment variable for the scheduling policy?";
    const env = scoreCandidates({ question, queryVectors: [], candidates: buildCandidates([{ stepId: 1, hits: [hit("cluster.md", 0, text)] }]), candidateVectors: [] });
    expect(env.map((c) => c.score.answerForm)).toEqual([0, 0, 1]);
    const shell = scoreCandidates({ question, queryVectors: [], candidates: buildCandidates([{ stepId: 1, hits: [hit("cli.md", 0, "Export $UV_THREADPOOL_SIZE before starting the process.")] }]), candidateVectors: [] });
    expect(shell.map((c) => c.score.answerForm)).toEqual([1]);
  });

  it("looks for a fresh number when the question asks how many", () => {
    const text = "Each line of the file describes a server through 7 fields. The file lists the servers.";
    const numeric = scoreCandidates({ question: "How many fields describe a server in the file?", queryVectors: [], candidates: buildCandidates([{ stepId: 1, hits: [hit("inetd.html", 0, text)] }]), candidateVectors: [] });
    expect(numeric.map((c) => c.score.answerForm)).toEqual([1, 0]);
  });

  it("reads a description with the value its quote runs on to when it is scored for a number", () => {
    const text = "The history file keeps the lines typed at the prompt. Old lines are dropped first.";
    const candidates = buildCandidates([{ stepId: 1, hits: [hit("repl.html", 0, text)] }]);
    const question = "How many lines does the history file keep?";
    const scored = scoreCandidates({ question, queryVectors: [], candidates, candidateVectors: [], continuations: [" Default: 1000.", undefined] });
    expect(scored.map((c) => c.score.answerForm)).toEqual([1, 0]);
    expect(scoreCandidates({ question, queryVectors: [], candidates, candidateVectors: [] }).map((c) => c.score.answerForm)).toEqual([0, 0]);
  });

  it("knows that a question asking for a library call, function or handler, or what to call or do, asks for code", () => {
    expect(asksForCode("Our GPU upload path needs little-endian rows. Which libpng call changes that?")).toBe(true);
    expect(asksForCode("Which handler class do I use for daily log files?")).toBe(true);
    expect(asksForCode("What do I call afterwards so my logger lets DEBUG messages through?")).toBe(true);
    expect(asksForCode("I call png_set_strip_alpha() and get random colours. What should I do instead?")).toBe(true);
    expect(asksForCode("Why does the call fail?")).toBe(false);
    expect(asksForCode("Are handlers thread-safe?")).toBe(false);
  });

  it("knows when a question asks for a quantity as its answer, and when a sentence states one the question does not hold", () => {
    expect(asksForNumber("How many lines of history does the REPL keep?")).toBe(true);
    expect(asksForNumber("How long does dns.lookup() cache a hostname, and how do I change that TTL?")).toBe(true);
    // A command that sets a duration is what this asks for, not the duration.
    expect(asksForNumber("Which command sets how long a soft limit may be exceeded?")).toBe(false);
    expect(asksForNumber("How do I add my PDF files?")).toBe(false);
    // Whether a limit exists is answered by the limit, or by "no limit".
    expect(asksForNumber("Is there a maximum total size for the files I can upload?")).toBe(true);
    expect(asksForNumber("Is there an upper bound on the queue?")).toBe(true);
    expect(asksForNumber("Is there a way to limit the queue?")).toBe(false);
    expect(statesFreshNumber("Is there a limit on the queue?", "The queue has no limit.")).toBe(true);
    const question = "How many times does the resolver retry a name server before giving up?";
    expect(statesFreshNumber(question, "The resolver tries each name server 4 times.")).toBe(true);
    expect(statesFreshNumber(question, "The resolver retries twice.")).toBe(true);
    // A quantity with its unit written on ("100MB") is a number too.
    expect(statesFreshNumber("How much extra memory does origin tracking cost?", "It increases memory use by a minimum of 100MB.")).toBe(true);
    expect(statesFreshNumber("How much extra memory does origin tracking cost?", "It increases memory use noticeably.")).toBe(false);
    // An ordinal or a hex mask is not a quantity.
    expect(statesFreshNumber("How many retries does the client make?", "The 1st retry is sent at once with mask 0xff.")).toBe(false);
    expect(statesFreshNumber(question, "The overhead is +500% for memcheck.")).toBe(true);
    expect(statesFreshNumber(question, "The resolver contacts each name server in turn.")).toBe(false);
    expect(statesFreshNumber(question, "Its behaviour follows nsswitch.conf(5) and resolv.conf(5).")).toBe(false);
    // A file mode or a numbered item referred to is a code, not a quantity; a decimal fraction still is one.
    const days = "How many days does man-db keep a cat page?";
    expect(statesFreshNumber(days, "Change the definition of CATMODE from 0644 to 0666.")).toBe(false);
    expect(statesFreshNumber(days, "Build man-db as in mode (1) and install the binaries.")).toBe(false);
    expect(statesFreshNumber(days, "Cat pages are kept for 7 days.")).toBe(true);
    expect(statesFreshNumber("How much of the cache is kept?", "A ratio of 0.5 is kept.")).toBe(true);
    // A level set as a digit option is the quantity asked for.
    expect(statesFreshNumber("At which gzip compression level are cat files compressed?", "Cat files are compressed with gzip -7c.")).toBe(true);
  });

  it("recognises a quantity asked for with a possessive, a superlative or an exit code", () => {
    expect(asksForNumber("What is libpng's default limit on width and height, and which call raises it?")).toBe(true);
    expect(asksForNumber("I added Experimental to sources.list. What default APT pin priority do its packages get?")).toBe(true);
    expect(asksForNumber("What is the largest stack-trace depth Valgrind lets me ask for?")).toBe(true);
    expect(asksForNumber("What is the shortest input the XTS functions accept?")).toBe(true);
    expect(asksForNumber("Which exit code does Node use in that case?")).toBe(true);
    expect(asksForNumber("In /etc/inetd.conf, what is the default cap on connections per minute?")).toBe(true);
    // A name is asked for, not a quantity.
    expect(asksForNumber("What is the largest-scale deployment guide called?")).toBe(false);
    expect(asksForNumber("Which log level shows debug messages?")).toBe(false);
    expect(asksForNumber("What is the maximum security option called?")).toBe(false);
    expect(asksForNumber("What does error code E42 mean?")).toBe(false);
    expect(asksForNumber("Where is the year-end report stored?")).toBe(false);
    expect(asksForNumber("What's the default port?")).toBe(true);
  });

  it("leaves Markdown heading lines of merged sections out of the candidates, but not a root shell prompt", () => {
    const text = "Lore stores its data in one file.\n\n## Reset the knowledge store\n\nStop Lore and delete data/lore.db.\n\n# journalctl -u lore";
    expect(buildCandidates([{ stepId: 1, hits: [hit("guide.md", 0, text)] }]).map((c) => c.text)).toEqual([
      "Lore stores its data in one file.",
      "Stop Lore and delete data/lore.db.",
      "# journalctl -u lore",
    ]);
  });

  it("leaves table-of-contents and index entries out of the candidates: they point to a page and state nothing", () => {
    const text = "xts_aes256_encrypt_message(struct . . . . . . . . . 44\nXTS always uses a fixed blocksize of 128 bit (16 bytes) length.";
    expect(buildCandidates([{ stepId: 1, hits: [hit("nettle.pdf", 0, text)] }]).map((c) => c.text)).toEqual(["XTS always uses a fixed blocksize of 128 bit (16 bytes) length."]);
  });

  it("damps a question the document asks (a FAQ entry's title): it restates a question, it answers none", () => {
    const text = "Why doesn't Memcheck find the array overruns in this program? Memcheck doesn't do bounds checking on global or stack arrays.";
    const scored = scoreCandidates({ question: "Why doesn't Memcheck find array overruns?", queryVectors: [], candidates: buildCandidates([{ stepId: 1, hits: [hit("faq.html", 0, text)] }]), candidateVectors: [] });
    // The FAQ title shares more of the question's words, yet the statement after it ranks first.
    expect(scored[0]!.score.lexical).toBeGreaterThan(scored[1]!.score.lexical);
    expect(rankByScore(scored)[0]!.text).toBe("Memcheck doesn't do bounds checking on global or stack arrays.");
  });
});

describe("selectEvidence", () => {
  const sameDoc = hit("quotas.html", 0, "Quotas limit disk usage per user. The edquota -t command sets the grace period of a soft limit.");
  const otherDoc = hit("lvm.html", 0, "Disk usage per logical volume is shown by lvs.");
  const candidates = buildCandidates([{ stepId: 1, hits: [sameDoc, otherDoc] }]);
  const scored = candidates.map((c, i) => ({ ...c, vector: undefined, score: { similarity: 0, lexical: 0, keyTokens: 0, context: 0, answerForm: 0, total: [1, 0.9, 0.95][i]! } }));

  it("quotes a one-part question from the best sentence's page only", () => {
    expect(selectEvidence(scored, { maxSentences: 4 }).map((c) => c.hit.documentId)).toEqual(["quotas.html", "quotas.html"]);
  });

  it("prefers a close runner-up from a passage naming the question's named terms over evidence naming none", () => {
    const off = hit("abstention.md", 0, "Lore abstains when the knowledge base does not contain the answer.");
    const on = hit("ingesting.md", 0, "Upload a file with curl -F file=@handbook.pdf to /v1/documents.");
    const pool = buildCandidates([{ stepId: 1, hits: [off, on] }]).map((c, i) => ({ ...c, vector: undefined, score: { similarity: 0, lexical: 0, keyTokens: 0, context: 0, answerForm: 0, total: [0.37, 0.34][i]! } }));
    expect(selectEvidence(pool, { maxSentences: 4, namedTerms: ["pdf"] }).map((c) => c.hit.documentId)).toEqual(["ingesting.md"]);
    // Not close enough: the best evidence stays (and abstention decides).
    const far = pool.map((c, i) => ({ ...c, score: { ...c.score, total: [0.37, 0.3][i]! } }));
    expect(selectEvidence(far, { maxSentences: 4, namedTerms: ["pdf"] }).map((c) => c.hit.documentId)).toEqual(["abstention.md"]);
    expect(selectEvidence(pool, { maxSentences: 4 }).map((c) => c.hit.documentId)).toEqual(["abstention.md"]);
  });

  it("keeps close runners-up of other pages for a multi-part question", () => {
    const chosen = selectEvidence(scored, { maxSentences: 4, stepBest: [scored[1]!] });
    expect(chosen.map((c) => c.hit.documentId)).toContain("lvm.html");
  });
});

describe("sentences that lean on the one before", () => {
  const manual = hit(
    "mc-manual.html",
    0,
    "Performance overhead: origin tracking is expensive. It halves Memcheck's speed and increases memory use by a minimum of 100MB. Origin tracking is off by default.",
  );
  const candidates = buildCandidates([{ stepId: 1, hits: [manual] }]);
  const referents = candidates.map(referentOf);
  const question = "How much extra memory does origin tracking cost at a minimum?";

  it("are scored with the sentence they lean on, and quoted in its place", () => {
    const alone = scoreCandidates({ question, queryVectors: [], candidates, candidateVectors: [] });
    const read = scoreCandidates({ question, queryVectors: [], candidates, candidateVectors: [], referents });
    const it = (list: typeof read) => list.find((c) => c.text.startsWith("It halves"))!;
    expect(it(read).referent?.text).toBe("Performance overhead: origin tracking is expensive.");
    expect(it(read).score.lexical).toBeGreaterThan(it(alone).score.lexical);
    // The referent and the sentence that leans on it take one place, not two.
    const chosen = selectEvidence(read.map((c, i) => ({ ...c, score: { ...c.score, total: [1, 0.95, 0.2][i]! } })), { maxSentences: 4 });
    expect(chosen.map((c) => c.text)).toEqual([it(read).text]);
  });

  it("keep the best score when a passage naming the question's terms competes with a pair", () => {
    const origin = hit("origin.html", 0, "Origin tracking is expensive in every tool. It halves the speed and adds 100MB of memory.");
    const memcheck = hit("memcheck.html", 0, "Memcheck reports uses of undefined values.");
    const pool = buildCandidates([{ stepId: 1, hits: [origin, memcheck] }]);
    const scored = scoreCandidates({ question, queryVectors: [], candidates: pool, candidateVectors: [], referents: pool.map(referentOf) }).map((c, i) => ({ ...c, score: { ...c.score, total: [1, 0.75, 0.7][i]! } }));
    // 0.7 is not within 0.9 of the best score (1.0), though it is of the pair's own (0.75) that took the best one's place.
    expect(selectEvidence(scored, { maxSentences: 4, namedTerms: ["memcheck"] }).map((c) => c.hit.documentId)).toEqual(["origin.html"]);
  });
});
