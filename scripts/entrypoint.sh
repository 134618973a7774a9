#!/bin/sh
# The one entry point of the image (Dockerfile ENTRYPOINT), of every docker-compose service and of
# scripts/prod_smoke.sh: each production step is one subcommand here, so they cannot drift apart.
#   collectstatic  build step: manifest storage (STATICFILES_BACKEND), compressed, hashed names
#   migrate        one-shot: wait for the database, apply migrations, create the periodic jobs
#   web            gunicorn            worker   Celery worker
#   beat           Celery beat (django-celery-beat's DatabaseScheduler)
#   relay          the outbox relay (hands writes' queued work to the broker)
# Every long-running step first waits for the database (DB_WAIT_SECONDS, default 60).
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
step="${1:-web}"
[ $# -gt 0 ] && shift

wait_for_db() {
  "$PYTHON" manage.py wait_for_db --timeout "${DB_WAIT_SECONDS:-60}"
}

case "$step" in
  collectstatic)
    exec "$PYTHON" manage.py collectstatic --noinput --clear -v 0
    ;;
  migrate)
    wait_for_db
    "$PYTHON" manage.py migrate --noinput
    exec "$PYTHON" manage.py setup_schedules
    ;;
  web)
    wait_for_db
    exec gunicorn config.wsgi:application --bind "${BIND:-0.0.0.0:8000}" --workers "${WEB_WORKERS:-3}" \
      --timeout 60 --graceful-timeout 20 --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
    ;;
  worker)
    wait_for_db
    # Every kind's queue (settings.CELERY_TASK_ROUTES) unless WORKER_QUEUES picks some (a worker per
    # kind scales each on its own) or CELERY_QUEUE puts everything on one queue.
    exec celery -A config worker -l "${CELERY_LOG_LEVEL:-info}" --concurrency "${WORKER_CONCURRENCY:-2}" \
      -Q "${WORKER_QUEUES:-${CELERY_QUEUE:-celery,rollups,notifications,imports,exports}}" \
      --without-mingle --without-gossip
    ;;
  beat)
    wait_for_db
    exec celery -A config beat -l "${CELERY_LOG_LEVEL:-info}" --pidfile= \
      --scheduler django_celery_beat.schedulers:DatabaseScheduler
    ;;
  relay)
    wait_for_db
    exec "$PYTHON" manage.py outbox_relay
    ;;
  *)
    exec "$step" "$@"
    ;;
esac
