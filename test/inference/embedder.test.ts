import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEmbedder, MicroBatcher, resolveEmbeddingModel, type OnnxEmbedder } from "../../src/inference/index.js";
import { silentLogger } from "../../src/logging/index.js";

interface Reference {
  text: string;
  tokens: number;
  embedding: number[];
}

const MIRROR = fileURLToPath(new URL("../../../shared/models", import.meta.url));
const references = JSON.parse(readFileSync(`${MIRROR}/all-MiniLM-L6-v2/reference-embeddings.fp32.json`, "utf8")) as Reference[];

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe("ONNX embedder (all-MiniLM-L6-v2 int8)", () => {
  let embedder: OnnxEmbedder;
  const lone: Float32Array[] = [];

  beforeAll(async () => {
    const model = await resolveEmbeddingModel({ modelsDir: MIRROR, embeddingModel: "all-minilm-l6-v2", chatModel: "smollm2-135m-instruct" });
    embedder = await loadEmbedder({ model, threads: 2, logger: silentLogger() });
    for (const ref of references) {
      const { vectors } = await embedder.embed([ref.text]);
      lone.push(vectors[0]!);
    }
  });

  afterAll(async () => {
    await embedder.dispose();
  });

  it("reports the model's shape", () => {
    expect(embedder.modelId).toBe("all-minilm-l6-v2");
    expect(embedder.dimension).toBe(384);
    expect(embedder.maxTokens).toBe(256);
    expect(embedder.modelSha256).toBe("8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6");
  });

  it("embeds every reference sentence alone at cosine ≥ 0.999 to the fp32 reference", () => {
    const cosines = references.map((ref, i) => cosine(lone[i]!, ref.embedding));
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.999);
    expect(references.map((r) => embedder.countTokens(r.text))).toEqual(references.map((r) => r.tokens));
  });

  it("gives the same vectors inside one padded mixed-length batch", async () => {
    const { vectors, tokenCounts, truncated } = await embedder.embed(references.map((r) => r.text));
    expect(tokenCounts).toEqual(references.map((r) => r.tokens));
    expect(truncated.every((t) => !t)).toBe(true);
    references.forEach((ref, i) => {
      expect(cosine(vectors[i]!, ref.embedding)).toBeGreaterThanOrEqual(0.999);
      expect(cosine(vectors[i]!, lone[i]!)).toBeGreaterThanOrEqual(0.99999);
    });
  });

  it("batches concurrent embed() calls and returns each caller its own vectors", async () => {
    const before = embedder.metrics();
    const calls = references.map((ref) => embedder.embed([ref.text]));
    const results = await Promise.all(calls);
    const after = embedder.metrics();
    expect(after.items - before.items).toBe(references.length);
    expect(after.batches - before.batches).toBeLessThan(references.length);
    results.forEach((result, i) => {
      expect(cosine(result.vectors[0]!, lone[i]!)).toBeGreaterThanOrEqual(0.99999);
    });
  });

  it("ranks similar sentences above unrelated ones", async () => {
    const [query, similar, unrelated] = (
      await embedder.embed(["A man is eating food.", "A man is eating a piece of bread.", "The quarterly revenue grew by 12 percent compared with the previous year."])
    ).vectors;
    expect(cosine(query!, similar!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.3);
    const [ip, network, cheetah] = (
      await embedder.embed([
        "How do I configure a static IP address on Debian?",
        "The /etc/network/interfaces file describes the network interfaces available on the system and how to activate them.",
        "A cheetah is running behind its prey.",
      ])
    ).vectors;
    expect(cosine(ip!, network!)).toBeGreaterThan(cosine(ip!, cheetah!));
  });

  it("reports truncation of a 1000-word input instead of hiding it", async () => {
    const before = embedder.metrics().truncatedInputs;
    const long = Array.from({ length: 1000 }, (_, i) => `word${i % 7}`).join(" ");
    const result = await embedder.embed([long, "short text"]);
    expect(result.truncated).toEqual([true, false]);
    expect(result.tokenCounts[0]).toBeGreaterThan(1000);
    expect(result.vectors[0]!.length).toBe(384);
    expect(embedder.metrics().truncatedInputs).toBe(before + 1);
  });

  it("refuses work after an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed(["anything"], { signal: controller.signal })).rejects.toMatchObject({ code: "ABORTED" });
  });
});

describe("MicroBatcher (queue semantics, with a stand-in run function)", () => {
  function recordingBatcher(options: { maxBatchSize?: number; maxBatchCost?: number } = {}) {
    const batches: string[][] = [];
    const batcher = new MicroBatcher<string, string>({
      run: async (items) => {
        batches.push(items);
        return items.map((i) => i.toUpperCase());
      },
      length: (item) => item.length,
      ...options,
    });
    return { batcher, batches };
  }

  it("returns each caller its results in input order while grouping similar lengths", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 2 });
    const results = await Promise.all([batcher.submit(["aaaa", "b"]), batcher.submit(["cccc", "d"])]);
    expect(results).toEqual([["AAAA", "B"], ["CCCC", "D"]]);
    expect(batches).toEqual([["aaaa", "cccc"], ["b", "d"]]);
    expect(batcher.metrics()).toMatchObject({ batches: 2, items: 4, largestBatch: 2, paddedLength: 10, realLength: 10 });
  });

  it("caps padded work per batch and never starves the oldest item", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 8, maxBatchCost: 12 });
    await Promise.all([batcher.submit(["x".repeat(10)]), batcher.submit(["a", "b", "c", "d", "e"])]);
    expect(batches[0]).toEqual(["x".repeat(10)]);
    expect(batches.flat()).toHaveLength(6);
  });

  it("drops an aborted caller's queued items and rejects it with ABORTED", async () => {
    const { batcher, batches } = recordingBatcher();
    const controller = new AbortController();
    const aborted = batcher.submit(["gone"], controller.signal);
    const kept = batcher.submit(["kept"]);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: "ABORTED" });
    expect(await kept).toEqual(["KEPT"]);
    expect(batches.flat()).toEqual(["kept"]);
  });
});
