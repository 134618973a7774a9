#!/usr/bin/env bash
# Backup/restore round trip, as README "Operating" describes it: a database with a small demo and
# its roll-ups → `pg_dump -Fc` → `pg_restore` into a NEW database → the restored copy has the same
# rows and `verify_rollups` finds no difference. Both databases are dropped at the end.
#   BACKUP_DATABASE_URL  source database this script may drop and create (default …/tusoi_backup)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-$PWD/.venv}
PYTHON="$VENV/bin/python"

SOURCE_URL=${BACKUP_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tusoi_backup}
SOURCE_DB=${SOURCE_URL##*/}
TARGET_DB=${SOURCE_DB}_restored
TARGET_URL=${SOURCE_URL%/*}/$TARGET_DB
ADMIN_URL=${SOURCE_URL%/*}/postgres
WORK=$(mktemp -d -t tusoi-backup.XXXXXX)
DUMP=$WORK/tusoi.dump

drop() { psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true; }
cleanup() { status=$?; drop "$SOURCE_DB"; drop "$TARGET_DB"; rm -rf "$WORK"; exit "$status"; }
trap cleanup EXIT INT TERM

counts() {
  psql "$1" -Atc "SELECT (SELECT count(*) FROM organizations_member) || ' members, '
    || (SELECT count(*) FROM reviews_memberreview) || ' reviews, '
    || (SELECT count(*) FROM commitments_commitment) || ' commitments, '
    || (SELECT count(*) FROM rollups_orgrollup) || ' roll-up rows'"
}

drop "$SOURCE_DB"; drop "$TARGET_DB"
psql "$ADMIN_URL" -qc "CREATE DATABASE \"$SOURCE_DB\"" >/dev/null
export DATABASE_URL=$SOURCE_URL
"$PYTHON" manage.py migrate --noinput -v 0
"$PYTHON" manage.py seed_demo --members 200 >/dev/null
"$PYTHON" manage.py rebuild_rollups >/dev/null
before=$(counts "$SOURCE_URL")
echo "source:   $before"

# Backup (README "Operating"): custom format, compressed, restorable table by table.
pg_dump -Fc --no-owner --no-acl -f "$DUMP" "$SOURCE_URL"
echo "dump:     $(du -h "$DUMP" | cut -f1)"

# Restore into a new database, then check it.
psql "$ADMIN_URL" -qc "CREATE DATABASE \"$TARGET_DB\"" >/dev/null
pg_restore --no-owner --no-acl --exit-on-error -d "$TARGET_URL" "$DUMP"
after=$(counts "$TARGET_URL")
echo "restored: $after"
[ "$before" = "$after" ] || { echo "restored copy differs from the source" >&2; exit 1; }
DATABASE_URL=$TARGET_URL "$PYTHON" manage.py migrate --check --noinput -v 0
DATABASE_URL=$TARGET_URL "$PYTHON" manage.py verify_rollups
echo "backup/restore round trip: passed"
