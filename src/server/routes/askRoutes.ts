import { Router } from "express";
import { askOutcome, requireCollection, startAsk, withDeadline, DEADLINE_GRACE_MS, type AskGate } from "../askLifecycle.js";
import type { ServiceDeps } from "../deps.js";
import type { ServerMetrics } from "../metrics.js";
import { onHangUp } from "./hangUp.js";
import { askBodySchema, parseJsonBody, searchBodySchema } from "../schemas.js";

/** POST /v1/ask (whole verified answer as JSON) and POST /v1/search (hybrid retrieval hits). */
export function askRoutes(deps: ServiceDeps, metrics: ServerMetrics, gate: AskGate): Router {
  const router = Router();

  router.post("/v1/ask", async (req, res) => {
    const body = parseJsonBody(askBodySchema, req.body, "ask request");
    const collection = await requireCollection(deps, body.collection);
    const release = gate.enter();
    const control = startAsk(deps.config.askTimeoutMs + DEADLINE_GRACE_MS);
    // A client that hangs up should free its generation sequence at once, not after the answer.
    const stopWatching = onHangUp(res, () => control.abort());
    try {
      const response = await deps.answerer.askComplete({
        question: body.question,
        collection,
        conversationId: body.conversationId,
        aclGroups: body.aclGroups,
        options: withDeadline(body.options, deps.config.askTimeoutMs),
        signal: control.signal,
        requestId: res.locals["requestId"] as string | undefined,
      });
      metrics.recordAsk("rest", askOutcome(response), response);
      res.json(response);
    } catch (error) {
      metrics.recordAsk("rest", control.signal.aborted ? "cancelled" : "error");
      throw control.signal.aborted ? control.endedEarlyError() : error;
    } finally {
      release();
      control.dispose();
      stopWatching();
    }
  });

  router.post("/v1/search", async (req, res) => {
    const body = parseJsonBody(searchBodySchema, req.body, "search request");
    const collection = await requireCollection(deps, body.collection);
    const hits = await deps.retriever.search({
      collection,
      query: body.query,
      limit: body.limit,
      mode: body.mode,
      filter: body.filter,
    });
    res.json({ hits });
  });

  return router;
}
