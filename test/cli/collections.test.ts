import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/retrieval/index.js";

const run = promisify(execFile);
const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const MAIN = join(process.cwd(), "src/cli/main.ts");

describe("lore collections", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const lore = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(TSX, [MAIN, ...args], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lore-collections-"));
    env = { ...process.env, LORE_DB_PATH: join(dir, "lore.db"), LORE_STORE: "sqlite" };
    // A name an older CLI accepted and the API now refuses: it must still be listed and deletable.
    const store = await openSqliteStore({ path: join(dir, "lore.db") });
    const signature = { modelId: "all-MiniLM-L6-v2-int8", sha256: "a".repeat(64), dimension: 384 };
    await store.ensureCollection("handbook", signature);
    await store.ensureCollection("bad name", signature);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the store's collections, deletes one by any name it holds, and says when there is none", async () => {
    const listed = await lore("collections", "list", "--json");
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((c) => c.name).sort()).toEqual(["bad name", "handbook"]);

    const deleted = await lore("collections", "delete", "bad name");
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted collection "bad name"\n' });
    expect((await lore("collections", "list")).stdout).toMatch(/^handbook\t0 documents\t0 chunks\t/);

    const missing = await lore("collections", "delete", "bad name");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No collection "bad name"');
  });
});
