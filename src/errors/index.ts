/** Stable error codes: the server maps them to HTTP statuses in one place (server/errorMapping). */
export const ErrorCodes = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_FORMAT: 415,
  PARSE_FAILED: 422,
  EMBEDDING_MODEL_MISMATCH: 409,
  ABORTED: 499,
  MODEL_NOT_FOUND: 500,
  CHECKSUM_MISMATCH: 500,
  DOWNLOAD_FAILED: 502,
  OVERLOADED: 503,
  STORE_UNAVAILABLE: 503,
  TIMEOUT: 504,
  /** A setting Lore refuses at start; never an HTTP answer. */
  CONFIG_INVALID: 500,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** Whether a code read back from elsewhere (a report, another thread) is one of ours. */
export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ErrorCodes, code);

export class LoreError extends Error {
  override readonly name: string = "LoreError";
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return ErrorCodes[this.code];
  }

  static isInstance(value: unknown): value is LoreError {
    return value instanceof LoreError;
  }
}

/** Thrown by the generation engine when its queue is full; the server answers 503 + Retry-After. */
export class OverloadedError extends LoreError {
  override readonly name = "OverloadedError";
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 2) {
    super("OVERLOADED", message, { details: { retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class AbortedError extends LoreError {
  override readonly name = "AbortedError";
  constructor(message = "The request was cancelled") {
    super("ABORTED", message);
  }
}

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof AbortedError ||
    (error instanceof Error && (error.name === "AbortError" || (error as { code?: string }).code === "ABORT_ERR"))
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError();
}

export type SafeResult<T> = { success: true; value: T } | { success: false; error: string };
