import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { AbortedError, isErrorCode, LoreError } from "../../errors/index.js";
import type { ExtractedDocument } from "../types.js";
import type { ParseReply, ParseRequest } from "./parseWorker.js";

export interface DocumentParserOptions {
  /** A file whose parsing takes longer is refused (PARSE_FAILED) and its worker replaced. */
  timeoutMs: number;
  /**
   * The worker's heap limit (default 4096 MiB). Reaching it usually ends only the worker, so the file
   * fails as PARSE_FAILED; but Node's enforcement is best effort (one huge allocation can still abort
   * the process: nodejs/node#47224), so the loaders' own size limits remain the real guard.
   */
  maxHeapMb?: number;
}

interface Job {
  request: ParseRequest;
  timeoutMs: number;
  resolve: (document: ExtractedDocument) => void;
  reject: (error: LoreError) => void;
}

// Run from TypeScript sources (tests, `tsx`), the worker needs the same loader; run from dist/, none.
const fromSource = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(fromSource ? "./parseWorker.ts" : "./parseWorker.js", import.meta.url);

function startWorker(maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (!fromSource) return new Worker(WORKER_URL, { resourceLimits });
  // Node 20 does not honour `--import tsx` in a worker's execArgv: the worker registers tsx itself.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

/**
 * Parses files in a worker thread, one at a time, so a large PDF or a pathological file never
 * blocks the event loop that serves questions, and a parse that runs past its time limit is stopped
 * (the worker terminated and replaced): loaders are synchronous, and nothing else can interrupt them.
 */
export class DocumentParser {
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private closed = false;

  constructor(options: DocumentParserOptions) {
    this.timeoutMs = options.timeoutMs;
    this.maxHeapMb = options.maxHeapMb ?? 4096;
  }

  /**
   * The file's document; `timeoutMs` overrides the parser's limit for this file. An abort takes the
   * file out of the queue, or stops its parse (the worker is replaced), and rejects with AbortedError.
   */
  parse(fileName: string, content: Buffer, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ExtractedDocument> {
    if (this.closed) return Promise.reject(new LoreError("ABORTED", "the document parser is closed"));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise((resolve, reject) => {
      const request = { id: this.nextId++, fileName, content: new Uint8Array(content) };
      const onAbort = () => {
        const queued = this.queue.findIndex((j) => j === job);
        if (queued >= 0) {
          this.queue.splice(queued, 1);
          reject(new AbortedError());
        } else if (this.current?.job === job) {
          void this.dropWorker();
          this.finish(new AbortedError());
        }
      };
      const job: Job = {
        request,
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
        resolve: (document) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(document);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new LoreError("ABORTED", "the document parser is closed"));
    if (this.current) this.finish(new LoreError("ABORTED", "the document parser is closed"));
    await this.dropWorker();
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) {
      this.worker?.unref();
      return;
    }
    const worker = this.ensureWorker();
    worker.ref();
    const timer = setTimeout(() => {
      // The stuck worker is let go before the next file is sent, which must go to a new one.
      void this.dropWorker();
      this.finish(new LoreError("PARSE_FAILED", `${job.request.fileName}: parsing took longer than ${job.timeoutMs / 1000} s, so the file was skipped`));
    }, job.timeoutMs);
    this.current = { job, timer };
    // The content is this parser's own copy: moved to the worker, not copied again.
    worker.postMessage(job.request, [job.request.content.buffer as ArrayBuffer]);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.maxHeapMb);
    worker.on("message", (reply: ParseReply) => {
      if (!this.current || this.current.job.request.id !== reply.id) return;
      if ("document" in reply) this.finish(undefined, reply.document);
      else this.finish(new LoreError(isErrorCode(reply.error.code) ? reply.error.code : "PARSE_FAILED", reply.error.message));
    });
    // A worker that dies (out of memory on a hostile file) fails its file, and the next file gets a new one.
    worker.on("error", (error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.finish(new LoreError("PARSE_FAILED", `${this.current?.job.request.fileName ?? "a file"}: the parser failed (${error.message})`, { cause: error }));
    });
    worker.on("exit", () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.current) this.finish(new LoreError("PARSE_FAILED", `${this.current.job.request.fileName}: the parser stopped`));
    });
    this.worker = worker;
    return worker;
  }

  /** Terminates the worker (mid-parse, or on close); the next file starts a new one. */
  private async dropWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private finish(error: LoreError | undefined, document?: ExtractedDocument): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = undefined;
    if (error) current.job.reject(error);
    else current.job.resolve(document!);
    this.pump();
  }
}
