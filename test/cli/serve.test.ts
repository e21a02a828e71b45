import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const MAIN = join(process.cwd(), "src/cli/main.ts");

/** Runs `lore serve` with the given settings; it must exit on its own (before loading any model). */
async function serveFails(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(TSX, [MAIN, "serve", "--no-ingest"], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? "" };
  }
}

describe("lore serve refuses a host or port it cannot listen on, before loading models", () => {
  let busy: Server;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "lore-serve-"));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("names the busy port and the setting to change", async () => {
    const result = await serveFails({ LORE_PORT: String(port), LORE_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error [CONFIG_INVALID]: Port ${port} on 127.0.0.1 is in use: set LORE_PORT or --port`);
  });

  it("names a host that is not an address of this machine", async () => {
    const result = await serveFails({ LORE_HOST: "no-such-host.invalid", LORE_PORT: "0", LORE_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error \[CONFIG_INVALID\]: Cannot listen on host "no-such-host.invalid"/);
  });
});
