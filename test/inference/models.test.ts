import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LoreError } from "../../src/errors/index.js";
import {
  ensureModels,
  loadEmbedder,
  loadManifest,
  parseManifest,
  pullModels,
  resolveChatModel,
  resolveEmbeddingModel,
  resolveModels,
  verifyModelFiles,
  type ModelManifest,
} from "../../src/inference/index.js";

const MIRROR = fileURLToPath(new URL("../../../shared/models", import.meta.url));
const MINILM = join(MIRROR, "all-MiniLM-L6-v2");
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const defaults = { embeddingModel: "all-minilm-l6-v2", chatModel: "smollm2-135m-instruct" };

/** A two-file manifest built from small mirror files, so pull tests move kilobytes, not the 98 MB GGUF. */
function smallManifest(url = "http://127.0.0.1:9/unreachable"): ModelManifest {
  const file = (name: string) => {
    const bytes = readFileSync(join(MIRROR, name));
    return { name, bytes: bytes.length, sha256: sha256(bytes), url: `${url}/${name}` };
  };
  return parseManifest({
    models: [
      { id: "tiny", role: "embedding", licence: "Apache-2.0", files: [file("all-MiniLM-L6-v2/tokenizer_config.json"), file("all-MiniLM-L6-v2/tokenizer.json")] },
    ],
  });
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lore-models-"));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Serves the mirror over HTTP with Range support; `corrupt` flips a byte of every body. */
function startServer(options: { corrupt?: boolean } = {}): Promise<{ server: Server; base: string; ranges: (string | undefined)[]; bytesSent: number[] }> {
  const ranges: (string | undefined)[] = [];
  const bytesSent: number[] = [];
  const server = createServer((req, res) => {
    const path = join(MIRROR, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (!path.startsWith(MIRROR) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    let body = Buffer.from(readFileSync(path));
    if (options.corrupt) body[body.length - 1] = body[body.length - 1]! ^ 0xff;
    ranges.push(req.headers.range);
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (match) {
      const start = Number(match[1]);
      const part = body.subarray(start);
      bytesSent.push(part.length);
      res.writeHead(206, { "content-length": part.length, "content-range": `bytes ${start}-${body.length - 1}/${body.length}` }).end(part);
      return;
    }
    bytesSent.push(body.length);
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ranges, bytesSent })),
  );
}

describe("model manifest", () => {
  it("lists the default embedding and generation models with sizes and checksums", () => {
    const manifest = loadManifest();
    const embedding = manifest.models.find((m) => m.id === "all-minilm-l6-v2");
    const chat = manifest.models.find((m) => m.id === "smollm2-135m-instruct");
    expect(embedding?.role).toBe("embedding");
    expect(chat?.role).toBe("generation");
    expect(chat?.files[0]).toMatchObject({ name: "SmolLM2-135M-Instruct.Q4_1.gguf", bytes: 98362432 });
    expect(embedding?.files.map((f) => f.name)).toContain("all-MiniLM-L6-v2/model_int8.onnx");
  });

  it("matches the offline mirror byte for byte", async () => {
    const results = await verifyModelFiles({ modelsDir: MIRROR });
    expect(results.filter((r) => r.status !== "ok")).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(9);
  });
});

describe("model resolution", () => {
  it("prefers LORE_MODELS_DIR, then ./models, then the offline mirror", async () => {
    const cwd = tempDir();
    const fromMirror = await resolveChatModel({ ...defaults }, { cwd });
    expect(fromMirror.path).toBe(join(MIRROR, "SmolLM2-135M-Instruct.Q4_1.gguf"));

    // A file of the wrong size in ./models (an interrupted copy) is skipped, not loaded.
    mkdirSync(join(cwd, "models"));
    writeFileSync(join(cwd, "models", "SmolLM2-135M-Instruct.Q4_1.gguf"), "truncated");
    expect((await resolveChatModel({ ...defaults }, { cwd })).path).toBe(fromMirror.path);

    const local = tempDir();
    mkdirSync(join(local, "all-MiniLM-L6-v2"));
    for (const f of ["model_int8.onnx", "tokenizer.json", "tokenizer_config.json", "config.json"]) {
      symlinkSync(join(MINILM, f), join(local, "all-MiniLM-L6-v2", f));
    }
    const explicit = await resolveEmbeddingModel({ ...defaults, modelsDir: local }, { cwd });
    expect(explicit.onnxPath).toBe(join(local, "all-MiniLM-L6-v2/model_int8.onnx"));
    expect(explicit.id).toBe("all-minilm-l6-v2");
  });

  it("names the file, every place looked and the fix when a model is missing", async () => {
    const cwd = tempDir();
    const manifest = smallManifest();
    const error = await resolveEmbeddingModel({ ...defaults, embeddingModel: "tiny", modelsDir: join(cwd, "mine") }, { cwd, manifest: { models: [{ ...manifest.models[0]!, files: [...manifest.models[0]!.files, { name: "tiny/model.onnx", bytes: 1, sha256: "0".repeat(64), url: "https://example.invalid/m.onnx", optional: false }] }] } }).catch((e: unknown) => e);
    expect(LoreError.isInstance(error) && error.code).toBe("MODEL_NOT_FOUND");
    const message = (error as Error).message;
    expect(message).toContain("tiny/model.onnx");
    expect(message).toContain(join(cwd, "mine", "tiny/model.onnx"));
    expect(message).toContain(join(cwd, "models", "tiny/model.onnx"));
    expect(message).toContain(join(MIRROR, "tiny/model.onnx"));
    expect(message).toContain("npx lore models pull tiny");
    expect(message).toContain("LORE_MODELS_DIR");
  });

  it("accepts a custom GGUF path and a custom ONNX embedding directory", async () => {
    const custom = tempDir();
    symlinkSync(join(MINILM, "model_int8.onnx"), join(custom, "model.onnx"));
    symlinkSync(join(MINILM, "tokenizer.json"), join(custom, "tokenizer.json"));
    const { embedding, chat } = await resolveModels({ ...defaults, embeddingModelDir: custom, chatModelPath: join(MIRROR, "SmolLM2-135M-Instruct.Q4_1.gguf") });
    expect(embedding.id).toBe("custom:8199be6f699a");
    expect(embedding.custom).toBe(true);
    expect(chat.id).toBe("custom:SmolLM2-135M-Instruct.Q4_1.gguf");

    const embedder = await loadEmbedder({ modelDir: custom, threads: 1 });
    try {
      expect(embedder.dimension).toBe(384);
      expect(embedder.modelId).toBe("custom:8199be6f699a");
      expect((await embedder.embed(["hello"])).vectors[0]!.length).toBe(384);
    } finally {
      await embedder.dispose();
    }

    await expect(resolveChatModel({ ...defaults, chatModelPath: join(custom, "nope.gguf") })).rejects.toMatchObject({ code: "MODEL_NOT_FOUND" });
    await expect(resolveEmbeddingModel({ ...defaults, embeddingModelDir: tempDir() })).rejects.toMatchObject({ code: "MODEL_NOT_FOUND" });
  });
});

describe("lore models pull", () => {
  let served: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await new Promise((r) => (served ? served.server.close(r) : r(undefined)));
    served = undefined;
  });

  it("copies from a local mirror, verifies, and keeps verified files on the next pull", async () => {
    const dest = tempDir();
    const phases = new Set<string>();
    const results = await pullModels({ dest, manifest: smallManifest(), from: MIRROR, onProgress: (p) => phases.add(p.phase) });
    expect(results.map((r) => r.action)).toEqual(["copied", "copied"]);
    expect(readFileSync(join(dest, "all-MiniLM-L6-v2/tokenizer.json"))).toEqual(readFileSync(join(MINILM, "tokenizer.json")));
    expect(phases).toEqual(new Set(["copy", "verify"]));
    const again = await pullModels({ dest, manifest: smallManifest(), from: MIRROR });
    expect(again.map((r) => r.action)).toEqual(["present", "present"]);
  });

  it("says once that a --from folder does not exist, rather than once per file", async () => {
    const dest = tempDir();
    await expect(pullModels({ dest, manifest: smallManifest(), from: join(dest, "nonexistent") })).rejects.toMatchObject({
      code: "MODEL_NOT_FOUND",
      message: expect.stringContaining("no such folder"),
    });
  });

  it("uses the offline mirror automatically when no source is given", async () => {
    const dest = tempDir();
    const results = await pullModels({ dest, manifest: smallManifest(), mirrorDirs: [MIRROR] });
    expect(results.map((r) => r.source)).toEqual([join(MINILM, "tokenizer_config.json"), join(MINILM, "tokenizer.json")]);
  });

  it("resumes a partial download with an HTTP Range request", async () => {
    served = await startServer();
    const dest = tempDir();
    const full = readFileSync(join(MINILM, "tokenizer.json"));
    mkdirSync(join(dest, "all-MiniLM-L6-v2"));
    writeFileSync(join(dest, "all-MiniLM-L6-v2/tokenizer.json.partial"), full.subarray(0, 100_000));
    const manifest = smallManifest(served.base);
    const results = await pullModels({ dest, manifest: { models: [{ ...manifest.models[0]!, files: [manifest.models[0]!.files[1]!] }] }, mirrorDirs: [] });
    expect(results[0]?.action).toBe("downloaded");
    expect(served.ranges).toEqual(["bytes=100000-"]);
    expect(served.bytesSent).toEqual([full.length - 100_000]);
    expect(sha256(readFileSync(join(dest, "all-MiniLM-L6-v2/tokenizer.json")))).toBe(sha256(full));
    expect(existsSync(join(dest, "all-MiniLM-L6-v2/tokenizer.json.partial"))).toBe(false);
  });

  it("refuses a download whose sha256 does not match and leaves no file behind", async () => {
    served = await startServer({ corrupt: true });
    const dest = tempDir();
    const error = await pullModels({ dest, manifest: smallManifest(), from: served.base }).catch((e: unknown) => e);
    expect(LoreError.isInstance(error) && error.code).toBe("CHECKSUM_MISMATCH");
    expect((error as Error).message).toContain("tokenizer_config.json");
    expect(existsSync(join(dest, "all-MiniLM-L6-v2/tokenizer_config.json"))).toBe(false);
    expect(existsSync(join(dest, "all-MiniLM-L6-v2/tokenizer_config.json.partial"))).toBe(false);
  });
  it("still pulls the other files when one source fails, then reports the failure", async () => {
    served = await startServer();
    const dest = tempDir();
    const manifest = smallManifest(served.base);
    const [config, tokenizer] = manifest.models[0]!.files;
    const broken = { models: [{ ...manifest.models[0]!, files: [{ ...config!, url: `${served.base}/no/such/file` }, tokenizer!] }] };
    const error = await pullModels({ dest, manifest: broken, mirrorDirs: [] }).catch((e: unknown) => e);
    expect(LoreError.isInstance(error) && error.code).toBe("DOWNLOAD_FAILED");
    expect((error as Error).message).toContain("HTTP 404");
    expect(existsSync(join(dest, "all-MiniLM-L6-v2/tokenizer.json"))).toBe(true);
  });
});

describe("ensureModels", () => {
  const tinyConfig = { embeddingModel: "tiny", chatModel: "tiny", autoPull: true };

  it("downloads missing default files before serving when autoPull is on", async () => {
    const served = await startServer();
    try {
      const cwd = tempDir();
      const modelsDir = join(cwd, "store");
      // An embedding entry needs an .onnx to resolve: exercise the pull through the chat role.
      const manifest = parseManifest({ models: [{ ...smallManifest(served.base).models[0]!, role: "generation" }] });
      const { chat } = await ensureModels({ ...tinyConfig, modelsDir, embeddingModelDir: MINILM }, { cwd, manifest, mirrorDirs: [] });
      expect(served.ranges).toEqual([undefined, undefined]);
      expect(sha256(readFileSync(join(modelsDir, "all-MiniLM-L6-v2/tokenizer.json")))).toBe(sha256(readFileSync(join(MINILM, "tokenizer.json"))));
      expect(chat.path.startsWith(modelsDir)).toBe(true);
    } finally {
      await new Promise((r) => served.server.close(r));
    }
  });

  it("fails with MODEL_NOT_FOUND, the places looked and the download error when nothing can be fetched", async () => {
    const cwd = tempDir();
    const error = await ensureModels(
      { ...tinyConfig, modelsDir: join(cwd, "store"), embeddingModelDir: MINILM },
      { cwd, manifest: parseManifest({ models: [{ ...smallManifest().models[0]!, role: "generation" }] }), mirrorDirs: [] },
    ).catch((e: unknown) => e);
    expect(LoreError.isInstance(error) && error.code).toBe("MODEL_NOT_FOUND");
    const message = (error as Error).message;
    expect(message).toContain("Automatic download failed");
    expect(message).toContain(join(cwd, "store", "all-MiniLM-L6-v2/tokenizer.json"));
    expect(message).toContain("npx lore models pull tiny");
  });
});
