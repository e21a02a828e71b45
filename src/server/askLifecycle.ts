import type { AskRequest, AskResponse } from "../agents/types.js";
import { LoreError } from "../errors/index.js";
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

export function askOutcome(response: AskResponse): AskOutcome {
  return response.abstained ? "abstained" : "answered";
}

export type AskInput = Omit<AskRequest, "signal" | "collection"> & { collection?: string | undefined };
