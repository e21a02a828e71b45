import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Streams the file through sha256 (model files are too big to read whole). */
export async function fileSha256(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}
