import { z } from "zod";
import { COLLECTION_NAME_MAX_LENGTH, COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE } from "../../retrieval/index.js";

/** --collection: the same names the REST API accepts, so nothing the CLI creates is out of the API's reach. */
export const collectionFlag = z.string().min(1).max(COLLECTION_NAME_MAX_LENGTH).regex(COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE);

export interface CliCommand {
  summary: string;
  help: string;
  options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}
