#!/usr/bin/env bash
# Fails when a file holds something that looks like a secret: a Discord webhook URL with its token,
# a private key, a password or token assigned in a config file, or a connection string with a password.
#   check-secrets.sh [DIR]     scan DIR (default: this repository's tracked and untracked, not ignored, files)
#   check-secrets.sh --self-test   prove each rule catches a planted secret and passes clean files
set -uo pipefail

webhook='discord(app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]{20,}'
private_key='-----BEGIN ([A-Z]+ )?PRIVATE KEY-----'
# "password": "value", password: value, API_KEY=value ... in a config file.
assignment='"?[A-Za-z_.-]*(password|passwd|secret|api[_-]?key|token)"?[[:space:]]*[:=][[:space:]]*"?[^"[:space:],}]{4,}'
conn_password='(^|[;"])[[:space:]]*password[[:space:]]*=[[:space:]]*[^;"[:space:]]+'
# Values that are plainly not secrets: empty-ish, placeholders, references to the environment.
placeholder='(changeme|example|placeholder|your[-_]|<[^>]*>|\$\{|%[A-Z_]+%|[:=][[:space:]]*"?(true|false|null)"?)'

scan_file() {
  local f=$1 hits=0
  if grep -Eq "$webhook" "$f"; then echo "secret-check: $f: Discord webhook URL with a token" >&2; hits=1; fi
  if grep -Eq -- "$private_key" "$f"; then echo "secret-check: $f: private key" >&2; hits=1; fi
  case "$f" in
    *.json|*.yml|*.yaml|*.toml|*.ini|*.conf|*.config|*.env|*.properties|*.xml|.env*|*/.env*)
      if grep -Ei "$assignment" "$f" | grep -Eiv "$placeholder" | grep -q .; then
        echo "secret-check: $f: password, secret or token assigned in a config file" >&2; hits=1
      fi
      if grep -Ei "$conn_password" "$f" | grep -Eiv "$placeholder" | grep -q .; then
        echo "secret-check: $f: connection string with a password" >&2; hits=1
      fi
      ;;
  esac
  return $hits
}

scan_dir() {
  local dir=$1 files=() found=0
  cd "$dir" || return 2
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files --cached --others --exclude-standard)
  else
    mapfile -t files < <(find . -type f -not -path './.git/*' | sed 's|^\./||')
  fi
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    [ "$f" = "scripts/check-secrets.sh" ] && continue   # holds the patterns themselves
    grep -Iq . "$f" 2>/dev/null || continue             # binary
    scan_file "$f" || found=1
  done
  if [ "$found" -ne 0 ]; then
    echo "secret-check: FAILED: remove the values above and rotate them" >&2
    return 1
  fi
  echo "secret-check: no secrets in ${#files[@]} files"
}

self_test() {
  local tmp failures=0
  tmp=$(mktemp -d)
  # Each planted file must be caught on its own; assembled at run time so this script holds no secret.
  local token; token=$(printf 'A%.0s' $(seq 1 40))
  printf 'url = "https://discord.com/api/webhooks/123456789/%s"\n' "$token" > "$tmp/hook.md"
  printf -- '-----BEGIN %s PRIVATE KEY-----\nMIIB\n' "RSA" > "$tmp/key.pem"
  printf '{ "Smtp": { "Password": "hunter2hunter2" } }\n' > "$tmp/appsettings.json"
  printf '{ "ConnectionStrings": { "AppDb": "Host=db;Username=app;Password=s3cr3t-value" } }\n' > "$tmp/conn.json"
  printf 'DISCORD_TOKEN=abcd1234efgh\n' > "$tmp/.env"
  for f in hook.md key.pem appsettings.json conn.json .env; do
    if (cd "$tmp" && scan_file "$f" 2>/dev/null); then
      echo "secret-check self-test: $f was not caught" >&2; failures=$((failures + 1))
    fi
  done
  # Clean files must pass: placeholders, environment references, empty values, prose.
  printf '{ "Password": "", "Token": "${DISCORD_TOKEN}", "RequireHttps": true, "ApiKey": "<your-key>" }\n' > "$tmp/clean.json"
  printf 'Set the password with TOVPLAY_LOGS_ADMIN_PASSWORD.\n' > "$tmp/clean.md"
  for f in clean.json clean.md; do
    if ! (cd "$tmp" && scan_file "$f" 2>/dev/null); then
      echo "secret-check self-test: $f was flagged but is clean" >&2; failures=$((failures + 1))
    fi
  done
  rm -rf "$tmp"
  [ "$failures" -eq 0 ] && echo "secret-check self-test: 7 cases passed"
  return "$failures"
}

if [ "${1:-}" = "--self-test" ]; then
  self_test
else
  scan_dir "${1:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}"
fi
