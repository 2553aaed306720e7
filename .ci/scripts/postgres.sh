#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite, on loopback only.
#
#   .ci/scripts/postgres.sh          install (Debian packages, only when absent), init, start; prints the URL
#   .ci/scripts/postgres.sh stop     stop it (the data folder is left for the next start)
#   .ci/scripts/postgres.sh url      print the URL only
#
# Settings (environment): KALTIM_PG_PORT (54329), KALTIM_PG_DIR (/tmp/kaltim-pg-$PORT).
# The cluster is for tests only: fsync is off, the role `kaltim` (password `kaltim`) may create databases
# (the test fixtures create one per test and drop it afterwards). Never use these settings for real data:
# docs/POSTGRES.md says how to set up a real server.
set -euo pipefail

PORT="${KALTIM_PG_PORT:-54329}"
DIR="${KALTIM_PG_DIR:-/tmp/kaltim-pg-$PORT}"
ROLE=kaltim
PASSWORD=kaltim
DBNAME=kaltim
URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DBNAME"

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# Run a command as the owner of the cluster: root may not run a PostgreSQL server.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

case "${1:-start}" in
  url)
    echo "$URL"
    exit 0
    ;;
  stop)
    BIN="$(find_bindir)" || exit 0
    if [ -f "$DIR/data/postmaster.pid" ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
    fi
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: $0 [start|stop|url]" >&2
    exit 2
    ;;
esac

if ! BIN="$(find_bindir)"; then
  log "installing PostgreSQL from the distribution's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  # postgresql-common would create and start a cluster on port 5432; we only want the binaries.
  mkdir -p /etc/postgresql-common
  if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  fi
  apt-get install -y -q postgresql >&2
  BIN="$(find_bindir)"
fi

if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir "$DIR" --shell /bin/sh postgres
fi

mkdir -p "$DIR"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$DIR"
  chmod 700 "$DIR"
fi

if [ ! -f "$DIR/data/PG_VERSION" ]; then
  log "initialising a test cluster in $DIR/data"
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 || {
    cat "$DIR/initdb.log" >&2
    exit 1
  }
  # Password login over TCP for the app's role; the Unix socket in $DIR stays for the superuser.
  cat >"$DIR/data/pg_hba.conf" <<EOF
local all postgres trust
host  all all 127.0.0.1/32 scram-sha-256
EOF
  cat >>"$DIR/data/postgresql.conf" <<EOF
# test cluster (.ci/scripts/postgres.sh): loopback only, durability off for speed
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
autovacuum = off
EOF
fi

if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  log "starting on 127.0.0.1:$PORT"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start >&2 || {
    tail -n 30 "$DIR/server.log" >&2 || true
    exit 1
  }
fi

psql_super() { as_owner "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

if [ "$(psql_super -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
  psql_super -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
fi
# A second login role, as the application's role of a server set up with separate owner and application
# roles (docs/POSTGRES.md): tests/pg/test_audit_roles.py grants it what the docs grant and attacks the audit
# table through it.
if [ "$(psql_super -c "SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}_app'")" != 1 ]; then
  psql_super -c "CREATE ROLE ${ROLE}_app LOGIN PASSWORD '$PASSWORD'" >&2
fi
# DROP DATABASE ... WITH (FORCE) and the fixtures' resets end the connections a test left open, which
# needs pg_signal_backend (an autovacuum worker on the database counts too).
psql_super -c "GRANT pg_signal_backend TO $ROLE" >/dev/null
# Test databases live for seconds: no autovacuum workers competing for the CPU (also for clusters
# initialised before this setting was added here).
psql_super -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null
if [ "$(psql_super -c "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'")" != 1 ]; then
  psql_super -c "CREATE DATABASE $DBNAME OWNER $ROLE" >&2
fi
# pg_trgm for name search on the server (a trusted extension since PostgreSQL 13: owners may create it).
psql_super -d "$DBNAME" -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" >&2 || true

echo "$URL"
