import type { GenerationResult, GenerationStream } from "./types.js";

/**
 * Push side of a GenerationStream: the engine pushes text chunks and settles once.
 * Chunks are buffered until read, so a consumer that only awaits `result` loses nothing and
 * a slow consumer never stalls the decode loop.
 */
export class GenerationStreamController implements GenerationStream {
  readonly result: Promise<GenerationResult>;
  private readonly chunks: string[] = [];
  private waiter: (() => void) | undefined;
  private settled = false;
  private failure: unknown;
  private resolveResult!: (value: GenerationResult) => void;
  private rejectResult!: (error: unknown) => void;

  constructor() {
    this.result = new Promise<GenerationResult>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // A caller that only iterates must not see an unhandled rejection from `result`.
    this.result.catch(() => undefined);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  push(chunk: string): void {
    if (this.settled || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.wake();
  }

  finish(result: GenerationResult): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveResult(result);
    this.wake();
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.failure = error ?? new Error("generation failed");
    this.rejectResult(this.failure);
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    let index = 0;
    while (true) {
      if (index < this.chunks.length) {
        yield this.chunks[index++]!;
        continue;
      }
      if (this.settled) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
