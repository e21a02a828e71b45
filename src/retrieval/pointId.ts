import { createHash } from "node:crypto";

/** Lore's UUID namespace (a fixed random UUID): ids derived under it never collide with another app's v5 ids. */
export const LORE_UUID_NAMESPACE = "6f1c3b0e-8a5d-4c2e-9b7a-3d4e5f607182";

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`Not a UUID: ${uuid}`);
  return Buffer.from(hex, "hex");
}

/**
 * RFC 9562 UUID version 5 (SHA-1 of namespace + name). Qdrant accepts only unsigned integers or
 * UUIDs as point ids, so Lore's readable ids ("doc-a#3") are mapped to a stable UUID and kept in
 * the payload: the same name always yields the same point, which makes re-upserts idempotent.
 */
export function uuidV5(name: string, namespace: string = LORE_UUID_NAMESPACE): string {
  const hash = createHash("sha1").update(uuidBytes(namespace)).update(name, "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// NUL cannot appear in collection names or document URIs, so the parts of a key never run together.
const SEP = "\u0000";

/** Point id of a chunk of one ingest generation of a document (chunk collections hold only chunks). */
export function chunkPointId(documentId: string, generation: string, index: number): string {
  return uuidV5(["chunk", documentId, generation, String(index)].join(SEP));
}

/** Point id of a document record in the meta collection. */
export function documentPointId(collection: string, documentId: string): string {
  return uuidV5(["document", collection, documentId].join(SEP));
}

/** Point id of a collection record in the meta collection. */
export function collectionPointId(collection: string): string {
  return uuidV5(["collection", collection].join(SEP));
}
