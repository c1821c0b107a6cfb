export { createLogger, correlationHeader, type Clock, type Level, type Logger, type LoggerOptions, type LoggerStats } from "./logger.js";
export { browserTransport, type SendResult, type Transport } from "./transport.js";
export { wrapFetch, correlationInterceptor, sendsCorrelation, type AxiosLikeConfig } from "./http.js";
export { createErrorBoundary, reportRenderError, type ErrorBoundaryProps, type ReactLike } from "./react.js";
export { captureGlobals, type CaptureOptions, type PageEvents } from "./browser.js";
export { newId } from "./ids.js";
export { plain, utf8Length, wellFormed } from "./text.js";
