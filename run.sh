#!/usr/bin/env bash
# Runs TovPlay Logs locally: installs PostgreSQL if missing, keeps a private cluster in .local/
# (reused on the next start), applies migrations, creates the first admin (password printed once),
# starts the TovPlay sandbox (an audited TovPlay-like database with live traffic) and serves
# http://127.0.0.1:5080/logs/.
#
#   ./run.sh                     the app with the sandbox
#   ./run.sh --no-sandbox        the app alone (point it at your own TovPlay database and logs)
#   ./run.sh --incident NAME     the app with the sandbox, which plays incident NAME once its history is in
set -euo pipefail

sandbox=true
incident=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-sandbox) sandbox=false ;;
    --incident) [ $# -ge 2 ] || { echo "error: --incident needs a name" >&2; exit 2; }; incident=$2; shift ;;
    --incident=*) incident=${1#--incident=} ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see ./run.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$sandbox" = false ] && [ -n "$incident" ]; then
  echo "error: --incident plays into the sandbox; it cannot go with --no-sandbox" >&2; exit 2
fi
cd "$(dirname "$0")"
repo=$(pwd)
source scripts/lib.sh

command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
ensure_postgresql

state="$repo/.local"
mkdir -p "$state"
chmod 700 "$state"
datadir="$state/pg"
# As root the cluster runs as 'postgres', which must reach the folder; if a parent is closed to it,
# keep the cluster under /var/lib instead, one per checkout.
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$state" 2>/dev/null; then
  chmod 711 "$state"
  if ! runuser -u postgres -- test -x "$state" 2>/dev/null; then
    datadir="/var/lib/tovplay-logs/$(printf '%s' "$repo" | sha1sum | cut -c1-12)/pg"
    mkdir -p "$(dirname "$datadir")"
    log "$state is not reachable by the postgres user; keeping the cluster in $datadir"
  fi
fi
port=${TOVPLAY_LOGS_PG_PORT:-5433}
pwfile="$state/pg-password"

if [ ! -f "$datadir/PG_VERSION" ]; then
  log "Creating a private PostgreSQL cluster in $datadir (port $port)"
  umask 077
  head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$pwfile"
  tmp_pw=$(mktemp); cp "$pwfile" "$tmp_pw"; pg_own "$tmp_pw"
  pg_init "$datadir" scram-sha-256 "$tmp_pw"
  rm -f "$tmp_pw"
  umask 022
fi
[ -f "$pwfile" ] || die "$pwfile is missing; delete $datadir to start over"

if ! pg_running "$datadir"; then
  log "Starting PostgreSQL on 127.0.0.1:$port"
  pg_start "$datadir" "$port" "$state/postgresql.log"
fi

pg_forensic_logging "$datadir" "$port"

# The app connects as the superuser of its own private cluster; production uses a dedicated role.
if [ "$(pg_psql "$datadir" "$port" -c "SELECT 1 FROM pg_database WHERE datname = 'tovplay_logs'")" != "1" ]; then
  pg_psql "$datadir" "$port" -c "CREATE DATABASE tovplay_logs"
fi

export ConnectionStrings__AppDb="Host=127.0.0.1;Port=$port;Database=tovplay_logs;Username=postgres;Password=$(cat "$pwfile")"
export TOVPLAY_LOGS_ADMIN_EMAIL=${TOVPLAY_LOGS_ADMIN_EMAIL:-admin@tovplay.local}
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:5080}
export Sandbox__Enabled=$sandbox
export Sandbox__ServerLogFile="$state/postgresql.log"
if [ -n "$incident" ]; then export Sandbox__PlayOnStart=$incident; fi

log "Building and starting TovPlay Logs on ${ASPNETCORE_URLS}/logs/ (first admin: $TOVPLAY_LOGS_ADMIN_EMAIL)"
exec dotnet run --project src/TovPlay.Logs.Web -c Release --no-launch-profile
