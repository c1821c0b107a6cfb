"""The request's context on every transaction, where the audit trail's triggers read it."""

from sqlalchemy import event

from . import context

_SET_CONTEXT = (
    "SELECT set_config('application_name', %(application)s, true), "
    "set_config('tovplay.user_id', %(user_id)s, true), set_config('tovplay.username', %(username)s, true), "
    "set_config('tovplay.client_ip', %(client_ip)s, true), set_config('tovplay.correlation_id', %(correlation_id)s, true), "
    "set_config('tovplay.request_path', %(request_path)s, true)"
)


def install_database_context(engine, application_name="tovplay-backend"):
    """At the start of each transaction on `engine`, inside a request, runs the equivalent of
    `SET LOCAL tovplay.user_id/username/client_ip/correlation_id/request_path` and names the application
    (`application_name`, which the audit trail and PostgreSQL's own log record). Local to the transaction, so a pooled
    connection (or PgBouncer in transaction mode, which hands each transaction any server connection) never carries
    one request's context into another's; outside a request nothing is set."""

    @event.listens_for(engine, "begin")
    def _set_context(connection):
        correlation_id = context.current_correlation_id()
        if correlation_id is None:
            return
        user_id, username = context.current_user()
        connection.exec_driver_sql(_SET_CONTEXT, {
            "application": application_name,
            "user_id": user_id or "",
            "username": username or "",
            "client_ip": context.client_ip() or "",
            "correlation_id": correlation_id,
            "request_path": context.request_path() or "",
        })

    return _set_context
