import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { attachChatSocket } from "./chatSocket.js";
import type { ServiceDeps } from "./deps.js";
import type { ServerMetrics } from "./metrics.js";

export interface StartServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  version?: string;
}

export interface LoreServer {
  readonly server: Server;
  readonly metrics: ServerMetrics;
  /** http://host:port of the listening server. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, aborts in-flight asks (freeing their sequences), closes sockets. Does not close the runtime. */
  close(): Promise<void>;
}

/** REST + WebSocket + chat page on one port. */
export async function startServer(deps: ServiceDeps, options: StartServerOptions): Promise<LoreServer> {
  const { app, metrics, apiKeys, asks } = createApp(deps, { version: options.version });
  const server = createServer(app);
  // Slow-loris protection without cutting long answers: headers must arrive quickly, bodies are bounded by size.
  server.headersTimeout = 20_000;
  server.requestTimeout = 0;
  const chat = attachChatSocket(server, { deps, metrics, apiKeys, asks });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    server,
    metrics,
    url: `http://${host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await chat.close();
        server.closeIdleConnections();
        // In-flight REST asks see their response close and abort; give them a moment, then cut.
        const timer = setTimeout(() => server.closeAllConnections(), 2_000);
        await closed;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
