/** What became of one batch sent to the endpoint. */
export type SendResult =
  | { ok: true }
  | { ok: false; retry: boolean; status?: number; retryAfterMs?: number };

/** How batches leave the page: a request for the normal case, a beacon when the page is going away. */
export interface Transport {
  send(url: string, body: string): Promise<SendResult>;
  /** Hands the body to the browser to send even as the page unloads; false when it would not take it. */
  beacon(url: string, body: string): boolean;
}

/**
 * The browser's fetch (taken when the logger is made, so a fetch wrapped later for correlation ids never logs the
 * logger's own requests) and navigator.sendBeacon. A beacon sends text/plain, which needs no CORS preflight.
 */
export function browserTransport(): Transport {
  const fetchImpl = typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined;
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return {
    async send(url, body) {
      if (!fetchImpl) {
        return { ok: false, retry: false };
      }

      try {
        const response = await fetchImpl(url, {
          method: "POST",
          body,
          headers: { "Content-Type": "application/json" },
          // No keepalive: the page is alive (leaving uses beacons), and keepalive requests share a 64 KB budget.
          credentials: "omit",
        });
        if (response.ok) {
          return { ok: true };
        }

        const retry = response.status === 429 || response.status >= 500;
        const seconds = Number(response.headers.get("Retry-After"));
        return { ok: false, retry, status: response.status, retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined };
      } catch {
        // Offline, refused, blocked: the batch waits for the next try.
        return { ok: false, retry: true };
      }
    },
    beacon(url, body) {
      try {
        return !!nav && typeof nav.sendBeacon === "function" && nav.sendBeacon(url, body);
      } catch {
        return false;
      }
    },
  };
}
