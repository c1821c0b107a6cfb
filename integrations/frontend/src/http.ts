import { correlationHeader, type Logger } from "./logger.js";

/**
 * fetch that sends the current action's correlation id (X-Correlation-ID) with every request, unless the caller set
 * one: the backend logs it and puts it on the SQL it runs. Replace the page's fetch with it, or call it directly.
 */
export function wrapFetch(logger: Logger, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): typeof fetch {
  return (input: RequestInfo | URL, init?: RequestInit) => {
    let headers: Headers;
    try {
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
  headers?: Record<string, unknown> | { set(name: string, value: string): unknown; has?(name: string): boolean };
}

/**
 * An axios request interceptor doing what wrapFetch does:
 * <code>axios.interceptors.request.use(correlationInterceptor(logger))</code>.
 */
export function correlationInterceptor(logger: Logger): <T extends AxiosLikeConfig>(config: T) => T {
  return (config) => {
    try {
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
