export { createApp, WEB_ROOT, type LoreApp } from "./app.js";
export { startServer, type LoreServer, type StartServerOptions } from "./httpServer.js";
export { attachChatSocket, CHAT_PATH, WS_PROTOCOL, WS_MAX_PAYLOAD, type ChatSocketServer } from "./chatSocket.js";
export { WS_KEY_PROTOCOL_PREFIX, createApiKeyChecker, type ApiKeyChecker } from "./auth.js";
export { mapError, errorBody, type MappedError } from "./errorMapping.js";
export { buildOpenApiDocument } from "./openApi.js";
export { ServerMetrics } from "./metrics.js";
export type { ServiceDeps, AnswerService, SearchService, IngestService, UploadedContent, UploadResult } from "./deps.js";
