"""End to end through the pages: the reopen cascade, needs re-decision, refusals next to the row or field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import MemberReview, OrgReview, ReviewStatus
from tests.reviews.conftest import grid_data, post_grid, record_collective
from tests.reviews.helpers import members_of

pytestmark = pytest.mark.django_db


def _submit_and_decide(client, cast):
    cell = cast.tree.cell
    client.force_login(cast.secretary.user)
    record_collective(client, cell)
    assert post_grid(client, cell, grid_data(members_of(cell)), action="submit").status_code == 302
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    assert client.post(url, {"action": "decide", "org": cell.pk}).status_code == 302
    return url


def test_reopen_cascade_end_to_end(client, cast, cycle):
    cell = cast.tree.cell
    url = _submit_and_decide(client, cast)
    assert client.post(url, {"action": "org_grade", "org": cell.pk, "grade": "GOOD"}).status_code == 302
    # decided: a second decision of the organisation grade is refused next to the table, nothing changes
    resp = client.post(url, {"action": "org_grade", "org": cell.pk, "grade": "EXCELLENT"})
    assert 'data-testid="org-decision-error"' in resp.content.decode() and "phải mở lại" in resp.content.decode()
    assert OrgReview.objects.get(organization=cell).decided_grade == "GOOD"
    # reopening the cell reopens its organisation grade too
    assert client.post(url, {"action": "reopen", "org": cell.pk, "reason": "Có đơn khiếu nại"}).status_code == 302
    html = client.get(url).content.decode()
    row = html[html.index(f'data-org="{cell.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Đã mở lại: Có đơn khiếu nại" in row and 'value="org_grade"' in row
    assert OrgReview.objects.get(organization=cell).decided_grade == ""
    client.force_login(cast.secretary.user)
    grid = client.get(reverse("reviews:grid", args=[cell.pk])).content.decode()
    assert "Có đơn khiếu nại" in grid and 'data-testid="grid-locked"' not in grid
    # the organisation grade alone can be reopened with a reason, by the competent body only
    url2 = _submit_and_decide(client, cast)
    client.post(url2, {"action": "org_grade", "org": cell.pk, "grade": "GOOD"})
    resp = client.post(url2, {"action": "org_reopen", "org": cell.pk, "reason": ""})
    assert "Phải ghi rõ lý do mở lại." in resp.content.decode()
    client.force_login(cast.province.user)
    assert client.post(url2, {"action": "org_reopen", "org": cell.pk, "reason": "x"}).status_code == 403
    assert 'data-testid="read-only"' in client.get(url2).content.decode()


def test_needs_redecision_end_to_end(client, cast, cycle):
    cell = cast.tree.cell
    url = _submit_and_decide(client, cast)
    client.post(url, {"action": "org_grade", "org": cell.pk, "grade": "EXCELLENT"})
    resp = client.post(
        reverse("reviews:discipline", args=[cast.secretary.member.pk]),
        {"kind": "WARNING", "decided_on": "2026-11-02", "decision_number": "12-QĐ/ĐU", "violation": "Vi phạm"},
    )
    assert resp.status_code == 302
    html = client.get(url).content.decode()
    box = html[html.index('data-testid="needs-redecision"') :]
    assert 'data-testid="redecision-count">2<' in box
    assert "Kỷ luật cảnh cáo (12-QĐ/ĐU) ghi nhận sau quyết định" in box and cast.secretary.member.full_name in box
    assert MemberReview.objects.get(member=cast.secretary.member).decided_grade == "GOOD"  # kept, flagged
    dashboard = client.get(reverse("rollups:dashboard", kwargs={"org_id": cast.tree.committee.pk})).content.decode()
    assert 'data-testid="redecision-total"' in dashboard and "<strong>2</strong>" in dashboard
    client.force_login(cast.secretary.user)
    grid = client.get(reverse("reviews:grid", args=[cell.pk])).content.decode()
    assert 'data-testid="needs-redecision"' in grid


def test_collective_note_of_a_locked_cell_is_refused(client, cast, cycle):
    cell = cast.tree.cell
    _submit_and_decide(client, cast)
    client.force_login(cast.secretary.user)
    resp = client.post(
        reverse("reviews:grid", args=[cell.pk]) + "?nam=2026", {"action": "collective", "collective_note": "Ghi đè"}
    )
    assert resp.status_code == 302
    assert OrgReview.objects.get(organization=cell).collective_note == "Chi bộ hoàn thành tốt"
    page = client.get(resp["Location"]).content.decode()
    assert "Chi bộ đã nộp đề xuất; chỉ cấp quyết định mới trả lại hoặc mở lại được." in page


def test_row_with_reason_and_grade_gets_a_message_and_keeps_typed_work(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    client.force_login(cast.secretary.user)
    per = {member.pk: ("GOOD", "80", {"reason": "OTHER", "reason_note": "Đi xa", "note": "Ghi chú dài"})}
    resp = post_grid(client, cell, grid_data(members_of(cell), per=per), action="save")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Đã chọn lý do không xếp loại thì không chọn mức xếp loại." in html
    assert 'value="Ghi chú dài"' in html and 'value="Đi xa"' in html
    assert not MemberReview.objects.exists()


@pytest.mark.parametrize("year", ["²", "²⁰²⁶", "٢٠٢٦", "abc", "-1", "1900", "99999999999999999999"])
def test_odd_years_on_the_grid_are_404_not_500(client, cast, cycle, year):
    client.force_login(cast.secretary.user)
    assert client.get(reverse("reviews:grid", args=[cast.tree.cell.pk]), {"nam": year}).status_code == 404
    client.force_login(cast.committee.user)
    assert client.get(reverse("reviews:decisions", args=[cast.tree.committee.pk]), {"nam": year}).status_code == 404


@pytest.mark.parametrize("org", ["abc", "²", "", "-3", "99999999999999"])
def test_odd_org_in_decision_posts_is_404(client, cast, cycle, org):
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    assert client.post(url, {"action": "decide", "org": org}).status_code == 404


def test_bogus_grade_in_a_decision_is_a_message(client, cast, cycle):
    cell = cast.tree.cell
    client.force_login(cast.secretary.user)
    record_collective(client, cell)
    post_grid(client, cell, grid_data(members_of(cell)), action="submit")
    review = MemberReview.objects.get(member=cast.member.member)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    resp = client.post(url, {"action": "decide", "org": cell.pk, f"grade_{review.pk}": "BOGUS"})
    assert resp.status_code == 200 and "Mức xếp loại không hợp lệ." in resp.content.decode()
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()


@pytest.mark.parametrize("dong", ["²", "abc", "-1", ""])
def test_odd_row_in_htmx_check_is_404(client, cast, cycle, dong):
    client.force_login(cast.secretary.user)
    url = reverse("reviews:grid", args=[cast.tree.cell.pk]) + f"?dong={dong}"
    assert client.post(url, {}, HTTP_HX_REQUEST="true").status_code == 404


@pytest.mark.parametrize("target", ["example.com/x", "//example.com/", "https://example.com/", "javascript:alert(1)"])
def test_remedy_next_without_leading_slash_goes_to_the_member_page(client, cast, cycle, target):
    import datetime as dt

    from reviews.models import RemediationItem

    item = RemediationItem.objects.create(
        member=cast.member.member,
        owner=cast.member.member,
        year_found=2025,
        description="x",
        due_on=dt.date(2026, 12, 31),
    )
    client.force_login(cast.committee.user)
    url = reverse("reviews:remediation_done", args=[item.pk])
    for _ in range(2):  # the second time the item is already done: still no 500
        resp = client.post(url, {"next": target})
        assert resp.status_code == 302
        assert resp["Location"] == reverse("organizations:member", args=[cast.member.member.pk])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("decided_on", "1900-01-01"),
        ("decided_on", "2100-01-01"),
        ("counts_for_year", "1900"),
        ("counts_for_year", "2100"),
    ],
)
def test_implausible_discipline_dates_are_field_errors(client, cast, cycle, field, value):
    from reviews.models import DisciplineRecord

    client.force_login(cast.committee.user)
    data = {"kind": "WARNING", "decided_on": "2026-11-02", "decision_number": "1", "violation": "x", field: value}
    resp = client.post(reverse("reviews:discipline", args=[cast.member.member.pk]), data)
    assert resp.status_code == 200
    assert resp.context["form"].errors[field]
    assert not DisciplineRecord.objects.exists()


def test_refused_decision_keeps_what_was_typed_with_the_message_next_to_the_row(client, cast, cycle):
    cell = cast.tree.cell
    client.force_login(cast.secretary.user)
    record_collective(client, cell)
    post_grid(client, cell, grid_data(members_of(cell)), action="submit")
    review = MemberReview.objects.get(member=cast.member.member)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    resp = client.post(
        url, {"action": "decide", "org": cell.pk, f"grade_{review.pk}": "COMPLETED", "override_reason": "Lý do gõ dở"}
    )
    html = resp.content.decode()
    row = html[html.index(f'name="grade_{review.pk}"') - 2000 : html.index(f'name="reason_{review.pk}"')]
    assert 'data-testid="decision-row-error"' in row and "phải ghi rõ lý do" in row
    select = html[html.index(f'name="grade_{review.pk}"') :]
    assert '<option value="COMPLETED" selected>' in select[: select.index("</select>")]
    assert 'value="Lý do gõ dở"' in html


def test_superior_sees_a_grassroots_cells_reported_override(client, cast, cycle):
    from organizations.models import PositionKind
    from organizations.services import position_assign
    from reviews import services
    from tests.factories import MemberFactory, UserFactory
    from tests.reviews.helpers import propose

    gcell = cast.tree.gcell
    secretary = UserFactory(username="bithu-thon")
    MemberFactory(cell=gcell, user=secretary)
    position_assign(user=secretary, organization=gcell, kind=PositionKind.CELL_SECRETARY)
    superior = UserFactory(username="xauy2")
    position_assign(user=superior, organization=cast.tree.commune2, kind=PositionKind.STANDING_COMMITTEE)
    propose(gcell, cycle, secretary, default="EXCELLENT")
    services.cell_decide(cell=gcell, cycle=cycle, decision_record="BB 01", override_reason="Điển hình", user=secretary)
    client.force_login(superior)
    html = client.get(reverse("reviews:decisions", args=[cast.tree.commune2.pk])).content.decode()
    box = html[html.index('data-testid="reported-overrides"') :]
    assert "Chi bộ Thôn Đông" in box and "Điển hình" in box
    assert "vượt tỷ lệ" in client.get("/thong-bao/").content.decode()
