#!/bin/sh
# The app container's entry point. Without arguments: apply the migrations (over ConnectionStrings__AppDbDirect,
# PostgreSQL itself, since DDL and its lock need a real session that PgBouncer's transaction pooling does not give),
# then serve. With arguments: run that verb and exit, e.g. `docker compose run --rm app create-user ...`.
set -e
app=/app/TovPlay.Logs.Web
if [ "$#" -eq 0 ]; then
  "$app" migrate
  exec "$app"
fi
exec "$app" "$@"
