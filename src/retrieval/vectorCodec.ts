/** Float32 vectors as SQLite BLOBs, their 1-bit quantisation, and cosine similarity. */

export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function blobToVector(blob: Buffer): Float32Array {
  // Buffers handed out by better-sqlite3 may sit at any offset of a shared pool: copy when unaligned.
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

/** Bits of a vec0 `bit[N]` column: N must be a multiple of 8, so odd dimensions are zero-padded. */
export function binaryBits(dimension: number): number {
  return Math.ceil(dimension / 8) * 8;
}

/** Sign quantisation (1 = positive component), the same rule as sqlite-vec's vec_quantize_binary. */
export function quantizeBinary(vector: Float32Array): Buffer {
  const out = Buffer.alloc(binaryBits(vector.length) / 8);
  for (let i = 0; i < vector.length; i++) {
    if (vector[i]! > 0) out[i >> 3] = out[i >> 3]! | (1 << (i & 7));
  }
  return out;
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
