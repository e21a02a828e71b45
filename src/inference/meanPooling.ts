/**
 * Attention-masked mean pooling of [batch, seq, dim] hidden states followed by L2 normalisation:
 * the sentence-transformers recipe (1_Pooling/config.json: pooling_mode_mean_tokens) for MiniLM
 * and most BERT-family sentence encoders. Padding positions never enter the mean, which is why a
 * vector inside a padded batch equals the same text embedded alone.
 */
export function meanPoolNormalize(hidden: Float32Array, mask: ArrayLike<bigint | number>, batch: number, seq: number, dim: number): Float32Array[] {
  const vectors: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const out = new Float32Array(dim);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (Number(mask[b * seq + s]) === 0) continue;
      count += 1;
      const offset = (b * seq + s) * dim;
      for (let d = 0; d < dim; d++) out[d]! += hidden[offset + d]!;
    }
    vectors.push(normalize(out, Math.max(count, 1)));
  }
  return vectors;
}

/** For models whose ONNX graph already pools ([batch, dim] output). */
export function normalizeRows(pooled: Float32Array, batch: number, dim: number): Float32Array[] {
  const vectors: Float32Array[] = [];
  for (let b = 0; b < batch; b++) vectors.push(normalize(pooled.slice(b * dim, (b + 1) * dim), 1));
  return vectors;
}

function normalize(v: Float32Array, divisor: number): Float32Array {
  let norm = 0;
  for (let d = 0; d < v.length; d++) {
    v[d]! /= divisor;
    norm += v[d]! * v[d]!;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < v.length; d++) v[d]! *= inv;
  return v;
}
