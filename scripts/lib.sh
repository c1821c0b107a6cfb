#!/usr/bin/env bash
# Shared helpers for run.sh and test.sh: install what is missing from Debian's packages,
# and run a private PostgreSQL cluster on a loopback port. Sourced, never executed.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
}

pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_postgresql() {
  if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
    # Debian would create and start a system-wide cluster on 5432; we run our own instead.
    as_root mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
    apt_install postgresql postgresql-contrib
  fi
  [ -x "$(pg_bindir)/initdb" ] || die "PostgreSQL is not installed and could not be installed"
}

# apt_install_services PACKAGE...: install packages whose maintainer scripts would start a system service (on ports
# the tests want, as root); a policy-rc.d that refuses every start keeps them stopped, as in a container image.
apt_install_services() {
  local guard=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$guard" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$guard" >/dev/null
    as_root chmod 755 "$guard"
    created=1
  fi
  apt_install "$@"
  if [ "$created" -eq 1 ]; then as_root rm -f "$guard"; fi
}

# Prometheus (a real one for PromQL rules, and promtool) and Alertmanager's amtool check what alerting exports. The
# packages would start system services on install; the tests start their own, so none is started here.
ensure_prometheus_tools() {
  if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
    apt_install_services prometheus prometheus-alertmanager
  fi
  command -v prometheus >/dev/null && command -v promtool >/dev/null && command -v amtool >/dev/null \
    || die "Prometheus, promtool and amtool are not installed and could not be installed"
}

# Node.js 18 or later with npm, for the frontend logger's build and tests (Debian 12 ships 18).
ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge 18 ] || die "Node.js 18 or later is needed for integrations/frontend (found $(node --version 2>/dev/null || echo none))"
}

# Debian's Flask, SQLAlchemy, psycopg2 and requests for the Flask integration's tests (Debian's own python3, not
# whichever python3 comes first on PATH).
ensure_python_flask() {
  if ! /usr/bin/python3 -c 'import flask, sqlalchemy, psycopg2, requests' 2>/dev/null; then
    apt_install python3-flask python3-sqlalchemy python3-psycopg2 python3-requests
  fi
  /usr/bin/python3 -c 'import flask, sqlalchemy, psycopg2, requests' || die "python3-flask, -sqlalchemy, -psycopg2 and -requests could not be installed"
}

# nginx and PgBouncer for the tests of deploy/: each test starts its own on a free port with a private
# configuration; the system services the packages bring stay stopped (nginx's would take port 80). openssl makes the
# throwaway certificate the TLS site is checked with.
ensure_nginx() {
  if [ ! -x /usr/sbin/nginx ]; then
    apt_install_services nginx
  fi
  if ! command -v openssl >/dev/null; then
    apt_install openssl
  fi
  [ -x /usr/sbin/nginx ] && command -v openssl >/dev/null || die "nginx and openssl are not installed and could not be installed"
}

ensure_pgbouncer() {
  if [ ! -x /usr/sbin/pgbouncer ]; then
    apt_install_services pgbouncer
  fi
  [ -x /usr/sbin/pgbouncer ] || die "pgbouncer is not installed and could not be installed"
}

# Debian's PyYAML for the tests of deploy/ (they read the compose, promtail, Loki and Prometheus files).
ensure_python_yaml() {
  if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
    apt_install python3-yaml
  fi
  /usr/bin/python3 -c 'import yaml' || die "python3-yaml could not be installed"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium fonts-dejavu-core
  fi
}

# PostgreSQL refuses to run as root: when we are root, the cluster belongs to the 'postgres' user.
pg_run() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_own() {
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$@"; fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! port_in_use "$port"; then echo "$port"; return 0; fi
  done
  die "no free loopback port found"
}

# pg_init DATADIR AUTH [PWFILE]: a new cluster whose superuser is 'postgres'.
pg_init() {
  local datadir=$1 auth=$2 pwfile=${3:-}
  mkdir -p "$datadir"
  pg_own "$datadir"
  chmod 700 "$datadir"
  local args=(-D "$datadir" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host="$auth")
  [ -n "$pwfile" ] && args+=(--pwfile="$pwfile")
  pg_run "$(pg_bindir)/initdb" "${args[@]}" >/dev/null || die "initdb failed in $datadir"
}

# pg_start DATADIR PORT LOGFILE: listen on loopback only (127.0.0.1, and ::1 where the machine has it, so a client
# can come from a second address), socket inside the data directory.
pg_start() {
  local datadir=$1 port=$2 logfile=$3
  touch "$logfile"; pg_own "$logfile"
  pg_run "$(pg_bindir)/pg_ctl" -D "$datadir" -l "$logfile" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1,::1 -p $port -k $datadir -c fsync=${PG_FSYNC:-on} -c max_connections=${PG_MAX_CONNECTIONS:-300}" start >/dev/null \
    || { tail -n 20 "$logfile" >&2; die "PostgreSQL did not start (log: $logfile)"; }
}

# pg_forensic_logging DATADIR PORT: the server logs each connection, disconnection and DDL statement with a prefix
# naming the time, pid, user and database (what the sandbox ships as job="postgres"); applied by a reload.
pg_forensic_logging() {
  local datadir=$1 port=$2
  pg_psql "$datadir" "$port" \
    -c "ALTER SYSTEM SET log_connections = on" -c "ALTER SYSTEM SET log_disconnections = on" \
    -c "ALTER SYSTEM SET log_statement = 'ddl'" -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %q%u@%d '" \
    -c "ALTER SYSTEM SET log_timezone = 'UTC'" -c "SELECT pg_reload_conf()" >/dev/null
}

pg_stop() {
  local datadir=$1
  pg_run "$(pg_bindir)/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null 2>&1 || true
}

pg_running() {
  pg_run "$(pg_bindir)/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# psql as the superuser over the cluster's own socket.
pg_psql() {
  local datadir=$1 port=$2; shift 2
  pg_run "$(pg_bindir)/psql" -h "$datadir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}
