"""The decisions page after a refusal and without a proposal (issue 13, item 7), through the views."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reviews.models import MemberReview, OrgReview, ReviewStatus
from tests.reviews.helpers import propose

pytestmark = pytest.mark.django_db


def _row(html: str, review_pk: int) -> str:
    start = html.index(f'id="row-{review_pk}"')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def _section(html: str, cell_pk: int) -> str:
    start = html.index(f'id="cell-{cell_pk}"')
    return html[html.rindex("<details", 0, start) : html.index("</details>", start)]


def test_a_refusal_keeps_every_typed_value_and_marks_the_row(client, cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    mine = MemberReview.objects.get(member=cast.member.member)
    other = MemberReview.objects.get(member=cast.secretary.member)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    data = {
        "action": "decide",
        "org": cell.pk,
        f"grade_{mine.pk}": "COMPLETED",  # changed, no reason: refused
        f"reason_{mine.pk}": "",
        f"grade_{other.pk}": "GOOD",
        f"reason_{other.pk}": "ghi chú giữ lại",
        "override_reason": "Lý do đã gõ",
    }
    resp = client.post(url, data)
    assert resp.status_code == 200
    html = resp.content.decode()
    row = _row(html, mine.pk)
    assert '<option value="COMPLETED" selected>' in row  # the changed grade does not revert
    assert 'class="table-danger decision-row-error"' in row
    assert row.count('aria-invalid="true"') == 2 and f'aria-describedby="err-{mine.pk}"' in row
    assert "Thay đổi mức xếp loại chi bộ đề xuất phải ghi rõ lý do." in row
    assert 'value="ghi chú giữ lại"' in _row(html, other.pk) and "aria-invalid" not in _row(html, other.pk)
    assert 'value="Lý do đã gõ"' in html
    summary = html[html.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert f'href="#row-{mine.pk}"' in summary and "Trần Thị Bình: Thay đổi mức xếp loại" in summary
    section = _section(html, cell.pk)
    assert re.search(r"<details[^>]* open>", section) and 'data-testid="cell-error-count">Lỗi: 1<' in section
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()


def test_nothing_is_preselected_without_a_proposal(client, cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    mine = MemberReview.objects.get(member=cast.member.member)
    resp = client.post(url, {"action": "decide", "org": cell.pk, f"grade_{mine.pk}": "", f"reason_{mine.pk}": "x"})
    row = _row(resp.content.decode(), mine.pk)  # a member's grade set back to "— chọn —" is refused, and stays so
    assert "Chọn mức xếp loại được quyết định." in row and '<option value="" selected>— chọn —</option>' in row
    assert client.post(url, {"action": "decide", "org": cell.pk}).status_code == 302
    html = client.get(url).content.decode()
    org_row = html[html.index(f'data-org="{cell.pk}"') :]
    org_row = org_row[: org_row.index("</tr>")]
    assert '<option value="" selected>— chọn —</option>' in org_row
    assert "EXCELLENT\" selected" not in org_row
    resp = client.post(url, {"action": "org_grade", "org": cell.pk, "grade": ""})  # left at "— chọn —"
    assert "Chọn mức xếp loại tổ chức." in resp.content.decode()
    assert OrgReview.objects.get(organization=cell).decided_grade == ""


def test_approve_all_through_the_page_and_its_refusal(client, cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user, default="EXCELLENT")
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    resp = client.post(url, {"action": "approve_all", "org": cell.pk})
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="decision-error"' in html and "Hoàn thành xuất sắc" in html
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()
    resp = client.post(url, {"action": "approve_all", "org": cell.pk, "override_reason": "Thành tích nổi bật"})
    assert resp.status_code == 302
    assert set(MemberReview.objects.values_list("status", "decided_grade")) == {("DECIDED", "EXCELLENT")}
    client.force_login(cast.province.user)  # reads the page, may not act
    assert client.post(url, {"action": "approve_all", "org": cast.tree.cell2.pk}).status_code == 403
