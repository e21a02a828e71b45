import { createReadStream, createWriteStream, existsSync, statSync } from "node:fs";
import { mkdir, rename, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { LoreError, throwIfAborted } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import { fileSha256 } from "./fileSha256.js";
import { findModel, loadManifest, type ModelFile, type ModelManifest } from "./modelManifest.js";
import { locateModelFile, offlineMirrorDirs } from "./modelResolver.js";

export interface PullProgress {
  file: string;
  /** "copy" from a local directory, "download" over HTTP, "verify" (sha256 of the result). */
  phase: "copy" | "download" | "verify";
  receivedBytes: number;
  totalBytes: number;
  source: string;
}

export interface PullOptions {
  /** Directory the files land in (LORE_MODELS_DIR or ./models). */
  dest: string;
  /** Model ids to pull. Defaults to every model of the manifest. */
  ids?: readonly string[];
  /** Defaults to models.json. Tests pass a small manifest. */
  manifest?: ModelManifest;
  /**
   * A local directory or an http(s) base URL that holds the files under their manifest names.
   * Defaults to the offline mirror when it has the file, else each file's upstream URL.
   */
  from?: string;
  /** Offline mirror directories tried when `from` is not given. Defaults to ../shared/models. */
  mirrorDirs?: readonly string[];
  /** Pull files marked optional too. Defaults to true. */
  includeOptional?: boolean;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface PullResult {
  file: string;
  path: string;
  action: "present" | "copied" | "downloaded";
  source: string | undefined;
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/**
 * Brings every file of the chosen models into `dest`, verified. A file already there with the
 * right sha256 is kept; otherwise it is copied or downloaded to `<file>.partial` (an interrupted
 * download resumes with an HTTP Range request), checked against the manifest's sha256 — a mismatch
 * is refused and the partial deleted — and only then renamed into place, so a model file that
 * exists is always a complete, verified one.
 */
export async function pullModels(options: PullOptions): Promise<PullResult[]> {
  if (options.from && !isUrl(options.from) && !(existsSync(options.from) && statSync(options.from).isDirectory())) {
    throw new LoreError("MODEL_NOT_FOUND", `--from ${options.from}: no such folder (give a folder holding the model files, or an https:// base URL)`);
  }
  const manifest = options.manifest ?? loadManifest();
  const entries = options.ids?.length ? options.ids.map((id) => findModel(manifest, id)) : manifest.models;
  const includeOptional = options.includeOptional ?? true;
  const results: PullResult[] = [];
  const failures: { file: string; error: unknown }[] = [];
  for (const entry of entries) {
    for (const file of entry.files) {
      if (file.optional && !includeOptional) continue;
      throwIfAborted(options.signal);
      // One refused file (e.g. an upstream that differs from the manifest) must not keep the others away.
      try {
        results.push(await pullFile(file, options));
      } catch (error) {
        if (LoreError.isInstance(error) && error.code === "ABORTED") throw error;
        failures.push({ file: file.name, error });
      }
    }
  }
  if (failures.length === 1) throw failures[0]!.error;
  if (failures.length > 1) {
    const first = failures[0]!.error;
    const messages = failures.map((f) => `  ${f.file}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
    throw new LoreError(LoreError.isInstance(first) ? first.code : "DOWNLOAD_FAILED", `${failures.length} model files could not be pulled:\n${messages.join("\n")}`, {
      cause: first,
      details: { failed: failures.map((f) => f.file), pulled: results.map((r) => r.file) },
    });
  }
  return results;
}

async function pullFile(file: ModelFile, options: PullOptions): Promise<PullResult> {
  const dest = resolve(options.dest);
  const target = join(dest, file.name);
  if (existsSync(target) && statSync(target).size === file.bytes && (await fileSha256(target, options.signal)) === file.sha256) {
    return { file: file.name, path: target, action: "present", source: undefined };
  }
  const source = chooseSource(file, options, dest);
  const partial = `${target}.partial`;
  await mkdir(dirname(target), { recursive: true });
  options.logger?.info({ file: file.name, source }, "pulling model file");
  if (isUrl(source)) await downloadWithResume(source, partial, file, options);
  else await copyWithProgress(source, partial, file, options);

  options.onProgress?.({ file: file.name, phase: "verify", receivedBytes: file.bytes, totalBytes: file.bytes, source });
  const actual = await fileSha256(partial, options.signal);
  if (actual !== file.sha256) {
    await unlink(partial).catch(() => undefined);
    throw new LoreError(
      "CHECKSUM_MISMATCH",
      `Refused ${file.name} from ${source}: sha256 ${actual} does not match the manifest's ${file.sha256}. The file was deleted.`,
      { details: { file: file.name, source, expected: file.sha256, actual } },
    );
  }
  await rename(partial, target);
  return { file: file.name, path: target, action: isUrl(source) ? "downloaded" : "copied", source };
}

function chooseSource(file: ModelFile, options: PullOptions, dest: string): string {
  if (options.from) {
    return isUrl(options.from) ? `${options.from.replace(/\/+$/, "")}/${file.name}` : join(resolve(options.from), file.name);
  }
  const mirrors = (options.mirrorDirs ?? offlineMirrorDirs()).filter((d) => resolve(d) !== dest);
  return locateModelFile(file, mirrors).path ?? file.url;
}

function progressCounter(start: number, report: (received: number) => void): Transform {
  let received = start;
  let lastReport = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      const now = Date.now();
      // Throttled: a progress bar redraw per 64 KiB chunk would cost more than the copy.
      if (now - lastReport >= 100) {
        lastReport = now;
        report(received);
      }
      callback(null, chunk);
    },
    flush(callback) {
      report(received);
      callback();
    },
  });
}

async function copyWithProgress(source: string, partial: string, file: ModelFile, options: PullOptions): Promise<void> {
  if (!existsSync(source)) {
    throw new LoreError("MODEL_NOT_FOUND", `Cannot copy ${file.name}: ${source} does not exist`);
  }
  const report = (received: number) =>
    options.onProgress?.({ file: file.name, phase: "copy", receivedBytes: received, totalBytes: file.bytes, source });
  await pipeline(createReadStream(source), progressCounter(0, report), createWriteStream(partial), { signal: options.signal });
}

async function downloadWithResume(url: string, partial: string, file: ModelFile, options: PullOptions): Promise<void> {
  let start = existsSync(partial) ? statSync(partial).size : 0;
  if (start > file.bytes) {
    await unlink(partial);
    start = 0;
  }
  if (start === file.bytes && start > 0) return; // complete but unverified: the caller verifies it
  let response: Response;
  try {
    response = await fetch(url, { headers: start > 0 ? { Range: `bytes=${start}-` } : {}, signal: options.signal, redirect: "follow" });
  } catch (cause) {
    throwIfAborted(options.signal);
    const reason = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
    throw new LoreError("DOWNLOAD_FAILED", `Download of ${file.name} from ${url} failed: ${reason}`, { cause });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new LoreError("DOWNLOAD_FAILED", `Download of ${file.name} from ${url} failed: HTTP ${response.status} ${response.statusText}`);
  }
  // A server that ignores Range answers 200 with the whole file: start over rather than append.
  const resumed = start > 0 && response.status === 206 && (response.headers.get("content-range") ?? "").startsWith(`bytes ${start}-`);
  if (!resumed) start = 0;
  if (resumed) options.logger?.info({ file: file.name, fromByte: start }, "resuming download");
  const report = (received: number) =>
    options.onProgress?.({ file: file.name, phase: "download", receivedBytes: received, totalBytes: file.bytes, source: url });
  try {
    await pipeline(
      Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>),
      progressCounter(start, report),
      createWriteStream(partial, { flags: resumed ? "a" : "w" }),
      { signal: options.signal },
    );
  } catch (cause) {
    throwIfAborted(options.signal);
    // The partial file stays: the next pull resumes from where this one stopped.
    throw new LoreError("DOWNLOAD_FAILED", `Download of ${file.name} from ${url} was interrupted (run the pull again to resume): ${String(cause)}`, { cause });
  }
}
