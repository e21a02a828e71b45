import type { TraceEntry } from "./types.js";

export interface BudgetLimits {
  maxSteps: number;
  maxToolCalls: number;
  deadlineMs: number;
}

/**
 * The loop's limits and the trace they are reported in. Every limit that stops work is written to
 * the trace as a `limit` entry once, so a short answer is explainable rather than silently truncated.
 */
export class Budget {
  readonly trace: TraceEntry[] = [];
  private readonly started = Date.now();
  private steps = 0;
  private toolCalls = 0;
  private readonly reported = new Set<string>();

  constructor(readonly limits: BudgetLimits) {}

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  remainingMs(): number {
    return this.limits.deadlineMs - this.elapsedMs();
  }

  record(type: TraceEntry["type"], data: Record<string, unknown>): void {
    this.trace.push({ type, at: this.elapsedMs(), data });
  }

  private limit(name: string, data: Record<string, unknown>): false {
    if (!this.reported.has(name)) {
      this.reported.add(name);
      this.record("limit", { limit: name, ...data });
    }
    return false;
  }

  /** Claims one planning/retrieval step; false (and a trace entry) when over a limit. */
  takeStep(what: string): boolean {
    if (this.remainingMs() <= 0) return this.limit("deadline", { deadlineMs: this.limits.deadlineMs, skipped: what });
    if (this.steps >= this.limits.maxSteps) return this.limit("maxSteps", { maxSteps: this.limits.maxSteps, skipped: what });
    this.steps++;
    return true;
  }

  takeToolCall(tool: string): boolean {
    if (this.remainingMs() <= 0) return this.limit("deadline", { deadlineMs: this.limits.deadlineMs, skipped: tool });
    if (this.toolCalls >= this.limits.maxToolCalls) return this.limit("maxToolCalls", { maxToolCalls: this.limits.maxToolCalls, skipped: tool });
    this.toolCalls++;
    return true;
  }

  /** Checks the deadline before an optional stage (e.g. the model's choice); records it when hit. */
  hasTime(stage: string, neededMs = 0): boolean {
    if (this.remainingMs() > neededMs) return true;
    return this.limit("deadline", { deadlineMs: this.limits.deadlineMs, skipped: stage });
  }
}
