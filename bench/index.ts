// `npm run bench -- <name> [--json] [...]`: runs bench/<name>Bench.ts (kebab-case names map to
// camelCase files: verify-signals → verifySignalsBench.ts).
const benches = ["embed", "generate", "ingest", "parse", "query", "verify-signals"] as const;
const [name, ...rest] = process.argv.slice(2);
if (!name || !(benches as readonly string[]).includes(name)) {
  process.stderr.write(`Usage: npm run bench -- <${benches.join("|")}> [--json]\n`);
  process.exit(2);
}
process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
const file = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
await import(`./${file}Bench.ts`);
