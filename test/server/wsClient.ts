import { WebSocket } from "ws";

export interface ChatEvent {
  type: string;
  id?: string;
  code?: string;
  message?: string;
  [key: string]: unknown;
}

/** A /v1/chat client that queues the server's events so a test can await them in order. */
export class ChatClient {
  readonly events: ChatEvent[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.events.push(JSON.parse(data.toString()) as ChatEvent);
      for (const wake of this.waiters.splice(0)) wake();
    });
    ws.on("close", () => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static open(url: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<ChatClient> {
    const ws = new WebSocket(url.replace(/^http/, "ws") + "/v1/chat", options.protocols ?? [], { headers: options.headers ?? {} });
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new ChatClient(ws)));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** Resolves with the first event (from the start of the connection) that matches, waiting if needed. */
  async next(match: (e: ChatEvent) => boolean, timeoutMs = 240_000): Promise<ChatEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.ws.readyState !== WebSocket.OPEN) throw new Error("socket closed while waiting for an event");
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The terminal event (done or error) of an ask. */
  end(id: string, timeoutMs?: number): Promise<ChatEvent> {
    return this.next((e) => e.id === id && (e.type === "done" || e.type === "error"), timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}
