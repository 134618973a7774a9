"""Each kind of work has its own Celery queue (task_routes), so each scales with its own workers."""

import pytest

from config.celery import app


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("rollups.refresh_cells", "rollups"),
        ("rollups.rebuild", "rollups"),
        ("notifications.send_reminders", "notifications"),
        ("onboarding.tasks.import_job_apply_task", "imports"),
        ("onboarding.tasks.import_job_validate_task", "imports"),
    ],
)
def test_tasks_are_routed_to_their_queue(task, queue, settings):
    # The suite puts every task on its own per-process queue (tests/conftest.py), so the production
    # routes are checked with a router built from the settings.
    from celery.app.routes import Router, prepare

    app.loader.import_default_modules()
    assert task in app.tasks
    router = Router(prepare(settings.CELERY_TASK_ROUTES), app.amqp.queues, create_missing=True, app=app)
    assert router.route({}, task)["queue"].name == queue


def test_every_routed_queue_is_consumed_by_the_default_worker():
    from pathlib import Path

    from django.conf import settings

    entrypoint = (Path(__file__).resolve().parents[2] / "scripts" / "entrypoint.sh").read_text()
    assert ",".join(settings.CELERY_TASK_QUEUE_NAMES) in entrypoint


def test_unrouted_tasks_stay_on_the_default_queue(settings):
    from celery.app.routes import Router, prepare

    app.loader.import_default_modules()
    router = Router(prepare(settings.CELERY_TASK_ROUTES), app.amqp.queues, create_missing=True, app=app)
    assert router.route({}, "core.worker_ping")["queue"].name == app.conf.task_default_queue
