import type { Response } from "express";

/**
 * Calls `abort` when the client hangs up before its response is finished, so the work done for it
 * (a generation sequence, an upload's parse and embedding) is freed at once. Returns the listener's removal.
 */
export function onHangUp(res: Response, abort: () => void): () => void {
  const onClose = () => {
    if (!res.writableFinished) abort();
  };
  res.on("close", onClose);
  return () => res.off("close", onClose);
}
