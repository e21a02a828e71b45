import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import express, { type Express } from "express";
import { LoreError } from "../errors/index.js";
import { AskGate } from "./askLifecycle.js";
import { createApiKeyChecker, requireApiKey, type ApiKeyChecker } from "./auth.js";
import { CHAT_PATH } from "./chatSocket.js";
import type { ServiceDeps } from "./deps.js";
import { errorHandler } from "./errorMapping.js";
import { ServerMetrics } from "./metrics.js";
import { buildOpenApiDocument } from "./openApi.js";
import { askRoutes } from "./routes/askRoutes.js";
import { collectionRoutes } from "./routes/collectionRoutes.js";
import { conversationRoutes } from "./routes/conversationRoutes.js";
import { documentRoutes } from "./routes/documentRoutes.js";

/** JSON bodies are questions and queries: small. Files go through multipart with their own limit. */
const JSON_LIMIT = "256kb";

/** The chat page lives in web/ at the repository root: two levels above both src/server and dist/server. */
export const WEB_ROOT = fileURLToPath(new URL("../../web/", import.meta.url));

export interface LoreApp {
  app: Express;
  metrics: ServerMetrics;
  apiKeys: ApiKeyChecker;
  /** Shared by REST and WebSocket asks. */
  asks: AskGate;
}

export function createApp(deps: ServiceDeps, options: { version?: string } = {}): LoreApp {
  const metrics = new ServerMetrics(() => deps.engineMetrics());
  const apiKeys = createApiKeyChecker(deps.config.apiKeys);
  const asks = new AskGate(deps.askCapacity);
  const openApi = buildOpenApiDocument(options.version ?? "0.1.0");
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);

  app.use((req, res, next) => {
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.locals["requestId"] = requestId;
    res.setHeader("x-request-id", requestId);
    next();
  });
  app.use(metrics.middleware());

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", (_req, res) => {
    const ready = deps.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready" });
  });
  app.get("/openapi.json", (_req, res) => {
    res.json(openApi);
  });
  // Metrics are behind the key when keys are configured: Prometheus sends it with `authorization`.
  app.get("/metrics", requireApiKey(apiKeys), async (_req, res) => {
    res.setHeader("Content-Type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use("/v1", requireApiKey(apiKeys), express.json({ limit: JSON_LIMIT, strict: true }));
  // Routers declare full paths so metrics label requests with the route as written.
  // A WebSocket upgrade never reaches express (chatSocket takes it); a plain GET is a client mistake.
  app.get(CHAT_PATH, () => {
    throw new LoreError("BAD_REQUEST", `${CHAT_PATH} is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)`);
  });
  app.use(askRoutes(deps, metrics, asks));
  app.use(collectionRoutes(deps));
  app.use(conversationRoutes(deps));
  app.use(documentRoutes(deps));

  app.use(express.static(WEB_ROOT, { index: "index.html", fallthrough: true, maxAge: 0 }));

  const allowedMethods = documentedMethods(openApi);
  app.use((req, res, next) => {
    // A documented path asked with another method is a 405 with Allow, not a missing route.
    const allow = allowedMethods(req.path);
    if (allow) {
      res.setHeader("Allow", allow.join(", "));
      next(new LoreError("METHOD_NOT_ALLOWED", `${req.method} is not supported on ${req.path}; use ${allow.join(" or ")}`));
      return;
    }
    next(new LoreError("NOT_FOUND", `No route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler(deps.logger));
  return { app, metrics, apiKeys, asks };
}

/** The methods the OpenAPI document lists for a request path (templated segments match any one segment). */
function documentedMethods(document: unknown): (path: string) => string[] | undefined {
  const paths = ((document as { paths?: Record<string, Record<string, unknown>> }).paths ?? {}) as Record<string, Record<string, unknown>>;
  const HTTP = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);
  const routes = Object.entries(paths).map(([template, operations]) => {
    const pattern = template
      .split("/")
      .map((part) => (/^\{[^}]+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    const methods = Object.keys(operations).filter((m) => HTTP.has(m)).map((m) => m.toUpperCase());
    if (methods.includes("GET") && !methods.includes("HEAD")) methods.push("HEAD");
    return { regex: new RegExp(`^${pattern}/?$`), methods };
  });
  return (path) => routes.find((r) => r.regex.test(path))?.methods;
}
