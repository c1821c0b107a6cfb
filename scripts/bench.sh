#!/usr/bin/env bash
# End-to-end benchmarks against a throwaway PostgreSQL with fsync on, as in production:
#   scripts/bench.sh store [ingest] [query | query-100k] [storage] [tail]   the embedded store: ingest, query latency and storage on 100k and 1M lines (storage: alone);
#                                          first the last version of the row format ("before"), then this one ("after");
#                                          TOVPLAY_BENCH_BEFORE=0 skips the before; TOVPLAY_BENCH_ALLOCATIONS=1 names
#                                          each ingest cell's garbage by type (sampled; it slows the cell);
#                                          TOVPLAY_BENCH_CELLS=json:1000x4,protobuf:100x1 runs only those ingest cells
#   scripts/bench.sh store codecs          chunk codecs and sizes in memory: bytes per line, MB/s
#   scripts/bench.sh live [--seconds N] [--clients 1,20,100] [--rates 500,2000,10000]   live tail through SignalR
#   scripts/bench.sh audit [--seconds N]   audit trigger cost: bulk changes of 200k rows and pgbench single-row updates,
#                                          then the forensic query on 2M audited statements (alone: scripts/bench.sh audit forensic)
#   scripts/bench.sh investigate           the investigation wizard's steps on 2M audited statements and 1M log lines
#   scripts/bench.sh sandbox               a first start until the sandbox shows a full hour of history (three rounds)
#   scripts/bench.sh hardening             attacks (deep queries, backtracking regexes, stream floods, NUL pushes): peak RSS and CPU
#   scripts/bench.sh alerting [--events N] [--rules N] [--seconds N]   log line → Discord POST p50/p99 (200 events), then
#                                          500 rules every 10 s: evaluation lag and the app's CPU
#   scripts/bench.sh ingest-frontend [--seconds N] [--clients N]   browser batches of 50 into the frontend endpoint:
#                                          entries/s, latency, the app's CPU; the rate limiter's and the redaction's cost
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_postgresql
work=$(mktemp -d /tmp/tovplay-logs-bench.XXXXXX)
chmod 755 "$work"
datadir="$work/pg"
trap 'pg_stop "$datadir"; rm -rf "$work"' EXIT

port=$(free_port)
pg_init "$datadir" trust
# Memory for a 1M-line hour to stay cached, and checkpoints spaced out as a production server would have them.
cat >> "$datadir/postgresql.conf" <<CONF
shared_buffers = 1GB
max_wal_size = 4GB
checkpoint_timeout = 15min
CONF
pg_start "$datadir" "$port" "$work/postgresql.log"
export TOVPLAY_BENCH_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Maximum Pool Size=50"
# The app runs with server GC (the web SDK default); the benchmark process hosts it, so it must too.
export DOTNET_gcServer=${DOTNET_gcServer:-1}
case "${1:-}" in
  store|live|investigate|sandbox|hardening|alerting|ingest-frontend) ;;
  audit) export TOVPLAY_PGBENCH="$(pg_bindir)/pgbench" ;;
  *) die "usage: scripts/bench.sh store|live|audit|investigate|sandbox|hardening|alerting|ingest-frontend [options] (see the top of this script)" ;;
esac
# The store's last version in the row format, measured by its own benchmark on the same server in the same run.
ROW_FORMAT_REVISION=a4655c6db4220c3bb328797ed82bb861df8a6ab7
if [ "${1:-}" = store ] && [ "${2:-}" != codecs ] && [ "${TOVPLAY_BENCH_BEFORE:-1}" = 1 ]; then
  before="$work/before"
  mkdir -p "$before"
  git archive "$ROW_FORMAT_REVISION" | tar -x -C "$before"
  echo "==> before: the row format ($ROW_FORMAT_REVISION)"
  # Its benchmark times queries after three warm-up runs, when a fresh app's code is still partly in the JIT's quick
  # tier; compiled optimised from the first call, it is timed in the steady state this version's benchmark waits for.
  (cd "$before" && DOTNET_TieredCompilation=0 dotnet run -c Release --project tests/Benchmarks -- "$@") | sed 's/^/before | /'
  echo "==> after: chunks"
fi
dotnet run -c Release --project tests/Benchmarks -- "$@"
