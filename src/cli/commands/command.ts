export interface CliCommand {
  summary: string;
  help: string;
  options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}
