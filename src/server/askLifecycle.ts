import type { AskOptions, AskResponse } from "../agents/types.js";
import { LoreError, OverloadedError } from "../errors/index.js";
import type { ServiceDeps } from "./deps.js";
import type { AskOutcome } from "./metrics.js";

/** Fails with NOT_FOUND unless the collection exists (checked before any model work starts). */
export async function requireCollection(deps: ServiceDeps, name: string | undefined): Promise<string> {
  const collection = name ?? deps.config.defaultCollection;
  const info = await deps.store.getCollection(collection);
  if (!info) throw new LoreError("NOT_FOUND", `Collection "${collection}" does not exist`, { details: { collection } });
  return collection;
}

export interface AskControl {
  readonly signal: AbortSignal;
  abort(): void;
  /** The error to report when the ask ended early: TIMEOUT after the deadline, ABORTED after a cancel. */
  endedEarlyError(): LoreError;
  dispose(): void;
}

/**
 * One ask's cancellation: a cancel, a disconnect or the server-wide deadline (LORE_ASK_TIMEOUT_MS)
 * all abort the same signal, which the engine turns into freeing the generation sequence.
 */
export function startAsk(timeoutMs: number): AskControl {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    endedEarlyError: () =>
      timedOut
        ? new LoreError("TIMEOUT", `The question was not answered within ${timeoutMs} ms`)
        : new LoreError("ABORTED", "The request was cancelled"),
    dispose: () => clearTimeout(timer),
  };
}

/**
 * The answerer's own wall-clock budget: the request's deadline, capped by LORE_ASK_TIMEOUT_MS (the
 * answerer's built-in default is shorter). The server's timer (startAsk) is only a backstop behind it.
 */
export function withDeadline(options: AskOptions | undefined, askTimeoutMs: number): AskOptions {
  return { ...options, deadlineMs: Math.min(options?.deadlineMs ?? askTimeoutMs, askTimeoutMs) };
}

/** Grace after the answerer's deadline before the server aborts on its own. */
export const DEADLINE_GRACE_MS = 5_000;

export function askOutcome(response: AskResponse): AskOutcome {
  return response.abstained ? "abstained" : "answered";
}

/**
 * Admission control shared by REST and WebSocket: at most `capacity` questions answered or waiting
 * at once. The answerer degrades gracefully when the generation engine refuses work (it falls back
 * to scores), so the bound that turns overload into 503 + Retry-After lives here, at the edge,
 * before any retrieval or embedding work is spent.
 */
export class AskGate {
  private inFlight = 0;
  constructor(readonly capacity: number) {}

  get active(): number {
    return this.inFlight;
  }

  /** Takes a slot or throws OverloadedError; call the returned function exactly once to give it back. */
  enter(): () => void {
    if (this.inFlight >= this.capacity) {
      throw new OverloadedError(`Lore is answering ${this.inFlight} questions, its limit; retry shortly`, 2);
    }
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }
}
