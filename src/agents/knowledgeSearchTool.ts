import { z } from "zod";
import type { SearchHit } from "../retrieval/types.js";
import type { SearchBackend } from "./searchBackend.js";
import type { ToolDefinition } from "./toolRegistry.js";

export const knowledgeSearchParameters = z.object({
  query: z.string().min(1).max(2000).describe("What to look for, in natural language or keywords"),
  limit: z.number().int().min(1).max(50).optional().describe("How many passages to return (default 8)"),
  tags: z.array(z.string()).optional().describe("Only passages of documents carrying all these tags"),
  mode: z.enum(["hybrid", "dense", "bm25"]).optional().describe("hybrid (default), dense (meaning) or bm25 (exact words)"),
});

/**
 * Hybrid search over the caller's collection. Collection and ACL groups come from the request
 * context, never from the arguments: a model (or an outside agent) cannot widen its own access.
 */
export function knowledgeSearchTool(backend: SearchBackend): ToolDefinition<typeof knowledgeSearchParameters, SearchHit[]> {
  return {
    name: "knowledge_search",
    description: "Search the knowledge base for passages relevant to a query; returns passages with their source and heading path.",
    parameters: knowledgeSearchParameters,
    handler: (args, context) =>
      backend.search({
        collection: context.collection,
        query: args.query,
        limit: args.limit ?? 8,
        filter: {
          ...(context.aclGroups !== undefined ? { aclGroups: context.aclGroups } : {}),
          ...(args.tags ? { tags: args.tags } : {}),
        },
        ...(args.mode ? { mode: args.mode } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      }),
  };
}
