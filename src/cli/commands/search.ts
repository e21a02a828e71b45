import { z } from "zod";
import { loadConfig } from "../../config/index.js";
import { LoreError } from "../../errors/index.js";
import { loadEmbedder, resolveEmbeddingModel } from "../../inference/index.js";
import { createLogger } from "../../logging/index.js";
import { openKnowledgeStore, Retriever, type SearchHit } from "../../retrieval/index.js";
import { collectionFlag, type CliCommand } from "./command.js";

const flagsSchema = z.object({
  collection: collectionFlag.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(8),
  mode: z.enum(["hybrid", "dense", "bm25"]).default("hybrid"),
  json: z.boolean().default(false),
});

const num = (x: number | undefined, digits: number) => (x === undefined ? "—" : x.toFixed(digits));

function snippet(text: string, width = 240): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

function describe(hit: SearchHit, rank: number): string {
  const s = hit.score;
  const parts = [
    `fused ${num(s.fused, 4)}`,
    `dense ${num(s.dense, 3)}${s.denseRank ? ` (#${s.denseRank})` : ""}`,
    `bm25 ${num(s.bm25, 3)}${s.bm25Rank ? ` (#${s.bm25Rank})` : ""}`,
    ...(s.rerank !== undefined ? [`rerank ${num(s.rerank, 3)}`] : []),
  ];
  return [
    `${rank}. ${hit.source} [${hit.start}–${hit.end}]`,
    ...(hit.headingPath.length > 0 ? [`   ${hit.headingPath.join(" > ")}`] : []),
    `   ${parts.join(" · ")}`,
    `   ${snippet(hit.text)}`,
  ].join("\n");
}

export const searchCommand: CliCommand = {
  summary: "Search a collection (hybrid dense + BM25) and print ranked evidence chunks",
  help: [
    'Usage: lore search "<query>" [--collection c] [--limit n] [--mode hybrid|dense|bm25] [--json]',
    "",
    "Prints each hit's source, character offsets, heading path, score parts (dense cosine, BM25,",
    "their ranks and the fused score) and a snippet. --json prints the hits as one JSON array.",
  ].join("\n"),
  options: {
    collection: { type: "string", short: "c" },
    limit: { type: "string", short: "n" },
    mode: { type: "string", short: "m" },
    json: { type: "boolean" },
  },
  async run(values, positionals) {
    const parsed = flagsSchema.safeParse(values);
    if (!parsed.success) throw new LoreError("BAD_REQUEST", parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
    const query = positionals.join(" ").trim();
    if (!query) throw new LoreError("BAD_REQUEST", 'Give a query: lore search "<query>"');
    const flags = parsed.data;
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel });
    const collection = flags.collection ?? config.defaultCollection;
    const store = await openKnowledgeStore(config, logger);
    try {
      if (!(await store.getCollection(collection))) {
        throw new LoreError("NOT_FOUND", `No collection "${collection}": ingest documents first (lore ingest <path> --collection ${collection})`);
      }
      const embedder = await loadEmbedder({ model: await resolveEmbeddingModel(config), threads: config.resolvedThreads, logger });
      try {
        const retriever = new Retriever({ store, embedder, logger });
        const hits = await retriever.search({ collection, query, limit: flags.limit, mode: flags.mode });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(hits)}\n`);
        } else if (hits.length === 0) {
          process.stdout.write("No hits.\n");
        } else {
          process.stdout.write(`${hits.map((h, i) => describe(h, i + 1)).join("\n\n")}\n`);
        }
        return 0;
      } finally {
        await embedder.dispose();
      }
    } finally {
      await store.close();
    }
  },
};
