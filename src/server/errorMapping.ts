import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod/v4";
import { ErrorCodes, isAbortError, LoreError, OverloadedError, type ErrorCode } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import { describeZodError } from "./schemas.js";

export interface MappedError {
  status: number;
  code: ErrorCode;
  message: string;
  /** Seconds, for 503 OVERLOADED. */
  retryAfter?: number;
}

/** Error classes thrown by body-parser / multer carry these (they are not LoreErrors). */
interface HttpLibraryError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  expose?: boolean;
  message?: string;
  /** body-parser: the raw body of a parse failure, and the byte limit of a too-large body. */
  body?: unknown;
  limit?: number;
  /** multer: the form field an error is about. */
  field?: string;
}

/** Whether a body that failed strict JSON parsing is JSON after all (a bare null, number or string). */
function isJsonPrimitive(body: unknown): body is string {
  if (typeof body !== "string") return false;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "UNAUTHORIZED",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_FORMAT",
  422: "PARSE_FAILED",
  503: "OVERLOADED",
};

/**
 * The one place an error becomes a status code and a `{error: {code, message}}` body, for REST and
 * (via code/message) for WebSocket error events. Anything unrecognised is a 500 with a generic
 * message; its details go to the log, not to the client.
 */
export function mapError(error: unknown): MappedError {
  if (error instanceof OverloadedError) {
    return { status: 503, code: error.code, message: error.message, retryAfter: error.retryAfterSeconds };
  }
  if (LoreError.isInstance(error)) {
    const mapped: MappedError = { status: ErrorCodes[error.code], code: error.code, message: error.message };
    if (error.code === "OVERLOADED" || error.code === "STORE_UNAVAILABLE") mapped.retryAfter = retryAfterOf(error) ?? 2;
    return mapped;
  }
  if (error instanceof ZodError) return { status: 400, code: "BAD_REQUEST", message: describeZodError(error) };
  if (isAbortError(error)) return { status: ErrorCodes.ABORTED, code: "ABORTED", message: "The request was cancelled" };
  const lib = (typeof error === "object" && error !== null ? error : {}) as HttpLibraryError;
  if (lib.type === "entity.parse.failed") {
    if (isJsonPrimitive(lib.body)) return { status: 400, code: "BAD_REQUEST", message: `The body must be a JSON object, not ${lib.body.trim().slice(0, 40)}` };
    return { status: 400, code: "BAD_REQUEST", message: `Malformed JSON body: ${lib.message ?? ""}`.trim() };
  }
  if (lib.type === "entity.too.large") {
    return { status: 413, code: "PAYLOAD_TOO_LARGE", message: `Request body too large: the limit is ${lib.limit ?? "?"} bytes` };
  }
  if (lib.code === "LIMIT_FILE_SIZE") return { status: 413, code: "PAYLOAD_TOO_LARGE", message: "File too large (LORE_MAX_UPLOAD_BYTES)" };
  if (lib.code === "LIMIT_FIELD_VALUE") return { status: 413, code: "PAYLOAD_TOO_LARGE", message: `Form field ${lib.field ? `"${lib.field}" ` : ""}too large: the limit is 8192 bytes` };
  if (lib.code === "LIMIT_UNEXPECTED_FILE") {
    return { status: 400, code: "BAD_REQUEST", message: `Unexpected file field${lib.field ? ` "${lib.field}"` : ""}: send one file, in the multipart field named "file"` };
  }
  if (typeof lib.code === "string" && lib.code.startsWith("LIMIT_")) {
    return { status: 400, code: "BAD_REQUEST", message: lib.message ?? "Invalid multipart upload" };
  }
  const status = lib.status ?? lib.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, code: STATUS_TO_CODE[status] ?? "BAD_REQUEST", message: lib.expose !== false && lib.message ? lib.message : "Bad request" };
  }
  return { status: 500, code: "INTERNAL", message: "Internal error" };
}

function retryAfterOf(error: LoreError): number | undefined {
  const value = error.details?.["retryAfterSeconds"];
  return typeof value === "number" ? value : undefined;
}

export function errorBody(mapped: MappedError): { error: { code: string; message: string } } {
  return { error: { code: mapped.code, message: mapped.message } };
}

/** express error middleware: the last `app.use`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const mapped = mapError(error);
    if (mapped.status >= 500 && mapped.code !== "OVERLOADED") {
      logger.error({ err: error, method: req.method, path: req.path, requestId: res.locals["requestId"] }, "request failed");
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (mapped.retryAfter !== undefined) res.setHeader("Retry-After", String(Math.max(1, Math.ceil(mapped.retryAfter))));
    res.status(mapped.status).json(errorBody(mapped));
  };
}
