import { AbortedError } from "../errors/index.js";

export interface MicroBatcherOptions<I, O> {
  /** Runs one batch; returns one output per input, in the same order. */
  run: (items: I[]) => Promise<O[]>;
  /** Length of an item (tokens): batches group similar lengths, and the cost cap uses it. */
  length: (item: I) => number;
  /** Defaults to 32. */
  maxBatchSize?: number;
  /**
   * Cap on padded work per batch (items × longest length). A batch is one blocking native call,
   * so this bounds how long the event loop stalls. Defaults to Infinity.
   */
  maxBatchCost?: number;
  /**
   * How long an idle batcher holds a partly filled batch waiting for company. Defaults to 0:
   * under load the batch in flight is the wait window, and an idle server should not add latency.
   */
  maxWaitMs?: number;
}

export interface MicroBatcherMetrics {
  batches: number;
  items: number;
  largestBatch: number;
  /** Sum over batches of items × longest item: the work actually done, padding included. */
  paddedLength: number;
  /** Sum of item lengths: the work that was needed. */
  realLength: number;
  queueDepth: number;
}

interface Job<O> {
  results: O[];
  remaining: number;
  settled: boolean;
  resolve: (results: O[]) => void;
  reject: (error: unknown) => void;
}

interface Pending<I, O> {
  item: I;
  length: number;
  index: number;
  job: Job<O>;
}

/** How far past the head of the queue a batch may reach for items of similar length. */
const WINDOW_BATCHES = 4;

/**
 * Queues items from concurrent callers and runs them together. Each batch starts from the oldest
 * waiting item (so nothing starves) and fills up with the waiting items closest to it in length
 * (so padding stays small); results go back to each caller in its own input order.
 */
export class MicroBatcher<I, O> {
  readonly #run: (items: I[]) => Promise<O[]>;
  readonly #length: (item: I) => number;
  readonly #maxBatchSize: number;
  readonly #maxBatchCost: number;
  readonly #maxWaitMs: number;
  #pending: Pending<I, O>[] = [];
  #running: Promise<void> | undefined;
  #timer: { kind: "timeout"; handle: NodeJS.Timeout } | { kind: "immediate"; handle: NodeJS.Immediate } | undefined;
  #closed = false;
  readonly #metrics: Omit<MicroBatcherMetrics, "queueDepth"> = { batches: 0, items: 0, largestBatch: 0, paddedLength: 0, realLength: 0 };

  constructor(options: MicroBatcherOptions<I, O>) {
    this.#run = options.run;
    this.#length = options.length;
    this.#maxBatchSize = Math.max(1, options.maxBatchSize ?? 32);
    this.#maxBatchCost = options.maxBatchCost ?? Number.POSITIVE_INFINITY;
    this.#maxWaitMs = Math.max(0, options.maxWaitMs ?? 0);
  }

  submit(items: readonly I[], signal?: AbortSignal): Promise<O[]> {
    if (this.#closed) return Promise.reject(new AbortedError("The batcher was disposed"));
    if (signal?.aborted) return Promise.reject(new AbortedError());
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      const job: Job<O> = { results: new Array<O>(items.length), remaining: items.length, settled: false, resolve, reject };
      items.forEach((item, index) => this.#pending.push({ item, length: this.#length(item), index, job }));
      if (signal) {
        const onAbort = () => {
          this.#pending = this.#pending.filter((p) => p.job !== job);
          this.#settle(job, new AbortedError());
        };
        signal.addEventListener("abort", onAbort, { once: true });
        const cleanup = () => signal.removeEventListener("abort", onAbort);
        job.resolve = (r) => (cleanup(), resolve(r));
        job.reject = (e) => (cleanup(), reject(e));
      }
      this.#schedule();
    });
  }

  metrics(): MicroBatcherMetrics {
    return { ...this.#metrics, queueDepth: this.#pending.length };
  }

  /** Rejects everything still queued; resolves once a batch already running has finished. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) this.#settle(p.job, new AbortedError("The embedder was disposed"));
    await this.#running;
  }

  #schedule(): void {
    if (this.#running || this.#pending.length === 0) return;
    const full = this.#pending.length >= this.#maxBatchSize;
    if (this.#timer && !full) return;
    this.#clearTimer();
    // setImmediate rather than a microtask: callers that submit in the same tick join the batch.
    const start = () => {
      this.#timer = undefined;
      this.#running = this.#drain().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    };
    this.#timer =
      full || this.#maxWaitMs === 0 ? { kind: "immediate", handle: setImmediate(start) } : { kind: "timeout", handle: setTimeout(start, this.#maxWaitMs) };
  }

  #clearTimer(): void {
    if (this.#timer?.kind === "timeout") clearTimeout(this.#timer.handle);
    if (this.#timer?.kind === "immediate") clearImmediate(this.#timer.handle);
    this.#timer = undefined;
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0 && !this.#closed) {
      await this.#runBatch(this.#takeBatch());
      // Let I/O callbacks run between batches: a batch is blocking native work.
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  #takeBatch(): Pending<I, O>[] {
    const head = this.#pending[0]!;
    const window = this.#pending.slice(1, this.#maxBatchSize * WINDOW_BATCHES);
    window.sort((a, b) => Math.abs(a.length - head.length) - Math.abs(b.length - head.length));
    const batch = [head];
    let longest = head.length;
    for (const candidate of window) {
      if (batch.length >= this.#maxBatchSize) break;
      const nextLongest = Math.max(longest, candidate.length);
      if ((batch.length + 1) * nextLongest > this.#maxBatchCost) continue;
      batch.push(candidate);
      longest = nextLongest;
    }
    const taken = new Set(batch);
    this.#pending = this.#pending.filter((p) => !taken.has(p));
    return batch.sort((a, b) => a.length - b.length);
  }

  async #runBatch(batch: Pending<I, O>[]): Promise<void> {
    const live = batch.filter((p) => !p.job.settled);
    if (live.length === 0) return;
    const longest = live.reduce((m, p) => Math.max(m, p.length), 0);
    this.#metrics.batches += 1;
    this.#metrics.items += live.length;
    this.#metrics.largestBatch = Math.max(this.#metrics.largestBatch, live.length);
    this.#metrics.paddedLength += longest * live.length;
    this.#metrics.realLength += live.reduce((s, p) => s + p.length, 0);
    let outputs: O[];
    try {
      outputs = await this.#run(live.map((p) => p.item));
    } catch (error) {
      for (const p of live) this.#settle(p.job, error);
      return;
    }
    live.forEach((p, i) => {
      if (p.job.settled) return;
      p.job.results[p.index] = outputs[i]!;
      p.job.remaining -= 1;
      if (p.job.remaining === 0) this.#settle(p.job, undefined);
    });
  }

  #settle(job: Job<O>, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (error === undefined) job.resolve(job.results);
    else job.reject(error);
  }
}
