import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { chunkDocument, htmlToDocument, indexedTextOf, loadDocument } from "../../src/retrieval/index.js";
import type { ExtractedDocument } from "../../src/retrieval/types.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/documents/", import.meta.url));
const HANDBOOK = fileURLToPath(new URL("../../../shared/eval/debian-handbook/corpus/", import.meta.url));

function textDoc(text: string, sections = [{ headingPath: [] as string[], start: 0, end: text.length }]): ExtractedDocument {
  return { text, title: undefined, sections, format: "text" };
}

const sentence = (i: number): string => `Sentence number ${i} explains one more detail of the backup procedure.`;

describe("chunkDocument", () => {
  it("gives exact offsets for every chunk of every fixture", async () => {
    for (const name of readdirSync(FIXTURES).filter((n) => !n.startsWith("broken"))) {
      const doc = await loadDocument(name, readFileSync(`${FIXTURES}${name}`));
      const chunks = chunkDocument(doc, { chunkSize: 120, chunkOverlap: 30 });
      expect(chunks.length, name).toBeGreaterThan(0);
      chunks.forEach((c, i) => {
        expect(c.index).toBe(i);
        expect(c.text).toBe(doc.text.slice(c.start, c.end));
      });
    }
  });

  it("splits long sections at paragraph and sentence boundaries within the size, with overlap", () => {
    const paragraphs = Array.from({ length: 6 }, (_, p) => Array.from({ length: 4 }, (_, s) => sentence(p * 4 + s)).join(" "));
    const doc = textDoc(paragraphs.join("\n\n"));
    const chunks = chunkDocument(doc, { chunkSize: 400, chunkOverlap: 80, contextChars: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(400);
      expect(c.text).toMatch(/^Sentence number \d+/);
      expect(c.text).toMatch(/procedure\.$/);
    }
    // Consecutive chunks share text (the overlap) but never start at the same place.
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.start);
      expect(chunks[i]!.start).toBeLessThanOrEqual(chunks[i - 1]!.end);
    }
  });

  it("cuts a text without any boundary at the size limit and still covers all of it", () => {
    const doc = textDoc("x".repeat(1000));
    const chunks = chunkDocument(doc, { chunkSize: 300, chunkOverlap: 50, contextChars: 0 });
    expect(chunks.every((c) => c.text.length <= 300)).toBe(true);
    expect(chunks[0]!.start).toBe(0);
    expect(chunks[chunks.length - 1]!.end).toBe(1000);
  });

  it("returns section context around each indexed chunk, at sentence boundaries, never past the section", () => {
    const body = (from: number) => Array.from({ length: 12 }, (_, i) => sentence(from + i)).join(" ");
    const doc = htmlToDocument(`<h1>Backup</h1><p>${body(0)}</p><h2>WAL</h2><p>${body(100)}</p>`);
    const chunks = chunkDocument(doc, { chunkSize: 300, chunkOverlap: 0, contextChars: 150 });
    const wal = doc.sections.find((s) => s.headingPath.join(" > ") === "Backup > WAL")!;
    for (const c of chunks) {
      const indexed = c.indexed!;
      expect(c.text).toBe(doc.text.slice(c.start, c.end));
      expect(c.text).toContain(indexed);
      expect(c.text.length).toBeGreaterThan(indexed.length);
      expect(c.text.length).toBeLessThanOrEqual(indexed.length + 2 * 150);
      expect(c.text).toMatch(/^Sentence number \d+/);
      expect(c.text).toMatch(/procedure\.$/);
      // Context stays inside the chunk's own section.
      const inWal = c.headingPath.join(" > ") === "Backup > WAL";
      expect(c.start >= wal.start).toBe(inWal);
    }
    expect(indexedTextOf(chunks[1]!, undefined)).toBe(`Backup\n${chunks[1]!.indexed}`);
  });

  it("merges tiny sections of one parent under their shared path", () => {
    const doc = htmlToDocument("<h1>Ops</h1><h2>A</h2><p>Alpha.</p><h2>B</h2><p>Beta.</p>");
    const chunks = chunkDocument(doc, { chunkSize: 500 });
    expect(chunks.map((c) => [c.headingPath, c.text])).toEqual([[["Ops"], "Alpha.\n\nB\n\nBeta."]]);
  });

  it("gives three tiny sibling sections the path they share, not the last one's", () => {
    const doc = htmlToDocument("<h1>Guide</h1><h2>Intro</h2><p>This guide covers setup.</p><h2>ERROR_CODE_ONE</h2><p>This error means the disk is full.</p><h2>Cleaning up</h2><p>Delete old logs.</p>");
    const chunks = chunkDocument(doc, { chunkSize: 500 });
    expect(chunks.map((c) => c.headingPath)).toEqual([["Guide"]]);
  });

  it("never crosses a heading boundary unless sections are tiny", () => {
    const body = Array.from({ length: 5 }, (_, i) => sentence(i)).join(" ");
    const html = `<h1>Backup</h1><p>${body}</p><h2>WAL</h2><p>${body}</p><h2>Tiny</h2><p>Short.</p><h2>Other</h2><p>${body}</p>`;
    const doc = htmlToDocument(html);
    const chunks = chunkDocument(doc, { chunkSize: 500, chunkOverlap: 50 });
    const paths = chunks.map((c) => c.headingPath.join(" > "));
    // The tiny "Tiny" section joins its substantial sibling before it, which keeps its own path.
    expect(paths).toEqual(["Backup", "Backup > WAL", "Backup > Other"]);
    expect(chunks[1]!.text).toMatch(/procedure\.\n\nTiny\n\nShort\.$/);
    const unmerged = chunkDocument(doc, { chunkSize: 500, chunkOverlap: 50, minSectionChars: 0 });
    expect(unmerged.map((c) => c.headingPath.join(" > "))).toEqual(["Backup", "Backup > WAL", "Backup > Tiny", "Backup > Other"]);
  });

  it("prefixes the indexed text with title and heading path", () => {
    const chunk = { text: "Archive every segment.", headingPath: ["Backup", "WAL"] };
    expect(indexedTextOf(chunk, "Runbook")).toBe("Runbook > Backup > WAL\nArchive every segment.");
    expect(indexedTextOf(chunk, "Backup")).toBe("Backup > WAL\nArchive every segment.");
    expect(indexedTextOf({ text: "t", headingPath: [] }, undefined)).toBe("t");
  });

  it("keeps every handbook evidence quote inside one chunk at the default size", () => {
    const collapse = (s: string): string => s.replace(/\s+/g, " ");
    const questions = readFileSync(`${HANDBOOK}../questions.jsonl`, "utf8").split("\n").filter((l) => l.trim());
    let split = 0;
    let total = 0;
    for (const line of questions) {
      for (const e of (JSON.parse(line) as { evidence?: { quote: string; file: string }[] }).evidence ?? []) {
        const doc = htmlToDocument(readFileSync(`${HANDBOOK}${e.file}`, "utf8"));
        const chunks = chunkDocument(doc);
        total++;
        if (!chunks.some((c) => collapse(c.text).includes(e.quote))) split++;
      }
    }
    expect(total).toBeGreaterThan(60);
    expect(split).toBe(0);
  });
});
