import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DocumentParser, loadDocument } from "../../src/retrieval/index.js";

// 4 MB of Markdown: the worker takes tens of milliseconds over it, long after the first loop turns or a 1 ms limit.
const bigMarkdown = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `## Step ${i}\n\n${"Check the pump and the valve before noon. ".repeat(5)}\n`).join("\n"));
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/documents/${name}`, import.meta.url)));

describe("DocumentParser", () => {
  const parser = new DocumentParser({ timeoutMs: 60_000 });
  afterAll(() => parser.close());

  it("parses in a worker thread exactly as inline, one file after another", async () => {
    const files = ["runbook.md", "security-policy.pdf", "release-guide.docx", "onboarding.html"];
    const parsed = await Promise.all(files.map((name) => parser.parse(name, fixture(name))));
    for (const [i, name] of files.entries()) expect(parsed[i]).toEqual(await loadDocument(name, fixture(name)));
  });

  it("keeps its error codes across the thread, and its worker after a file fails", async () => {
    await expect(parser.parse("broken.pdf", fixture("broken.pdf"))).rejects.toMatchObject({ name: "LoreError", code: "PARSE_FAILED" });
    await expect(parser.parse("slides.pptx", Buffer.from("PK"))).rejects.toMatchObject({ code: "UNSUPPORTED_FORMAT" });
    expect((await parser.parse("notes.txt", fixture("notes.txt"))).text).toBe((await loadDocument("notes.txt", fixture("notes.txt"))).text);
  });

  it("leaves the event loop free while a file is parsed", async () => {
    // Turns of the event loop taken while the parse is awaited: Markdown parsed on this thread would take none.
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    try {
      await parser.parse("big.md", bigMarkdown);
    } finally {
      spinning = false;
    }
    expect(turns).toBeGreaterThan(10);
  });

  it("stops a parse past its time limit and reads the next file in a new worker", async () => {
    // The file queued behind the one past its limit must not be sent to the stuck worker.
    const slow = parser.parse("big.md", bigMarkdown, { timeoutMs: 1 });
    const next = parser.parse("runbook.md", fixture("runbook.md"));
    await expect(slow).rejects.toMatchObject({ code: "PARSE_FAILED", message: expect.stringMatching(/took longer than/) });
    expect(await next).toEqual(await loadDocument("runbook.md", fixture("runbook.md")));
  });

  it("stops a parse, or takes a queued file out, when its signal aborts", async () => {
    const running = new AbortController();
    const queued = new AbortController();
    const first = parser.parse("security-policy.pdf", fixture("security-policy.pdf"), { signal: running.signal });
    const second = parser.parse("runbook.md", fixture("runbook.md"), { signal: queued.signal });
    const third = parser.parse("notes.txt", fixture("notes.txt"));
    queued.abort();
    running.abort();
    await expect(first).rejects.toMatchObject({ code: "ABORTED" });
    await expect(second).rejects.toMatchObject({ code: "ABORTED" });
    expect((await third).text).toBe((await loadDocument("notes.txt", fixture("notes.txt"))).text);
    await expect(parser.parse("notes.txt", fixture("notes.txt"), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "ABORTED" });
  });

  it("stops a parse past its time limit, and refuses work once closed", async () => {
    // 1 ms is less than any worker takes to start and read a PDF.
    const strict = new DocumentParser({ timeoutMs: 1 });
    await expect(strict.parse("security-policy.pdf", fixture("security-policy.pdf"))).rejects.toMatchObject({
      code: "PARSE_FAILED",
      message: expect.stringMatching(/took longer than/),
    });
    await strict.close();
    await expect(strict.parse("notes.txt", fixture("notes.txt"))).rejects.toMatchObject({ code: "ABORTED" });
  });
});
