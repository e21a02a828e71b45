export type * from "./types.js";
export { loadEmbedder, OnnxEmbedder, DEFAULT_EMBEDDING_MAX_TOKENS, type LoadEmbedderOptions, type EmbedderMetrics } from "./onnxEmbedder.js";
export type { TokenizedText } from "./embeddingTokenizer.js";
export { MicroBatcher, type MicroBatcherOptions, type MicroBatcherMetrics } from "./microBatcher.js";
export { loadManifest, parseManifest, findModel, DEFAULT_MANIFEST_PATH, type ModelManifest, type ModelEntry, type ModelFile, type ModelRole } from "./modelManifest.js";
export {
  resolveModels,
  resolveEmbeddingModel,
  resolveChatModel,
  modelSearchDirs,
  offlineMirrorDirs,
  defaultModelsDestination,
  type ModelConfig,
  type ResolveOptions,
  type ResolvedEmbeddingModel,
  type ResolvedChatModel,
} from "./modelResolver.js";
export { ensureModels, type EnsureModelsOptions } from "./ensureModels.js";
export { pullModels, type PullOptions, type PullProgress, type PullResult } from "./modelPull.js";
export { modelFileStatuses, verifyModelFiles, type ModelFileStatus, type ModelFileVerification } from "./modelStatus.js";
export { fileSha256 } from "./fileSha256.js";
export {
  loadGenerationEngine,
  BatchedGenerationEngine,
  defaultSequenceCount,
  defaultThreadCount,
  type GenerationEngineOptions,
  type BatchedGenerateRequest,
  type BatchedEngineMetrics,
} from "./batchedEngine.js";
export { GenerationStreamController } from "./generationStream.js";
