import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { LoreError } from "../errors/index.js";
import { fileSha256 } from "./fileSha256.js";
import { findModel, loadManifest, REPO_ROOT, type ModelEntry, type ModelFile, type ModelManifest } from "./modelManifest.js";

/** The part of LoreConfig that decides where models come from. */
export interface ModelConfig {
  modelsDir?: string | undefined;
  embeddingModel: string;
  chatModel: string;
  chatModelPath?: string | undefined;
  embeddingModelDir?: string | undefined;
}

export interface ResolveOptions {
  /** Defaults to models.json at the repository root. */
  manifest?: ModelManifest;
  /** Defaults to process.cwd(). */
  cwd?: string;
  /** Offline mirror directories searched last. Defaults to ../shared/models (see offlineMirrorDirs). */
  mirrorDirs?: readonly string[];
}

export interface ResolvedEmbeddingModel {
  /** Manifest id, or "custom:<sha256 prefix>" for a user-supplied directory. */
  id: string;
  /** sha256 of the ONNX file (a collection records it so vectors of two models never mix). */
  sha256: string;
  onnxPath: string;
  tokenizerPath: string;
  /** tokenizer_config.json when there is one (lower-casing, special tokens, model_max_length). */
  tokenizerConfigPath: string | undefined;
  custom: boolean;
}

export interface ResolvedChatModel {
  /** Manifest id, or "custom:<file name>" for a user-supplied GGUF. */
  id: string;
  path: string;
  /** Known for manifest models; custom GGUFs are not hashed (they can be many GB). */
  sha256: string | undefined;
  custom: boolean;
}

export interface FileLookup {
  file: ModelFile;
  /** Absolute path where the file was found with the manifest's size, if anywhere. */
  path: string | undefined;
  /** Every place checked, with why it was rejected ("missing", "wrong size …"). */
  looked: string[];
}

/**
 * Where model files are looked for, in order: the explicit setting (LORE_MODELS_DIR), ./models,
 * then the offline mirror ../shared/models beside the repository and beside the working directory.
 */
export function modelSearchDirs(
  config: Pick<ModelConfig, "modelsDir">,
  cwd: string = process.cwd(),
  mirrorDirs: readonly string[] = offlineMirrorDirs(cwd),
): string[] {
  const dirs = [...(config.modelsDir ? [resolve(cwd, config.modelsDir)] : []), resolve(cwd, "models"), ...mirrorDirs.map((d) => resolve(cwd, d))];
  return [...new Set(dirs)];
}

/** The read-only offline mirror candidates (repository-relative first). */
export function offlineMirrorDirs(cwd: string = process.cwd()): string[] {
  return [...new Set([resolve(REPO_ROOT, "../shared/models"), resolve(cwd, "../shared/models")])];
}

/** Where `lore models pull` and auto-pull write: the explicit setting, else ./models. */
export function defaultModelsDestination(config: Pick<ModelConfig, "modelsDir">, cwd: string = process.cwd()): string {
  return resolve(cwd, config.modelsDir ?? "models");
}

/** Finds one manifest file; a file of the wrong size (e.g. an interrupted copy) does not count. */
export function locateModelFile(file: ModelFile, dirs: readonly string[]): FileLookup {
  const looked: string[] = [];
  for (const dir of dirs) {
    const path = join(dir, file.name);
    if (!existsSync(path)) {
      looked.push(`${path} (missing)`);
      continue;
    }
    const size = statSync(path).size;
    if (size !== file.bytes) {
      looked.push(`${path} (wrong size: ${size} bytes, expected ${file.bytes})`);
      continue;
    }
    return { file, path, looked };
  }
  return { file, path: undefined, looked };
}

/** Locates every required file of a manifest model or throws one MODEL_NOT_FOUND naming them all. */
export function locateModel(entry: ModelEntry, dirs: readonly string[], fixHint: string): Map<string, string> {
  const found = new Map<string, string>();
  const missing: FileLookup[] = [];
  for (const file of entry.files) {
    const lookup = locateModelFile(file, dirs);
    if (lookup.path) found.set(file.name, lookup.path);
    else if (!file.optional) missing.push(lookup);
  }
  if (missing.length > 0) throw modelNotFound(entry, missing, fixHint);
  return found;
}

export function modelNotFound(entry: ModelEntry, missing: readonly FileLookup[], fixHint: string, cause?: unknown): LoreError {
  const lines = [`Model "${entry.id}" (${entry.role}) is missing ${missing.length === 1 ? "a file" : `${missing.length} files`}:`];
  for (const m of missing) {
    lines.push(`  ${m.file.name} (${m.file.bytes} bytes); looked in:`);
    for (const place of m.looked) lines.push(`    - ${place}`);
  }
  lines.push(fixHint);
  return new LoreError("MODEL_NOT_FOUND", lines.join("\n"), {
    cause,
    details: { modelId: entry.id, files: missing.map((m) => m.file.name), looked: missing.flatMap((m) => m.looked) },
  });
}

export function pullHint(entry: ModelEntry, dest: string): string {
  return (
    `Fix: run \`npx lore models pull ${entry.id}\` (downloads into ${dest}; add --from <dir> to copy from a local copy), ` +
    `or set LORE_MODELS_DIR to a directory that holds ${entry.files[0]?.name ?? "the files"}.`
  );
}

function requirePath(found: Map<string, string>, name: string, entry: ModelEntry): string {
  const path = found.get(name);
  if (!path) throw new LoreError("MODEL_NOT_FOUND", `Model "${entry.id}" has no file named ${name} in the manifest`);
  return path;
}

/** ONNX file names tried, in order, in a custom embedding model directory (Optimum / transformers.js layouts). */
const CUSTOM_ONNX_CANDIDATES = ["model.onnx", "model_int8.onnx", "onnx/model.onnx", "onnx/model_quantized.onnx", "onnx/model_int8.onnx"];

async function resolveCustomEmbedding(dir: string): Promise<ResolvedEmbeddingModel> {
  const onnx = CUSTOM_ONNX_CANDIDATES.map((name) => join(dir, name)).find((p) => existsSync(p));
  const tokenizerPath = join(dir, "tokenizer.json");
  if (!onnx || !existsSync(tokenizerPath)) {
    throw new LoreError(
      "MODEL_NOT_FOUND",
      `Custom embedding model directory ${dir} needs tokenizer.json and one of ${CUSTOM_ONNX_CANDIDATES.join(", ")} ` +
        `(found: ${onnx ? basename(onnx) : "no ONNX file"}, ${existsSync(tokenizerPath) ? "tokenizer.json" : "no tokenizer.json"}). ` +
        `Fix: point LORE_EMBEDDING_MODEL_DIR at a sentence-embedding model exported to ONNX (e.g. optimum-cli export onnx), or unset it to use the default model.`,
    );
  }
  const sha256 = await fileSha256(onnx);
  const tokenizerConfig = join(dir, "tokenizer_config.json");
  return {
    id: `custom:${sha256.slice(0, 12)}`,
    sha256,
    onnxPath: onnx,
    tokenizerPath,
    tokenizerConfigPath: existsSync(tokenizerConfig) ? tokenizerConfig : undefined,
    custom: true,
  };
}

export async function resolveEmbeddingModel(config: ModelConfig, options: ResolveOptions = {}): Promise<ResolvedEmbeddingModel> {
  const cwd = options.cwd ?? process.cwd();
  if (config.embeddingModelDir) return resolveCustomEmbedding(resolve(cwd, config.embeddingModelDir));
  const entry = findModel(options.manifest ?? loadManifest(), config.embeddingModel);
  const found = locateModel(entry, modelSearchDirs(config, cwd, options.mirrorDirs), pullHint(entry, defaultModelsDestination(config, cwd)));
  const onnxFile = entry.files.find((f) => f.name.endsWith(".onnx"));
  const tokenizerFile = entry.files.find((f) => basename(f.name) === "tokenizer.json");
  if (!onnxFile || !tokenizerFile) {
    throw new LoreError("MODEL_NOT_FOUND", `Manifest entry "${entry.id}" needs an .onnx file and a tokenizer.json to be an embedding model`);
  }
  const tokenizerPath = requirePath(found, tokenizerFile.name, entry);
  const configFile = entry.files.find((f) => basename(f.name) === "tokenizer_config.json");
  const siblingConfig = join(dirname(tokenizerPath), "tokenizer_config.json");
  return {
    id: entry.id,
    sha256: onnxFile.sha256,
    onnxPath: requirePath(found, onnxFile.name, entry),
    tokenizerPath,
    tokenizerConfigPath: (configFile && found.get(configFile.name)) ?? (existsSync(siblingConfig) ? siblingConfig : undefined),
    custom: false,
  };
}

export async function resolveChatModel(config: ModelConfig, options: ResolveOptions = {}): Promise<ResolvedChatModel> {
  const cwd = options.cwd ?? process.cwd();
  if (config.chatModelPath) {
    const path = resolve(cwd, config.chatModelPath);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new LoreError(
        "MODEL_NOT_FOUND",
        `Custom chat model ${path} (LORE_CHAT_MODEL_PATH) does not exist. Fix: point it at a GGUF file, or unset it to use the default model (\`npx lore models pull\`).`,
      );
    }
    return { id: `custom:${basename(path)}`, path, sha256: undefined, custom: true };
  }
  const entry = findModel(options.manifest ?? loadManifest(), config.chatModel);
  const found = locateModel(entry, modelSearchDirs(config, cwd, options.mirrorDirs), pullHint(entry, defaultModelsDestination(config, cwd)));
  const gguf = entry.files.find((f) => f.name.endsWith(".gguf")) ?? entry.files[0]!;
  return { id: entry.id, path: requirePath(found, gguf.name, entry), sha256: gguf.sha256, custom: false };
}

export async function resolveModels(
  config: ModelConfig,
  options: ResolveOptions = {},
): Promise<{ embedding: ResolvedEmbeddingModel; chat: ResolvedChatModel }> {
  const [embedding, chat] = await Promise.all([resolveEmbeddingModel(config, options), resolveChatModel(config, options)]);
  return { embedding, chat };
}
