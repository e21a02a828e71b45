import { Router } from "express";
import { LoreError } from "../../errors/index.js";
import type { ServiceDeps } from "../deps.js";
import { collectionParamSchema, createCollectionBodySchema, parseInput, parseJsonBody } from "../schemas.js";

/** GET/POST /v1/collections, GET/DELETE /v1/collections/:name. */
export function collectionRoutes(deps: ServiceDeps): Router {
  const router = Router();

  router.get("/v1/collections", async (_req, res) => {
    res.json({ collections: await deps.store.listCollections() });
  });

  router.post("/v1/collections", async (req, res) => {
    const { name } = parseJsonBody(createCollectionBodySchema, req.body, "collection");
    const existed = (await deps.store.getCollection(name)) !== undefined;
    await deps.createCollection(name);
    const info = await deps.store.getCollection(name);
    res.status(existed ? 200 : 201).json(info);
  });

  router.get("/v1/collections/:name", async (req, res) => {
    const name = parseInput(collectionParamSchema, req.params["name"], "collection name");
    const info = await deps.store.getCollection(name);
    if (!info) throw new LoreError("NOT_FOUND", `Collection "${name}" does not exist`);
    res.json(info);
  });

  router.delete("/v1/collections/:name", async (req, res) => {
    const name = parseInput(collectionParamSchema, req.params["name"], "collection name");
    if (!(await deps.store.deleteCollection(name))) throw new LoreError("NOT_FOUND", `Collection "${name}" does not exist`);
    res.status(204).end();
  });

  return router;
}
