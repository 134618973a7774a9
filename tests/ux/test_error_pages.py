"""Error pages speak Vietnamese and lead home (Django's own are English: "Not Found", "Forbidden")."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from organizations.models import PositionKind
from organizations.services import position_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_404_is_vietnamese_with_a_way_home(client, cast):
    client.force_login(cast.member.user)
    resp = client.get(reverse("organizations:detail", args=[cast.tree.province.pk]))
    assert resp.status_code == 404
    html = resp.content.decode()
    assert "Không tìm thấy trang" in html and "Về trang chủ" in html and "Not Found" not in html


def test_403_for_a_reader_who_tries_to_act(client, cast, cycles, years):
    reader = UserFactory(username="ubkt-truong")
    position_assign(user=reader, organization=cast.tree.committee, kind=PositionKind.INSPECTION)
    client.force_login(reader)
    resp = client.post(reverse("reviews:grid", args=[cast.tree.cell.pk]), {"nam": years.this, "action": "save"})
    assert resp.status_code == 403
    assert "Không được phép" in resp.content.decode()


def test_csrf_failure_page_is_vietnamese(cast):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(cast.member.user)
    resp = csrf_client.post(reverse("commitments:my"), {})
    assert resp.status_code == 403
    assert "Trang đã cũ" in resp.content.decode()


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Lỗi hệ thống" in html and 'href="/"' in html
