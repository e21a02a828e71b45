import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/retrieval/index.js";

const CHILD = fileURLToPath(new URL("./crashWriterChild.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lore-crash-"));
const dbPath = join(dir, "store.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startChild(mode: "first" | "rerun"): { child: ChildProcess; lines: string[]; waitFor: (line: string) => Promise<void>; exit: Promise<NodeJS.Signals | number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dbPath, mode], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters = new Map<string, () => void>();
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n").filter(Boolean)) {
      lines.push(line);
      waiters.get(line)?.();
    }
  });
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  const waitFor = (line: string) =>
    lines.includes(line)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.set(line, resolve);
          void exit.then((status) => reject(new Error(`child exited (${status}) before "${line}": ${stderr}`)));
        });
  return { child, lines, waitFor, exit };
}

function walSize(): number {
  return existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0;
}

function rawCounts(): { integrity: string; chunks: number; vectors: number; bits: number } {
  const db = new Database(dbPath);
  sqliteVec.load(db);
  try {
    const integrity = db.pragma("integrity_check", { simple: true }) as string;
    const collectionId = db.prepare("SELECT id FROM collections WHERE name = 'crash'").pluck().get() as number;
    // FTS5's own check that its index matches the chunks it was built from.
    db.prepare(`INSERT INTO fts_${collectionId}(fts_${collectionId}, rank) VALUES ('integrity-check', 1)`).run();
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    return {
      integrity,
      chunks: count("SELECT count(*) FROM chunks"),
      vectors: count("SELECT count(*) FROM chunk_vectors"),
      bits: count(`SELECT count(*) FROM chunk_bits WHERE collection_id = ${collectionId}`),
    };
  } finally {
    db.close();
  }
}

describe("SQLite store crash safety", () => {
  it("a SIGKILL in the middle of a large document write leaves the previous committed state, and a re-run completes it", async () => {
    const first = startChild("first");
    await first.waitFor("A-COMMITTED");
    await first.waitFor("BIG-START");
    const before = walSize();
    // Kill only once the big transaction has spilled megabytes of uncommitted pages into the WAL.
    while (walSize() < before + 4 * 2 ** 20 && !first.lines.includes("BIG-DONE") && first.child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 2));
    }
    const walAtKill = walSize();
    first.child.kill("SIGKILL");
    expect(await first.exit).toBe("SIGKILL");
    expect(walAtKill).toBeGreaterThanOrEqual(before + 4 * 2 ** 20);
    expect(first.lines).not.toContain("BIG-DONE");

    expect(rawCounts()).toEqual({ integrity: "ok", chunks: 2, vectors: 2, bits: 2 });
    const store = await openSqliteStore({ path: dbPath });
    expect((await store.listDocuments("crash")).map((d) => d.id)).toEqual(["a.md"]);
    expect(await store.getDocument("crash", "a.md")).toMatchObject({ contentHash: "a-v1", chunkCount: 2 });
    expect(await store.getDocument("crash", "big.md")).toBeUndefined();
    const hits = await store.searchBm25({ collection: "crash", text: "survives crash", vector: new Float32Array(384), limit: 5 });
    expect(hits.map((h) => h.chunkId)).toEqual(["a.md#0"]);
    await store.close();

    const rerun = startChild("rerun");
    expect(await rerun.exit).toBe(0);
    expect(rerun.lines).toContain("BIG-DONE");
    expect(rawCounts()).toEqual({ integrity: "ok", chunks: 20_002, vectors: 20_002, bits: 20_002 });
    const reopened = await openSqliteStore({ path: dbPath });
    expect(await reopened.getDocument("crash", "big.md")).toMatchObject({ contentHash: "big-v1", chunkCount: 20_000 });
    const big = await reopened.searchBm25({ collection: "crash", text: "quokka12345", vector: new Float32Array(384), limit: 3 });
    expect(big[0]?.chunkId).toBe("big.md#12345");
    await reopened.close();
  });
});
