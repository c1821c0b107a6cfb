import { correlationHeader, type Logger } from "./logger.js";

/**
 * Whether a request to this URL may carry the correlation id: the page's own origin, and the origins listed (the
 * backend's, when it is another). Other sites never get it: it is the app's business, and an unexpected header
 * makes a cross-site request need a preflight that a public API may not answer.
 */
export function sendsCorrelation(url: string | URL, origins: readonly string[] = []): boolean {
  try {
    const here = (globalThis as { location?: Location }).location;
    const target = here ? new URL(url, here.href) : new URL(url);
    return (here !== undefined && target.origin === here.origin) || origins.some((o) => new URL(o).origin === target.origin);
  } catch {
    // A relative URL with no page to resolve it against is the page's own.
    return typeof url === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(url);
  }
}

/**
 * fetch that sends the current action's correlation id (X-Correlation-ID) with each request to the page's own origin
 * or to the listed origins (the backend's, when it is on another), unless the caller set one: the backend logs it and
 * puts it on the SQL it runs. Replace the page's fetch with it, or call it directly.
 */
export function wrapFetch(logger: Logger, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis), origins: readonly string[] = []): typeof fetch {
  return (input: RequestInfo | URL, init?: RequestInit) => {
    let headers: Headers;
    try {
      const url = input instanceof Request ? input.url : input;
      if (!sendsCorrelation(url, origins)) {
        return fetchImpl(input, init);
      }

      headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      if (!headers.has(correlationHeader)) {
        headers.set(correlationHeader, logger.correlationId());
      }
    } catch {
      return fetchImpl(input, init);
    }

    return fetchImpl(input, { ...init, headers });
  };
}

/** The shape of an axios request config this needs (axios itself is not a dependency). */
export interface AxiosLikeConfig {
  url?: string;
  baseURL?: string;
  headers?: Record<string, unknown> | { set(name: string, value: string): unknown; has?(name: string): boolean };
}

/**
 * An axios request interceptor doing what wrapFetch does (same origins):
 * <code>axios.interceptors.request.use(correlationInterceptor(logger))</code>.
 */
export function correlationInterceptor(logger: Logger, origins: readonly string[] = []): <T extends AxiosLikeConfig>(config: T) => T {
  return (config) => {
    try {
      if (!sendsCorrelation(axiosUrl(config), origins)) {
        return config;
      }

      const headers = config.headers;
      if (headers && typeof (headers as { set?: unknown }).set === "function") {
        const axiosHeaders = headers as { set(name: string, value: string): unknown; has?(name: string): boolean };
        if (!axiosHeaders.has?.(correlationHeader)) {
          axiosHeaders.set(correlationHeader, logger.correlationId());
        }
      } else {
        const plainHeaders = (headers ?? {}) as Record<string, unknown>;
        if (!Object.keys(plainHeaders).some((k) => k.toLowerCase() === correlationHeader.toLowerCase())) {
          plainHeaders[correlationHeader] = logger.correlationId();
        }

        config.headers = plainHeaders;
      }
    } catch {
      // The request goes without the header rather than not at all.
    }

    return config;
  };
}

/** The URL axios will call: its url, after its baseURL unless the url is absolute (as axios combines them). */
function axiosUrl(config: AxiosLikeConfig): string {
  const url = config.url ?? "";
  if (!config.baseURL || /^[a-z][a-z0-9+.-]*:/i.test(url)) {
    return url;
  }

  return config.baseURL.replace(/\/+$/, "") + "/" + url.replace(/^\/+/, "");
}
