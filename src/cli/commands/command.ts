import { collectionNameSchema } from "../../retrieval/index.js";

/** --collection: the same names the REST API accepts, so nothing the CLI creates is out of the API's reach. */
export const collectionFlag = collectionNameSchema;

export interface CliCommand {
  summary: string;
  help: string;
  options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}
