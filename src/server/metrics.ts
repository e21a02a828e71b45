import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AskResponse } from "../agents/types.js";
import type { EngineMetrics } from "../inference/types.js";

export type AskTransport = "rest" | "ws";
export type AskOutcome = "answered" | "abstained" | "error" | "cancelled";

/**
 * Prometheus metrics of one server instance. A registry per instance (not prom-client's global)
 * so several servers in one process (tests) do not collide.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly latency: Histogram<"method" | "route" | "status">;
  private readonly asks: Counter<"transport" | "outcome">;
  private readonly firstSentence: Histogram;
  private readonly askDuration: Histogram;
  private readonly verifiedSentences: Counter<"outcome">;
  private readonly wsConnections: Gauge;
  private kept = 0;
  private dropped = 0;

  constructor(engineMetrics: () => EngineMetrics) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "lore_" });
    this.requests = new Counter({ name: "lore_http_requests_total", help: "HTTP requests by route and status", labelNames: ["method", "route", "status"], registers });
    this.latency = new Histogram({
      name: "lore_http_request_duration_seconds",
      help: "HTTP request latency by route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.asks = new Counter({ name: "lore_asks_total", help: "Questions by transport and outcome", labelNames: ["transport", "outcome"], registers });
    this.firstSentence = new Histogram({
      name: "lore_ask_first_sentence_seconds",
      help: "Time from question to the first verified sentence",
      buckets: [0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 6, 10, 20],
      registers,
    });
    this.askDuration = new Histogram({ name: "lore_ask_duration_seconds", help: "Time to the whole answer", buckets: [0.5, 1, 2, 3, 4, 6, 8, 12, 20, 40, 60], registers });
    this.verifiedSentences = new Counter({ name: "lore_verification_sentences_total", help: "Drafted sentences kept or dropped by verification", labelNames: ["outcome"], registers });
    this.wsConnections = new Gauge({ name: "lore_ws_connections", help: "Open WebSocket connections", registers });
    const self = this;
    new Gauge({
      name: "lore_verification_drop_rate",
      help: "Share of drafted sentences dropped by verification since start",
      registers,
      collect() {
        const total = self.kept + self.dropped;
        this.set(total === 0 ? 0 : self.dropped / total);
      },
    });
    const engineGauge = (name: string, help: string, read: (m: EngineMetrics) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(engineMetrics()));
        },
      });
    engineGauge("lore_generation_queue_depth", "Generation requests waiting for a sequence", (m) => m.queueDepth);
    engineGauge("lore_generation_active_sequences", "Generation sequences decoding now", (m) => m.activeSequences);
    engineGauge("lore_generation_sequences", "Generation sequences configured", (m) => m.sequences);
    engineGauge("lore_generation_tokens_per_second", "Completion tokens/s over recent requests", (m) => m.recentTokensPerSecond);
    engineGauge("lore_generation_ttft_seconds", "Last observed time to first token", (m) => m.lastTtftMs / 1000);
    engineGauge("lore_generation_rejected_requests", "Generation requests refused (queue full) since start", (m) => m.rejectedRequests);
    engineGauge("lore_generation_completion_tokens", "Completion tokens generated since start", (m) => m.completionTokens);
  }

  /** Counts every request once it has finished, labelled with the matched route (not the raw URL). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      res.on("finish", () => {
        const routePath = (req.route as { path?: string } | undefined)?.path;
        const route = typeof routePath === "string" ? routePath : "unmatched";
        const labels = { method: req.method, route, status: String(res.statusCode) };
        this.requests.inc(labels);
        this.latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }

  recordAsk(transport: AskTransport, outcome: AskOutcome, response?: AskResponse): void {
    this.asks.inc({ transport, outcome });
    if (!response) return;
    this.kept += response.verification.kept;
    this.dropped += response.verification.dropped;
    this.verifiedSentences.inc({ outcome: "kept" }, response.verification.kept);
    this.verifiedSentences.inc({ outcome: "dropped" }, response.verification.dropped);
    if (response.usage.firstSentenceMs !== null) this.firstSentence.observe(response.usage.firstSentenceMs / 1000);
    this.askDuration.observe(response.usage.totalMs / 1000);
  }

  wsOpened(): void {
    this.wsConnections.inc();
  }

  wsClosed(): void {
    this.wsConnections.dec();
  }
}
