import { describe, expect, it } from "vitest";
import { Answerer, type SearchBackend } from "../../src/agents/index.js";
import type { SearchHit } from "../../src/retrieval/types.js";

// A retrieval backend over two in-memory passages: the loop's bookkeeping needs no models.
const text = "Install the anacron package on laptops. Installing anacron deactivates execution by cron of the scripts in /etc/cron.daily/.";
const hit: SearchHit = { chunkId: "a#0", documentId: "a", collection: "c", source: "a.md", title: undefined, headingPath: ["Anacron"], start: 10, end: 10 + text.length, text, score: { fused: 1 } };
const backend: SearchBackend = { search: async () => [hit] };

describe("Answerer loop limits", () => {
  it("reports a maxSteps limit in the trace instead of silently skipping sub-questions", async () => {
    const answerer = new Answerer({ retriever: backend, planner: "fallback", chooser: "scores" });
    const response = await answerer.askComplete({
      question: "What should I install on a laptop for cron.daily jobs, and will cron keep running those scripts?",
      collection: "c",
      options: { maxSteps: 1 },
    });
    expect(response.trace.filter((t) => t.type === "limit").map((t) => t.data["limit"])).toContain("maxSteps");
    expect(response.trace.filter((t) => t.type === "tool")).toHaveLength(1);
  });

  it("cites the exact document offsets of every quoted sentence", async () => {
    const answerer = new Answerer({ retriever: backend, planner: "fallback", chooser: "scores" });
    const response = await answerer.askComplete({ question: "Does installing anacron deactivate cron's /etc/cron.daily/ scripts?", collection: "c" });
    expect(response.abstained).toBe(false);
    for (const c of response.citations) expect(text.slice(c.start - 10, c.end - 10)).toBe(c.quote);
    expect(response.answer).toMatch(/deactivates execution by cron/);
  });

  it("stops with an ABORTED error when the caller cancels", async () => {
    const controller = new AbortController();
    controller.abort();
    const answerer = new Answerer({ retriever: { search: async ({ signal }) => (signal?.throwIfAborted(), [hit]) } });
    const events = [];
    for await (const e of answerer.ask({ question: "anacron?", collection: "c", signal: controller.signal })) events.push(e);
    expect(events).toEqual([{ type: "error", code: "ABORTED", message: expect.any(String) }]);
  });
});

describe("Budget", () => {
  it("records each limit once in the trace when the deadline or tool-call cap stops work", async () => {
    const { Budget } = await import("../../src/agents/index.js");
    const budget = new Budget({ maxSteps: 5, maxToolCalls: 1, deadlineMs: 0 });
    expect(budget.takeStep("step 1")).toBe(false);
    expect(budget.hasTime("choose")).toBe(false);
    const tools = new Budget({ maxSteps: 5, maxToolCalls: 1, deadlineMs: 60_000 });
    expect(tools.takeToolCall("knowledge_search")).toBe(true);
    expect(tools.takeToolCall("knowledge_search")).toBe(false);
    expect(tools.takeToolCall("knowledge_search")).toBe(false);
    expect(budget.trace.map((t) => t.data["limit"])).toEqual(["deadline"]);
    expect(tools.trace.map((t) => t.data["limit"])).toEqual(["maxToolCalls"]);
  });
});
