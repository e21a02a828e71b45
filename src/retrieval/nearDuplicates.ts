/**
 * Grouping of near-identical chunks. Documents often repeat each other's text verbatim (a
 * chapter page that concatenates its section pages, a page exported twice, boilerplate), and
 * showing the same passage twice wastes the answer generator's few evidence slots. Chunks are
 * compared by word-shingle overlap, which also catches copies whose chunk boundaries drifted.
 */

const SHINGLE = 4;

export interface DuplicateGroupingOptions {
  /** Overlap (shared shingles / shingles of the smaller chunk) at which two chunks count as one. Defaults to 0.8. */
  threshold?: number;
  /**
   * Whether texts i and j may be grouped at all (defaults to always). The retriever keeps
   * overlapping spans of one document apart: their union is returned by the adjacent-hit merge, where
   * collapsing them would keep only one and could lose the part holding the evidence.
   */
  groupable?: (i: number, j: number) => boolean;
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function shingles(text: string): Set<string> {
  const words = normalise(text).split(" ").filter(Boolean);
  const out = new Set<string>();
  if (words.length < SHINGLE) {
    out.add(words.join(" "));
    return out;
  }
  for (let i = 0; i + SHINGLE <= words.length; i++) out.add(words.slice(i, i + SHINGLE).join(" "));
  return out;
}

function overlap(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / small.size;
}

/**
 * Assigns each text a group id (the index of the first text of its group), so that texts whose
 * shingle overlap reaches the threshold share a group. Texts are taken in the order given:
 * callers pass them best-first and keep each group's first member.
 */
export function groupNearDuplicates(texts: readonly string[], options: DuplicateGroupingOptions = {}): number[] {
  const threshold = options.threshold ?? 0.8;
  const groupable = options.groupable ?? (() => true);
  const exact = new Map<string, number>();
  const reps: { index: number; shingles: Set<string> }[] = [];
  const groups: number[] = [];
  texts.forEach((text, i) => {
    const key = normalise(text);
    const known = exact.get(key);
    if (known !== undefined && groupable(known, i)) {
      groups.push(known);
      return;
    }
    const sh = shingles(text);
    const match = reps.find((r) => groupable(r.index, i) && overlap(r.shingles, sh) >= threshold);
    const group = match ? match.index : i;
    if (!match) reps.push({ index: i, shingles: sh });
    if (known === undefined) exact.set(key, group);
    groups.push(group);
  });
  return groups;
}
