// The real pipeline for eval:answers: the set's corpus ingested once into a temporary SQLite store
// (cached in os.tmpdir() by a hash of the corpus and the ingestion code), the real embedder and the
// real generation engine with the default chat model.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ingestDirectory, openEvalEmbedder, openEvalStore } from "./evalIngest.js";
import { loadConfig } from "../src/config/index.js";
import { loadGenerationEngine, resolveChatModel } from "../src/inference/index.js";
import type { Embedder, TextGenerator } from "../src/inference/types.js";
import { Retriever, LexicalReranker } from "../src/retrieval/index.js";
import type { SearchHit } from "../src/retrieval/types.js";
import type { SearchBackend } from "../src/agents/index.js";

export interface EvalQuestion {
  id: string;
  type: "single" | "numeric" | "multi" | "unanswerable";
  question: string;
  answer?: string;
  accept: string[];
  evidence: { quote: string; file: string; files: string[] }[];
}

export function readQuestions(setDir: string): EvalQuestion[] {
  return readFileSync(join(setDir, "questions.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const q = JSON.parse(l) as EvalQuestion;
      return { ...q, accept: q.accept ?? [], evidence: (q.evidence ?? []).map((e) => ({ ...e, files: e.files ?? [e.file] })) };
    });
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The chat model the runtime would use (LORE_CHAT_MODEL / LORE_CHAT_MODEL_PATH, else the default), so a bigger GGUF is measured without code changes. */
export async function evalChatModelPath(): Promise<string> {
  return (await resolveChatModel(loadConfig({ logLevel: "silent" }))).path;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

function corpusKey(corpusDir: string, modelSha: string): string {
  const h = createHash("sha256").update(modelSha);
  for (const f of listFiles(corpusDir)) h.update(relative(corpusDir, f)).update(readFileSync(f));
  for (const f of listFiles(join(ROOT, "src/retrieval")).filter((f) => /loaders|chunker|htmlText|ingest|sqlite/i.test(f))) h.update(readFileSync(f));
  return h.digest("hex").slice(0, 16);
}

export interface EvalPipeline {
  retriever: SearchBackend;
  generator: TextGenerator | undefined;
  embedder: Embedder;
  collection: string;
  /** Text of a chunk seen in a search result (for citation scoring). */
  chunkText(chunkId: string): string | undefined;
  close(): Promise<void>;
}

/** `chatModelPath` undefined: no generation engine is loaded (every setting resolved to rules, scores and quotes). */
export async function openEvalPipeline(corpusDir: string, chatModelPath: string | undefined, log: (message: string) => void): Promise<EvalPipeline> {
  const embedder = await openEvalEmbedder();
  const dbPath = join(tmpdir(), `lore-answers-${corpusKey(corpusDir, embedder.modelSha256)}.db`);
  const collection = "eval";
  if (!existsSync(dbPath)) {
    // Per process: two evals of one corpus started together must not write into one file.
    const partial = `${dbPath}.${process.pid}.partial`;
    rmSync(partial, { force: true });
    const store = await openEvalStore(partial);
    const report = await ingestDirectory({ store, embedder, dir: corpusDir, collection, chunking: {} });
    await store.close();
    for (const ext of ["-wal", "-shm"]) rmSync(partial + ext, { force: true });
    renameSync(partial, dbPath);
    log(`ingested ${report.documents} documents, ${report.chunks} chunks → ${dbPath}`);
  } else {
    log(`using cached store ${dbPath}`);
  }
  const store = await openEvalStore(dbPath);
  const retriever = new Retriever({ store, embedder, reranker: new LexicalReranker() });
  const generator = chatModelPath ? await loadGenerationEngine({ modelPath: chatModelPath, threads: 2, sequences: 2 }) : undefined;
  const seen = new Map<string, string>();
  const recording: SearchBackend = {
    async search(request) {
      const hits: SearchHit[] = await retriever.search(request);
      for (const h of hits) seen.set(h.chunkId, h.text);
      return hits;
    },
  };
  return {
    retriever: recording,
    generator,
    embedder,
    collection,
    chunkText: (id) => seen.get(id),
    async close() {
      await generator?.dispose();
      await store.close();
      await embedder.dispose();
    },
  };
}
