"""Correlation ids in and out of every request, and one line per request when it completes."""

import logging
import time

from flask import g, request

from . import context

_SKIP = "tovplay_logging_skip"


def install_middleware(app, logger):
    """Reads or makes each request's X-Correlation-ID, echoes it in the response, and logs the request's outcome."""

    @app.before_request
    def _begin():
        g.tovplay_started = time.perf_counter()
        g.tovplay_correlation_id = context.correlation_id_from(request.headers.get(context.CORRELATION_HEADER))
        # The user is found before the request's own transactions start (a loader reading the database then runs
        # in a transaction of its own, not inside the request's).
        context.current_user()

    @app.after_request
    def _complete(response):
        response.headers[context.CORRELATION_HEADER] = context.current_correlation_id()
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        message = "request failed" if status >= 500 else "request refused" if status >= 400 else "request completed"
        logger.log(level, message, extra=_request_fields(status))
        g.tovplay_logged = True
        return response

    @app.teardown_request
    def _failed(error):
        # An unhandled exception skips after_request in some paths; the request still gets its line.
        if error is not None and not g.get("tovplay_logged"):
            logger.error("request failed", exc_info=(type(error), error, error.__traceback__), extra=_request_fields(500))


def _request_fields(status):
    started = g.get("tovplay_started")
    fields = {"method": request.method, "path": request.path, "status": status}
    if started is not None:
        fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return fields


def propagate_to_requests():
    """Outgoing calls made with `requests` during a request carry its correlation id (unless they set their own)."""
    import requests

    if getattr(requests.Session.request, _SKIP, False):
        return
    original = requests.Session.request

    def request_with_correlation(self, method, url, **kwargs):
        correlation_id = context.current_correlation_id()
        if correlation_id:
            headers = dict(kwargs.get("headers") or {})
            if not any(k.lower() == context.CORRELATION_HEADER.lower() for k in headers):
                headers[context.CORRELATION_HEADER] = correlation_id
            kwargs["headers"] = headers
        return original(self, method, url, **kwargs)

    setattr(request_with_correlation, _SKIP, True)
    requests.Session.request = request_with_correlation
