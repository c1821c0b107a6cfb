import assert from "node:assert/strict";
import { test } from "node:test";
import { captureGlobals, correlationInterceptor, createErrorBoundary, createLogger, sendsCorrelation, wrapFetch } from "../src/index.js";
import { FakeClock, FakeTransport } from "./fakes.js";

function make() {
  const transport = new FakeTransport();
  const logger = createLogger({ endpoint: "https://logs.test/api/ingest/frontend", clock: new FakeClock(), transport, page: () => "/lobbies", storage: null });
  return { transport, logger };
}

test("wrapFetch sends the current action's correlation id to its own origins only, and leaves one the caller set", async () => {
  const { logger } = make();
  const seen: [string, string | null][] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push([input instanceof Request ? input.url : String(input), new Headers(init?.headers).get("X-Correlation-ID")]);
    return new Response("{}");
  }) as typeof fetch;
  const wrapped = wrapFetch(logger, fetchImpl, ["https://api.tovplay.test"]);

  const id = logger.action("click:join-lobby");
  await wrapped("/api/lobbies/join", { method: "POST", headers: { "Content-Type": "application/json" } });
  await wrapped(new Request("https://api.tovplay.test/api/lobbies"));
  await wrapped("https://cdn.example/avatar.png");
  await wrapped("/api/x", { headers: { "X-Correlation-ID": "set-by-caller" } });

  assert.deepEqual(seen.map((s) => s[1]), [id, id, null, "set-by-caller"]);
  assert.equal(sendsCorrelation("https://api.tovplay.test:444/x", ["https://api.tovplay.test"]), false);
});

test("the axios interceptor adds the header to plain and to AxiosHeaders-like configs", () => {
  const { logger } = make();
  const id = logger.action("click:buy");
  const interceptor = correlationInterceptor(logger);
  const set = new Map<string, string>();
  const axiosHeaders = { set: (n: string, v: string) => set.set(n, v), has: (n: string) => set.has(n) };

  const plain = interceptor({ headers: { Accept: "application/json" } as Record<string, unknown> });
  interceptor({ headers: axiosHeaders });
  const none = interceptor({} as { headers?: Record<string, unknown> });

  assert.equal((plain.headers as Record<string, unknown>)["X-Correlation-ID"], id);
  assert.equal(set.get("X-Correlation-ID"), id);
  assert.equal((none.headers as Record<string, unknown>)["X-Correlation-ID"], id);
});

test("global capture: an uncaught error, an unhandled rejection, a marked click, and hiding the page", async () => {
  const { transport, logger } = make();
  const window = new EventTarget();
  const document = new EventTarget();
  let hidden = false;
  const remove = captureGlobals(logger, { target: window, clicks: document, hidden: () => hidden });

  window.dispatchEvent(Object.assign(new Event("error"), { message: "x is undefined", error: new TypeError("x is undefined"), filename: "app.js", lineno: 10, colno: 4 }));
  window.dispatchEvent(Object.assign(new Event("unhandledrejection"), { reason: "timeout" }));
  const button = { getAttribute: (n: string) => (n === "data-action" ? "leave-lobby" : null), closest: () => button };
  const click = new Event("click");
  Object.defineProperty(click, "target", { value: button });
  document.dispatchEvent(click);
  hidden = true;
  document.dispatchEvent(new Event("visibilitychange"));

  assert.deepEqual(transport.beacons.length, 1);
  const [error, rejection, action] = transport.entries;
  assert.deepEqual([error.level, error.message, (error.error as Record<string, unknown>).type, error.source, error.line], ["error", "x is undefined", "TypeError", "app.js", 10]);
  assert.deepEqual([rejection.message, (rejection.error as Record<string, unknown>).message], ["unhandled promise rejection", "timeout"]);
  assert.deepEqual([action.message, action.action, action.correlation_id], ["user action", "click:leave-lobby", logger.correlationId()]);

  remove();
  window.dispatchEvent(Object.assign(new Event("error"), { message: "after removal" }));
  assert.equal(logger.stats().queued, 0);
});

test("the error boundary logs a render error with its component stack and shows the fallback", () => {
  const { transport, logger } = make();
  class Component {
    props: unknown;
    constructor(props: unknown) {
      this.props = props;
    }
  }
  const Boundary = createErrorBoundary({ Component: Component as never }, logger) as unknown as {
    new (props: { fallback?: unknown; children?: unknown }): { state: { failed: boolean }; componentDidCatch(e: unknown, i: unknown): void; render(): unknown };
    getDerivedStateFromError(): { failed: boolean };
  };

  const boundary = new Boundary({ fallback: "sorry", children: "the app" });
  assert.equal(boundary.render(), "the app");
  boundary.state = Boundary.getDerivedStateFromError();
  boundary.componentDidCatch(new RangeError("bad index"), { componentStack: "\n    at Lobby\n    at App" });

  assert.equal(boundary.render(), "sorry");
  logger.flushOnExit();
  const [line] = transport.entries;
  assert.deepEqual([line.level, line.message, (line.error as Record<string, unknown>).type, line.component_stack], ["error", "render failed", "RangeError", "\n    at Lobby\n    at App"]);
});
