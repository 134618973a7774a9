import pytest
from django.urls import reverse

from core.tasks import worker_ping


@pytest.mark.django_db
def test_healthz_ok(client):
    resp = client.get(reverse("healthz"))
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_healthz_names_failing_broker(client, settings):
    from config.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        resp = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = old
    assert resp.status_code == 503
    body = resp.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


def test_task_round_trip_through_real_worker(celery_worker_thread):
    assert worker_ping.delay("abc").get(timeout=10) == "pong:abc"


def test_healthz_worker_probe(client, celery_worker_thread):
    resp = client.get(reverse("healthz") + "?worker=1")
    assert resp.status_code == 200
    assert resp.json()["checks"]["worker"] == "ok"
