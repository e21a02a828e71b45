import type { CliCommand } from "./command.js";
import { modelsCommands } from "./models.js";

/**
 * Registry of CLI commands. Each command lives in its own file under this folder
 * and is added here (one line per command).
 */
export const commands: Record<string, CliCommand> = {
  ...modelsCommands,
};
