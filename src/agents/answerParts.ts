import type { SearchHit } from "../retrieval/types.js";
import type { ScoredCandidate } from "./evidenceScorer.js";
import type { AskResponse, Citation } from "./types.js";

export const ABSTAIN_ANSWER = "I could not find this in the knowledge base.";

export function citationFor(candidate: ScoredCandidate, n: number): Citation {
  return {
    n,
    chunkId: candidate.hit.chunkId,
    documentId: candidate.hit.documentId,
    source: candidate.hit.source,
    headingPath: candidate.hit.headingPath,
    start: candidate.start,
    end: candidate.end,
    quote: candidate.text,
  };
}

/** The closest distinct documents, for an abstention to point the user somewhere. */
export function closestSources(hits: readonly SearchHit[], max = 3): AskResponse["closestSources"] {
  const seen = new Set<string>();
  const out: AskResponse["closestSources"] = [];
  for (const h of hits) {
    if (seen.has(h.documentId)) continue;
    seen.add(h.documentId);
    out.push({ documentId: h.documentId, source: h.source, headingPath: h.headingPath });
    if (out.length >= max) break;
  }
  return out;
}

/** Combines the caller's signal with a deadline; `dispose` clears the timer. */
export function deadlineSignal(signal: AbortSignal | undefined, ms: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error("deadline")), Math.max(0, ms));
  timer.unref?.();
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
