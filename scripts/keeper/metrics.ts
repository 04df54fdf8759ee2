/**
 * The keeper's Prometheus metrics: counters and gauges fed from each {@link TickReport}, rendered in the Prometheus
 * text exposition format (version 0.0.4), and a small HTTP server that serves them on `127.0.0.1` at `/metrics`.
 */
import { createServer, type Server } from "node:http";
import type { FailureKind, TickReport } from "./keeper.js";

const FAILURE_KINDS: readonly FailureKind[] = ["rpc", "receipt_unknown", "revert", "other"];

/** Counters and gauges of one keeper process. */
export class KeeperMetrics {
  private daysSettled = 0n;
  private escrowReleases = 0n;
  private payoutLagSeconds: bigint | undefined;
  private payouts = 0n;
  private paidWei = 0n;
  private readonly failures = new Map<FailureKind, bigint>(FAILURE_KINDS.map((k) => [k, 0n]));
  private lagSeconds: bigint | undefined;
  private unfundedDays = 0;
  private lastTick: number | undefined;

  /** Adds a tick's report. `wallClockSeconds`: when the tick ended (for staleness alerts), default now. */
  record(report: TickReport, wallClockSeconds: number = Math.floor(Date.now() / 1000)): void {
    // A settlement short of funds released the day's escrow only: the day is settled by a later one.
    this.daysSettled += BigInt(report.settlements.filter((s) => s.settled).length);
    this.escrowReleases += BigInt(report.settlements.filter((s) => !s.settled).length);
    const lastPayout = report.payouts[report.payouts.length - 1];
    if (lastPayout !== undefined) this.payoutLagSeconds = lastPayout.lagSeconds;
    this.payouts += BigInt(report.payouts.reduce((n, p) => n + p.paid.length, 0));
    this.paidWei += report.paidWei;
    for (const f of report.failures) this.failures.set(f.kind, (this.failures.get(f.kind) ?? 0n) + 1n);
    const last = report.settlements[report.settlements.length - 1];
    if (last !== undefined) this.lagSeconds = last.lagSeconds;
    this.unfundedDays = report.unfunded.length;
    this.lastTick = wallClockSeconds;
  }

  /** The metrics in the Prometheus text format. */
  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: "counter" | "gauge", help: string, samples: readonly string[]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    };
    metric("sharemall_keeper_days_settled_total", "counter", "Shop days settled in full by this keeper.", [
      `sharemall_keeper_days_settled_total ${this.daysSettled}`,
    ]);
    metric(
      "sharemall_keeper_escrow_releases_total",
      "counter",
      "Unfunded shop days whose checkout escrow this keeper released (their debt still owed).",
      [`sharemall_keeper_escrow_releases_total ${this.escrowReleases}`],
    );
    metric("sharemall_keeper_payouts_total", "counter", "Holders paid by push payouts (one per holder per batch).", [
      `sharemall_keeper_payouts_total ${this.payouts}`,
    ]);
    metric("sharemall_keeper_paid_wei_total", "counter", "Wei pushed to holders.", [
      `sharemall_keeper_paid_wei_total ${this.paidWei}`,
    ]);
    metric(
      "sharemall_keeper_failures_total",
      "counter",
      "Failures by kind: rpc, receipt_unknown (sent, receipt lost), revert, other.",
      FAILURE_KINDS.map((k) => `sharemall_keeper_failures_total{kind="${k}"} ${this.failures.get(k) ?? 0n}`),
    );
    if (this.lagSeconds !== undefined) {
      metric(
        "sharemall_keeper_settlement_lag_seconds",
        "gauge",
        "Seconds between a shop's midnight and the block that settled the day (latest settlement).",
        [`sharemall_keeper_settlement_lag_seconds ${this.lagSeconds}`],
      );
    }
    if (this.payoutLagSeconds !== undefined) {
      metric(
        "sharemall_keeper_payout_lag_seconds",
        "gauge",
        "Seconds between a shop's midnight and the block of the latest payout of its day's dividends.",
        [`sharemall_keeper_payout_lag_seconds ${this.payoutLagSeconds}`],
      );
    }
    metric("sharemall_keeper_unfunded_days", "gauge", "Past days the merchant balance cannot fund (last tick).", [
      `sharemall_keeper_unfunded_days ${this.unfundedDays}`,
    ]);
    if (this.lastTick !== undefined) {
      metric(
        "sharemall_keeper_last_tick_timestamp_seconds",
        "gauge",
        "Unix time (wall clock) when the last tick ended.",
        [`sharemall_keeper_last_tick_timestamp_seconds ${this.lastTick}`],
      );
    }
    return `${lines.join("\n")}\n`;
  }
}

/** A running metrics server. */
export interface MetricsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `metrics` at `http://127.0.0.1:<port>/metrics` (port 0: any free port). */
export async function serveMetrics(metrics: KeeperMetrics, port: number): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (path === "/metrics") {
      response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      response.end(request.method === "HEAD" ? undefined : metrics.render());
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
