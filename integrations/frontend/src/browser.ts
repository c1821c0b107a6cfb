import type { Logger } from "./logger.js";

/** The events this listens to; window in a page, any EventTarget in a test. */
export interface PageEvents {
  addEventListener(type: string, listener: (event: Event) => void, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: string, listener: (event: Event) => void, options?: boolean | EventListenerOptions): void;
}

export interface CaptureOptions {
  /** Where errors and page-hide come from (default window). */
  target?: PageEvents;
  /** Where clicks come from (default document); clicks on an element with data-action start that action. */
  clicks?: PageEvents;
  /** Whether the page is hidden now (default document.visibilityState). */
  hidden?: () => boolean;
}

/**
 * Global capture: uncaught errors and unhandled promise rejections become error lines; hiding or leaving the page sends
 * what is queued as beacons; a click on an element with <code>data-action="buy"</code> starts the action "click:buy".
 * Returns a function that removes every listener.
 */
export function captureGlobals(logger: Logger, options: CaptureOptions = {}): () => void {
  const g = globalThis as { window?: PageEvents; document?: PageEvents & { visibilityState?: string } };
  const target = options.target ?? g.window;
  const clicks = options.clicks ?? g.document;
  const hidden = options.hidden ?? (() => g.document?.visibilityState === "hidden");
  if (!target) {
    return () => undefined;
  }

  const onError = (event: Event) => {
    const e = event as ErrorEvent;
    logger.error(e.message || "uncaught error", {
      error: e.error ?? { type: "Error", message: e.message },
      source: e.filename,
      line: e.lineno,
      column: e.colno,
    });
  };
  const onRejection = (event: Event) => {
    const reason = (event as PromiseRejectionEvent).reason;
    logger.error("unhandled promise rejection", { error: reason instanceof Error ? reason : { type: "Rejection", message: String(reason) } });
  };
  const onHide = () => logger.flushOnExit();
  const onVisibility = () => {
    if (hidden()) {
      logger.flushOnExit();
    }
  };
  const onClick = (event: Event) => {
    try {
      let node = event.target as (Element & { closest?: (s: string) => Element | null }) | null;
      const marked = node && typeof node.closest === "function" ? node.closest("[data-action]") : null;
      node = marked as typeof node;
      const name = node?.getAttribute?.("data-action");
      if (name) {
        logger.action(`click:${name}`);
      }
    } catch {
      // A click the logger cannot read is still the app's click.
    }
  };

  target.addEventListener("error", onError);
  target.addEventListener("unhandledrejection", onRejection);
  target.addEventListener("pagehide", onHide);
  clicks?.addEventListener("visibilitychange", onVisibility);
  clicks?.addEventListener("click", onClick, true);
  return () => {
    target.removeEventListener("error", onError);
    target.removeEventListener("unhandledrejection", onRejection);
    target.removeEventListener("pagehide", onHide);
    clicks?.removeEventListener("visibilitychange", onVisibility);
    clicks?.removeEventListener("click", onClick, true);
  };
}
