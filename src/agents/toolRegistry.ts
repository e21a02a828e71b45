import type { z } from "zod";
import { LoreError, type SafeResult } from "../errors/index.js";
import { zodToJsonSchema } from "./zodJsonSchema.js";

export interface ToolContext {
  collection: string;
  aclGroups: string[] | undefined;
  signal: AbortSignal | undefined;
}

/** A typed function the orchestrator (or an outside agent) may call. */
export interface ToolDefinition<P extends z.ZodTypeAny = z.ZodTypeAny, R = unknown> {
  name: string;
  description: string;
  parameters: P;
  handler(args: z.infer<P>, context: ToolContext): Promise<R>;
}

export interface ToolDescription {
  name: string;
  description: string;
  /** JSON schema of the parameters. */
  parameters: Record<string, unknown>;
}

export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();

  register<P extends z.ZodTypeAny, R>(tool: ToolDefinition<P, R>): this {
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(tool.name)) throw new LoreError("BAD_REQUEST", `Invalid tool name "${tool.name}"`);
    if (this.tools.has(tool.name)) throw new LoreError("BAD_REQUEST", `Tool "${tool.name}" is already registered`);
    this.tools.set(tool.name, tool as unknown as ToolDefinition);
    return this;
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  describe(): ToolDescription[] {
    return [...this.tools.values()].map((t) => ({ name: t.name, description: t.description, parameters: zodToJsonSchema(t.parameters) }));
  }

  /** Validates arguments against the tool's schema; model-written arguments are data, not trusted input. */
  validate(name: string, args: unknown): SafeResult<unknown> {
    const tool = this.tools.get(name);
    if (!tool) return { success: false, error: `Unknown tool "${name}"` };
    const parsed = tool.parameters.safeParse(args);
    if (!parsed.success) {
      return { success: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ") };
    }
    return { success: true, value: parsed.data };
  }

  async call(name: string, args: unknown, context: ToolContext): Promise<unknown> {
    const valid = this.validate(name, args);
    if (!valid.success) throw new LoreError("BAD_REQUEST", `Tool call rejected: ${valid.error}`);
    return this.tools.get(name)!.handler(valid.value, context);
  }
}
