/**
 * A JSON-RPC proxy for fault tests: forwards HTTP JSON-RPC requests to a node and, by rule, delays them, answers
 * with an HTTP or JSON-RPC error without forwarding, drops the connection before forwarding, or forwards and then
 * drops the connection so that the node acts but the client never hears the answer (a lost response).
 * Probabilistic rules draw from a seeded generator, so a run is reproducible for the same request sequence.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type Fault =
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "http-error"; readonly status: number }
  | { readonly kind: "rpc-error"; readonly code: number; readonly message: string }
  | { readonly kind: "drop" }
  | { readonly kind: "drop-response" };

export interface FaultRule {
  /** JSON-RPC method(s) the rule applies to (a request batch matches if any of its calls does); all if omitted. */
  readonly method?: string | RegExp;
  /** Matching requests to let through untouched before the rule applies. */
  skip?: number;
  /** How many times the rule applies (then it is spent); unlimited if omitted. */
  times?: number;
  /** Chance in [0, 1] that a matching request gets the fault (default 1). */
  readonly probability?: number;
  readonly fault: Fault;
}

export interface ProxyEvent {
  readonly methods: readonly string[];
  readonly fault?: Fault["kind"];
}

export interface FaultProxy {
  readonly url: string;
  /** Rules, first match wins; replace or edit between steps of a test. */
  rules: FaultRule[];
  /** Every request seen, with the fault applied to it. */
  readonly events: ProxyEvent[];
  /** How many requests got each kind of fault. */
  count(kind: Fault["kind"]): number;
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator, good enough to pick faults reproducibly. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function methodsOf(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { method?: unknown } | { method?: unknown }[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    return calls.map((c) => (typeof c.method === "string" ? c.method : "?"));
  } catch {
    return ["?"];
  }
}

function idsOf(body: string): unknown[] {
  try {
    const parsed = JSON.parse(body) as { id?: unknown } | { id?: unknown }[];
    return (Array.isArray(parsed) ? parsed : [parsed]).map((c) => c.id ?? null);
  } catch {
    return [null];
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Starts a proxy on a free loopback port in front of `target` (an HTTP JSON-RPC URL). */
export async function startFaultProxy(target: string, options: { seed?: number } = {}): Promise<FaultProxy> {
  const random = generator(options.seed ?? 1);
  const events: ProxyEvent[] = [];
  const proxy: { rules: FaultRule[] } = { rules: [] };

  const pick = (methods: readonly string[]): Fault | undefined => {
    for (const rule of proxy.rules) {
      const matches =
        rule.method === undefined ||
        methods.some((m) => (typeof rule.method === "string" ? m === rule.method : rule.method!.test(m)));
      if (!matches || rule.times === 0) continue;
      if (rule.skip !== undefined && rule.skip > 0) {
        rule.skip--;
        continue;
      }
      if (rule.probability !== undefined && random() >= rule.probability) continue;
      if (rule.times !== undefined) rule.times--;
      return rule.fault;
    }
    return undefined;
  };

  const forward = async (body: string): Promise<{ status: number; text: string }> => {
    const response = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: response.status, text: await response.text() };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const methods = methodsOf(body);
    let fault = pick(methods);
    if (fault?.kind === "delay") {
      const { ms } = fault;
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push({ methods, fault: "delay" });
      fault = undefined;
    } else {
      events.push({ methods, ...(fault !== undefined ? { fault: fault.kind } : {}) });
    }
    if (fault?.kind === "drop") {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "http-error") {
      response.writeHead(fault.status, { "content-type": "text/plain" }).end(`proxy: injected HTTP ${fault.status}`);
      return;
    }
    if (fault?.kind === "rpc-error") {
      const errors = idsOf(body).map((id) => ({
        jsonrpc: "2.0",
        id,
        error: { code: fault.code, message: fault.message },
      }));
      const payload = body.trimStart().startsWith("[") ? errors : errors[0];
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(payload));
      return;
    }
    const answer = await forward(body);
    if (fault?.kind === "drop-response") {
      request.socket.destroy(); // the node has acted; the client never learns the result
      return;
    }
    response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.text);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502).end(`proxy: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get rules() {
      return proxy.rules;
    },
    set rules(rules: FaultRule[]) {
      proxy.rules = rules;
    },
    events,
    count: (kind) => events.filter((e) => e.fault === kind).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
