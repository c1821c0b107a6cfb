"""The request's context on every transaction, where the audit trail's triggers read it."""

from sqlalchemy import event

from . import context

_SET_CONTEXT = (
    "SELECT set_config('application_name', %(application)s, true), "
    "set_config('tovplay.user_id', %(user_id)s, true), set_config('tovplay.username', %(username)s, true), "
    "set_config('tovplay.client_ip', %(client_ip)s, true), set_config('tovplay.correlation_id', %(correlation_id)s, true), "
    "set_config('tovplay.request_path', %(request_path)s, true)"
)

_APPLIED = "tovplay_context"


def install_database_context(engine, application_name="tovplay-backend"):
    """At the start of each transaction on `engine`, inside a request, runs the equivalent of
    `SET LOCAL tovplay.user_id/username/client_ip/correlation_id/request_path` and names the application
    (`application_name`, which the audit trail and PostgreSQL's own log record). Local to the transaction, so a pooled
    connection (or PgBouncer in transaction mode, which hands each transaction any server connection) never carries
    one request's context into another's; outside a request nothing is set.

    A transaction may start before the request knows its user (Flask-SQLAlchemy's session, where the user loader's
    own query opens the request's transaction): the context is set again, in the same transaction, before the next
    statement once it has changed."""

    def current():
        correlation_id = context.current_correlation_id()
        if correlation_id is None:
            return None
        user_id, username = context.current_user()
        return {
            "application": application_name,
            "user_id": user_id or "",
            "username": username or "",
            "client_ip": context.client_ip() or "",
            "correlation_id": correlation_id,
            "request_path": context.request_path() or "",
        }

    @event.listens_for(engine, "begin")
    def _set_context(connection):
        values = current()
        if values is None:
            return
        connection.info[_APPLIED] = values
        connection.exec_driver_sql(_SET_CONTEXT, values)

    @event.listens_for(engine, "before_cursor_execute")
    def _refresh_context(connection, cursor, statement, parameters, execution_context, executemany):
        applied = connection.info.get(_APPLIED)
        if applied is None or statement is _SET_CONTEXT:
            return
        values = current()
        if values is not None and values != applied:
            connection.info[_APPLIED] = values
            cursor.execute(_SET_CONTEXT, values)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _forget(connection):
        # The settings ended with the transaction.
        connection.info.pop(_APPLIED, None)

    return _set_context
