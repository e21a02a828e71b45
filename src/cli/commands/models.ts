import cliProgress from "cli-progress";
import { loadConfig } from "../../config/index.js";
import {
  defaultModelsDestination,
  modelFileStatuses,
  modelSearchDirs,
  pullModels,
  verifyModelFiles,
  type PullProgress,
} from "../../inference/index.js";
import type { CliCommand } from "./command.js";

const mb = (bytes: number) =>
  bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

const list: CliCommand = {
  summary: "List the manifest's model files and where each one is found",
  help: "Shows every file of models.json with its size and the path it would be loaded from\n(LORE_MODELS_DIR, then ./models, then the offline mirror ../shared/models), or `missing`.",
  options: {},
  async run() {
    const config = loadConfig();
    const rows = modelFileStatuses(config).map((s) => [s.modelId, s.role, s.file, mb(s.bytes), s.path ?? (s.optional ? "missing (optional)" : "MISSING")]);
    process.stdout.write(table(["id", "role", "file", "size", "present at"], rows));
    process.stdout.write(`\nSearched: ${modelSearchDirs(config).join(", ")}\n`);
    if (rows.some((r) => r[4] === "MISSING")) process.stdout.write("Missing files: run `npx lore models pull` (or set LORE_MODELS_DIR).\n");
    return 0;
  },
};

const verify: CliCommand = {
  summary: "Check the sha256 of every model file present (exit 1 on a mismatch)",
  help: "Hashes each manifest file where the resolver finds it and compares it with models.json.\nExit status 1 if any file differs; missing files are listed but are not an error.",
  options: {},
  async run() {
    const results = await verifyModelFiles(loadConfig(), {
      onFile: (s) => s.path && process.stderr.write(`hashing ${s.file} (${mb(s.bytes)})…\n`),
    });
    const rows = results.map((r) => [r.modelId, r.file, r.status === "mismatch" ? `MISMATCH (got ${r.actualSha256?.slice(0, 12)}…)` : r.status, r.path ?? ""]);
    process.stdout.write(table(["id", "file", "sha256", "path"], rows));
    const bad = results.filter((r) => r.status === "mismatch");
    if (bad.length > 0) {
      process.stderr.write(`${bad.length} file(s) do not match models.json: delete them and run \`npx lore models pull\`.\n`);
      return 1;
    }
    return 0;
  },
};

const pull: CliCommand = {
  summary: "Download (or copy with --from) missing model files, verified by sha256",
  help: [
    "Usage: lore models pull [id ...] [--from <dir-or-url-base>]",
    "",
    "Brings the files of the named models (default: all) into LORE_MODELS_DIR or ./models.",
    "Sources: --from <dir> copies from a local directory, --from <http(s) base> downloads from it;",
    "without --from the offline mirror ../shared/models is copied when present, else the upstream URL",
    "in models.json is downloaded. Downloads resume from <file>.partial; every file is checked against",
    "its sha256 and refused (deleted) on a mismatch before it is moved into place.",
  ].join("\n"),
  options: { from: { type: "string" } },
  async run(values, positionals) {
    const config = loadConfig();
    const dest = defaultModelsDestination(config);
    // Files are pulled one after another: one bar at a time, replaced when the file changes.
    let bar: cliProgress.SingleBar | undefined;
    let barFile: string | undefined;
    const onProgress = (p: PullProgress) => {
      const payload = { file: p.file, phase: p.phase, done: mb(p.receivedBytes), size: mb(p.totalBytes) };
      if (barFile !== p.file) {
        bar?.stop();
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: " {bar} {percentage}% | {done}/{size} | {phase} {file}", hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(p.totalBytes, 1), 0, payload);
        barFile = p.file;
      }
      bar?.update(p.receivedBytes, payload);
    };
    try {
      const from = typeof values.from === "string" ? values.from : undefined;
      const results = await pullModels({ dest, ...(positionals.length ? { ids: positionals } : {}), ...(from ? { from } : {}), onProgress });
      bar?.stop();
      for (const r of results) process.stdout.write(`${r.action.padEnd(10)} ${r.path}${r.source ? `  (from ${r.source})` : ""}\n`);
      return 0;
    } finally {
      bar?.stop();
    }
  },
};

const overview: CliCommand = {
  summary: "Model files: list | verify | pull",
  help: ["lore models list     " + list.summary, "lore models verify   " + verify.summary, "lore models pull     " + pull.summary].join("\n"),
  options: {},
  async run() {
    process.stdout.write(`${overview.help}\n`);
    return 0;
  },
};

export const modelsCommands: Record<string, CliCommand> = {
  models: overview,
  "models list": list,
  "models verify": verify,
  "models pull": pull,
};
