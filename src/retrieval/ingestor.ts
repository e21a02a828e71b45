import { createHash } from "node:crypto";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { basename, join, normalize, relative, sep } from "node:path";
import { AbortedError, isAbortError, LoreError, throwIfAborted } from "../errors/index.js";
import type { Embedder } from "../inference/types.js";
import type { Logger } from "../logging/index.js";
import { chunkDocument, DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, DEFAULT_CONTEXT_CHARS, indexedTextOf } from "./chunker.js";
import { isRecognizedContent, isSupportedFile, loadDocument, needsContentCheck, type DocumentParser } from "./loaders/index.js";
import type { ChunkRecord, DocumentMeta, EmbeddingSignature, KnowledgeStore } from "./types.js";

/** Bumped when extraction or chunking changes what a file turns into, so stored documents re-ingest. */
const PIPELINE_VERSION = 13;
/** Texts per embedder.embed call: bounds memory and lets an abort land between batches. */
const EMBED_BATCH = 32;

export type IngestStatus = "added" | "updated" | "unchanged" | "deleted" | "failed";

export interface IngestFileResult {
  path: string;
  documentId: string;
  status: IngestStatus;
  chunks: number;
  /** Chunks whose indexed text was cut at the embedder's max length. */
  truncatedChunks?: number;
  error?: { code: string; message: string };
}

export interface IngestReport {
  files: IngestFileResult[];
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  /** Chunks written by this run (unchanged documents count 0). */
  chunks: number;
  truncatedChunks: number;
  /** Files of a folder left out because Lore cannot read their type (dotfiles are not listed). */
  skipped: string[];
  ms: number;
}

export interface IngestProgress {
  done: number;
  total: number;
  file: string;
  status: IngestStatus;
}

export interface DocumentOptions {
  collection: string;
  tags?: string[];
  acl?: string[];
  metadata?: Record<string, unknown>;
}

export interface IngestPathOptions extends DocumentOptions {
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

export interface IngestContentOptions extends DocumentOptions {
  /** Document id and source (e.g. "upload://handbook.pdf" or the original URL). */
  source: string;
  /** Decides the loader by its extension (sniffed from the bytes when it has none). */
  fileName: string;
  content: Buffer | string;
  signal?: AbortSignal;
}

export interface IngestorOptions {
  store: KnowledgeStore;
  embedder: Embedder;
  /** Defaults to 800 characters (config.chunkSize). */
  chunkSize?: number;
  /** Defaults to 120 characters (config.chunkOverlap). */
  chunkOverlap?: number;
  /** Sections shorter than this merge with a neighbour. Defaults to chunkSize / 4 (see ChunkOptions). */
  minSectionChars?: number;
  /** Section text returned around each chunk (see ChunkOptions.contextChars). Defaults to 400. */
  contextChars?: number;
  /**
   * Parses files off the event loop, under a time limit (a DocumentParser); without one, files are
   * parsed inline, which suits a batch tool but stalls a server's requests for a large PDF.
   */
  parser?: Pick<DocumentParser, "parse">;
  logger?: Logger;
}

interface FileJob {
  path: string;
  documentId: string;
}

function emptyReport(): IngestReport {
  return { files: [], added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, chunks: 0, truncatedChunks: 0, skipped: [], ms: 0 };
}

function tally(report: IngestReport, result: IngestFileResult): void {
  report.files.push(result);
  report[result.status]++;
  if (result.status === "added" || result.status === "updated") report.chunks += result.chunks;
  report.truncatedChunks += result.truncatedChunks ?? 0;
}

/** Document id of a path as the user gave it: normalised, "/"-separated, no trailing slash. */
function idOf(path: string): string {
  return normalize(path).split(sep).join("/").replace(/\/+$/, "") || ".";
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

async function listFolder(root: string, dir: string, out: string[], skipped: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await listFolder(root, full, out, skipped);
    else if (entry.isFile()) (await readsFile(entry.name, full) ? out : skipped).push(full);
  }
}

/** Whether a folder's file is one Lore reads: by its name, and for ambiguous names ("syslog.1") by its first bytes. */
async function readsFile(name: string, path: string): Promise<boolean> {
  if (!isSupportedFile(name)) return false;
  if (!needsContentCheck(name)) return true;
  const handle = await open(path, "r");
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(65536), 0, 65536, 0);
    return isRecognizedContent(name, buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Files → text → chunks → vectors → store, incrementally: a document whose bytes, chunking and
 * metadata are unchanged is skipped; a changed one is replaced atomically by the store.
 */
export class Ingestor {
  readonly chunkSize: number;
  readonly chunkOverlap: number;
  readonly minSectionChars: number | undefined;
  readonly contextChars: number;
  private readonly store: KnowledgeStore;
  private readonly embedder: Embedder;
  private readonly logger: Logger | undefined;
  private readonly parser: Pick<DocumentParser, "parse">;

  constructor(options: IngestorOptions) {
    this.parser = options.parser ?? { parse: (name, content) => loadDocument(name, content) };
    this.store = options.store;
    this.embedder = options.embedder;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.chunkOverlap = options.chunkOverlap ?? DEFAULT_CHUNK_OVERLAP;
    this.minSectionChars = options.minSectionChars;
    this.contextChars = options.contextChars ?? DEFAULT_CONTEXT_CHARS;
    this.logger = options.logger;
  }

  get signature(): EmbeddingSignature {
    return { modelId: this.embedder.modelId, sha256: this.embedder.modelSha256, dimension: this.embedder.dimension };
  }

  /**
   * Ingests a file or a folder (recursively; supported extensions only; dotfiles ignored). For a
   * folder, documents under it whose files are gone are deleted. A file that fails is reported and
   * the batch goes on; an abort stops between files with AbortedError.
   */
  async ingestPath(path: string, options: IngestPathOptions): Promise<IngestReport> {
    const started = performance.now();
    const report = emptyReport();
    const info = await stat(path).catch((error: unknown) => {
      throw new LoreError("NOT_FOUND", `${path}: no such file or folder`, { cause: error });
    });
    await this.store.ensureCollection(options.collection, this.signature);
    const rootId = idOf(path);
    const jobs: FileJob[] = [];
    if (info.isDirectory()) {
      const files: string[] = [];
      await listFolder(path, path, files, report.skipped);
      for (const file of files) jobs.push({ path: file, documentId: idOf(join(rootId, relative(path, file))) });
    } else {
      jobs.push({ path, documentId: rootId });
    }

    const stale = info.isDirectory() ? await this.staleDocuments(options.collection, rootId, jobs) : [];
    const total = jobs.length + stale.length;
    let done = 0;
    for (const job of jobs) {
      throwIfAborted(options.signal);
      const result = await this.ingestFile(job, options);
      tally(report, result);
      options.onProgress?.({ done: ++done, total, file: job.path, status: result.status });
    }
    for (const documentId of stale) {
      throwIfAborted(options.signal);
      await this.store.deleteDocument(options.collection, documentId);
      tally(report, { path: documentId, documentId, status: "deleted", chunks: 0 });
      options.onProgress?.({ done: ++done, total, file: documentId, status: "deleted" });
    }
    report.ms = Math.round(performance.now() - started);
    this.logger?.info({ collection: options.collection, path, ...summaryOf(report) }, "ingest finished");
    return report;
  }

  /** Ingests bytes received another way (HTTP upload); the document id is `source`. */
  async ingestContent(options: IngestContentOptions): Promise<IngestFileResult> {
    await this.store.ensureCollection(options.collection, this.signature);
    const content = typeof options.content === "string" ? Buffer.from(options.content, "utf8") : options.content;
    return this.ingestBytes(options.fileName, options.source, content, options);
  }

  /**
   * Re-embeds a collection made with another model: every document is re-read from its source file
   * and ingested again with this ingestor's embedder (tags, ACL and metadata kept). Refuses, before
   * touching anything, when a document's source cannot be read (e.g. an upload). Not atomic across
   * documents: if interrupted, the collection holds the documents done so far under the new model,
   * and running it (or a folder ingest) again completes it.
   */
  async reembedCollection(collection: string, options: { onProgress?: (p: IngestProgress) => void; signal?: AbortSignal } = {}): Promise<IngestReport> {
    const started = performance.now();
    if (!(await this.store.getCollection(collection))) throw new LoreError("NOT_FOUND", `No collection "${collection}"`);
    const documents = await this.store.listDocuments(collection);
    const unreadable: string[] = [];
    for (const doc of documents) {
      const info = await stat(doc.source).catch(() => undefined);
      if (!info?.isFile()) unreadable.push(doc.id);
    }
    if (unreadable.length > 0) {
      throw new LoreError(
        "BAD_REQUEST",
        `Cannot re-embed collection "${collection}": ${unreadable.length} document(s) have no readable source file ` +
          `(${unreadable.slice(0, 3).join(", ")}${unreadable.length > 3 ? ", …" : ""}). Re-upload them, or ingest into a new collection.`,
        { details: { collection, unreadable } },
      );
    }
    await this.store.deleteCollection(collection);
    await this.store.ensureCollection(collection, this.signature);
    const report = emptyReport();
    let done = 0;
    for (const doc of documents) {
      throwIfAborted(options.signal);
      const job = { path: doc.source, documentId: doc.id };
      const result = await this.ingestFile(job, { collection, tags: doc.tags, acl: doc.acl, metadata: doc.metadata, ...(options.signal ? { signal: options.signal } : {}) });
      tally(report, result);
      options.onProgress?.({ done: ++done, total: documents.length, file: doc.source, status: result.status });
    }
    report.ms = Math.round(performance.now() - started);
    this.logger?.info({ collection, ...summaryOf(report), embedding: this.signature }, "collection re-embedded");
    return report;
  }

  deleteDocument(collection: string, documentId: string): Promise<boolean> {
    return this.store.deleteDocument(collection, documentId);
  }

  /** Documents stored under a folder's id prefix whose files no longer exist there. */
  private async staleDocuments(collection: string, rootId: string, jobs: FileJob[]): Promise<string[]> {
    const present = new Set(jobs.map((j) => j.documentId));
    const prefix = rootId === "." ? "" : `${rootId}/`;
    const stored = await this.store.listDocuments(collection);
    // Ids of uploads ("upload://…") and of files outside the folder are never this folder's.
    const outside = (id: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(id) || (prefix === "" && (id.startsWith("/") || id.startsWith("..")));
    return stored.map((d) => d.id).filter((id) => id.startsWith(prefix) && !present.has(id) && !outside(id));
  }

  private async ingestFile(job: FileJob, options: IngestPathOptions): Promise<IngestFileResult> {
    let content: Buffer;
    try {
      content = await readFile(job.path);
    } catch (error) {
      return this.failure(job.path, job.documentId, new LoreError("NOT_FOUND", `${job.path}: cannot be read`, { cause: error }));
    }
    return this.ingestBytes(job.path, job.documentId, content, options);
  }

  private async ingestBytes(
    fileName: string,
    documentId: string,
    content: Buffer,
    options: DocumentOptions & { signal?: AbortSignal | undefined },
  ): Promise<IngestFileResult> {
    const contentHash = createHash("sha256")
      .update(content)
      .update(JSON.stringify({ v: PIPELINE_VERSION, size: this.chunkSize, overlap: this.chunkOverlap, minSection: this.minSectionChars, context: this.contextChars }))
      .digest("hex");
    const meta: DocumentMeta = {
      id: documentId,
      collection: options.collection,
      source: documentId,
      title: undefined,
      contentHash,
      tags: options.tags ?? [],
      acl: options.acl ?? [],
      metadata: options.metadata ?? {},
    };
    try {
      const existing = await this.store.getDocument(options.collection, documentId);
      if (
        existing &&
        existing.contentHash === contentHash &&
        sameList(existing.tags, meta.tags) &&
        sameList(existing.acl, meta.acl) &&
        JSON.stringify(existing.metadata) === JSON.stringify(meta.metadata)
      ) {
        return { path: fileName, documentId, status: "unchanged", chunks: existing.chunkCount };
      }
      const doc = await this.parser.parse(basename(fileName), content, options.signal ? { signal: options.signal } : {});
      if (doc.text.trim() === "") throw new LoreError("PARSE_FAILED", `${fileName}: no extractable text`);
      meta.title = doc.title;
      const drafts = chunkDocument(doc, {
        chunkSize: this.chunkSize,
        chunkOverlap: this.chunkOverlap,
        contextChars: this.contextChars,
        ...(this.minSectionChars !== undefined ? { minSectionChars: this.minSectionChars } : {}),
      });
      const chunks: ChunkRecord[] = [];
      let truncatedChunks = 0;
      for (let i = 0; i < drafts.length; i += EMBED_BATCH) {
        throwIfAborted(options.signal);
        const batch = drafts.slice(i, i + EMBED_BATCH);
        const texts = batch.map((d) => indexedTextOf(d, doc.title));
        const embedded = await this.embedder.embed(texts, options.signal ? { signal: options.signal } : {});
        batch.forEach((draft, j) => {
          const vector = embedded.vectors[j];
          if (!vector) throw new LoreError("INTERNAL", `embedder returned ${embedded.vectors.length} vectors for ${batch.length} texts`);
          if (embedded.truncated[j]) truncatedChunks++;
          chunks.push({ ...draft, id: `${documentId}#${draft.index}`, documentId, indexedText: texts[j] ?? draft.text, vector });
        });
      }
      await this.store.replaceDocument(meta, chunks);
      const status = existing ? "updated" : "added";
      this.logger?.debug({ documentId, status, chunks: chunks.length, truncatedChunks }, "document ingested");
      return { path: fileName, documentId, status, chunks: chunks.length, truncatedChunks };
    } catch (error) {
      if (isAbortError(error)) throw error instanceof AbortedError ? error : new AbortedError();
      // A store that refuses (model mismatch, unavailable) fails the whole batch, not one file.
      if (LoreError.isInstance(error) && (error.code === "EMBEDDING_MODEL_MISMATCH" || error.code === "STORE_UNAVAILABLE")) throw error;
      return this.failure(fileName, documentId, error);
    }
  }

  private failure(path: string, documentId: string, error: unknown): IngestFileResult {
    const code = LoreError.isInstance(error) ? error.code : "PARSE_FAILED";
    const message = error instanceof Error ? error.message : String(error);
    // The report carries the failure; the caller that handles it logs it (once).
    this.logger?.debug({ path, code, err: message }, "document failed to ingest");
    return { path, documentId, status: "failed", chunks: 0, error: { code, message } };
  }
}

export function summaryOf(report: IngestReport): Omit<IngestReport, "files"> {
  const { files: _files, ...summary } = report;
  return summary;
}
