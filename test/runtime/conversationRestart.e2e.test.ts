import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openLore, type LoreRuntime } from "../../src/runtime/index.js";
import { testConfig } from "../server/servedPipeline.js";

const dataDir = mkdtempSync(join(tmpdir(), "lore-restart-"));
const config = testConfig(dataDir);
const open = () => openLore(config, { generation: { sequences: 1, queueLimit: 0, contextSize: 2048 } });
let runtime: LoreRuntime | undefined;

afterAll(async () => {
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("conversations across a runtime restart (real models, SQLite store)", () => {
  it("expands a follow-up asked after the runtime was closed and opened again", async () => {
    runtime = await open();
    const first = await runtime.answerer.askComplete({ question: "When does the irrigation pump run?", collection: config.defaultCollection, conversationId: "restart-1" });
    expect(first.answer).toMatch(/06:30/);
    await runtime.close();

    runtime = await open();
    const followUp = await runtime.answerer.askComplete({ question: "And for how long?", collection: config.defaultCollection, conversationId: "restart-1" });
    const plan = followUp.trace.find((t) => t.type === "plan" && t.data["followUp"] === true);
    expect(plan?.data["expandedQuery"]).toBe("And for how long? (When does the irrigation pump run?)");
    expect(followUp.abstained).toBe(false);
    expect(followUp.citations.every((c) => c.source.endsWith("greenhouse.md"))).toBe(true);

    // A conversation the store never saw gets no expansion: the one above came from the file.
    const stranger = await runtime.answerer.askComplete({ question: "And for how long?", collection: config.defaultCollection, conversationId: "restart-2" });
    expect(stranger.trace.some((t) => t.type === "plan" && t.data["followUp"] === true)).toBe(false);
  });
});
