#!/usr/bin/env bash
# Regenerates the documentation's screenshots (docs/screenshots/<flow>/<step>.png) by running the browser tests that
# walk those flows, against a throwaway PostgreSQL as test.sh does. Run it after a change to a page the guide shows.
#
#   scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
ensure_postgresql
ensure_chromium
ensure_pgbouncer

work=$(mktemp -d /tmp/tovplay-logs-screenshots.XXXXXX)
chmod 755 "$work"
cleanup() { pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT

port=$(free_port)
pg_init "$work/pg" trust
PG_FSYNC=off pg_start "$work/pg" "$port" "$work/postgresql.log"
pg_forensic_logging "$work/pg" "$port"
export TOVPLAY_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
export TOVPLAY_TEST_PG_LOG="$work/postgresql.log"
export PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium
export TOVPLAY_DOCS_SCREENSHOTS="$PWD/docs/screenshots"

dotnet build tests/Playwright -c Release -nologo -v q
for flow in SandboxFirstRunTests InvestigateTests InvestigateScenariosTests RunbookScenariosTests DatabaseHealthTests NotSetUpTests; do
  log "Taking the screenshots of $flow"
  dotnet tests/Playwright/bin/Release/net10.0/Playwright.dll -class "TovPlay.Logs.Playwright.$flow"
done
log "Screenshots written under docs/screenshots/"
