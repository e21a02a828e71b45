import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { AskEvent } from "../agents/types.js";
import { LoreError } from "../errors/index.js";
import { askOutcome, requireCollection, startAsk, withDeadline, DEADLINE_GRACE_MS, type AskControl, type AskGate } from "./askLifecycle.js";
import { keyFromHeaders, keyFromProtocols, WS_KEY_PROTOCOL_PREFIX, type ApiKeyChecker } from "./auth.js";
import type { ServiceDeps } from "./deps.js";
import { mapError } from "./errorMapping.js";
import type { ServerMetrics } from "./metrics.js";
import { describeZodError, wsClientMessageSchema } from "./schemas.js";

export const CHAT_PATH = "/v1/chat";
export const WS_PROTOCOL = "lore.v1";
/** Client frames are questions: 64 KiB is plenty, and ws closes the socket (1009) above it. */
export const WS_MAX_PAYLOAD = 64 * 1024;
/** Asks in flight on one socket; more get an OVERLOADED error event. */
const MAX_ASKS_PER_SOCKET = 16;
/** Above this many unsent bytes an ask stops pulling events until the socket drains. */
const HIGH_WATER_BYTES = 256 * 1024;
const HEARTBEAT_MS = 30_000;

export interface ChatSocketOptions {
  deps: ServiceDeps;
  metrics: ServerMetrics;
  apiKeys: ApiKeyChecker;
  asks: AskGate;
}

export interface ChatSocketServer {
  /** Aborts every ask and closes every socket (code 1001, going away). */
  close(): Promise<void>;
  readonly wss: WebSocketServer;
}

type OutgoingEvent = (AskEvent | { type: "error"; code: string; message: string; retryAfter?: number }) & { id?: string };

/** Attaches the /v1/chat WebSocket protocol to an HTTP server. */
export function attachChatSocket(server: Server, options: ChatSocketOptions): ChatSocketServer {
  const { deps, metrics, apiKeys, asks: gate } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD,
    // A browser that offers subprotocols must get one back; never echo the key protocol.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const alive = new WeakSet<WebSocket>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== CHAT_PATH) {
      rejectUpgrade(socket, 404, "Not Found");
      return;
    }
    if (apiKeys.enabled && !apiKeys.check(keyFromHeaders(req.headers) ?? keyFromProtocols(req.headers))) {
      rejectUpgrade(socket, 401, "Unauthorized");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  server.on("upgrade", onUpgrade);

  wss.on("connection", (ws: WebSocket) => {
    metrics.wsOpened();
    alive.add(ws);
    const asks = new Map<string, AskControl>();
    ws.on("pong", () => alive.add(ws));
    ws.on("message", (data, isBinary) => {
      void handleMessage(ws, asks, data, isBinary);
    });
    ws.on("error", (error) => deps.logger.debug({ err: error }, "websocket error"));
    ws.on("close", () => {
      metrics.wsClosed();
      for (const control of asks.values()) control.abort();
    });
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  async function handleMessage(ws: WebSocket, asks: Map<string, AskControl>, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      send(ws, { type: "error", code: "BAD_REQUEST", message: "Send JSON text frames, not binary" });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(rawText(data));
    } catch (error) {
      send(ws, { type: "error", code: "BAD_REQUEST", message: `Malformed JSON: ${(error as Error).message}` });
      return;
    }
    const parsed = wsClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown } | null)?.id === "string" ? (raw as { id: string }).id : undefined;
      send(ws, { type: "error", ...(id ? { id } : {}), code: "BAD_REQUEST", message: `Invalid message: ${describeZodError(parsed.error)}` });
      return;
    }
    const message = parsed.data;
    if (message.type === "cancel") {
      // Unknown ids are ignored: the ask may have finished while the cancel was on its way.
      asks.get(message.id)?.abort();
      return;
    }
    if (asks.has(message.id)) {
      send(ws, { type: "error", id: message.id, code: "BAD_REQUEST", message: `An ask with id "${message.id}" is already in flight` });
      return;
    }
    if (asks.size >= MAX_ASKS_PER_SOCKET) {
      send(ws, { type: "error", id: message.id, code: "OVERLOADED", message: `At most ${MAX_ASKS_PER_SOCKET} asks in flight per connection`, retryAfter: 1 });
      return;
    }
    const control = startAsk(deps.config.askTimeoutMs + DEADLINE_GRACE_MS);
    asks.set(message.id, control);
    // Every ask ends with exactly one `done` or `error` event for its id.
    let ended = false;
    let release: (() => void) | undefined;
    try {
      const collection = await requireCollection(deps, message.collection);
      release = gate.enter();
      const events = deps.answerer.ask({
        question: message.question,
        collection,
        conversationId: message.conversationId,
        aclGroups: message.aclGroups,
        options: withDeadline(message.options, deps.config.askTimeoutMs),
        signal: control.signal,
        requestId: message.id,
      });
      for await (const event of events) {
        if (ws.readyState !== WebSocket.OPEN) break;
        if (event.type === "done") metrics.recordAsk("ws", askOutcome(event.response), event.response);
        if (event.type === "error") metrics.recordAsk("ws", control.signal.aborted ? "cancelled" : "error");
        if (event.type === "done" || event.type === "error") ended = true;
        const retry = event.type === "error" && event.code === "OVERLOADED" ? { retryAfter: 2 } : {};
        await sendWithBackpressure(ws, { ...event, ...retry, id: message.id });
        if (ended) break;
      }
      if (!ended) throw control.signal.aborted ? control.endedEarlyError() : new LoreError("INTERNAL", "The answer stream ended without a result");
    } catch (error) {
      if (!ended) {
        const mapped = mapError(control.signal.aborted ? control.endedEarlyError() : error);
        if (mapped.status >= 500 && mapped.code !== "OVERLOADED") deps.logger.error({ err: error, askId: message.id }, "ask failed");
        metrics.recordAsk("ws", control.signal.aborted ? "cancelled" : "error");
        send(ws, {
          type: "error",
          id: message.id,
          code: mapped.code,
          message: mapped.message,
          ...(mapped.retryAfter !== undefined ? { retryAfter: mapped.retryAfter } : {}),
        });
      }
    } finally {
      release?.();
      control.dispose();
      asks.delete(message.id);
    }
  }

  return {
    wss,
    async close() {
      clearInterval(heartbeat);
      server.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.close(1001, "server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const ws of wss.clients) ws.terminate();
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

function send(ws: WebSocket, event: OutgoingEvent): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
}

/**
 * Sends one event; when the client is slow and unsent bytes pile up past the high-water mark, waits
 * until this frame is handed to the kernel before the ask pulls its next event, so a slow reader
 * slows its own ask instead of growing the server's memory.
 */
async function sendWithBackpressure(ws: WebSocket, event: OutgoingEvent): Promise<void> {
  if (ws.readyState !== WebSocket.OPEN) return;
  const payload = JSON.stringify(event);
  if (ws.bufferedAmount < HIGH_WATER_BYTES) {
    ws.send(payload);
    return;
  }
  await new Promise<void>((resolve) => ws.send(payload, () => resolve()));
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: { code: status === 401 ? "UNAUTHORIZED" : "NOT_FOUND", message: reason } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export { WS_KEY_PROTOCOL_PREFIX };
