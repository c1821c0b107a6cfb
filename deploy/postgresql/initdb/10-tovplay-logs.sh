#!/bin/bash
# Runs once, when the postgres image initialises an empty data volume (docker-entrypoint-initdb.d): the app's role
# and database, the monitoring role, and for a trial the TovPlay database the app audits. Passwords come from the
# environment (deploy/.env), never from this file.
set -euo pipefail
: "${TOVPLAY_LOGS_DB_PASSWORD:?TOVPLAY_LOGS_DB_PASSWORD is not set}"
: "${TOVPLAY_MONITOR_PASSWORD:?TOVPLAY_MONITOR_PASSWORD is not set}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set app_password="$TOVPLAY_LOGS_DB_PASSWORD" --set monitor_password="$TOVPLAY_MONITOR_PASSWORD" <<'SQL'
-- The app owns its database; it needs no other privilege (the sandbox, which would need CREATEDB, is off in
-- production).
CREATE ROLE tovplay_logs LOGIN PASSWORD :'app_password';
CREATE DATABASE tovplay_logs OWNER tovplay_logs;
REVOKE ALL ON DATABASE tovplay_logs FROM PUBLIC;

-- PgBouncer's stats user (SHOW POOLS, STATS, CLIENTS) and the alert rules' SQL probes: reads statistics only.
CREATE ROLE tovplay_monitor LOGIN PASSWORD :'monitor_password' IN ROLE pg_monitor;

-- A trial TovPlay database for the audit trail; a real deployment sets TOVPLAY_AUDIT_CONNECTION instead.
CREATE DATABASE tovplay;
SQL
