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


def test_healthz_worker_probe(client, celery_worker_thread, settings):
    settings.HEALTHZ_WORKER_TOKEN = "s3cret-monitoring-token"
    resp = client.get(reverse("healthz") + "?worker=1", headers={"X-Healthz-Token": "s3cret-monitoring-token"})
    assert resp.status_code == 200
    assert resp.json()["checks"]["worker"] == "ok"


@pytest.fixture
def _fresh_rate(settings):
    from django.core.cache import cache

    settings.HEALTHZ_WORKER_TOKEN = "s3cret-monitoring-token"
    cache.delete_many([k for k in [f"healthz:worker:{m}" for m in range(_minute() - 2, _minute() + 3)]])


def _minute() -> int:
    import time

    return int(time.time() // 60)


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_rate")
@pytest.mark.parametrize("token", [None, "", "wrong", "s3cret-monitoring-token-but-longer"])
def test_worker_probe_refused_without_the_token(client, monkeypatch, token):
    from core import views

    monkeypatch.setattr(views, "_worker_status", lambda: pytest.fail("no task may be queued"))
    headers = {"X-Healthz-Token": token} if token is not None else {}
    resp = client.get(reverse("healthz") + "?worker=1", headers=headers)
    assert resp.status_code == 403
    assert "token" in resp.json()["detail"]


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_rate")
def test_worker_probe_refused_when_no_token_is_configured(client, settings, monkeypatch):
    from core import views

    settings.HEALTHZ_WORKER_TOKEN = ""
    monkeypatch.setattr(views, "_worker_status", lambda: pytest.fail("no task may be queued"))
    assert client.get(reverse("healthz") + "?worker=1&token=").status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_rate")
def test_worker_probe_for_staff_and_rate_limited(client, settings, monkeypatch):
    from core import views
    from tests.factories import UserFactory

    settings.HEALTHZ_WORKER_PER_MINUTE = 3
    calls = []
    monkeypatch.setattr(views, "_worker_status", lambda: calls.append(1) or "ok")
    client.force_login(UserFactory(username="ops", is_staff=True))
    started = _minute()
    answers = [client.get(reverse("healthz") + "?worker=1").status_code for _ in range(5)]
    if _minute() != started:  # pragma: no cover - the counter's minute rolled over mid-test
        return
    assert answers[:3] == [200, 200, 200] and set(answers[3:]) == {429}
    assert len(calls) == 3
    # Plain /healthz is never rate-limited.
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_rate")
def test_worker_probe_with_token_in_query(client, monkeypatch):
    from core import views

    monkeypatch.setattr(views, "_worker_status", lambda: "ok")
    resp = client.get(reverse("healthz"), {"worker": "1", "token": "s3cret-monitoring-token"})
    assert resp.status_code == 200 and resp.json()["checks"]["worker"] == "ok"
