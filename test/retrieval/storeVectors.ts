/** Deterministic unit vectors for store tests and benches: no embedding model needed. */

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  return vector;
}

/** A random unit vector; the same seed always gives the same vector. */
export function unitVector(seed: number, dimension = 384): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) {
    // Box–Muller: Gaussian components make the direction uniform on the sphere.
    out[i] = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  }
  return normalize(out);
}
