import { z } from "zod";
import type { AskResponse, Citation } from "../../agents/index.js";
import { loadConfig } from "../../config/index.js";
import { LoreError } from "../../errors/index.js";
import { createLogger } from "../../logging/index.js";
import { openLore } from "../../runtime/index.js";
import { collectionFlag, type CliCommand } from "./command.js";
import { stderrProgress } from "./runtimeProgress.js";

const flagsSchema = z.object({
  collection: collectionFlag.optional(),
  json: z.boolean().default(false),
  conversation: z.string().min(1).optional(),
});

function citationLine(c: Citation): string {
  const heading = c.headingPath.length > 0 ? ` › ${c.headingPath.join(" › ")}` : "";
  const quote = c.quote.replace(/\s+/g, " ").trim();
  return `  [${c.n}] ${c.source}${heading} (chars ${c.start}–${c.end})\n      “${quote.length > 200 ? `${quote.slice(0, 199)}…` : quote}”`;
}

function printSummary(response: AskResponse): void {
  const out = process.stdout;
  if (response.abstained) {
    out.write(`${response.answer}\n`);
    if (response.closestSources.length > 0) {
      out.write("\nClosest sources:\n");
      for (const s of response.closestSources) out.write(`  ${s.source}${s.headingPath.length ? ` › ${s.headingPath.join(" › ")}` : ""}\n`);
    }
    return;
  }
  out.write("\n\nSources:\n");
  for (const c of response.citations) out.write(`${citationLine(c)}\n`);
}

export const askCommand: CliCommand = {
  summary: "Ask a question in-process and print the verified, cited answer",
  help: [
    'Usage: lore ask "<question>" [--collection c] [--json] [--conversation id]',
    "",
    "Runs the whole pipeline in this process (models, store, retrieval, verification). Verified",
    "sentences are printed as they are ready, then their sources. --json prints exactly the body",
    "POST /v1/ask would return. When asking the default collection, knowledge/ is ingested first",
    "(incrementally: unchanged files cost a hash).",
  ].join("\n"),
  options: {
    collection: { type: "string", short: "c" },
    json: { type: "boolean" },
    conversation: { type: "string" },
  },
  async run(values, positionals) {
    const parsed = flagsSchema.safeParse(values);
    if (!parsed.success) throw new LoreError("BAD_REQUEST", parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
    const flags = parsed.data;
    const question = positionals.join(" ").trim();
    if (!question) throw new LoreError("BAD_REQUEST", 'Give a question: lore ask "How do I install Lore?"');
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel === "info" ? "warn" : config.logLevel });
    const collection = flags.collection ?? config.defaultCollection;
    const progress = stderrProgress();
    // One question needs one sequence: fewer sequences load faster and hold less KV memory.
    const runtime = await openLore(config, {
      logger,
      onProgress: progress.onProgress,
      ingestKnowledge: collection === config.defaultCollection,
      generation: { sequences: config.sequences ?? 1 },
    }).finally(() => progress.stop());
    try {
      if (!(await runtime.store.getCollection(collection))) {
        throw new LoreError("NOT_FOUND", `No collection "${collection}": ingest documents first (lore ingest <path> --collection ${collection})`);
      }
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once("SIGINT", onSignal);
      try {
        const events = runtime.answerer.ask({
          question,
          collection,
          ...(flags.conversation ? { conversationId: flags.conversation } : {}),
          options: { deadlineMs: config.askTimeoutMs },
          signal: controller.signal,
        });
        for await (const event of events) {
          if (event.type === "error") throw new LoreError(event.code as LoreError["code"], event.message);
          if (flags.json) {
            if (event.type === "done") process.stdout.write(`${JSON.stringify(event.response)}\n`);
            continue;
          }
          if (event.type === "sentence") {
            const markers = event.sentence.citations.map((c) => `[${c.n}]`).join("");
            process.stdout.write(`${event.index > 0 ? " " : ""}${event.sentence.text} ${markers}`);
          } else if (event.type === "done") {
            printSummary(event.response);
          }
        }
      } finally {
        process.off("SIGINT", onSignal);
      }
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
