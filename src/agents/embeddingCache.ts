import type { Embedder } from "../inference/types.js";

/**
 * Sentence vectors by text, least recently used evicted. Popular chunks come back question after
 * question, and embedding their sentences is the largest CPU cost of choosing evidence.
 */
export class EmbeddingCache {
  private readonly vectors = new Map<string, Float32Array>();

  constructor(private readonly embedder: Embedder, private readonly capacity = 20_000) {}

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const missing = [...new Set(texts.filter((t) => !this.vectors.has(t)))];
    if (missing.length > 0) {
      const result = await this.embedder.embed(missing, signal ? { signal } : {});
      missing.forEach((t, i) => this.vectors.set(t, result.vectors[i]!));
      while (this.vectors.size > this.capacity) {
        const oldest = this.vectors.keys().next().value;
        if (oldest === undefined) break;
        this.vectors.delete(oldest);
      }
    }
    return texts.map((t) => {
      const v = this.vectors.get(t)!;
      this.vectors.delete(t);
      this.vectors.set(t, v);
      return v;
    });
  }
}
