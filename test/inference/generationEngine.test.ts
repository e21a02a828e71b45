import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoreError, OverloadedError } from "../../src/errors/index.js";
import { loadGenerationEngine, type BatchedGenerationEngine } from "../../src/inference/index.js";
import { StopStringMatcher } from "../../src/inference/stopStringMatcher.js";
import type { ChatMessage, GenerationResult } from "../../src/inference/types.js";

const MODEL = fileURLToPath(new URL("../../../shared/models/SmolLM2-135M-Instruct.Q4_1.gguf", import.meta.url));

const ask = (question: string): ChatMessage[] => [
  { role: "system", content: "You are a helpful assistant. Answer briefly." },
  { role: "user", content: question },
];

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("StopStringMatcher", () => {
  it("finds a stop string split across chunks and holds back a possible start", () => {
    const matcher = new StopStringMatcher(["</answer>", "STOP"]);
    expect(matcher.safeLength("The answer is 42 </ans")).toBe("The answer is 42 ".length);
    expect(matcher.findStop("The answer is 42 </ans", 0)).toBe(-1);
    const text = "The answer is 42 </answer> trailing";
    expect(matcher.findStop(text, "The answer is 42 </ans".length)).toBe("The answer is 42 ".length);
    expect(matcher.safeLength("no stop here")).toBe("no stop here".length);
    expect(new StopStringMatcher(undefined).safeLength("ST")).toBe(2);
  });
});

// One model per file; the engines below share its weights file but each has its own context.
describe("BatchedGenerationEngine", () => {
  let engine: BatchedGenerationEngine;
  let single: BatchedGenerationEngine;

  beforeAll(async () => {
    engine = await loadGenerationEngine({ modelPath: MODEL, sequences: 4, contextSize: 512 });
    single = await loadGenerationEngine({ modelPath: MODEL, sequences: 1, contextSize: 1024, queueLimit: 1 });
  });
  afterAll(async () => {
    await engine?.dispose();
    await single?.dispose();
  });

  it("streams a completion and reports usage", async () => {
    const stream = engine.generate({ messages: ask("What is the capital of France?"), maxTokens: 24 });
    const chunks = await collect(stream);
    const result = await stream.result;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(result.text);
    expect(result.text).toMatch(/Paris/);
    expect(["stop", "length"]).toContain(result.finishReason);
    expect(result.usage.promptTokens).toBeGreaterThan(10);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeLessThanOrEqual(24);
    expect(result.usage.ttftMs).toBeGreaterThan(0);
    expect(result.usage.totalMs).toBeGreaterThanOrEqual(result.usage.ttftMs);
    expect(engine.countTokens("Hello world")).toBeGreaterThan(0);
  });

  it("runs concurrent requests in parallel sequences", async () => {
    const questions = ["Name a colour.", "Name a fruit.", "Name an animal.", "Name a country."];
    const results = await Promise.all(questions.map((q) => engine.complete({ messages: ask(q), maxTokens: 16 })));
    for (const result of results) {
      expect(result.text.trim().length).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBeGreaterThan(0);
    }
    const metrics = engine.metrics();
    expect(metrics.peakActiveSequences).toBeGreaterThan(1);
    expect(metrics.activeSequences).toBe(0);
    expect(metrics.queueDepth).toBe(0);
    expect(metrics.recentTokensPerSecond).toBeGreaterThan(0);
  });

  it("reuses a shared system-prompt prefix held in a sequence", async () => {
    const before = engine.metrics().reusedPromptTokens;
    await engine.complete({ messages: ask("Say hi."), maxTokens: 4 });
    expect(engine.metrics().reusedPromptTokens - before).toBeGreaterThan(5);
  });

  it("refuses at once beyond the queue bound", async () => {
    const running = single.generate({ messages: ask("Count to twenty."), maxTokens: 32 });
    const queued = single.generate({ messages: ask("Count to ten."), maxTokens: 8 });
    let thrown: unknown;
    try {
      single.generate({ messages: ask("Count to five."), maxTokens: 8 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OverloadedError);
    expect((thrown as OverloadedError).code).toBe("OVERLOADED");
    await expect(single.complete({ messages: ask("Again."), maxTokens: 4 })).rejects.toMatchObject({ code: "OVERLOADED" });
    const [first, second] = await Promise.all([running.result, queued.result]);
    expect(first.usage.completionTokens).toBeGreaterThan(0);
    expect(second.usage.queueMs).toBeGreaterThan(0);
    expect(single.metrics().rejectedRequests).toBe(2);
  });

  it("frees the sequence on cancel so a queued request starts", async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const long = single.generate({ messages: ask("Write a long story about a dragon."), maxTokens: 400, signal: controller.signal, ignoreEos: true });
    const queued = single.generate({ messages: ask("Say hello."), maxTokens: 8 });
    const longDone = (async () => {
      for await (const _chunk of long) {
        if (!controller.signal.aborted) {
          events.push("long:first-chunk");
          controller.abort();
        }
      }
      events.push("long:end");
    })();
    const queuedDone = (async () => {
      for await (const _chunk of queued) {
        events.push("queued:chunk");
        break;
      }
    })();
    await Promise.all([longDone, queuedDone]);
    const aborted: GenerationResult = await long.result;
    const next = await queued.result;
    expect(aborted.finishReason).toBe("abort");
    expect(aborted.usage.completionTokens).toBeLessThan(10);
    expect(events.indexOf("long:first-chunk")).toBeLessThan(events.indexOf("queued:chunk"));
    expect(next.usage.completionTokens).toBeGreaterThan(0);
  });

  it("stops at a stop string without emitting it, even across tokens", async () => {
    const messages = ask("List the numbers from 1 to 10, separated by commas.");
    const free = await engine.complete({ messages, maxTokens: 40 });
    expect(free.text).toContain("5");
    const stream = engine.generate({ messages, maxTokens: 40, stop: ["5,", "5 "] });
    const chunks = await collect(stream);
    const result = await stream.result;
    expect(result.finishReason).toBe("stop");
    expect(result.text).not.toContain("5,");
    expect(chunks.join("")).toBe(result.text);
    expect(free.text.startsWith(result.text)).toBe(true);
  });

  it("constrains output to a JSON schema", async () => {
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, population: { type: "number" } },
      required: ["city", "population"],
    };
    const result = await engine.complete({ messages: ask("Give the largest city of Japan as JSON."), maxTokens: 60, jsonSchema: schema });
    const parsed = JSON.parse(result.text) as { city: unknown; population: unknown };
    expect(typeof parsed.city).toBe("string");
    expect(typeof parsed.population).toBe("number");
  });

  it("rejects only the request that fails", async () => {
    const tooLong = ask("word ".repeat(2000));
    const others = [engine.complete({ messages: ask("Name a planet."), maxTokens: 8 }), engine.complete({ messages: ask("Name a river."), maxTokens: 8 })];
    let thrown: unknown;
    try {
      engine.generate({ messages: tooLong, maxTokens: 8 });
    } catch (error) {
      thrown = error;
    }
    expect(LoreError.isInstance(thrown)).toBe(true);
    expect((thrown as LoreError).code).toBe("BAD_REQUEST");
    expect((thrown as LoreError).message).toMatch(/context holds/);
    const results = await Promise.all(others);
    for (const result of results) expect(result.usage.completionTokens).toBeGreaterThan(0);
  });
});
