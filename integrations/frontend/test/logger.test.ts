import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger, type LoggerOptions } from "../src/index.js";
import { FakeClock, FakeTransport, MemoryStorage, settle } from "./fakes.js";

function make(options: Partial<LoggerOptions> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const logger = createLogger({ endpoint: "https://logs.test/api/ingest/frontend", clock, transport, page: () => "/store", storage: null, ...options });
  return { clock, transport, logger };
}

test("lines wait for the flush interval, then go in one batch with the contract's fields", async () => {
  const { clock, transport, logger } = make({ env: "staging", session: () => "v1.token.sig", context: () => ({ release: "2.4.1" }) });

  logger.info("opened store", { items: 3 });
  logger.warn("slow image", { duration_ms: 812 });
  assert.equal(transport.bodies.length, 0);
  await clock.advance(1_999);
  assert.equal(transport.bodies.length, 0);
  await clock.advance(1);

  assert.equal(transport.bodies.length, 1);
  const body = JSON.parse(transport.bodies[0]);
  assert.equal(body.env, "staging");
  assert.equal(body.session, "v1.token.sig");
  assert.deepEqual(body.entries.map((e: Record<string, unknown>) => [e.level, e.message, e.page, e.release, e.ts]), [
    ["info", "opened store", "/store", "2.4.1", clock.time - 2_000],
    ["warn", "slow image", "/store", "2.4.1", clock.time - 2_000],
  ]);
  assert.equal(body.entries[0].items, 3);
  assert.equal(body.entries[0].session_id, logger.sessionId());
  assert.equal(body.entries[0].correlation_id, body.entries[1].correlation_id);
  assert.deepEqual(logger.stats(), { queued: 0, sent: 2, dropped: 0, sampledOut: 0, failedSends: 0 });
});

test("a full batch is sent at once, and no batch holds more than the batch size", async () => {
  const { transport, logger } = make({ batchSize: 3 });

  for (let i = 0; i < 7; i++) {
    logger.info(`line ${i}`);
  }

  await settle();
  await logger.flush();
  assert.deepEqual(transport.bodies.map((b) => JSON.parse(b).entries.length), [3, 3, 1]);
});

test("each action gets its own correlation id, which the lines after it carry", async () => {
  const { transport, logger } = make();

  const first = logger.action("click:buy", { item: "sword" });
  logger.info("bought");
  const second = logger.action("click:sell");
  await logger.flush();

  assert.notEqual(first, second);
  assert.match(first, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(transport.entries.map((e) => [e.message, e.action, e.correlation_id]), [
    ["user action", "click:buy", first],
    ["bought", undefined, first],
    ["user action", "click:sell", second],
  ]);
  assert.equal(logger.correlationId(), second);
});

test("levels below the minimum are not sent, and debug lines are sampled", async () => {
  let r = 0;
  const draws = [0.05, 0.5, 0.09, 0.95];
  const { transport, logger } = make({ minLevel: "debug", debugSampleRate: 0.1, random: () => draws[r++ % draws.length] });

  logger.trace("never");
  for (let i = 0; i < 4; i++) {
    logger.debug(`debug ${i}`);
  }

  logger.error("always");
  await logger.flush();

  assert.deepEqual(transport.entries.map((e) => e.message), ["debug 0", "debug 2", "always"]);
  assert.equal(logger.stats().sampledOut, 2);
});

test("when the endpoint is down, lines wait and are retried with backoff, honouring Retry-After", async () => {
  const { clock, transport, logger } = make();
  transport.answers.push({ ok: false, retry: true }, { ok: false, retry: true, status: 429, retryAfterMs: 30_000 });

  logger.info("one");
  await clock.advance(2_000);
  assert.equal(transport.bodies.length, 1);
  assert.equal(logger.stats().queued, 1);

  await clock.advance(999);
  assert.equal(transport.bodies.length, 1);
  await clock.advance(1);
  assert.equal(transport.bodies.length, 2);

  await clock.advance(29_999);
  assert.equal(transport.bodies.length, 2);
  await clock.advance(1);
  assert.equal(transport.bodies.length, 3);
  assert.deepEqual(logger.stats(), { queued: 0, sent: 1, dropped: 0, sampledOut: 0, failedSends: 2 });
});

test("while the endpoint stays down the queue stays bounded: the oldest lines are dropped and counted", async () => {
  const { transport, logger } = make({ maxQueue: 60, batchSize: 50 });
  for (let i = 0; i < 10; i++) {
    transport.answers.push({ ok: false, retry: true });
  }

  for (let i = 0; i < 100; i++) {
    logger.info(`line ${i}`);
  }

  await settle();
  const stats = logger.stats();
  assert.equal(stats.queued, 60);
  assert.equal(stats.dropped, 40);
  assert.equal(stats.sent, 0);
});

test("a batch the endpoint refuses for good is dropped and counted, not retried", async () => {
  const { clock, transport, logger } = make();
  transport.answers.push({ ok: false, retry: false, status: 400 });

  logger.info("bad");
  await clock.advance(2_000);
  await clock.advance(120_000);

  assert.equal(transport.bodies.length, 1);
  assert.deepEqual(logger.stats(), { queued: 0, sent: 0, dropped: 1, sampledOut: 0, failedSends: 0 });
});

test("it never throws into the app: a throwing transport, context or session, a circular field", async () => {
  const { logger } = make({
    transport: {
      send: () => {
        throw new Error("network stack broke");
      },
      beacon: () => {
        throw new Error("no beacons");
      },
    },
    context: () => {
      throw new Error("context broke");
    },
    session: () => {
      throw new Error("token store broke");
    },
  });
  const circular: Record<string, unknown> = {};
  circular.self = circular;

  logger.info("circular", { circular, fn: () => 1, big: BigInt(10), error: new TypeError("x is undefined") });
  await logger.flush();
  logger.flushOnExit();

  assert.equal(logger.stats().queued, 1);
  assert.equal(logger.stats().failedSends, 1);
});

test("an Error field becomes the contract's error object", async () => {
  const { transport, logger } = make();
  const error = new TypeError("x is undefined");

  logger.error("render failed", { error });
  await logger.flush();

  const sent = transport.entries[0].error as Record<string, unknown>;
  assert.deepEqual([sent.type, sent.message, typeof sent.stack], ["TypeError", "x is undefined", "string"]);
});

test("leaving the page hands the browser about 64 KB of beacons; the rest waits in storage and goes with the next page", async () => {
  const storage = new MemoryStorage();
  const { transport, logger } = make({ batchSize: 100, storage });
  const text = "ש".repeat(2_500); // 5,000 bytes in UTF-8: batches are cut by bytes, not characters
  for (let i = 0; i < 20; i++) {
    logger.info(`${i} ${text}`);
  }

  logger.flushOnExit();

  const beaconBytes = transport.beacons.reduce((sum, b) => sum + Buffer.byteLength(b), 0);
  assert.ok(beaconBytes < 64 * 1024, `${beaconBytes} bytes of beacons`);
  const sent = transport.entries.length;
  assert.ok(sent >= 10 && sent < 20, `${sent} lines as beacons`);
  assert.deepEqual([logger.stats().queued, logger.stats().dropped], [0, 0]);

  const next = make({ batchSize: 100, storage });
  await next.clock.advance(0);
  assert.equal(next.transport.entries.length, 20 - sent);
  assert.deepEqual(next.transport.entries.map((e) => Number(String(e.message).split(" ")[0])), Array.from({ length: 20 - sent }, (_, i) => sent + i));
  assert.equal(storage.getItem("tovplay-logs:pending"), null);
  assert.ok(next.transport.bodies.every((b) => Buffer.byteLength(b) < 64 * 1024));
});

test("a batch the endpoint answers 5xx for again and again is dropped after ten tries, and the lines behind it go", async () => {
  const { clock, transport, logger } = make({ batchSize: 1 });
  for (let i = 0; i < 10; i++) {
    transport.answers.push({ ok: false, retry: true, status: 500 });
  }

  logger.info("poison");
  logger.info("after");
  await clock.advance(10 * 60_000);

  assert.deepEqual(transport.entries.filter((e) => e.message === "after").length, 1);
  assert.equal(logger.stats().dropped, 1);
  assert.equal(logger.stats().sent, 1);
});

test("an endpoint out of reach never costs a batch its tries: it waits", async () => {
  const { clock, transport, logger } = make();
  for (let i = 0; i < 30; i++) {
    transport.answers.push({ ok: false, retry: true });
  }

  logger.info("waits");
  await clock.advance(60 * 60_000);

  assert.equal(logger.stats().dropped, 0);
  assert.equal(transport.entries.filter((e) => e.message === "waits").length >= 1, true);
});

test("what the endpoint would refuse is made acceptable: half an emoji, reserved names, deep nesting, too many fields", async () => {
  const { transport, logger } = make();
  const fields: Record<string, unknown> = { env: "production", level: "x", deep: { a: { b: { c: { d: { e: 1 } } } } }, bad: "a\ud83d" };
  for (let i = 0; i < 70; i++) {
    fields[`f${i}`] = i;
  }

  logger.info("a".repeat(7_999) + "🎮", fields);
  await logger.flush();

  const [entry] = transport.entries;
  assert.equal((entry.message as string).length, 7_999);
  assert.equal(entry.field_env, "production");
  assert.equal(entry.field_level, "x");
  assert.equal(entry.env, undefined);
  assert.equal(typeof ((((entry.deep as Record<string, unknown>).a as Record<string, unknown>).b as Record<string, unknown>).c as Record<string, unknown>).d, "string");
  assert.equal(entry.bad, "a\ufffd");
  assert.equal(entry.fields_dropped, 74 - 60);
  assert.ok(!transport.bodies[0].includes("\\ud83d"));
});

test("leaving while a batch is on its way keeps it, and a second leave adds to what the first stored", async () => {
  const storage = new MemoryStorage();
  let release: (r: { ok: true }) => void = () => undefined;
  const transport = new FakeTransport();
  transport.send = (_url: string, body: string) => {
    transport.bodies.push(body);
    return new Promise((resolve) => (release = resolve));
  };
  transport.beaconAccepts = false;
  const { logger } = make({ batchSize: 2, storage, transport });

  logger.info("a");
  logger.info("b"); // a full batch: on its way, never answered
  await settle();
  logger.info("c");
  logger.flushOnExit(); // pagehide
  logger.info("d");
  logger.flushOnExit(); // visibilitychange

  const stored = (JSON.parse(storage.getItem("tovplay-logs:pending")!) as string[]).map((l) => JSON.parse(l).message);
  assert.deepEqual(stored, ["a", "b", "c", "d"]);
  release({ ok: true });
});

test("a field with an empty name is sent under field_empty", async () => {
  const { transport, logger } = make();

  logger.info("e1", { "": "empty", nested: { "": 1 } });
  await logger.flush();

  assert.deepEqual([transport.entries[0].field_empty, (transport.entries[0].nested as Record<string, unknown>).field_empty], ["empty", 1]);
});

test("when the browser will not take a beacon, the lines stay queued", () => {
  const { transport, logger } = make();
  transport.beaconAccepts = false;

  logger.info("kept");
  logger.flushOnExit();

  assert.equal(logger.stats().queued, 1);
});
