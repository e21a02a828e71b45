import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ToolRegistry, knowledgeSearchTool, type SearchBackend } from "../../src/agents/index.js";

describe("ToolRegistry", () => {
  const calls: unknown[] = [];
  const backend: SearchBackend = {
    async search(request) {
      calls.push(request);
      return [];
    },
  };
  const registry = new ToolRegistry().register(knowledgeSearchTool(backend));

  it("describes tools with JSON-schema parameters", () => {
    expect(registry.describe()).toEqual([
      {
        name: "knowledge_search",
        description: expect.any(String),
        parameters: {
          type: "object",
          properties: {
            query: { type: "string", description: expect.any(String) },
            limit: { type: "integer", description: expect.any(String) },
            tags: { type: "array", items: { type: "string" }, description: expect.any(String) },
            mode: { type: "string", enum: ["hybrid", "dense", "bm25"], description: expect.any(String) },
          },
          required: ["query"],
          additionalProperties: false,
        },
      },
    ]);
  });

  it("rejects invalid arguments and unknown tools with a clear message", async () => {
    expect(registry.validate("knowledge_search", { query: "" })).toMatchObject({ success: false, error: expect.stringMatching(/query/) });
    expect(registry.validate("knowledge_search", { query: "x", limit: 500 })).toMatchObject({ success: false, error: expect.stringMatching(/limit/) });
    expect(registry.validate("nope", {})).toEqual({ success: false, error: 'Unknown tool "nope"' });
    await expect(registry.call("knowledge_search", { limit: "3" }, { collection: "c", aclGroups: undefined, signal: undefined })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(() => registry.register({ name: "Bad Name", description: "", parameters: z.object({}), handler: async () => 1 })).toThrow(/Invalid tool name/);
  });

  it("takes collection and ACL from the caller's context, never from the arguments", async () => {
    await registry.call("knowledge_search", { query: "quota grace period", collection: "other" }, { collection: "docs", aclGroups: ["staff"], signal: undefined }).catch(() => undefined);
    await registry.call("knowledge_search", { query: "quota grace period" }, { collection: "docs", aclGroups: ["staff"], signal: undefined });
    expect(calls.at(-1)).toMatchObject({ collection: "docs", query: "quota grace period", limit: 8, filter: { aclGroups: ["staff"] } });
  });
});
