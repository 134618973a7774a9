import pytest
from django.urls import reverse

from core.tasks import worker_ping


@pytest.mark.django_db
def test_healthz_ok(client):
    resp = client.get(reverse("healthz"))
    assert resp.status_code == 200
    assert resp.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "outbox": "ok"},
        "outbox": {"pending": 0, "oldest_seconds": 0},
    }


@pytest.mark.django_db
def test_healthz_reports_the_relay_backlog_age(client, settings):
    import datetime as dt

    from django.utils import timezone

    from core.models import OutboxEvent

    event = OutboxEvent.objects.create(topic="task", payload={})
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - dt.timedelta(seconds=90))
    body = client.get(reverse("healthz")).json()
    assert body["outbox"]["pending"] == 1 and 89 <= body["outbox"]["oldest_seconds"] < 120
    assert body["checks"]["outbox"] == "ok"
    settings.OUTBOX_MAX_AGE_SECONDS = 60
    resp = client.get(reverse("healthz"))
    assert resp.status_code == 503 and resp.json()["checks"]["outbox"].startswith("error: backlog")


@pytest.mark.django_db
def test_metrics_only_for_the_token_or_an_internal_network(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.9.0.0/16"]
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    resp = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert resp.status_code == 200
    assert b"django_http_requests_before_middlewares_total" in resp.content
    assert b"tusoi_outbox_pending" in resp.content
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.9.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 404


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_is_logged(client, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="tusoi.request"):
        resp = client.get(reverse("healthz"), headers={"X-Request-ID": "proxy-abc-12345"})
        other = client.get(reverse("healthz"))
    assert resp["X-Request-ID"] == "proxy-abc-12345"
    assert len(other["X-Request-ID"]) == 32
    records = [r for r in caplog.records if r.name == "tusoi.request"]
    assert [(r.request_id, r.status, r.path) for r in records] == [
        ("proxy-abc-12345", 200, "/healthz"),
        (other["X-Request-ID"], 200, "/healthz"),
    ]


def test_json_log_lines_carry_the_request_id():
    import json
    import logging

    from core.logs import JsonFormatter, RequestIdFilter, request_id_var

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    token = request_id_var.set("rid-123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "rid-123" and line["message"] == "hello world" and line["level"] == "INFO"


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
