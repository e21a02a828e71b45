import { LoreError } from "../errors/index.js";

export interface QdrantClientAddress {
  /** Scheme and host (with the port when the URL names one). */
  url: string;
  port: number;
  /** Path the server is mounted under, e.g. "/qdrant" behind a reverse proxy. */
  prefix?: string;
}

/**
 * The client options that reach a Qdrant URL exactly as written. @qdrant/js-client-rest 1.18 reads a
 * URL without a port as port 6333 rather than the scheme's 443/80, and ignores its path, so
 * https://search.example.com/qdrant would be called at https://search.example.com:6333/.
 */
export function qdrantClientAddress(url: string): QdrantClientAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoreError("BAD_REQUEST", `Invalid Qdrant URL ${url}: expected e.g. http://localhost:6333`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new LoreError("BAD_REQUEST", `Invalid Qdrant URL ${url}: it must start with http:// or https:// (e.g. http://localhost:6333)`);
  }
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
  const prefix = parsed.pathname.replace(/\/+$/, "");
  return { url: `${parsed.protocol}//${parsed.host}`, port, ...(prefix ? { prefix } : {}) };
}
