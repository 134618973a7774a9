"""The dashboard PDF is rendered by a task on the exports queue and cached by the roll-ups'
`updated_at`: the first request queues it once and gets a page that reloads itself; the reload
after the task gets the PDF. In-process tasks (the default in tests) give the PDF at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.celery import app
from core.models import OutboxEvent
from rollups import services
from rollups.tasks import dashboard_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(populated):
    services.rollups_rebuild()
    cache.clear()
    return populated


@pytest.fixture
def queued(monkeypatch):
    """Tasks go to the broker, as deployed (nothing relays them in a test: the test runs the task)."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)


def _pdf_url(org):
    return reverse("rollups:print", kwargs={"org_id": org.pk}) + "?pdf=1"


def test_first_request_queues_the_render_once_and_the_reload_gets_the_pdf(client, built, queued):
    user, province = built.cast.province.user, built.tree.province
    client.force_login(user)
    first = client.get(_pdf_url(province))
    assert first.status_code == 202
    page = first.content.decode()
    assert 'data-testid="pdf-wait"' in page and "Đang tạo bản PDF" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert client.get(_pdf_url(province)).status_code == 202  # still preparing: not queued twice
    events = OutboxEvent.objects.filter(payload__name="exports.dashboard_pdf")
    assert events.count() == 1
    dashboard_pdf(**events.get().payload["kwargs"])  # what the exports worker runs
    ready = client.get(_pdf_url(province))
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert ready.content.startswith(b"%PDF")


def test_the_task_renders_only_what_its_user_may_see(client, built, queued):
    from django.http import Http404

    with pytest.raises(Http404):
        dashboard_pdf(user_id=built.cast.inspector.user.pk, org_id=built.tree.province.pk, year=2026, stage="DECIDED")


def test_in_process_tasks_give_the_pdf_at_once(client, built, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    client.force_login(built.cast.province.user)
    response = client.get(_pdf_url(built.tree.province))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
