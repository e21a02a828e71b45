import { z } from "zod";
import { LoreError } from "../../errors/index.js";
import type { KnowledgeStore } from "../../retrieval/index.js";
import { collectionFlag, type CliCommand } from "./command.js";
import { withStore } from "./storeAccess.js";

const flags = z.object({ collection: collectionFlag.optional(), json: z.boolean().default(false) });
const STORE_NOTE = "Reads the store Lore is configured for (LORE_STORE, LORE_DB_PATH / LORE_DATA_DIR, QDRANT_URL); no model is loaded.";

function oneId(positionals: string[], usage: string): string {
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new LoreError("BAD_REQUEST", `Give one document id (its path or URI as ingested): ${usage}`);
  return id;
}

/**
 * Runs on the --collection (or default) collection of the configured store; a missing collection is said
 * on stderr (exit status 1) rather than treated as empty.
 */
function inCollection(collection: string | undefined, work: (store: KnowledgeStore, name: string) => Promise<number>): Promise<number> {
  return withStore(async (store, config) => {
    const name = collection ?? config.defaultCollection;
    if (!(await store.getCollection(name))) {
      process.stderr.write(`No collection "${name}" (lore collections list shows them)\n`);
      return 1;
    }
    return work(store, name);
  });
}

function noDocument(id: string, collection: string): number {
  process.stderr.write(`No document "${id}" in collection "${collection}" (lore documents list shows them)\n`);
  return 1;
}

const list: CliCommand = {
  summary: "List the documents of a collection",
  help: `Usage: lore documents list [--collection c] [--json]\n\nOne line per document: id, chunks, ingest time, source.\n${STORE_NOTE}`,
  options: { collection: { type: "string", short: "c" }, json: { type: "boolean" } },
  async run(values) {
    const { collection, json } = flags.parse(values);
    return inCollection(collection, async (store, name) => {
      const documents = await store.listDocuments(name);
      if (json) process.stdout.write(`${JSON.stringify(documents)}\n`);
      else if (documents.length === 0) process.stdout.write(`No documents in "${name}" yet: lore ingest <path> --collection ${name} adds some.\n`);
      else for (const d of documents) process.stdout.write(`${d.id}\t${d.chunkCount} chunks\t${d.ingestedAt}\t${d.source}\n`);
      return 0;
    });
  },
};

const show: CliCommand = {
  summary: "Show a document's chunks: the extracted text that citations point into",
  help:
    "Usage: lore documents show <id> [--collection c] [--json]\n\n" +
    "Prints each chunk with its id, character offsets and heading path, then its text: a citation's chunkId, start and end\n" +
    `point into these. --json prints {document, chunks}. Exit status 1 when there is no such document.\n${STORE_NOTE}`,
  options: { collection: { type: "string", short: "c" }, json: { type: "boolean" } },
  async run(values, positionals) {
    const id = oneId(positionals, "lore documents show <id>");
    const { collection, json } = flags.parse(values);
    return inCollection(collection, async (store, name) => {
      const found = await store.getDocumentChunks(name, id);
      if (!found) return noDocument(id, name);
      if (json) {
        process.stdout.write(`${JSON.stringify(found)}\n`);
        return 0;
      }
      process.stdout.write(`${found.document.source}: ${found.chunks.length} chunks\n`);
      for (const c of found.chunks) {
        process.stdout.write(`\n── ${c.chunkId}  [${c.start}, ${c.end})${c.headingPath.length ? `  ${c.headingPath.join(" › ")}` : ""}\n${c.text}\n`);
      }
      return 0;
    });
  },
};

const remove: CliCommand = {
  summary: "Delete a document with its chunks and vectors",
  help: `Usage: lore documents delete <id> [--collection c]\n\nExit status 1 when there is no such document.\n${STORE_NOTE}`,
  options: { collection: { type: "string", short: "c" } },
  async run(values, positionals) {
    const id = oneId(positionals, "lore documents delete <id>");
    const { collection } = flags.parse(values);
    return inCollection(collection, async (store, name) => {
      if (!(await store.deleteDocument(name, id))) return noDocument(id, name);
      process.stdout.write(`Deleted document "${id}" from "${name}"\n`);
      return 0;
    });
  },
};

export const documentsCommands: Record<string, CliCommand> = {
  "documents list": list,
  "documents show": show,
  "documents delete": remove,
};
