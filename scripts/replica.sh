#!/usr/bin/env bash
# A real streaming replica of the local PostgreSQL primary (127.0.0.1:5432) on port 5433, for the
# replica router's test and the benchmarks:
#   scripts/replica.sh start    create it once (pg_createcluster + pg_basebackup -R), start it, wait
#   scripts/replica.sh stop     stop it (the data stays; `start` resumes streaming)
#   scripts/replica.sh drop     stop and remove the cluster
#   scripts/replica.sh status   exit 0 when it answers and is in recovery
# Needs root (or the postgres user) and Debian's postgresql-common tools. The replica streams
# through a physical replication slot (SLOT), so a busy primary (bulk seeds) cannot recycle WAL it
# has not received yet; the slot keeps WAL while the replica is stopped too, so `drop` it (which
# drops the slot) when it is no longer needed.
set -euo pipefail

VERSION=${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -1)}
NAME=${REPLICA_CLUSTER:-replica}
PORT=${REPLICA_PORT:-5433}
PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
DATA=/var/lib/postgresql/$VERSION/$NAME
CONF=/etc/postgresql/$VERSION/$NAME
SLOT=${REPLICA_SLOT:-tusoi_replica}

as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -XAtqc "$1"; }
exists() { pg_lsclusters -h | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n {found=1} END {exit !found}'; }
in_recovery() { [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -XAtqc 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; }

drop_slot() {
  primary "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '$SLOT' and not active" >/dev/null
}

create() {
  # The primary must accept replication connections from this machine.
  hba=$(primary "show hba_file")
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    echo "host replication all 127.0.0.1/32 trust" >>"$hba"
    primary "select pg_reload_conf()" >/dev/null
  fi
  # A hot standby needs at least the primary's values of these.
  opts=()
  for guc in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
    opts+=(-o "$guc=$(primary "show $guc")")
  done
  pg_createcluster "$VERSION" "$NAME" -p "$PORT" "${opts[@]}" -o hot_standby=on -o hot_standby_feedback=on >/dev/null
  # (quoted values do not survive pg_createcluster -o: append them)
  echo "listen_addresses = '127.0.0.1'" >>"$CONF/postgresql.conf"
  cat >"$CONF/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 trust
HBA
  rm -rf "${DATA:?}"/*
  drop_slot
  as_postgres pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast \
    -C -S "$SLOT"
}

case "${1:-start}" in
  start)
    exists || create
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start 2>/dev/null || true
    for _ in $(seq 1 60); do in_recovery && break; sleep 1; done
    in_recovery || { echo "replica on port $PORT did not come up; see /var/log/postgresql/postgresql-$VERSION-$NAME.log" >&2; exit 1; }
    echo "streaming replica of $PRIMARY_HOST:$PRIMARY_PORT on 127.0.0.1:$PORT"
    ;;
  stop) exists && pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" stop || true ;;
  drop)
    if exists; then pg_dropcluster --stop "$VERSION" "$NAME"; fi
    drop_slot
    ;;
  status) in_recovery ;;
  *) echo "usage: $0 start|stop|drop|status" >&2; exit 2 ;;
esac
