#!/usr/bin/env bash
# PgBouncer (Debian's `pgbouncer`) in transaction pooling in front of the local PostgreSQL:
#   scripts/pgbouncer.sh start   write the config under $PGBOUNCER_DIR and start it on 127.0.0.1:6432
#   scripts/pgbouncer.sh stop
# The app then runs with DATABASE_URL=postgres://postgres@127.0.0.1:6432/<db> PGBOUNCER=1 (no
# server-side cursors; psycopg's prepared statements are already off in Django). Nothing relies on
# session state across transactions: advisory locks are transaction-scoped, settings are SET LOCAL,
# staging tables are ON COMMIT DROP.
set -euo pipefail

PORT=${PGBOUNCER_PORT:-6432}
DIR=${PGBOUNCER_DIR:-/tmp/tusoi-pgbouncer}
POOL=${PGBOUNCER_POOL:-20}
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

case "${1:-start}" in
  start)
    command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed (apt-get install pgbouncer)" >&2; exit 1; }
    mkdir -p "$DIR"
    cat >"$DIR/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/userlist.txt
pool_mode = transaction
default_pool_size = $POOL
max_client_conn = 1000
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
pidfile = $DIR/pgbouncer.pid
logfile = $DIR/pgbouncer.log
INI
    echo '"postgres" ""' >"$DIR/userlist.txt"
    chown -R postgres "$DIR" 2>/dev/null || true
    if [ -f "$DIR/pgbouncer.pid" ] && kill -0 "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null; then
      echo "pgbouncer already running on 127.0.0.1:$PORT"; exit 0
    fi
    as_postgres pgbouncer -d "$DIR/pgbouncer.ini"
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1 && break; sleep 0.5; done
    echo "pgbouncer (transaction pooling, pool $POOL) on 127.0.0.1:$PORT"
    ;;
  stop)
    if [ -f "$DIR/pgbouncer.pid" ]; then kill "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null || true; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
