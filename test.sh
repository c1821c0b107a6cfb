#!/usr/bin/env bash
# Runs every test of TovPlay Logs on a fresh Debian 12 machine with the .NET 10 SDK: installs PostgreSQL, Chromium,
# Prometheus's tools, Node.js, Debian's Flask, nginx, PgBouncer and PyYAML if missing, starts a throwaway PostgreSQL
# cluster, builds, runs all test projects, the frontend logger's npm tests, the Flask integration's unittests and the
# checks of deploy/, checks the repository for committed secrets, and ends with
# "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
ensure_postgresql
ensure_chromium
ensure_prometheus_tools
ensure_node
ensure_python_flask
ensure_nginx
ensure_pgbouncer
ensure_python_yaml

work=$(mktemp -d /tmp/tovplay-logs-test.XXXXXX)
chmod 755 "$work"
datadir="$work/pg"
cleanup() {
  pg_stop "$datadir"
  rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
log "Starting a throwaway PostgreSQL on 127.0.0.1:$port"
pg_init "$datadir" trust
PG_FSYNC=off pg_start "$datadir" "$port" "$work/postgresql.log"
pg_forensic_logging "$datadir" "$port"
export TOVPLAY_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
export TOVPLAY_TEST_PG_LOG="$work/postgresql.log"
export PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium

started=$(date +%s)
log "Building"
dotnet build TovPlay.Logs.sln -c Release -nologo -v q > "$work/build.log" 2>&1
build_exit=$?
if [ "$build_exit" -ne 0 ]; then
  grep -E "error|FAILED" "$work/build.log" | sort -u | head -n 40
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
# The browser logger's build: the browser test that follows a click to its SQL serves it to Chromium.
if ! (cd integrations/frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build) > "$work/npm-build.log" 2>&1; then
  tail -n 40 "$work/npm-build.log"
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
log "Build took $(( $(date +%s) - started )) s"

log "Running tests"
# One test project at a time: the browser tests and the app-process tests share two cores, and timing out under the
# other project's load says nothing about the product.
dotnet test --solution TovPlay.Logs.sln -c Release --no-build --max-parallel-test-modules 1 2>&1 | tee "$work/test.log"
test_exit=${PIPESTATUS[0]}

# The summary of dotnet test on Microsoft.Testing.Platform: "  succeeded: N", "  failed: N", "  skipped: N".
count() { grep -E "^\s+$1: [0-9]+" "$work/test.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
passed=$(count succeeded)
failed=$(count failed)
skipped=$(count skipped)

# The app's integration tests once more, every app reaching its database through Debian's PgBouncer running the
# shipped configuration (deploy/pgbouncer/pgbouncer.ini, transaction pooling), as production does: the capabilities
# that use the app database (the sandbox's and the investigations' tests read the audited database and are not rerun).
log "Running the integration tests through PgBouncer (deploy/pgbouncer/pgbouncer.ini)"
through=()
for capability in Alerting Audit Data Hosting Ingest LogStore LokiApi Observability Search Security Tail; do
  through+=(-namespace "TovPlay.Logs.Web.Tests.$capability")
done
TOVPLAY_TEST_THROUGH_PGBOUNCER=1 dotnet tests/Web.Tests/bin/Release/net10.0/Web.Tests.dll "${through[@]}" 2>&1 | tee "$work/pgbouncer.log"
bouncer_exit=${PIPESTATUS[0]}
# xUnit's summary: "Web.Tests  Total: N, Errors: N, Failed: N, Skipped: N, Not Run: N, Time: ...".
xunit() { grep -oE "$1: [0-9]+" "$work/pgbouncer.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
bouncer_failed=$(( $(xunit Failed) + $(xunit Errors) ))
passed=$((passed + $(xunit Total) - bouncer_failed - $(xunit Skipped) - $(xunit "Not Run")))
skipped=$((skipped + $(xunit Skipped) + $(xunit "Not Run")))
if [ "$bouncer_exit" -ne 0 ] && [ "$bouncer_failed" -eq 0 ]; then
  bouncer_failed=1  # it stopped before it could count
fi
failed=$((failed + bouncer_failed))

# The frontend logger (TypeScript, npm): its own tests, counted with the rest from node's TAP summary.
log "Running the frontend logger's tests (npm)"
(
  cd integrations/frontend \
    && npx tsc -p tsconfig.test.json \
    && node --test --test-reporter=spec --test-reporter-destination=stdout \
         --test-reporter=tap --test-reporter-destination="$work/npm.tap" build-test/test/*.test.js
) 2>&1 | tee "$work/npm.log"
npm_exit=${PIPESTATUS[0]}
tap() { grep -E "^# $1 [0-9]+" "$work/npm.tap" 2>/dev/null | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
passed=$((passed + $(tap pass)))
failed=$((failed + $(tap fail)))
skipped=$((skipped + $(tap skipped) + $(tap todo)))
if [ "$npm_exit" -ne 0 ] && [ "$(tap fail)" -eq 0 ]; then
  failed=$((failed + 1))  # it did not get as far as running its tests
fi

# python_unittests LOG DIR ARGS...: Debian's python3 -m unittest ARGS in DIR (against this PostgreSQL, through
# TOVPLAY_TEST_PG), its output in LOG; adds its counts to passed, failed and skipped, and returns its exit status.
python_unittests() {
  local logfile=$1 dir=$2; shift 2
  (cd "$dir" && /usr/bin/python3 -m unittest "$@") 2>&1 | tee "$logfile"
  local status=${PIPESTATUS[0]} ran py_failed py_skipped
  ran=$(grep -oE '^Ran [0-9]+ tests?' "$logfile" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
  unittest_count() { grep -E '^(OK|FAILED)' "$logfile" | tail -n 1 | grep -oE "$1=[0-9]+" | grep -oE '[0-9]+' || echo 0; }
  py_failed=$(( $(unittest_count failures) + $(unittest_count errors) ))
  py_skipped=$(( $(unittest_count skipped) + $(unittest_count "expected failures") ))
  passed=$((passed + ran - py_failed - py_skipped))
  if [ "$status" -ne 0 ] && [ "$py_failed" -eq 0 ]; then
    py_failed=1  # it stopped before it could count (an import or the module's set-up failed)
  fi
  failed=$((failed + py_failed))
  skipped=$((skipped + py_skipped))
  return "$status"
}

# The Flask integration (Python, Debian's packages): against this PostgreSQL, with the audit trail installed by the
# app's own `audit install` verb from the build above.
log "Running the Flask integration's tests (python3 -m unittest)"
python_unittests "$work/python.log" integrations/flask discover -s tests -t . -v
python_exit=$?

# deploy/: the compose file, promtail, Loki, Prometheus and Alertmanager configurations read and checked (promtool,
# amtool), and nginx, PgBouncer and PostgreSQL run with the shipped configurations.
log "Checking deploy/ (python3 -m unittest)"
python_unittests "$work/deploy.log" tests/Deploy discover -s . -v
deploy_exit=$?

log "Checking the repository for committed secrets"
for check in --self-test ""; do
  if bash scripts/check-secrets.sh $check; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done

# Repeat each failure (name and its message, which may say what the test saw) here, where the tail of a long log
# still shows it.
if grep -qE "^\s*failed [^ ]" "$work/test.log"; then
  log "Failed tests"
  grep -E -A 30 "^\s*failed [^ ]" "$work/test.log" | grep -v '^\s*{"@t' | cut -c 1-1000 | head -n 150
fi
if grep -q "\[FAIL\]" "$work/pgbouncer.log"; then
  log "Failed through PgBouncer"
  grep -E -A 20 "\[FAIL\]" "$work/pgbouncer.log" | grep -v '^\s*{"@t' | cut -c 1-400 | head -n 100
fi

log "Tests took $(( $(date +%s) - started )) s in all"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$test_exit" -ne 0 ] || [ "$bouncer_exit" -ne 0 ] || [ "$npm_exit" -ne 0 ] || [ "$python_exit" -ne 0 ] || [ "$deploy_exit" -ne 0 ] \
  || [ "$failed" -ne 0 ] || [ "$((passed + failed))" -le 2 ]; then
  exit 1
fi
