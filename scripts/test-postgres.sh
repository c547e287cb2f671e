#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: its own cluster in a folder, reachable only through a
# unix socket in that folder (no TCP port to pick or to collide on), trusted local access,
# fsync off. Nothing outside the folder is touched; `stop` removes the folder.
#
#   eval "$(scripts/test-postgres.sh start)"   # prints `export DATABASE_URL=...`
#   npm test
#   scripts/test-postgres.sh stop
#
# DIR (second argument) defaults to $PGTEST_DIR, else ${TMPDIR:-/tmp}/fund-sandbox-pg-<uid>.
# Run as root, the cluster runs as the `postgres` user (initdb refuses root); the server
# binaries come from Debian's `postgresql` package, installed here when missing and root.
set -euo pipefail

usage() { echo "usage: $0 start|stop|url [DIR]" >&2; exit 2; }
[ $# -ge 1 ] || usage
command="$1"
dir="${2:-${PGTEST_DIR:-${TMPDIR:-/tmp}/fund-sandbox-pg-$(id -u)}}"
db=fund_sandbox_test

bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  # Debian keeps the server binaries out of PATH, one folder per major version: take the newest.
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  return 1
}

# Runs a server command as the cluster's owner: `postgres` under root, else the caller.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() {
  # node-postgres reads a socket folder from `host=`; the database is the path.
  echo "postgres://postgres@localhost/$db?host=$dir"
}

start() {
  local bin
  if ! bin="$(bindir)"; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "PostgreSQL server binaries not found: install them (Debian: sudo apt-get install postgresql)" >&2
      exit 1
    fi
    echo "installing Debian's postgresql..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    bin="$(bindir)"
  fi
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
  if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "already running in $dir" >&2
    echo "export DATABASE_URL='$(url)'"
    return
  fi
  rm -rf "$dir/data"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start >/dev/null \
    || { cat "$dir/postgres.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h "$dir" -U postgres "$db"
  echo "PostgreSQL running in $dir (stop: $0 stop $dir)" >&2
  echo "export DATABASE_URL='$(url)'"
}

stop() {
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    local bin
    bin="$(bindir)"
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  url) echo "export DATABASE_URL='$(url)'" ;;
  *) usage ;;
esac
