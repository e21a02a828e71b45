/**
 * In-memory 1-bit (sign) index of one collection's vectors, scanned by Hamming distance.
 *
 * Why not sqlite-vec's vec0 KNN: measured here (100k × bit[384]) its top-k selection costs
 * O(n·k) — 2.8 ms at k=10 but 19 ms at k=200 and 42 ms at k=400 — while rescoring needs a few
 * hundred candidates for good recall. A plain scan with a distance histogram selects any k in
 * one pass (~2 ms at 100k), and the bits take 48 bytes a vector (4.8 MB per 100k chunks).
 */

// popcount of every 16-bit value: two lookups per 32-bit word beat bit tricks in V8.
const POPCOUNT16 = new Uint8Array(65536);
for (let i = 1; i < 65536; i++) POPCOUNT16[i] = (i & 1) + POPCOUNT16[i >> 1]!;

/** Words of a packed bit vector, little-endian, zero-padded to whole 32-bit words. */
export function toWords(bits: Uint8Array): Uint32Array {
  const padded = new Uint8Array(Math.ceil(bits.length / 4) * 4);
  padded.set(bits);
  return new Uint32Array(padded.buffer);
}

export class BinaryIndex {
  readonly words: number;
  #rowids: Float64Array;
  #bits: Uint32Array;
  #size = 0;
  readonly #position = new Map<number, number>();

  constructor(words: number, capacity = 1024) {
    this.words = words;
    this.#rowids = new Float64Array(capacity);
    this.#bits = new Uint32Array(capacity * words);
  }

  get size(): number {
    return this.#size;
  }

  add(rowid: number, bits: Uint8Array): void {
    if (this.#position.has(rowid)) this.remove(rowid);
    if (this.#size === this.#rowids.length) this.#grow();
    const at = this.#size++;
    this.#rowids[at] = rowid;
    this.#bits.set(toWords(bits).subarray(0, this.words), at * this.words);
    this.#position.set(rowid, at);
  }

  remove(rowid: number): void {
    const at = this.#position.get(rowid);
    if (at === undefined) return;
    // Swap with the last entry: order carries no meaning.
    const last = --this.#size;
    this.#position.delete(rowid);
    if (at !== last) {
      const moved = this.#rowids[last]!;
      this.#rowids[at] = moved;
      this.#bits.copyWithin(at * this.words, last * this.words, (last + 1) * this.words);
      this.#position.set(moved, at);
    }
  }

  #grow(): void {
    const rowids = new Float64Array(this.#rowids.length * 2);
    rowids.set(this.#rowids);
    const bits = new Uint32Array(rowids.length * this.words);
    bits.set(this.#bits);
    this.#rowids = rowids;
    this.#bits = bits;
  }

  /** Row ids of (at most) the k nearest vectors by Hamming distance; `allowed` restricts the scan. */
  nearest(query: Uint8Array, k: number, allowed?: Set<number>): number[] {
    const q = toWords(query);
    const words = this.words;
    const size = this.#size;
    const bits = this.#bits;
    const rowids = this.#rowids;
    const maxDistance = words * 32;
    const distances = new Uint16Array(size);
    const histogram = new Uint32Array(maxDistance + 2);
    const skipped = maxDistance + 1;
    for (let n = 0, offset = 0; n < size; n++, offset += words) {
      if (allowed && !allowed.has(rowids[n]!)) {
        distances[n] = skipped;
        continue;
      }
      let d = 0;
      for (let w = 0; w < words; w++) {
        const x = (bits[offset + w]! ^ q[w]!) >>> 0;
        d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
      }
      distances[n] = d;
      histogram[d]!++;
    }
    // Smallest threshold that admits k vectors; vectors at the threshold fill the remaining places.
    let threshold = 0;
    let below = 0;
    while (threshold <= maxDistance && below + histogram[threshold]! < k) below += histogram[threshold++]!;
    let atThreshold = k - below;
    const out: number[] = [];
    for (let n = 0; n < size; n++) {
      const d = distances[n]!;
      if (d === skipped) continue;
      if (d < threshold) out.push(rowids[n]!);
      else if (d === threshold && atThreshold > 0) {
        out.push(rowids[n]!);
        atThreshold--;
      }
    }
    return out;
  }
}
