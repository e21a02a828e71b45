import { Router } from "express";
import { LoreError } from "../../errors/index.js";
import type { ServiceDeps } from "../deps.js";
import { conversationIdSchema, parseInput } from "../schemas.js";

/** DELETE /v1/conversations/:id: a user's right to have a conversation forgotten. */
export function conversationRoutes(deps: ServiceDeps): Router {
  const router = Router();

  router.delete("/v1/conversations/:id", (req, res) => {
    const id = parseInput(conversationIdSchema, req.params["id"], "conversation id");
    if (!deps.conversations.delete(id)) throw new LoreError("NOT_FOUND", `No conversation "${id}" is kept`);
    res.status(204).end();
  });

  return router;
}
