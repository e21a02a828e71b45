import { z } from "zod";
import { loadConfig, type LoreConfig } from "../../config/index.js";
import { createLogger } from "../../logging/index.js";
import { openKnowledgeStore, type KnowledgeStore } from "../../retrieval/index.js";

export const jsonFlag = z.object({ json: z.boolean().default(false) });

/** Runs on the store Lore is configured for, without loading a model, and closes it. */
export async function withStore(work: (store: KnowledgeStore, config: LoreConfig) => Promise<number>): Promise<number> {
  const config = loadConfig();
  const store = await openKnowledgeStore(config, createLogger({ level: "warn" }));
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}
