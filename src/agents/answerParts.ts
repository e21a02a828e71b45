import { findHeadings } from "../retrieval/index.js";
import type { SearchHit } from "../retrieval/types.js";
import type { EvidenceCandidate } from "./evidenceCandidates.js";
import type { ScoredCandidate } from "./evidenceScorer.js";
import type { AskResponse, Citation } from "./types.js";

export const ABSTAIN_ANSWER = "I could not find this in the knowledge base.";

export function citationFor(candidate: ScoredCandidate, n: number): Citation {
  return {
    n,
    chunkId: candidate.hit.chunkId,
    documentId: candidate.hit.documentId,
    source: candidate.hit.source,
    headingPath: sentenceHeadingPath(candidate),
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

/**
 * The heading path of the section a sentence stands in. A chunk of merged tiny sections carries the
 * path they share ("Guide"); a sentence after one of their "##" heading lines ("## ERROR_CODE_ONE"), as
 * the Markdown loader reads them, is cited under that heading. ("#" is left out: it is also a root shell
 * prompt.) Its depth follows from its level: a document whose path opens with its title (an H1) nests
 * "##" one below it; one without an H1 puts "##" at the top.
 */
export function sentenceHeadingPath(candidate: EvidenceCandidate): string[] {
  const { hit } = candidate;
  const last = findHeadings(hit.text.slice(0, Math.max(0, candidate.start - hit.start)))
    .filter((h) => h.atx && h.level >= 2)
    .at(-1);
  if (!last || !last.text || hit.headingPath.includes(last.text)) return hit.headingPath;
  const topLevel = hit.title !== undefined && hit.headingPath[0] === hit.title ? 1 : 2;
  return [...hit.headingPath.slice(0, Math.max(0, Math.min(last.level - topLevel, hit.headingPath.length))), last.text];
}
