import { describe, expect, it } from "vitest";
import { BinaryIndex } from "../../src/retrieval/bitIndex.js";

const bitsOf = (...bytes: number[]) => Uint8Array.from(bytes);

describe("BinaryIndex", () => {
  it("returns the k nearest row ids by Hamming distance and forgets removed rows", () => {
    const index = new BinaryIndex(1, 2);
    index.add(10, bitsOf(0b0000_0000));
    index.add(11, bitsOf(0b0000_0001));
    index.add(12, bitsOf(0b0000_0111));
    index.add(13, bitsOf(0b1111_1111));
    expect(index.size).toBe(4);
    expect(index.nearest(bitsOf(0), 2).sort()).toEqual([10, 11]);
    expect(index.nearest(bitsOf(0), 10).sort()).toEqual([10, 11, 12, 13]);

    index.remove(10);
    index.add(11, bitsOf(0b1111_1110)); // re-adding a row replaces its bits
    expect(index.size).toBe(3);
    expect(index.nearest(bitsOf(0), 1)).toEqual([12]);
    expect(index.nearest(bitsOf(0), 2, new Set([11, 13])).sort()).toEqual([11, 13]);
    expect(index.nearest(bitsOf(0), 3, new Set([13]))).toEqual([13]);
  });
});
