import type { Logger } from "./logger.js";

/** What this needs of React (passed in, so the logger has no dependency on it). */
export interface ReactLike {
  Component: new (props: never) => object;
}

export interface ErrorBoundaryProps {
  fallback?: unknown;
  children?: unknown;
}

/**
 * An error boundary class for the app's tree: a render error is logged (level error, with the component stack) and the
 * fallback shown instead of a blank page.
 * <code>const ErrorBoundary = createErrorBoundary(React, logger);</code> then <code>&lt;ErrorBoundary fallback={…}&gt;</code>.
 */
export function createErrorBoundary(react: ReactLike, logger: Logger): new (props: ErrorBoundaryProps) => object {
  const Base = react.Component as unknown as new (props: ErrorBoundaryProps) => { props: ErrorBoundaryProps; state: { failed: boolean } };

  class TovPlayErrorBoundary extends Base {
    static getDerivedStateFromError() {
      return { failed: true };
    }

    constructor(props: ErrorBoundaryProps) {
      super(props);
      this.state = { failed: false };
    }

    componentDidCatch(error: unknown, info: { componentStack?: string | null }) {
      reportRenderError(logger, error, info);
    }

    render() {
      return this.state.failed ? (this.props.fallback ?? null) : (this.props.children ?? null);
    }
  }

  return TovPlayErrorBoundary;
}

/** What an error boundary logs for a render error; usable from an app's own boundary too. */
export function reportRenderError(logger: Logger, error: unknown, info?: { componentStack?: string | null }) {
  logger.error("render failed", { error, component_stack: info?.componentStack ?? undefined });
}
