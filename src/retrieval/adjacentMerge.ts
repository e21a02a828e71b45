import type { SearchHit } from "./types.js";

/**
 * Fills `limit` result slots from ranked hits, folding a hit into an earlier-ranked one from the
 * same document when their spans overlap (neighbouring chunks share their overlap text). Two slots
 * spent on one passage become one longer, still exact span, and the freed slot goes to the next
 * passage. Only hits that would have taken a slot are merged, so a merged hit never pulls in text
 * that ranked below the cut. The merged hit keeps the better hit's id, heading path and scores.
 */
export function mergeAdjacentHits(ranked: readonly SearchHit[], limit: number, maxChars: number): SearchHit[] {
  const out: SearchHit[] = [];
  for (const hit of ranked) {
    if (out.length >= limit) break;
    const i = out.findIndex(
      (o) => o.documentId === hit.documentId && hit.start < o.end && hit.end > o.start && Math.max(o.end, hit.end) - Math.min(o.start, hit.start) <= maxChars,
    );
    if (i < 0) {
      out.push(hit);
      continue;
    }
    const o = out[i]!;
    const [first, second] = o.start <= hit.start ? [o, hit] : [hit, o];
    const text = second.end > first.end ? first.text + second.text.slice(first.end - second.start) : first.text;
    out[i] = { ...o, start: first.start, end: Math.max(first.end, second.end), text };
  }
  return out;
}
