import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/retrieval/index.js";
import { runLore } from "./runLore.js";

describe("lore collections", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const lore = (...args: string[]) => runLore(env, ...args);

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
