import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { RequestHandler } from "express";
import { LoreError } from "../errors/index.js";

/** WebSocket clients that cannot set headers (browsers) may offer the key as a subprotocol "lore.key.<key>". */
export const WS_KEY_PROTOCOL_PREFIX = "lore.key.";

export interface ApiKeyChecker {
  /** False when no keys are configured (local use): every request passes. */
  readonly enabled: boolean;
  check(candidate: string | undefined): boolean;
}

/**
 * Keys are compared as sha256 digests with timingSafeEqual: equal-length buffers whatever the
 * candidate's length, so neither the comparison time nor an early length check leaks the key.
 * Every configured key is compared (no early exit) for the same reason.
 */
export function createApiKeyChecker(keys: readonly string[]): ApiKeyChecker {
  const digests = keys.filter((k) => k.length > 0).map(sha256);
  return {
    enabled: digests.length > 0,
    check(candidate) {
      if (digests.length === 0) return true;
      if (candidate === undefined || candidate.length === 0) return false;
      const offered = sha256(candidate);
      let matched = false;
      for (const digest of digests) matched = timingSafeEqual(digest, offered) || matched;
      return matched;
    },
  };
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function keyFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const header = headers["x-api-key"];
  if (typeof header === "string" && header.length > 0) return header.trim();
  return undefined;
}

/** The key offered as a WebSocket subprotocol, if any. */
export function keyFromProtocols(headers: IncomingHttpHeaders): string | undefined {
  const offered = headers["sec-websocket-protocol"];
  if (typeof offered !== "string") return undefined;
  const protocol = offered
    .split(",")
    .map((p) => p.trim())
    .find((p) => p.startsWith(WS_KEY_PROTOCOL_PREFIX));
  return protocol?.slice(WS_KEY_PROTOCOL_PREFIX.length);
}

export function requireApiKey(checker: ApiKeyChecker): RequestHandler {
  return (req, _res, next) => {
    if (!checker.enabled || checker.check(keyFromHeaders(req.headers))) {
      next();
      return;
    }
    next(new LoreError("UNAUTHORIZED", "A valid API key is required: send `Authorization: Bearer <key>` or `x-api-key: <key>`"));
  };
}
