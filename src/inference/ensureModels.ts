import { LoreError } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import { findModel, loadManifest } from "./modelManifest.js";
import { pullModels, type PullProgress } from "./modelPull.js";
import {
  defaultModelsDestination,
  modelSearchDirs,
  locateModelFile,
  modelNotFound,
  pullHint,
  resolveModels,
  type ModelConfig,
  type ResolvedChatModel,
  type ResolvedEmbeddingModel,
  type ResolveOptions,
} from "./modelResolver.js";

export interface EnsureModelsOptions extends ResolveOptions {
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * Resolves both models; when a default model's files are missing and `autoPull` is on, pulls
 * them (copy from the offline mirror, else download) into modelsDir or ./models first. If that
 * is impossible the error is the resolver's MODEL_NOT_FOUND (file, places looked, fix) plus why
 * the automatic download failed.
 */
export async function ensureModels(
  config: ModelConfig & { autoPull: boolean },
  options: EnsureModelsOptions = {},
): Promise<{ embedding: ResolvedEmbeddingModel; chat: ResolvedChatModel }> {
  const manifest = options.manifest ?? loadManifest();
  const resolveOptions: ResolveOptions = {
    manifest,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.mirrorDirs ? { mirrorDirs: options.mirrorDirs } : {}),
  };
  if (!config.autoPull) return resolveModels(config, resolveOptions);

  const dirs = modelSearchDirs(config, options.cwd, options.mirrorDirs);
  const dest = defaultModelsDestination(config, options.cwd);
  const wanted = new Set([...(config.embeddingModelDir ? [] : [config.embeddingModel]), ...(config.chatModelPath ? [] : [config.chatModel])]);
  let firstFailure: LoreError | undefined;
  for (const id of wanted) {
    const entry = findModel(manifest, id);
    const missing = entry.files.filter((f) => !f.optional).map((f) => locateModelFile(f, dirs)).filter((l) => !l.path);
    if (missing.length === 0) continue;
    options.logger?.info({ model: id, files: missing.map((m) => m.file.name), dest }, "model files missing: pulling them");
    try {
      await pullModels({
        dest,
        ids: [id],
        manifest,
        includeOptional: false,
        ...(options.mirrorDirs ? { mirrorDirs: options.mirrorDirs } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      });
    } catch (cause) {
      if (LoreError.isInstance(cause) && cause.code === "ABORTED") throw cause;
      // The manifest's notes say what to do when upstream is known to differ (the int8 MiniLM file).
      const notes = LoreError.isInstance(cause) && cause.code === "CHECKSUM_MISMATCH" && entry.notes ? ` ${entry.notes}` : "";
      const reason = (cause instanceof Error ? cause.message : String(cause)) + notes;
      // Keep going: the other model's files are still worth fetching before reporting.
      firstFailure ??= modelNotFound(entry, missing, `Automatic download failed: ${reason}\n${pullHint(entry, dest)}`, cause);
    }
  }
  if (firstFailure) throw firstFailure;
  return resolveModels(config, resolveOptions);
}
