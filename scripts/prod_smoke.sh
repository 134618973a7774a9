#!/usr/bin/env bash
# Production smoke without Docker: the same steps as the image (scripts/entrypoint.sh), with
# DEBUG=False, the manifest static storage and a real SECRET_KEY, against this machine's
# PostgreSQL and Redis; gunicorn, a Celery worker, beat and the outbox relay run as they do in
# docker-compose, a Chromium journey goes through gunicorn, then everything is stopped by PID.
#   SMOKE_DATABASE_URL  a database this script may drop and create (default …/tusoi_smoke)
#   SMOKE_REDIS_URL     Redis database for broker and cache (default redis://127.0.0.1:6379/0)
#   SMOKE_PORT          gunicorn port on 127.0.0.1 (default 8130)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
export PATH="$VENV/bin:$PATH" PYTHON="$VENV/bin/python"

SMOKE_DATABASE_URL=${SMOKE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tusoi_smoke}
SMOKE_REDIS_URL=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/0}
SMOKE_PORT=${SMOKE_PORT:-8130}
DB_NAME=${SMOKE_DATABASE_URL##*/}
ADMIN_URL=${SMOKE_DATABASE_URL%/*}/postgres
LOGS=$(mktemp -d -t tusoi-smoke.XXXXXX)

# What the image and docker-compose set (see Dockerfile / docker-compose.yml).
export DATABASE_URL=$SMOKE_DATABASE_URL REDIS_URL=$SMOKE_REDIS_URL
export DEBUG=False STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage
SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=http://127.0.0.1:$SMOKE_PORT
export CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$SMOKE_PORT SESSION_COOKIE_SECURE=False SECURE_SSL_REDIRECT=False
# The worker round trip of /healthz needs the monitoring token (as a deployment's probe would send).
export HEALTHZ_WORKER_TOKEN=smoke-$$-$RANDOM HEALTHZ_WORKER_PER_MINUTE=120
export CELERY_QUEUE=smoke-$$ BIND=127.0.0.1:$SMOKE_PORT WEB_WORKERS=2 WORKER_CONCURRENCY=1 LOG_LEVEL=WARNING
export STATIC_ROOT="$LOGS/staticfiles"

pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for f in "$LOGS"/*.log; do echo "----- $f (tail)"; tail -n 40 "$f"; done
  fi
  psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$LOGS"
  exit "$status"
}
trap cleanup EXIT INT TERM

echo "prod smoke: database $DB_NAME, redis $SMOKE_REDIS_URL, port $SMOKE_PORT"
psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null
psql "$ADMIN_URL" -qc "CREATE DATABASE \"$DB_NAME\"" >/dev/null

# The image's build step, then the one-shot migrate service.
scripts/entrypoint.sh collectstatic
scripts/entrypoint.sh migrate
# A small demo (not part of the image): 200 members, roll-ups computed once.
"$PYTHON" manage.py seed_demo --members 200 >/dev/null
"$PYTHON" manage.py rebuild_rollups >/dev/null

scripts/entrypoint.sh web >"$LOGS/web.log" 2>&1 & pids+=($!)
scripts/entrypoint.sh worker >"$LOGS/worker.log" 2>&1 & pids+=($!)
scripts/entrypoint.sh beat >"$LOGS/beat.log" 2>&1 & pids+=($!)
scripts/entrypoint.sh relay >"$LOGS/relay.log" 2>&1 & pids+=($!)

for _ in $(seq 1 60); do
  if "$PYTHON" -c "import urllib.request,sys; sys.exit(urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$SMOKE_PORT/healthz?worker=1', headers={'X-Healthz-Token': '$HEALTHZ_WORKER_TOKEN'}), timeout=8).status != 200)" 2>/dev/null; then
    break
  fi
  sleep 1
done
"$PYTHON" -c "import urllib.request,json; print('healthz:', json.load(urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$SMOKE_PORT/healthz?worker=1', headers={'X-Healthz-Token': '$HEALTHZ_WORKER_TOKEN'}), timeout=8)))"

YEAR=$("$PYTHON" manage.py shell -c "from rollups.selectors import default_year; print(default_year())" 2>/dev/null | tail -n 1)
# The demo cell's review meeting is held (minutes with a vote of GOOD for every member): since
# issue 12 the cell cannot submit its proposal without them; the journey then proposes GOOD.
"$PYTHON" manage.py shell -c "
from organizations.models import Position
from reviews.selectors.cycles import cycle_for_year
from tests.minutes import record_minutes
from meetings.services.minutes import summoned
cell = Position.objects.get(user__username='bithu', kind='CELL_SECRETARY', valid_to__isnull=True).organization
cycle = cycle_for_year(cell, $YEAR)
record_minutes(cell, cycle, {m.pk: 'GOOD' for m in summoned(cell)})
"
"$PYTHON" scripts/smoke_journey.py --base "http://127.0.0.1:$SMOKE_PORT" --year "$YEAR"
echo "prod smoke: passed"
