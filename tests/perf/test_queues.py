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
        ("core.worker_ping", "celery"),
    ],
)
def test_tasks_are_routed_to_their_queue(task, queue):
    app.loader.import_default_modules()
    assert task in app.tasks
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == queue
