import { parseArgs, type ParseArgsConfig } from "node:util";
import { LoreError } from "../errors/index.js";
import { commands } from "./commands/index.js";

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  lore ${name.padEnd(22)} ${c.summary}`);
  return ["Usage:", ...lines, "", "Run `lore <command> --help` for its options."].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [first, second, ...rest] = argv;
  if (!first || first === "--help" || first === "-h" || first === "help") {
    process.stdout.write(usage() + "\n");
    return first ? 0 : 1;
  }
  // Two-word commands ("models pull") take precedence over one-word ones.
  const twoWord = second ? `${first} ${second}` : undefined;
  const name = twoWord && commands[twoWord] ? twoWord : first;
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${first}".\n\n${usage()}\n`);
    return 2;
  }
  const args = name === twoWord ? rest : argv.slice(1);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`lore ${name} — ${command.summary}\n\n${command.help}\n`);
    return 0;
  }
  const parsed = parseArgs({ args, options: command.options as ParseArgsConfig["options"], allowPositionals: true, strict: true });
  return command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (LoreError.isInstance(error)) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
    } else if (error instanceof TypeError && (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`error [BAD_REQUEST]: ${error.message}\n`);
    } else {
      process.stderr.write(`error [INTERNAL]: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
