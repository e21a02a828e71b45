import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { LoreError } from "../errors/index.js";

const modelFileSchema = z.object({
  /** Path relative to a models directory, "/"-separated. */
  name: z
    .string()
    .min(1)
    .refine((n) => !n.startsWith("/") && !n.split("/").includes(".."), "must be a relative path inside the models directory"),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  url: z.string().url(),
  /** Not needed to run the model (pipeline metadata); pulled, never required. */
  optional: z.boolean().default(false),
});

const modelEntrySchema = z.object({
  id: z.string().min(1),
  role: z.enum(["embedding", "generation", "reranker", "nli"]),
  licence: z.string(),
  notes: z.string().default(""),
  files: z.array(modelFileSchema).min(1),
});

const manifestSchema = z.object({
  models: z.array(modelEntrySchema),
});

export type ModelFile = z.infer<typeof modelFileSchema>;
export type ModelEntry = z.infer<typeof modelEntrySchema>;
export type ModelManifest = z.infer<typeof manifestSchema>;
export type ModelRole = ModelEntry["role"];

/**
 * Repository root: this file sits two levels below it both as source (src/inference)
 * and compiled (dist/inference), so models.json is found the same way in both.
 */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_MANIFEST_PATH = fileURLToPath(new URL("../../models.json", import.meta.url));

/** Validates a manifest object (tests pass small ones; the CLI reads models.json). */
export function parseManifest(raw: unknown, source = "manifest"): ModelManifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new LoreError("BAD_REQUEST", `Invalid model manifest (${source}): ${problems}`);
  }
  return parsed.data;
}

let cached: ModelManifest | undefined;

export function loadManifest(path: string = DEFAULT_MANIFEST_PATH): ModelManifest {
  if (path === DEFAULT_MANIFEST_PATH && cached) return cached;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new LoreError("MODEL_NOT_FOUND", `Model manifest not readable at ${path}`, { cause });
  }
  const manifest = parseManifest(JSON.parse(text) as unknown, path);
  if (path === DEFAULT_MANIFEST_PATH) cached = manifest;
  return manifest;
}

export function findModel(manifest: ModelManifest, id: string): ModelEntry {
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) {
    const known = manifest.models.map((m) => m.id).join(", ");
    throw new LoreError("MODEL_NOT_FOUND", `Unknown model id "${id}" (known: ${known}). Use a custom model path instead (LORE_CHAT_MODEL_PATH / LORE_EMBEDDING_MODEL_DIR).`);
  }
  return entry;
}
