import cliProgress from "cli-progress";
import type { RuntimeProgress } from "../../runtime/index.js";

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Progress of start-up on stderr (stdout stays clean for --json): one bar per model file pulled,
 * one bar for the knowledge/ ingest, a line per engine loaded.
 */
export function stderrProgress(): { onProgress: (p: RuntimeProgress) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  let barKey: string | undefined;
  const interactive = process.stderr.isTTY === true;
  const open = (key: string, format: string, total: number, payload: Record<string, unknown>) => {
    if (barKey === key) return;
    bar?.stop();
    bar = new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true, noTTYOutput: false }, cliProgress.Presets.shades_classic);
    bar.start(Math.max(total, 1), 0, payload);
    barKey = key;
  };
  const stop = () => {
    bar?.stop();
    bar = undefined;
    barKey = undefined;
  };
  return {
    stop,
    onProgress(p) {
      if (p.stage === "models") {
        const payload = { file: p.file, phase: p.phase, done: mb(p.receivedBytes), size: mb(p.totalBytes) };
        open(`models:${p.file}`, " models {bar} {percentage}% | {done}/{size} | {phase} {file}", p.totalBytes, payload);
        bar?.update(p.receivedBytes, payload);
      } else if (p.stage === "ingest") {
        if (!interactive) return;
        open("ingest", " ingest {bar} {value}/{total} files | {status} {file}", p.total, { file: p.file, status: p.status });
        bar?.setTotal(Math.max(p.total, 1));
        bar?.update(p.done, { file: p.file, status: p.status });
      } else {
        stop();
        process.stderr.write(`loading ${p.what}…\n`);
      }
    },
  };
}
