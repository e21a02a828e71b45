import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEmbedder, resolveEmbeddingModel, type Embedder } from "../../src/inference/index.js";
import { silentLogger } from "../../src/logging/index.js";
import { Ingestor, openSqliteStore, type IngestProgress, type SqliteKnowledgeStore } from "../../src/retrieval/index.js";

const MIRROR = fileURLToPath(new URL("../../../shared/models", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../fixtures/documents", import.meta.url));

describe("Ingestor (SQLite store, all-MiniLM-L6-v2)", () => {
  let dir: string;
  let folder: string;
  let embedder: Embedder;
  let store: SqliteKnowledgeStore;
  let ingestor: Ingestor;

  const bm25 = async (text: string, collection = "kb") => {
    const { vectors } = await embedder.embed([text]);
    return store.searchBm25({ collection, text, vector: vectors[0]!, limit: 10 });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lore-ingestor-"));
    folder = join(dir, "docs");
    cpSync(FIXTURES, folder, { recursive: true });
    writeFileSync(join(folder, ".hidden.md"), "# Secret\n\nnever ingested");
    writeFileSync(join(folder, "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const model = await resolveEmbeddingModel({ modelsDir: MIRROR, embeddingModel: "all-minilm-l6-v2", chatModel: "smollm2-135m-instruct" });
    embedder = await loadEmbedder({ model, threads: 2, logger: silentLogger() });
    store = await openSqliteStore({ path: join(dir, "lore.db") });
    ingestor = new Ingestor({ store, embedder, chunkSize: 300, chunkOverlap: 60, logger: silentLogger() });
  });

  afterAll(async () => {
    await store?.close();
    await embedder?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ingests a folder: every format added, the broken file reported, the batch goes on", async () => {
    const progress: IngestProgress[] = [];
    const report = await ingestor.ingestPath(folder, { collection: "kb", tags: ["fixtures"], onProgress: (p) => progress.push(p) });
    const byName = Object.fromEntries(report.files.map((f) => [f.documentId.slice(folder.length + 1), f]));
    expect(Object.keys(byName).sort()).toEqual([
      "broken.pdf",
      "incidents.jsonl",
      "notes.txt",
      "onboarding.html",
      "release-guide.docx",
      "runbook.md",
      "security-policy.pdf",
      "services.json",
    ]);
    expect(byName["broken.pdf"]).toMatchObject({ status: "failed", error: { code: "PARSE_FAILED" } });
    expect(report).toMatchObject({ added: 7, failed: 1, updated: 0, unchanged: 0, deleted: 0 });
    // A file of a type Lore cannot read is reported as skipped; a dotfile is not listed at all.
    expect(report.skipped).toEqual([join(folder, "image.png")]);
    expect(report.chunks).toBe(report.files.reduce((n, f) => n + f.chunks, 0));
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.every((p) => p.total === 8)).toBe(true);

    const docs = await store.listDocuments("kb");
    expect(docs).toHaveLength(7);
    const runbook = docs.find((d) => d.id === `${folder}/runbook.md`);
    expect(runbook).toMatchObject({ title: "Acme Database Runbook", tags: ["fixtures"], source: `${folder}/runbook.md` });

    const hits = await bm25("passwords characters rotated");
    expect(hits[0]).toMatchObject({ documentId: `${folder}/security-policy.pdf`, headingPath: ["Page 1"] });
    const wal = await bm25("WAL segment archive_command bucket");
    expect(wal[0]?.headingPath).toEqual(["Acme Database Runbook", "Backup", "WAL archiving"]);
  });

  it("reads a gzipped manual page in a folder, and skips rotated logs named like manual pages", async () => {
    const pages = join(dir, "man");
    mkdirSync(pages);
    writeFileSync(join(pages, "acme-backup.8.gz"), gzipSync(readFileSync(fileURLToPath(new URL("../fixtures/markup/acme-backup.8", import.meta.url)))));
    writeFileSync(join(pages, "syslog.1"), "Jan 12 10:00:01 host cron[42]: (root) CMD (run-parts /etc/cron.hourly)\n");
    writeFileSync(join(pages, "app.log.2.gz"), gzipSync("2024-01-01 12:00:00 INFO started\n"));
    const report = await ingestor.ingestPath(pages, { collection: "man" });
    expect(report.files.map((f) => [f.documentId.slice(pages.length + 1), f.status])).toEqual([["acme-backup.8.gz", "added"]]);
    expect(report.skipped).toEqual([join(pages, "app.log.2.gz"), join(pages, "syslog.1")]);
    const hits = await bm25("keep each backup days", "man");
    expect(hits[0]).toMatchObject({ documentId: `${pages}/acme-backup.8.gz`, headingPath: ["ACME-BACKUP(8)", "OPTIONS"] });
  });

  it("re-ingesting unchanged files does no work", async () => {
    const report = await ingestor.ingestPath(folder, { collection: "kb", tags: ["fixtures"] });
    expect(report).toMatchObject({ added: 0, updated: 0, unchanged: 7, failed: 1, deleted: 0, chunks: 0 });
  });

  it("a changed file replaces its chunks; a removed file is deleted", async () => {
    writeFileSync(join(folder, "notes.txt"), "Meeting notes, 2 April\n\nThe on-call rotation now changes every Wednesday at noon.\n");
    rmSync(join(folder, "services.json"));
    const report = await ingestor.ingestPath(folder, { collection: "kb", tags: ["fixtures"] });
    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: 5, failed: 1, deleted: 1 });
    expect(report.files.find((f) => f.status === "deleted")?.documentId).toBe(`${folder}/services.json`);

    expect(await bm25("refunds euros")).toEqual([]);
    const fresh = await bm25("on-call rotation Wednesday");
    expect(fresh[0]?.documentId).toBe(`${folder}/notes.txt`);
    expect(await store.getDocument("kb", `${folder}/services.json`)).toBeUndefined();
    expect(await bm25("commerce")).toEqual([]);
  });

  it("changing the chunk size re-ingests; changing tags updates the document", async () => {
    const resized = new Ingestor({ store, embedder, chunkSize: 500, chunkOverlap: 60 });
    const report = await resized.ingestPath(join(folder, "runbook.md"), { collection: "kb", tags: ["fixtures"] });
    expect(report.files).toMatchObject([{ documentId: `${folder}/runbook.md`, status: "updated" }]);
    const retagged = await resized.ingestPath(join(folder, "runbook.md"), { collection: "kb", tags: ["ops"] });
    expect(retagged.updated).toBe(1);
    expect((await store.getDocument("kb", `${folder}/runbook.md`))?.tags).toEqual(["ops"]);
  });

  it("ingests uploaded content under its source id, and deletes it", async () => {
    const result = await ingestor.ingestContent({
      source: "upload://faq.md",
      fileName: "faq.md",
      content: "# FAQ\n\n## Parking\n\nVisitors park on level minus two.",
      collection: "kb",
      acl: ["staff"],
    });
    expect(result).toMatchObject({ documentId: "upload://faq.md", status: "added", chunks: 1 });
    const again = await ingestor.ingestContent({ source: "upload://faq.md", fileName: "faq.md", content: "# FAQ\n\n## Parking\n\nVisitors park on level minus two.", collection: "kb", acl: ["staff"] });
    expect(again.status).toBe("unchanged");
    const hit = (await bm25("visitors park level"))[0];
    expect(hit).toMatchObject({ documentId: "upload://faq.md", headingPath: ["FAQ", "Parking"] });
    expect(hit!.text).toBe("Visitors park on level minus two.");

    // A folder re-ingest never treats uploads as removed files.
    const report = await ingestor.ingestPath(folder, { collection: "kb", tags: ["fixtures"] });
    expect(report.deleted).toBe(0);

    expect(await ingestor.deleteDocument("kb", "upload://faq.md")).toBe(true);
    expect(await bm25("visitors park level")).toEqual([]);

    const bad = await ingestor.ingestContent({ source: "upload://x.json", fileName: "x.json", content: "{ nope", collection: "kb" });
    expect(bad).toMatchObject({ status: "failed", error: { code: "PARSE_FAILED" } });
  });

  it("refuses a collection made with another embedding model", async () => {
    await store.ensureCollection("other-model", { modelId: "some-other-model", sha256: "b".repeat(64), dimension: 384 });
    await expect(ingestor.ingestPath(join(folder, "notes.txt"), { collection: "other-model" })).rejects.toMatchObject({
      code: "EMBEDDING_MODEL_MISMATCH",
    });
  });

  it("re-embeds a collection made with another model, keeping documents and their metadata", async () => {
    await ingestor.ingestPath(join(folder, "runbook.md"), { collection: "swap", tags: ["ops"], acl: ["dba"] });
    // The same real model under another signature stands for "the configured model changed".
    const renamed: Embedder = {
      modelId: "renamed-model",
      modelSha256: "c".repeat(64),
      dimension: embedder.dimension,
      maxTokens: embedder.maxTokens,
      embed: (texts, options) => embedder.embed(texts, options),
      countTokens: (text) => embedder.countTokens(text),
      dispose: async () => {},
    };
    const next = new Ingestor({ store, embedder: renamed, chunkSize: 300, chunkOverlap: 60 });
    await expect(next.ingestPath(join(folder, "notes.txt"), { collection: "swap" })).rejects.toMatchObject({ code: "EMBEDDING_MODEL_MISMATCH" });

    const progress: IngestProgress[] = [];
    const report = await next.reembedCollection("swap", { onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ added: 1, failed: 0 });
    expect(progress).toMatchObject([{ done: 1, total: 1, status: "added" }]);
    expect((await store.getCollection("swap"))?.embedding.modelId).toBe("renamed-model");
    expect(await store.getDocument("swap", `${folder}/runbook.md`)).toMatchObject({ tags: ["ops"], acl: ["dba"] });
    expect((await next.ingestPath(join(folder, "notes.txt"), { collection: "swap" })).added).toBe(1);

    // An upload has no file to re-read: refuse before deleting anything.
    await next.ingestContent({ source: "upload://a.txt", fileName: "a.txt", content: "uploaded words", collection: "swap" });
    await expect(ingestor.reembedCollection("swap")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await store.listDocuments("swap")).toHaveLength(3);
  });

  it("stops between files when aborted, keeping what was already committed", async () => {
    const controller = new AbortController();
    const run = ingestor.ingestPath(folder, { collection: "aborted", signal: controller.signal, onProgress: (p) => p.done === 2 && controller.abort() });
    await expect(run).rejects.toMatchObject({ code: "ABORTED" });
    // Files go in name order: broken.pdf (failed), then incidents.jsonl, then the abort.
    const stored = await store.listDocuments("aborted");
    expect(stored.map((d) => d.id)).toEqual([`${folder}/incidents.jsonl`]);
  });
});
