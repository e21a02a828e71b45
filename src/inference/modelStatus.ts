import { fileSha256 } from "./fileSha256.js";
import { loadManifest, type ModelManifest, type ModelRole } from "./modelManifest.js";
import { locateModelFile, modelSearchDirs, type ModelConfig, type ResolveOptions } from "./modelResolver.js";

export interface ModelFileStatus {
  modelId: string;
  role: ModelRole;
  file: string;
  bytes: number;
  optional: boolean;
  /** Where the resolver would load it from, if anywhere. */
  path: string | undefined;
  looked: string[];
}

export interface ModelFileVerification extends ModelFileStatus {
  status: "ok" | "mismatch" | "missing";
  actualSha256: string | undefined;
  expectedSha256: string;
}

/** Where each manifest file would be loaded from (what `lore models list` prints). */
export function modelFileStatuses(config: Pick<ModelConfig, "modelsDir">, options: ResolveOptions = {}): ModelFileStatus[] {
  const manifest: ModelManifest = options.manifest ?? loadManifest();
  const dirs = modelSearchDirs(config, options.cwd, options.mirrorDirs);
  return manifest.models.flatMap((entry) =>
    entry.files.map((file) => {
      const lookup = locateModelFile(file, dirs);
      return { modelId: entry.id, role: entry.role, file: file.name, bytes: file.bytes, optional: file.optional, path: lookup.path, looked: lookup.looked };
    }),
  );
}

/** sha256 of every file the resolver would load, compared with the manifest (`lore models verify`). */
export async function verifyModelFiles(
  config: Pick<ModelConfig, "modelsDir">,
  options: ResolveOptions & { onFile?: (status: ModelFileStatus) => void } = {},
): Promise<ModelFileVerification[]> {
  const manifest = options.manifest ?? loadManifest();
  const expected = new Map(manifest.models.flatMap((m) => m.files.map((f) => [`${m.id}/${f.name}`, f.sha256] as const)));
  const results: ModelFileVerification[] = [];
  for (const status of modelFileStatuses(config, { ...options, manifest })) {
    options.onFile?.(status);
    const expectedSha256 = expected.get(`${status.modelId}/${status.file}`) ?? "";
    if (!status.path) {
      results.push({ ...status, status: "missing", actualSha256: undefined, expectedSha256 });
      continue;
    }
    const actual = await fileSha256(status.path);
    results.push({ ...status, status: actual === expectedSha256 ? "ok" : "mismatch", actualSha256: actual, expectedSha256 });
  }
  return results;
}
