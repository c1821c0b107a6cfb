import { newId } from "./ids.js";
import { cut, limits, plain, reservedKeys, utf8Length, wellFormed } from "./text.js";
import { browserTransport, type Transport } from "./transport.js";

export type Level = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

const rank: Record<Level, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };

/** The header that carries a user action's id from the click to the SQL it causes. */
export const correlationHeader = "X-Correlation-ID";

/** Timers and the clock, replaceable so tests run without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LoggerOptions {
  /** TovPlay Logs' frontend ingest address, e.g. https://app.tovplay.org/logs/api/ingest/frontend. */
  endpoint: string;
  /** The environment label (prod, staging, dev); the endpoint refuses one it does not know. */
  env?: string;
  /** Lines below this level are not sent (default info). */
  minLevel?: Level;
  /** The share of debug and trace lines kept, 0 to 1 (default 0.1), when minLevel lets them through. */
  debugSampleRate?: number;
  /** Entries per request (default 50; the endpoint takes at most 100). */
  batchSize?: number;
  /** How long a line may wait before its batch is sent (default 2000 ms). */
  flushIntervalMs?: number;
  /** Lines held while the endpoint cannot be reached; beyond it the oldest are dropped and counted (default 1000). */
  maxQueue?: number;
  /** The signed session token the backend gave this page, so lines carry the signed-in user. */
  session?: () => string | undefined;
  /** Fields added to every line (release, feature flags, ...). */
  context?: () => Record<string, unknown>;
  /** The page a line was written on (default location.pathname). */
  page?: () => string | undefined;
  /** Answers 5xx to one batch before it is dropped and counted (default 10): one bad batch must not block the rest. */
  maxAttempts?: number;
  /**
   * Where lines that could not leave before the page went away wait for the next page of the site (default
   * localStorage; null: nowhere). Bounded to 256 KB.
   */
  storage?: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  transport?: Transport;
  clock?: Clock;
  random?: () => number;
}

export interface LoggerStats {
  /** Lines waiting to be sent. */
  queued: number;
  /** Lines the endpoint took (or the browser took as a beacon). */
  sent: number;
  /** Lines given up: the queue overflowed while the endpoint was down, or the endpoint refused them. */
  dropped: number;
  /** Debug and trace lines left out by sampling. */
  sampledOut: number;
  /** Requests that failed and will be tried again. */
  failedSends: number;
}

export interface Logger {
  trace(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  fatal(message: string, fields?: Record<string, unknown>): void;
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
  /** Starts a user action: a new correlation id for it and what it causes, and a line saying so. Returns the id. */
  action(name: string, fields?: Record<string, unknown>): string;
  /** The current action's correlation id (one is made when no action started yet). */
  correlationId(): string;
  /** This page's session id, one per page load. */
  sessionId(): string;
  /** Sends what is queued now; resolves when done or failed, never rejects. */
  flush(): Promise<void>;
  /** Hands what is queued to the browser as beacons (the page is going away). */
  flushOnExit(): void;
  stats(): LoggerStats;
  /** Stops the timer; queued lines stay until flush. */
  close(): void;
}

const storageKey = "tovplay-logs:pending";
const maxStoredBytes = 256 * 1024;

/** A logger for the page. It never throws into the app, never blocks it, and drops (counting) rather than grows. */
export function createLogger(options: LoggerOptions): Logger {
  const transport = options.transport ?? browserTransport();
  const clock: Clock = options.clock ?? {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const random = options.random ?? Math.random;
  const minLevel = rank[options.minLevel ?? "info"] ?? rank.info;
  const sampleRate = clamp(options.debugSampleRate ?? 0.1, 0, 1);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 50, 100));
  const flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 2000);
  const maxQueue = Math.max(batchSize, options.maxQueue ?? 1000);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 10);
  const storage = options.storage === undefined ? defaultStorage() : options.storage;
  const session = newId(random);

  // Lines are held as their JSON text with its UTF-8 size: batches are cut by bytes, as the endpoint counts them.
  const queue: { line: string; bytes: number }[] = [];
  const stats = { sent: 0, dropped: 0, sampledOut: 0, failedSends: 0 };
  let correlation: string | undefined;
  let timer: unknown;
  let sending: Promise<void> | undefined;
  let backoffMs = 0;
  let notBefore = 0;
  let closed = false;
  let headAttempts = 0;
  // The batch a request is carrying: if the page goes away meanwhile, it is kept with the rest (the store drops a
  // line it already holds, so one that did arrive is not doubled).
  let inFlight: string[] = [];
  restore();

  function page(): string | undefined {
    try {
      return options.page ? options.page() : (globalThis as { location?: Location }).location?.pathname;
    } catch {
      return undefined;
    }
  }

  function enqueue(line: string) {
    queue.push({ line, bytes: utf8Length(line) });
    while (queue.length > maxQueue) {
      queue.shift();
      stats.dropped++;
    }

    if (queue.length >= batchSize) {
      void flush();
    } else {
      schedule(flushIntervalMs);
    }
  }

  function schedule(ms: number) {
    if (timer !== undefined || closed) {
      return;
    }

    timer = clock.setTimeout(() => {
      timer = undefined;
      void flush();
    }, Math.max(ms, notBefore - clock.now()));
  }

  function log(level: Level, message: string, fields?: Record<string, unknown>) {
    try {
      const r = rank[level];
      if (r === undefined || r < minLevel) {
        return;
      }

      if (r <= rank.debug && random() >= sampleRate) {
        stats.sampledOut++;
        return;
      }

      const entry: Record<string, unknown> = {};
      const extra = { ...safeContext(options.context), ...(fields ?? {}) };
      let kept = 0;
      let left = 0;
      for (const key of Object.keys(extra)) {
        // A field named like the entry's own (env, level, ...) would be read as it; it goes under its own name.
        const name = cut(wellFormed(reservedKeys.has(key) ? `field_${key}` : key === "" ? "field_empty" : key), limits.maxFieldNameChars);
        const value = plain(extra[key]);
        if (value === undefined) {
          continue;
        }

        if (kept >= limits.maxFields) {
          left++;
          continue;
        }

        entry[name] = value;
        kept++;
      }

      if (left > 0) {
        entry.fields_dropped = left;
      }

      entry.ts = clock.now();
      entry.level = level;
      entry.message = cut(wellFormed(String(message)), limits.maxMessageChars);
      entry.correlation_id ??= correlationId();
      entry.session_id ??= session;
      const where = page();
      if (where !== undefined) {
        entry.page ??= cut(wellFormed(where), 2_000);
      }

      const line = JSON.stringify(entry);
      if (utf8Length(line) > limits.maxBodyBytes - 1_000) {
        stats.dropped++;
        return;
      }

      enqueue(line);
    } catch {
      // A line that cannot be written is lost, never the app's problem.
      stats.dropped++;
    }
  }

  function correlationId(): string {
    correlation ??= newId(random);
    return correlation;
  }

  /** The next batch: as many lines as fit one request (by count and UTF-8 bytes), oldest first. */
  function takeBatch(maxBytes = limits.maxBodyBytes): string[] {
    const batch: string[] = [];
    let size = 0;
    while (batch.length < batchSize && queue.length > 0 && size + queue[0].bytes + 1 < maxBytes - 1_000) {
      const item = queue.shift()!;
      size += item.bytes + 1;
      batch.push(item.line);
    }

    return batch;
  }

  function putBack(batch: string[]) {
    queue.unshift(...batch.map((line) => ({ line, bytes: utf8Length(line) })));
    while (queue.length > maxQueue) {
      queue.shift();
      stats.dropped++;
    }
  }

  function body(batch: string[]): string {
    const head: string[] = [];
    if (options.env) {
      head.push(`"env":${JSON.stringify(options.env)}`);
    }

    try {
      const token = options.session?.();
      if (token) {
        head.push(`"session":${JSON.stringify(token)}`);
      }
    } catch {
      // No token this time: the lines go without a verified user.
    }

    head.push(`"entries":[${batch.join(",")}]`);
    return `{${head.join(",")}}`;
  }

  async function sendAll(): Promise<void> {
    while (queue.length > 0 && clock.now() >= notBefore) {
      const batch = takeBatch();
      if (batch.length === 0) {
        return;
      }

      let result;
      try {
        inFlight = batch;
        result = await transport.send(options.endpoint, body(batch));
      } catch {
        result = { ok: false as const, retry: true };
      }

      inFlight = [];
      if (result.ok) {
        stats.sent += batch.length;
        backoffMs = 0;
        headAttempts = 0;
        continue;
      }

      if (!result.retry) {
        // The endpoint said no for good (a 4xx that is not 429): sending again cannot help.
        stats.dropped += batch.length;
        headAttempts = 0;
        continue;
      }

      stats.failedSends++;
      // Only an answer counts against the batch: a 5xx for it again and again. An endpoint out of reach or asking
      // to slow down (429) says nothing about the batch.
      if (result.status !== undefined && result.status >= 500 && ++headAttempts >= maxAttempts) {
        // The same batch failing again and again must not hold back every line behind it.
        stats.dropped += batch.length;
        headAttempts = 0;
      } else {
        putBack(batch);
      }

      backoffMs = Math.min(Math.max(backoffMs * 2, 1_000), 60_000);
      notBefore = clock.now() + Math.max(backoffMs, result.retryAfterMs ?? 0);
      schedule(notBefore - clock.now());
      return;
    }

    if (queue.length > 0) {
      schedule(notBefore - clock.now());
    }
  }

  function flush(): Promise<void> {
    if (sending) {
      return sending;
    }

    if (timer !== undefined) {
      clock.clearTimeout(timer);
      timer = undefined;
    }

    restore();
    sending = sendAll()
      .catch(() => undefined)
      .finally(() => {
        sending = undefined;
      });
    return sending;
  }

  function flushOnExit() {
    // A page going away may have about 64 KB of beacons in flight; what does not fit waits in storage for the next page.
    let budget = 63_000;
    while (queue.length > 0 && budget > 2_000) {
      const batch = takeBatch(Math.min(limits.maxBodyBytes, budget));
      if (batch.length === 0) {
        break;
      }

      const text = body(batch);
      let taken = false;
      try {
        taken = transport.beacon(options.endpoint, text);
      } catch {
        // The browser would not take it: the lines go to storage below.
      }

      if (!taken) {
        putBack(batch);
        break;
      }

      budget -= utf8Length(text);
      stats.sent += batch.length;
    }

    persist();
  }

  /** Lines still queued as the page goes away, kept for the next page (at most 256 KB, the newest). */
  function persist() {
    if (!storage || queue.length + inFlight.length === 0) {
      return;
    }

    try {
      // Added to what an earlier call (pagehide, then visibilitychange) or page stored, never in place of it.
      const earlier = storage.getItem(storageKey);
      const lines = [...(earlier ? (JSON.parse(earlier) as string[]) : []), ...inFlight, ...queue.map((q) => q.line)];
      const kept: string[] = [];
      let size = 0;
      for (let i = lines.length - 1; i >= 0 && size + utf8Length(lines[i]) < maxStoredBytes; i--) {
        kept.unshift(lines[i]);
        size += utf8Length(lines[i]);
      }

      storage.setItem(storageKey, JSON.stringify([...new Set(kept)]));
      stats.dropped += lines.length - kept.length;
      queue.length = 0;
      inFlight = [];
    } catch {
      // Storage full or refused: the lines stay queued, as before.
    }
  }

  /** Lines an earlier page of the site (or this one, hidden and shown again) could not send, first in line now. */
  function restore() {
    if (!storage) {
      return;
    }

    try {
      const stored = storage.getItem(storageKey);
      storage.removeItem(storageKey);
      const lines = stored ? (JSON.parse(stored) as unknown) : [];
      if (Array.isArray(lines) && lines.length > 0) {
        // Older than anything queued now: they go first.
        queue.unshift(...lines.filter((l): l is string => typeof l === "string").slice(-maxQueue).map((line) => ({ line, bytes: utf8Length(line) })));
        while (queue.length > maxQueue) {
          queue.pop();
          stats.dropped++;
        }
      }

      if (queue.length > 0) {
        schedule(0);
      }
    } catch {
      // Unreadable leftovers are dropped rather than breaking the page.
    }
  }

  return {
    trace: (m, f) => log("trace", m, f),
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    fatal: (m, f) => log("fatal", m, f),
    log,
    action(name, fields) {
      try {
        correlation = newId(random);
      } catch {
        correlation = undefined;
      }

      log("info", "user action", { ...(fields ?? {}), action: name });
      return correlationId();
    },
    correlationId: () => {
      try {
        return correlationId();
      } catch {
        return "";
      }
    },
    sessionId: () => session,
    flush,
    flushOnExit,
    stats: () => ({ queued: queue.length, ...stats }),
    close() {
      closed = true;
      if (timer !== undefined) {
        clock.clearTimeout(timer);
        timer = undefined;
      }
    },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}

function safeContext(context: LoggerOptions["context"]): Record<string, unknown> {
  try {
    return context?.() ?? {};
  } catch {
    return {};
  }
}

function defaultStorage(): Pick<Storage, "getItem" | "setItem" | "removeItem"> | null {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage ?? null;
  } catch {
    return null;
  }
}
