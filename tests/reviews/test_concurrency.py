"""Concurrent saves of one cell grid and of the decision page: no 500, the second writer is warned with
what changed and keeps what they typed, nothing is lost (threaded, on real PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from reviews.models import MemberReview, OrgReview, ReviewStatus
from tests.minutes import record_minutes
from tests.reviews.conftest import grid_data, record_collective
from tests.reviews.helpers import members_of


def _post_together(posts):
    """Run each (client, url, data) at the same moment in its own thread; return the responses in order."""
    barrier = threading.Barrier(len(posts))
    results: list = [None] * len(posts)

    def run(i, client, url, data):
        try:
            barrier.wait()
            results[i] = client.post(url, data)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *p)) for i, p in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _clients(user, n=2):
    out = []
    for _ in range(n):
        c = Client(raise_request_exception=False)
        c.force_login(user)
        out.append(c)
    return out


def _grid_post(cell, members, grade, version, action="save"):
    data = grid_data(members, (grade, {"GOOD": "80", "COMPLETED": "60"}[grade]))
    return {**data, "action": action, "version": str(version), "nam": "2026"}


def _assert_one_saved_one_warned(results):
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 302], codes
    warned = next(r for r in results if r.status_code == 200).content.decode()
    assert "trong khi đồng chí đang sửa; chưa lưu gì" in warned
    return next(r for r in results if r.status_code == 302), warned


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_saves(cast, cycle):
    cell = cast.tree.cell
    members = members_of(cell)
    url = reverse("reviews:grid", args=[cell.pk])
    a, b = _clients(cast.secretary.user)
    results = _post_together(
        [(a, url, _grid_post(cell, members, "GOOD", 0)), (b, url, _grid_post(cell, members, "COMPLETED", 0))]
    )
    _saved, warned = _assert_one_saved_one_warned(results)
    stored = set(MemberReview.objects.filter(cell=cell).values_list("proposed_grade", flat=True))
    assert len(stored) == 1 and MemberReview.objects.filter(cell=cell).count() == len(members)
    typed = "COMPLETED" if stored == {"GOOD"} else "GOOD"
    assert f'<option value="{typed}" selected>' in warned  # the second writer's typed values are kept
    assert OrgReview.objects.get(organization=cell).version == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_an_existing_grid(cast, cycle):
    cell = cast.tree.cell
    members = members_of(cell)
    url = reverse("reviews:grid", args=[cell.pk])
    a, b = _clients(cast.secretary.user)
    assert a.post(url, _grid_post(cell, members, "GOOD", 0)).status_code == 302
    results = _post_together(
        [(a, url, _grid_post(cell, members, "COMPLETED", 1)), (b, url, _grid_post(cell, members, "COMPLETED", 1))]
    )
    _assert_one_saved_one_warned(results)
    assert set(MemberReview.objects.filter(cell=cell).values_list("proposed_grade", flat=True)) == {"COMPLETED"}
    assert OrgReview.objects.get(organization=cell).version == 2


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once(cast, cycle):
    cell = cast.tree.cell
    client = Client()
    client.force_login(cast.secretary.user)
    record_collective(client, cell)
    record_minutes(cell, cycle, {m.pk: "GOOD" for m in members_of(cell)})  # issue 12: the meeting first
    v = OrgReview.objects.get(organization=cell).version
    assert (
        client.post(
            reverse("reviews:grid", args=[cell.pk]), _grid_post(cell, members_of(cell), "GOOD", v, "submit")
        ).status_code
        == 302
    )
    version = OrgReview.objects.get(organization=cell).version
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    a, b = _clients(cast.committee.user)
    data = {"action": "decide", "org": str(cell.pk), "version": str(version), "nam": "2026"}
    results = _post_together([(a, url, data), (b, url, data)])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(r.status_code for r in results) == [200, 302]
    assert OrgReview.objects.get(organization=cell).status == ReviewStatus.DECIDED
    assert MemberReview.history.filter(status=ReviewStatus.DECIDED).count() == len(members_of(cell))  # decided once


@pytest.mark.django_db
def test_second_writer_sees_what_changed_and_keeps_typed_values(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    members = members_of(cell)
    url = reverse("reviews:grid", args=[cell.pk])
    other = Client()
    other.force_login(cast.secretary.user)
    assert other.post(url, _grid_post(cell, members, "GOOD", 0)).status_code == 302  # saved meanwhile
    client.force_login(cast.secretary.user)
    data = _grid_post(cell, members, "COMPLETED", 0)  # opened at version 0
    data[f"m{member.pk}-note"] = "Ghi chú đang gõ"
    resp = client.post(url, data)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Bảng đã được bithu lưu lúc" in html
    assert (
        f"{member.full_name} — Chi bộ đề xuất: đang lưu “Hoàn thành tốt nhiệm vụ”, đồng chí nhập “Hoàn thành nhiệm vụ”."
        in html
    )
    assert 'value="Ghi chú đang gõ"' in html and 'name="version" value="1"' in html
    assert set(MemberReview.objects.values_list("proposed_grade", flat=True)) == {"GOOD"}
    assert client.post(url, {**data, "version": "1"}).status_code == 302  # now a deliberate overwrite
    assert set(MemberReview.objects.values_list("proposed_grade", flat=True)) == {"COMPLETED"}
