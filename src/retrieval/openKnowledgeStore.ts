import type { LoreConfig } from "../config/index.js";
import { LoreError } from "../errors/index.js";
import type { Logger } from "../logging/index.js";
import { openQdrantStore } from "./qdrantStore.js";
import { openSqliteStore } from "./sqliteStore.js";
import type { KnowledgeStore } from "./types.js";

/** The engine LORE_STORE selects: the embedded SQLite file (default) or Qdrant at QDRANT_URL. */
export async function openKnowledgeStore(
  config: Pick<LoreConfig, "store" | "resolvedDbPath" | "qdrantUrl" | "qdrantApiKey">,
  logger?: Logger,
): Promise<KnowledgeStore> {
  if (config.store === "sqlite") return openSqliteStore({ path: config.resolvedDbPath, ...(logger ? { logger } : {}) });
  if (!config.qdrantUrl) {
    throw new LoreError("BAD_REQUEST", "LORE_STORE=qdrant needs QDRANT_URL (e.g. http://localhost:6333; `docker compose up qdrant` starts one)");
  }
  return openQdrantStore({
    url: config.qdrantUrl,
    ...(config.qdrantApiKey ? { apiKey: config.qdrantApiKey } : {}),
    ...(logger ? { logger } : {}),
  });
}
