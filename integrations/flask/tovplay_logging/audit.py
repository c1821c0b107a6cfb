"""One application audit line per call of an action: who did what to which resource, how it ended, how long it took."""

import functools
import logging
import time

_logger = logging.getLogger("tovplay.audit")


def audit_log(action, resource, resource_id=None, logger=None):
    """Decorates a view or service function. `action` is the contract's action (DELETE, PASSWORD_CHANGE, ...),
    `resource` what it acts on; `resource_id` names the keyword argument holding the resource's id, the only argument
    value ever logged (never passwords, tokens or bodies). The user, client and correlation id come from the request.
    A failure is logged with its error type and raised again."""
    log = logger or _logger

    def decorate(function):
        @functools.wraps(function)
        def audited(*args, **kwargs):
            started = time.perf_counter()
            fields = {"action": action, "resource": resource, "audit": True}
            if resource_id is not None and kwargs.get(resource_id) is not None:
                fields["resource_id"] = str(kwargs[resource_id])
            try:
                result = function(*args, **kwargs)
            except Exception as error:
                fields.update(outcome="failure", error_type=type(error).__name__,
                              duration_ms=round((time.perf_counter() - started) * 1000, 1))
                log.warning("%s %s failed", action, resource, extra=fields)
                raise
            fields.update(outcome="success", duration_ms=round((time.perf_counter() - started) * 1000, 1))
            log.info("%s %s", action, resource, extra=fields)
            return result

        return audited

    return decorate
