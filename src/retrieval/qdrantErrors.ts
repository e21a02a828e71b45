import { QdrantClientResourceExhaustedError, QdrantClientTimeoutError } from "@qdrant/js-client-rest";
import { LoreError } from "../errors/index.js";

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "UND_ERR_SOCKET"]);

interface HttpErrorShape {
  status: number;
  data?: unknown;
}

function httpError(error: unknown): HttpErrorShape | undefined {
  // ApiError of @qdrant/openapi-typescript-fetch: the client rethrows it for every non-2xx answer.
  if (error instanceof Error && typeof (error as { status?: unknown }).status === "number") return error as unknown as HttpErrorShape;
  return undefined;
}

/**
 * Qdrant's own explanation: `{"status": {"error": "Not found: Collection `x` doesn't exist!"}}`, or
 * plain text where its auth layer answers (401 "Must provide an API key or an Authorization bearer
 * token"), which the client hands over as a string.
 */
export function qdrantErrorMessage(data: unknown): string | undefined {
  if (typeof data === "string") return data.trim() || undefined;
  if (typeof data !== "object" || data === null) return undefined;
  const status = (data as { status?: unknown }).status;
  if (typeof status === "object" && status !== null && typeof (status as { error?: unknown }).error === "string") {
    return (status as { error: string }).error;
  }
  return undefined;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    current = current.cause;
  }
  return error instanceof TypeError && error.message === "fetch failed" ? "fetch failed" : undefined;
}

export function isQdrantNotFound(error: unknown): boolean {
  return httpError(error)?.status === 404;
}

/**
 * Turns whatever the Qdrant client threw into a LoreError with a stable code: unreachable server →
 * STORE_UNAVAILABLE (with the URL, the first thing an operator checks), 404 → NOT_FOUND,
 * 400 (wrong dimension, bad filter) → BAD_REQUEST.
 */
export function toLoreError(error: unknown, url: string, action: string): LoreError {
  if (error instanceof LoreError) return error;
  const http = httpError(error);
  if (http) {
    const reason = qdrantErrorMessage(http.data) ?? (error as Error).message;
    const message = `Qdrant at ${url} refused to ${action}: ${reason}`;
    const details = { url, status: http.status };
    if (http.status === 404) return new LoreError("NOT_FOUND", message, { cause: error, details });
    if (http.status === 400 || http.status === 422) return new LoreError("BAD_REQUEST", message, { cause: error, details });
    return new LoreError("STORE_UNAVAILABLE", message, { cause: error, details });
  }
  if (error instanceof QdrantClientTimeoutError) {
    return new LoreError("STORE_UNAVAILABLE", `Qdrant at ${url} did not answer in time to ${action}`, { cause: error, details: { url } });
  }
  if (error instanceof QdrantClientResourceExhaustedError) {
    return new LoreError("STORE_UNAVAILABLE", `Qdrant at ${url} is rate limiting (retry after ${error.retry_after} s)`, { cause: error, details: { url } });
  }
  const code = networkCode(error);
  if (code) {
    return new LoreError("STORE_UNAVAILABLE", `Qdrant is unreachable at ${url} (${code}) while trying to ${action}; is the server running?`, {
      cause: error,
      details: { url, code },
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LoreError("INTERNAL", `Qdrant request to ${action} failed: ${message}`, { cause: error, details: { url } });
}
