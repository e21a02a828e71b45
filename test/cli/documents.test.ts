import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/retrieval/index.js";
import { runLore } from "./runLore.js";
import { makeDocument } from "../retrieval/storeContract.js";

describe("lore documents", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const lore = (...args: string[]) => runLore(env, ...args);
  const guide = makeDocument("handbook", "guides/install.md", [
    { text: "Install the package first.", headingPath: ["Install"] },
    { text: "Then start the service.", headingPath: ["Install", "Start"] },
  ]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lore-documents-"));
    env = { ...process.env, LORE_DB_PATH: join(dir, "lore.db"), LORE_STORE: "sqlite" };
    const store = await openSqliteStore({ path: join(dir, "lore.db") });
    await store.ensureCollection("handbook", { modelId: "all-MiniLM-L6-v2-int8", sha256: "a".repeat(64), dimension: 384 });
    await store.replaceDocument(guide.document, guide.chunks);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists a collection's documents and shows a document's chunks with their offsets and heading paths", async () => {
    const listed = await lore("documents", "list", "--collection", "handbook", "--json");
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string; chunkCount: number }[]).map((d) => [d.id, d.chunkCount])).toEqual([["guides/install.md", 2]]);

    const shown = await lore("documents", "show", "guides/install.md", "-c", "handbook");
    expect(shown.code).toBe(0);
    const [first, second] = guide.chunks;
    expect(shown.stdout).toContain(`── guides/install.md#0  [${first!.start}, ${first!.end})  Install\nInstall the package first.\n`);
    expect(shown.stdout).toContain(`── guides/install.md#1  [${second!.start}, ${second!.end})  Install › Start\nThen start the service.\n`);

    const json = JSON.parse((await lore("documents", "show", "guides/install.md", "-c", "handbook", "--json")).stdout) as { document: { id: string }; chunks: { text: string }[] };
    expect(json.document.id).toBe("guides/install.md");
    expect(json.chunks.map((c) => c.text)).toEqual(["Install the package first.", "Then start the service."]);
  });

  it("deletes a document, and says so with exit status 1 when a document or collection is missing", async () => {
    expect(await lore("documents", "delete", "guides/install.md", "-c", "handbook")).toMatchObject({ code: 0, stdout: 'Deleted document "guides/install.md" from "handbook"\n' });
    const again = await lore("documents", "delete", "guides/install.md", "-c", "handbook");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No document "guides/install.md" in collection "handbook"');
    const noCollection = await lore("documents", "list", "-c", "elsewhere");
    expect(noCollection.code).toBe(1);
    expect(noCollection.stderr).toContain('No collection "elsewhere"');
    const noId = await lore("documents", "show");
    expect(noId.code).toBe(1);
    expect(noId.stderr).toContain("Give one document id");
  });
});
