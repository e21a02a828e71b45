import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "../server/wsClient.js";
import { serveFullRuntime, type ServedRuntimeHandle } from "../server/servedPipeline.js";

// The whole runtime with both real models behind a real server. One sequence and no queue, so
// the service admits exactly one question at a time: the overload test needs no load generator.
// LORE_CHOOSER=model makes every answer go through the chat model (the path a bigger GGUF takes on
// "auto"), so the cancel test has a generation to cancel.
let served: ServedRuntimeHandle;
let url: string;
const LONG = 300_000;

beforeAll(async () => {
  served = await serveFullRuntime({ sequences: 1, queueLimit: 0 }, { chooser: "model" });
  url = served.server.url;
}, LONG);
afterAll(async () => {
  await served?.close();
}, LONG);

interface AskBody {
  abstained: boolean;
  answer: string;
  sentences: { text: string; support: number; citations: { source: string; quote: string; headingPath: string[] }[] }[];
  closestSources: { source: string }[];
  usage: { completionTokens: number };
}

const ask = (question: string, signal?: AbortSignal) =>
  fetch(`${url}/v1/ask`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ question, options: { deadlineMs: 240_000 } }),
    ...(signal ? { signal } : {}),
  });

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the real service with real models", () => {
  it("answers with verified sentences citing the source document", async () => {
    const response = await ask("When does the irrigation pump run?");
    expect(response.status).toBe(200);
    const body = (await response.json()) as AskBody;
    expect(body.abstained).toBe(false);
    expect(body.sentences.map((s) => s.text).join(" ")).toContain("06:30");
    const citation = body.sentences.flatMap((s) => s.citations).find((c) => c.quote.includes("06:30"));
    expect(citation?.source).toMatch(/greenhouse\.md$/);
    expect(body.sentences.every((s) => s.support > 0)).toBe(true);
  }, LONG);

  it("abstains on a question the knowledge base does not cover", async () => {
    const response = await ask("Who painted the Mona Lisa?");
    expect(response.status).toBe(200);
    const body = (await response.json()) as AskBody;
    expect(body.abstained).toBe(true);
    expect(body.sentences).toEqual([]);
    expect(body.answer).toMatch(/could not find/i);
  }, LONG);

  it("a WebSocket cancel frees the generation sequence, and the next ask completes", async () => {
    const engine = served.runtime.generator;
    const chat = await ChatClient.open(url);
    try {
      chat.send({ type: "ask", id: "c1", question: "When does the irrigation pump run?", options: { deadlineMs: 240_000 } });
      // Cancel while the chat model is decoding for this ask (it chooses among evidence sentences).
      await until(() => engine.metrics().activeSequences > 0 || chat.events.some((e) => e.id === "c1" && e.type === "done"), "generation to start");
      expect(engine.metrics().activeSequences).toBe(1);
      chat.send({ type: "cancel", id: "c1" });
      expect(await chat.end("c1")).toMatchObject({ type: "error", code: "ABORTED" });
      await until(() => engine.metrics().activeSequences === 0, "the sequence to be freed", 30_000);

      chat.send({ type: "ask", id: "c2", question: "How often should the intake air filter be replaced?", options: { deadlineMs: 240_000 } });
      const done = await chat.end("c2");
      expect(done.type).toBe("done");
      expect(JSON.stringify(done)).toContain("90 days");
      expect(chat.events.filter((e) => e.id === "c2" && e.type === "sentence").length).toBeGreaterThan(0);
      // The engine releases a finished sequence right after the result settles.
      await until(() => engine.metrics().activeSequences === 0, "the second ask's sequence to be released", 30_000);
    } finally {
      chat.close();
    }
  }, LONG);

  it("answers 503 with Retry-After when more questions arrive than it can hold", async () => {
    const first = new AbortController();
    const second = new AbortController();
    const responses = [ask("When does the irrigation pump run?", first.signal), ask("When do the roof vents open?", second.signal)].map((p) =>
      p.catch(() => undefined),
    );
    // The refused one answers at once; the admitted one is then cancelled by hanging up.
    const refused = await Promise.race(responses);
    const body: unknown = await refused?.json();
    first.abort();
    second.abort();
    expect(refused?.status).toBe(503);
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(body).toMatchObject({ error: { code: "OVERLOADED" } });
    // The admitted ask may reach the engine only after the hang-up: wait until /metrics reports the
    // sequence free again rather than sampling the engine once.
    let metrics = "";
    const deadline = Date.now() + 60_000;
    do {
      await new Promise((r) => setTimeout(r, 50));
      metrics = await (await fetch(`${url}/metrics`)).text();
    } while (!metrics.includes("lore_generation_active_sequences 0") && Date.now() < deadline);
    expect(metrics).toMatch(/lore_http_requests_total\{method="POST",route="\/v1\/ask",status="503"\} 1/);
    expect(metrics).toContain("lore_generation_active_sequences 0");
  }, LONG);
});
