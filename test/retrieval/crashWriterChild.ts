// Child process of crashSafety.test.ts: `node --import tsx crashWriterChild.ts <db> <first|rerun>`.
// Reports its progress on stdout, one word per line, so the parent knows when to SIGKILL it.
import { openSqliteStore } from "../../src/retrieval/index.js";
import { makeDocument } from "./storeContract.js";

export const BIG_CHUNKS = 20_000;
const [path, mode] = process.argv.slice(2);
if (!path || (mode !== "first" && mode !== "rerun")) throw new Error("usage: crashWriterChild.ts <db> <first|rerun>");

const signature = { modelId: "all-MiniLM-L6-v2-int8", sha256: "a".repeat(64), dimension: 384 };
const store = await openSqliteStore({ path });
await store.ensureCollection("crash", signature);

if (mode === "first") {
  const a = makeDocument("crash", "a.md", [{ text: "Document A survives every crash.", seed: 1 }, { text: "Its second chunk too.", seed: 2 }], { contentHash: "a-v1" });
  await store.replaceDocument(a.document, a.chunks);
  process.stdout.write("A-COMMITTED\n");
}

const filler = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ".repeat(4);
const big = makeDocument(
  "crash",
  "big.md",
  Array.from({ length: BIG_CHUNKS }, (_, i) => ({ text: `Big chunk ${i} mentions quokka${i}. ${filler}`, seed: 10_000 + i })),
  { contentHash: "big-v1" },
);
process.stdout.write("BIG-START\n");
await store.replaceDocument(big.document, big.chunks);
process.stdout.write("BIG-DONE\n");
await store.close();
