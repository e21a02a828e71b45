import { LoreError } from "../../errors/index.js";
import type { CliCommand } from "./command.js";
import { jsonFlag, withStore } from "./storeAccess.js";

const list: CliCommand = {
  summary: "List the collections of the knowledge store with their documents and chunks",
  help: "Usage: lore collections list [--json]\n\nReads the store Lore is configured for (LORE_STORE, LORE_DB_PATH / LORE_DATA_DIR, QDRANT_URL); no model is loaded.",
  options: { json: { type: "boolean" } },
  async run(values) {
    const { json } = jsonFlag.parse(values);
    return withStore(async (store) => {
      const collections = await store.listCollections();
      if (json) process.stdout.write(`${JSON.stringify(collections)}\n`);
      else if (collections.length === 0) process.stdout.write("No collections yet: lore ingest <path> [--collection c] makes one.\n");
      else for (const c of collections) process.stdout.write(`${c.name}\t${c.documentCount} documents\t${c.chunkCount} chunks\t${c.embedding.modelId}\n`);
      return 0;
    });
  },
};

const remove: CliCommand = {
  summary: "Delete a collection with all its documents, chunks and vectors",
  help:
    "Usage: lore collections delete <name>\n\n" +
    "Takes any name the store holds, also one an older Lore accepted but the API now refuses (with a space, say),\n" +
    "so such a collection can still be removed. Exit status 1 when there is no such collection.",
  options: {},
  async run(_values, positionals) {
    const name = positionals[0];
    if (!name || positionals.length > 1) throw new LoreError("BAD_REQUEST", "Give one collection name: lore collections delete <name>");
    return withStore(async (store) => {
      if (!(await store.deleteCollection(name))) {
        process.stderr.write(`No collection "${name}" (lore collections list shows them)\n`);
        return 1;
      }
      process.stdout.write(`Deleted collection "${name}"\n`);
      return 0;
    });
  },
};

export const collectionsCommands: Record<string, CliCommand> = {
  "collections list": list,
  "collections delete": remove,
};
