/** Float32 vectors as SQLite BLOBs and their 1-bit quantisation. */

export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Bits stored per vector: whole bytes, so odd dimensions are zero-padded. */
export function binaryBits(dimension: number): number {
  return Math.ceil(dimension / 8) * 8;
}

/** Sign quantisation (1 = positive component), the rule of sqlite-vec's vec_quantize_binary. */
export function quantizeBinary(vector: Float32Array): Buffer {
  const out = Buffer.alloc(binaryBits(vector.length) / 8);
  for (let i = 0; i < vector.length; i++) {
    if (vector[i]! > 0) out[i >> 3] = out[i >> 3]! | (1 << (i & 7));
  }
  return out;
}
