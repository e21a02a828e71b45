import { parentPort } from "node:worker_threads";
import { LoreError } from "../../errors/index.js";
import { loadDocument } from "./index.js";

/** The worker side of DocumentParser: one message in (a file), one out (its document, or an error). */
export interface ParseRequest {
  id: number;
  fileName: string;
  content: Uint8Array;
}

export type ParseReply =
  | { id: number; document: Awaited<ReturnType<typeof loadDocument>> }
  | { id: number; error: { code: string; message: string } };

parentPort?.on("message", async (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    const content = Buffer.from(request.content.buffer, request.content.byteOffset, request.content.byteLength);
    reply = { id: request.id, document: await loadDocument(request.fileName, content) };
  } catch (error) {
    const code = error instanceof LoreError ? error.code : "PARSE_FAILED";
    reply = { id: request.id, error: { code, message: error instanceof Error ? error.message : String(error) } };
  }
  parentPort!.postMessage(reply);
});
