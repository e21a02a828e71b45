import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Answerer, ABSTAIN_ANSWER, type AskEvent } from "../../src/agents/index.js";
import { loadEmbedder, loadGenerationEngine, resolveEmbeddingModel, type Embedder, type TextGenerator } from "../../src/inference/index.js";
import { silentLogger } from "../../src/logging/index.js";
import { Ingestor, LexicalReranker, Retriever, loadDocument, openSqliteStore, type SqliteKnowledgeStore } from "../../src/retrieval/index.js";

const MIRROR = fileURLToPath(new URL("../../../shared/models", import.meta.url));

// A small knowledge base written for this test: a fictional daemon, so no answer can come from the model's memory.
const DOCS: Record<string, string> = {
  "frobnicator.md": [
    "# Frobnicator daemon",
    "",
    "The frobnicator daemon collects sensor readings from the plant floor.",
    "",
    "## Network",
    "",
    "The frobnicator daemon listens on TCP port 7431 by default. To change the port, set listen_port in /etc/frobnicator/frob.conf and restart the service.",
    "",
    "## Storage",
    "",
    "Readings are kept for 14 days in /var/lib/frobnicator. Older readings are compressed into monthly archives.",
  ].join("\n"),
  "frobctl.md": [
    "# frobctl options",
    "",
    "--sample-interval=<seconds> [default: 30]",
    "",
    "The frobnicator polls each sensor on a fixed schedule. The value sets the number of seconds between two polls of a sensor.",
    "",
    "--quiet",
    "",
    "Suppresses progress messages.",
  ].join("\n"),
  "operations.md": [
    "# Operations handbook",
    "",
    "## Backups",
    "",
    "Nightly backups run at 02:30 with the snapshotter tool. A backup older than 30 days is deleted automatically.",
    "",
    "## On-call",
    "",
    "The on-call engineer acknowledges a page within 15 minutes. Escalations go to the platform team lead.",
  ].join("\n"),
};

describe("Answerer end to end (SQLite store, MiniLM embedder, SmolLM2-135M)", () => {
  let dir: string;
  let embedder: Embedder;
  let generator: TextGenerator;
  let store: SqliteKnowledgeStore;
  let answerer: Answerer;
  let retriever: Retriever;
  const texts = new Map<string, string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lore-answerer-"));
    const model = await resolveEmbeddingModel({ modelsDir: MIRROR, embeddingModel: "all-minilm-l6-v2", chatModel: "smollm2-135m-instruct" });
    embedder = await loadEmbedder({ model, threads: 2, logger: silentLogger() });
    generator = await loadGenerationEngine({ modelPath: join(MIRROR, "SmolLM2-135M-Instruct.Q4_1.gguf"), threads: 2, sequences: 2 });
    store = await openSqliteStore({ path: join(dir, "lore.db") });
    const ingestor = new Ingestor({ store, embedder, chunkSize: 300, chunkOverlap: 60, logger: silentLogger() });
    for (const [name, content] of Object.entries(DOCS)) {
      await ingestor.ingestContent({ collection: "kb", source: `docs/${name}`, fileName: name, content });
      texts.set(`docs/${name}`, (await loadDocument(name, Buffer.from(content))).text);
    }
    retriever = new Retriever({ store, embedder, reranker: new LexicalReranker() });
    answerer = new Answerer({ retriever, generator, embedder, logger: silentLogger() });
  });

  afterAll(async () => {
    await store?.close();
    await generator?.dispose();
    await embedder?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers with verified sentences whose citation offsets select the quoted text in the source", async () => {
    const events: AskEvent[] = [];
    for await (const e of answerer.ask({ question: "Which port does the frobnicator daemon listen on?", collection: "kb" })) events.push(e);
    const done = events.at(-1);
    expect(done?.type).toBe("done");
    if (done?.type !== "done") return;
    const { response } = done;
    expect(response.abstained).toBe(false);
    expect(response.answer).toMatch(/7431/);
    expect(events.map((e) => e.type)).toEqual(["plan", "retrieval", ...response.sentences.map(() => "sentence"), "done"]);
    expect(response.citations.length).toBeGreaterThan(0);
    for (const c of response.citations) {
      const text = texts.get(c.source);
      expect(text, c.source).toBeDefined();
      expect(text!.slice(c.start, c.end)).toBe(c.quote);
    }
    expect(response.sentences.every((s) => s.supported && s.support > 0)).toBe(true);
  });

  it("answers each part of a question in two parts, within the caller's maxSentences", async () => {
    const rules = new Answerer({ retriever, embedder, planner: "fallback", logger: silentLogger() });
    const question = "How long are readings kept, and when do nightly backups run?";
    const both = await rules.askComplete({ question, collection: "kb" });
    expect(both.abstained).toBe(false);
    expect(both.trace.find((t) => t.type === "plan" && (t.data["plan"] as { kind?: string } | undefined)?.kind === "decomposed")).toBeDefined();
    expect(both.answer).toMatch(/14 days/);
    expect(both.answer).toMatch(/02:30/);
    expect(both.sentences.length).toBeLessThanOrEqual(6);
    const one = await rules.askComplete({ question, collection: "kb", options: { maxSentences: 1 } });
    expect(one.sentences).toHaveLength(1);
  });

  it("abstains on an off-topic question and points to the closest sources", async () => {
    const response = await answerer.askComplete({ question: "How do I bake sourdough bread with a rye starter?", collection: "kb" });
    expect(response.abstained).toBe(true);
    expect(response.answer).toBe(ABSTAIN_ANSWER);
    expect(response.sentences).toEqual([]);
    expect(response.closestSources.length).toBeGreaterThan(0);
    expect(response.trace.some((t) => t.type === "verify" && t.data["abstain"] === true)).toBe(true);
  });

  it("answers when only the scene the user sets names something the knowledge base never mentions, and abstains when the ask does", async () => {
    // "Kubernetes" is the user's own setting; the ask (which port) is in the knowledge base.
    const scene = await answerer.askComplete({ question: "Our Kubernetes probes cannot reach the frobnicator daemon. Which port does it listen on?", collection: "kb" });
    expect(scene.abstained).toBe(false);
    expect(scene.answer).toContain("7431");
    const ask = await answerer.askComplete({ question: "Which port does the frobnicator daemon use for its Kubernetes readiness probe?", collection: "kb" });
    expect(ask.abstained).toBe(true);
    expect(ask.trace.some((t) => t.type === "verify" && JSON.stringify(t.data["reasons"] ?? []).includes("kubernetes"))).toBe(true);
    // An ask too generic to name anything ("Is that possible?") leaves the whole question to be checked.
    const generic = await answerer.askComplete({ question: "I want the frobnicator daemon to answer Kubernetes readiness probes. Is that possible?", collection: "kb" });
    expect(generic.abstained).toBe(true);
  });

  it("shows the option line before a quote from that option's description, citing it", async () => {
    const response = await answerer.askComplete({ question: "How do I change the number of seconds between two polls of a sensor?", collection: "kb" });
    expect(response.abstained).toBe(false);
    const texts = response.sentences.map((s) => s.text);
    const quote = texts.indexOf("The value sets the number of seconds between two polls of a sensor.");
    expect(quote).toBeGreaterThan(0);
    expect(texts[quote - 1]).toBe("--sample-interval=<seconds> [default: 30]");
    const label = response.sentences[quote - 1]!.citations[0]!;
    expect(texts.filter((t) => t === texts[quote - 1])).toHaveLength(1);
    expect(response.citations.find((c) => c.n === label.n)?.quote).toBe("--sample-interval=<seconds> [default: 30]");
  });

  it("stops with an ABORTED error when the caller aborts mid-question", async () => {
    const controller = new AbortController();
    const events: AskEvent[] = [];
    for await (const e of answerer.ask({ question: "How long are frobnicator readings kept, and when do nightly backups run?", collection: "kb", signal: controller.signal })) {
      events.push(e);
      if (e.type === "plan") controller.abort();
    }
    expect(events.at(-1)).toMatchObject({ type: "error", code: "ABORTED" });
    expect(events.some((e) => e.type === "done")).toBe(false);
  });

  it("continues a conversation from the conversationId of an answer to a question asked without one", async () => {
    const first = await answerer.askComplete({ question: "Where are frobnicator readings kept?", collection: "kb" });
    const followUp = await answerer.askComplete({ question: "What happens to the older ones?", collection: "kb", conversationId: first.conversationId });
    expect(followUp.trace.some((t) => t.type === "plan" && t.data["followUp"] === true)).toBe(true);
  });

  it("uses the previous question to expand a follow-up in the same conversation", async () => {
    const first = await answerer.askComplete({ question: "Where are frobnicator readings kept?", collection: "kb", conversationId: "c1" });
    expect(first.answer).toMatch(/var\/lib\/frobnicator/);
    const followUp = await answerer.askComplete({ question: "What happens to the older ones?", collection: "kb", conversationId: "c1" });
    expect(followUp.trace.some((t) => t.type === "plan" && t.data["followUp"] === true)).toBe(true);
    // Without the expansion "the older ones" matches nothing; with it the answer stays on frobnicator readings.
    expect(followUp.abstained).toBe(false);
    expect(followUp.citations.every((c) => c.source === "docs/frobnicator.md")).toBe(true);
  });

  describe("generative answers (the model writes, citing [n]; every sentence verified before it streams)", () => {
    it("streams only sentences supported by the evidence they cite, with exact citation offsets and [n] markers", async () => {
      const events: AskEvent[] = [];
      const question = "Which port does the frobnicator daemon listen on?";
      for await (const e of answerer.ask({ question, collection: "kb", options: { answerMode: "generative" } })) events.push(e);
      const done = events.at(-1);
      expect(done?.type).toBe("done");
      if (done?.type !== "done") return;
      const { response } = done;
      const draft = response.trace.find((t) => t.type === "generate" && t.data["stage"] === "draft" && "promptTokens" in t.data);
      expect(draft, "the model was asked to write the answer").toBeDefined();
      const written = draft!.data["sentences"] as { text: string; supported: boolean }[];
      const evidence = draft!.data["evidence"] as { n: number; text: string }[];
      expect(evidence.length).toBeGreaterThan(0);
      expect(response.abstained).toBe(false);
      // Whatever the 135M model wrote, only verified sentences reach the client: its own supported
      // ones, or the quoted evidence when none survived (recorded in the trace).
      expect(response.sentences.length).toBeGreaterThan(0);
      expect(response.sentences.every((s) => s.supported)).toBe(true);
      const keptWritten = response.sentences.filter((s) => written.some((w) => w.text === s.text));
      const fellBack = response.trace.some((t) => t.type === "generate" && t.data["fallback"] === "extractive");
      expect(keptWritten.length > 0 || fellBack).toBe(true);
      for (const s of keptWritten) expect(written.find((w) => w.text === s.text)!.supported).toBe(true);
      expect(response.answer).toMatch(/7431/);
      for (const c of response.citations) {
        expect(texts.get(c.source)!.slice(c.start, c.end)).toBe(c.quote);
        expect(response.answer).toContain(`[${c.n}]`);
      }
      expect(response.verification.kept).toBe(response.sentences.length);
      // The tokens of the written draft are reported in usage.
      expect(response.usage.promptTokens).toBeGreaterThan(0);
      expect(response.usage.completionTokens).toBeGreaterThan(0);
    });

    it("honours maxToolCalls per request and reports the limit", async () => {
      const response = await answerer.askComplete({
        question: "How long are frobnicator readings kept, and when do nightly backups run?",
        collection: "kb",
        options: { maxToolCalls: 1, answerMode: "extractive" },
      });
      const searches = response.trace.filter((t) => t.type === "tool" && t.data["tool"] === "knowledge_search");
      expect(searches.length).toBe(1);
      expect(response.trace.some((t) => t.type === "limit" && t.data["limit"] === "maxToolCalls")).toBe(true);
    });
  });
});
