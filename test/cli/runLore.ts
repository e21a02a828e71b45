import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const MAIN = join(process.cwd(), "src/cli/main.ts");

export interface LoreRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`lore …`) in a child process with the given environment. */
export async function runLore(env: NodeJS.ProcessEnv, ...args: string[]): Promise<LoreRun> {
  try {
    const { stdout, stderr } = await run(TSX, [MAIN, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}
