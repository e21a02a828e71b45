import { askCommand } from "./ask.js";
import { collectionsCommands } from "./collections.js";
import type { CliCommand } from "./command.js";
import { documentsCommands } from "./documents.js";
import { ingestCommand } from "./ingest.js";
import { modelsCommands } from "./models.js";
import { serveCommand } from "./serve.js";
import { searchCommand } from "./search.js";

/**
 * Registry of CLI commands. Each command lives in its own file under this folder
 * and is added here (one line per command).
 */
export const commands: Record<string, CliCommand> = {
  ...modelsCommands,
  ...collectionsCommands,
  ...documentsCommands,
  ingest: ingestCommand,
  serve: serveCommand,
  ask: askCommand,
  search: searchCommand,
};
