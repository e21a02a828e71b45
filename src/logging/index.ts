import { pino, type Logger } from "pino";

export type { Logger };

/** One structured logger per process; modules receive it (or a child) by injection. */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ name: options.name ?? "lore", level: options.level ?? "info" }, pino.destination(2));
}

/** For tests and library use where nothing should be printed. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
