"""Propose → decide / return / reopen, the quota across cells, locks, history and scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core import events
from organizations.models import Member, OrgKind, PositionKind
from organizations.services import position_assign
from reviews.models import MemberReview, OrgReview, QuotaOverride, RemediationItem, ReviewStatus
from tests.factories import MemberFactory, UserFactory, make_org
from tests.minutes import grades_of, record_minutes
from tests.reviews.conftest import grid_data, post_grid, record_collective

pytestmark = pytest.mark.django_db


def members_of(cell):
    return list(Member.objects.filter(cell=cell).order_by("pk"))


@pytest.fixture
def changed(monkeypatch):
    calls = []
    monkeypatch.setattr(events, "CELLS_CHANGED", [lambda ids, year: calls.append((ids, year))])
    return calls


def submit_cell(client, user, cell, default=("GOOD", "80"), per=None, **extra):
    client.force_login(user)
    record_collective(client, cell)
    return post_grid(client, cell, grid_data(members_of(cell), default, per), action="submit", **extra)


def decide(client, user, cell, **extra):
    client.force_login(user)
    committee = cell.grassroots() if cell.kind == OrgKind.CELL else cell
    return client.post(reverse("reviews:decisions", args=[committee.pk]), {"action": "decide", "org": cell.pk, **extra})


def test_collective_review_comes_before_individual_grades(client, cast, cycle):
    client.force_login(cast.secretary.user)
    resp = post_grid(client, cast.tree.cell, grid_data(members_of(cast.tree.cell)), action="submit")
    assert resp.status_code == 200
    assert "Phải ghi nhận kiểm điểm tập thể chi bộ trước" in resp.content.decode()
    assert not MemberReview.objects.exists()


def test_secretary_submits_the_whole_cell(client, cast, cycle, changed):
    resp = submit_cell(client, cast.secretary.user, cast.tree.cell)
    assert resp.status_code == 302
    reviews = MemberReview.objects.filter(cell=cast.tree.cell, year=2026)
    assert {(r.status, r.proposed_grade) for r in reviews} == {(ReviewStatus.PROPOSED, "GOOD")}
    org_review = OrgReview.objects.get(organization=cast.tree.cell, year=2026)
    assert org_review.status == ReviewStatus.PROPOSED and org_review.members_submitted_at
    assert ({cast.tree.cell.pk}, 2026) in changed
    # the proposal is locked for the cell now
    resp = post_grid(client, cast.tree.cell, grid_data(members_of(cast.tree.cell), ("COMPLETED", "60")), action="save")
    assert MemberReview.objects.filter(proposed_grade="COMPLETED").count() == 0


def test_refused_submission_keeps_what_was_typed_and_saves_nothing(client, cast, cycle):
    client.force_login(cast.secretary.user)
    record_collective(client, cast.tree.cell)
    member = cast.member.member
    data = grid_data(members_of(cast.tree.cell), per={member.pk: ("EXCELLENT", "89", {"note": "Gương mẫu"})})
    resp = post_grid(client, cast.tree.cell, data, action="submit")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "89 điểm chỉ cho phép xếp loại tối đa “Hoàn thành tốt nhiệm vụ”" in html
    assert 'value="Gương mẫu"' in html and f'name="m{member.pk}-score" value="89"' in html
    assert not MemberReview.objects.exclude(proposed_grade="").exists()


def test_quota_is_counted_across_the_cells_of_the_grassroots_org(client, cast, cycle):
    tree = cast.tree
    for _ in range(5):
        MemberFactory(cell=tree.cell2)
    # Tổ 2: 6 members, 5 GOOD + 1 EXCELLENT (20 % of 5 = 1); Tổ 1 adding one more EXCELLENT breaks the quota.
    cell2 = members_of(tree.cell2)
    assert (
        submit_cell(client, cast.other_secretary.user, tree.cell2, per={cell2[0].pk: ("EXCELLENT", "95")}).status_code
        == 302
    )
    # At proposal the quota is a warning with the live total, not a refusal (the order cells submit in
    # must not matter); the binding check is at decision, over the whole grassroots organisation.
    resp = submit_cell(client, cast.secretary.user, tree.cell, per={cast.member.member.pk: ("EXCELLENT", "95")})
    assert resp.status_code == 302
    page = client.get(resp["Location"]).content.decode()
    assert "Vượt tỷ lệ: 2 đảng viên Hoàn thành xuất sắc nhiệm vụ, trong khi tối đa là 1" in page
    resp = decide(client, cast.committee.user, tree.cell)
    assert "Vượt tỷ lệ: 2 đảng viên Hoàn thành xuất sắc nhiệm vụ, trong khi tối đa là 1" in resp.content.decode()
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()


def test_committee_decides_and_results_lock_then_member_sees_grade(client, cast, cycle, changed):
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    assert decide(client, cast.committee.user, cast.tree.cell).status_code == 302
    review = MemberReview.objects.get(member=cast.member.member)
    assert review.status == ReviewStatus.DECIDED and review.decided_grade == "GOOD"
    assert review.decided_by == cast.committee.user
    assert OrgReview.objects.get(organization=cast.tree.cell).members_decided_at
    client.force_login(cast.member.user)
    assert "Hoàn thành tốt nhiệm vụ" in client.get(reverse("reviews:my")).content.decode()
    page = client.get(reverse("organizations:member", args=[cast.member.member.pk])).content.decode()
    assert 'data-testid="member-decided-grade"><strong>Hoàn thành tốt nhiệm vụ' in page
    # locked: the secretary can no longer change anything
    client.force_login(cast.secretary.user)
    assert 'data-testid="grid-locked"' in client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).content.decode()
    post_grid(client, cast.tree.cell, grid_data(members_of(cast.tree.cell), ("COMPLETED", "60")), action="submit")
    assert MemberReview.objects.get(pk=review.pk).decided_grade == "GOOD"


def test_changing_a_grade_needs_a_reason(client, cast, cycle):
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    review = MemberReview.objects.get(member=cast.member.member)
    resp = decide(client, cast.committee.user, cast.tree.cell, **{f"grade_{review.pk}": "COMPLETED"})
    assert "phải ghi rõ lý do" in resp.content.decode()
    decide(
        client,
        cast.committee.user,
        cast.tree.cell,
        **{f"grade_{review.pk}": "COMPLETED", f"reason_{review.pk}": "Chậm tiến độ"},
    )
    review.refresh_from_db()
    assert (review.decided_grade, review.decision_reason) == ("COMPLETED", "Chậm tiến độ")


def test_return_with_reason_lets_the_cell_edit_again(client, cast, cycle):
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    assert "lý do" in client.post(url, {"action": "return", "org": cast.tree.cell.pk, "reason": ""}).content.decode()
    client.post(url, {"action": "return", "org": cast.tree.cell.pk, "reason": "Thiếu điểm của đ/c Bình"})
    org_review = OrgReview.objects.get(organization=cast.tree.cell)
    assert org_review.status == ReviewStatus.RETURNED and org_review.members_submitted_at is None
    client.force_login(cast.secretary.user)
    assert "Thiếu điểm của đ/c Bình" in client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).content.decode()
    assert post_grid(client, cast.tree.cell, grid_data(members_of(cast.tree.cell)), action="submit").status_code == 302


def test_reopen_needs_the_decider_and_is_audited(client, cast, cycle):
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    decide(client, cast.committee.user, cast.tree.cell)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    client.force_login(cast.secretary.user)
    assert client.post(url, {"action": "reopen", "org": cast.tree.cell.pk, "reason": "x"}).status_code == 404
    client.force_login(cast.committee.user)
    client.post(url, {"action": "reopen", "org": cast.tree.cell.pk, "reason": "Có đơn khiếu nại"})
    review = MemberReview.objects.get(member=cast.member.member)
    assert review.status == ReviewStatus.RETURNED and review.decided_grade == ""
    history = list(
        review.history.order_by("history_date").values_list("status", "decided_grade", "history_user__username")
    )
    assert ("DECIDED", "GOOD", "dangbo") in history and history[-1] == ("RETURNED", "", "dangbo")


def test_quota_at_decision_time_and_recorded_override(client, cast, cycle):
    submit_cell(client, cast.secretary.user, cast.tree.cell, default=("GOOD", "95"))
    reviews = list(MemberReview.objects.filter(cell=cast.tree.cell).order_by("pk"))
    grade = {f"grade_{reviews[0].pk}": "EXCELLENT", f"reason_{reviews[0].pk}": "Thành tích nổi bật"}
    resp = decide(client, cast.committee.user, cast.tree.cell, **grade)
    assert "Vượt tỷ lệ" in resp.content.decode()
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()
    resp = decide(client, cast.committee.user, cast.tree.cell, override_reason="Đơn vị có thành tích xuất sắc", **grade)
    assert resp.status_code == 302
    override = QuotaOverride.objects.get()
    assert (override.max_excellent, override.deciding_body, override.decided_by) == (
        1,
        cast.tree.committee,
        cast.committee.user,
    )


@pytest.mark.parametrize("who", ["other_secretary", "member", "outsider", "inspector"])
def test_grid_denied_outside_scope(client, cast, cycle, who):
    client.force_login(getattr(cast, who).user)
    assert client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).status_code == 404
    assert post_grid(client, cast.tree.cell, {}, action="save").status_code == 404


@pytest.mark.parametrize("who", ["secretary", "other_secretary", "member", "outsider", "inspector"])
def test_decisions_denied_outside_scope(client, cast, cycle, who):
    client.force_login(getattr(cast, who).user)
    assert client.get(reverse("reviews:decisions", args=[cast.tree.committee.pk])).status_code == 404


def test_reader_may_look_but_not_act(client, cast, cycle):
    reader = UserFactory(username="ubkt-truong")
    position_assign(user=reader, organization=cast.tree.committee, kind=PositionKind.INSPECTION)
    client.force_login(reader)
    assert client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).status_code == 200
    assert post_grid(client, cast.tree.cell, {}, action="save").status_code == 403
    assert (
        client.post(reverse("reviews:decisions", args=[cast.tree.committee.pk]), {"action": "decide"}).status_code
        == 403
    )


def test_grassroots_cell_decides_itself(client, cast, cycle):
    gcell = cast.tree.gcell
    secretary = UserFactory(username="bithu-thon")
    MemberFactory(cell=gcell, user=secretary)
    position_assign(user=secretary, organization=gcell, kind=PositionKind.CELL_SECRETARY)
    submit_cell(client, secretary, gcell)
    # the cell decides as a body: its decision cites the cell meeting's minutes / resolution
    resp = decide(client, secretary, gcell)
    assert "biên bản hoặc nghị quyết cuộc họp chi bộ" in resp.content.decode()
    assert MemberReview.objects.get(cell=gcell).status == ReviewStatus.PROPOSED
    assert decide(client, secretary, gcell, decision_record="Biên bản họp chi bộ ngày 20/12/2026").status_code == 302
    assert MemberReview.objects.get(cell=gcell).status == ReviewStatus.DECIDED
    assert OrgReview.objects.get(organization=gcell).decision_record == "Biên bản họp chi bộ ngày 20/12/2026"


# session, user, scope (2), cell, ancestors, cycle, grid data (~9), indicators, rule facts (~4);
# + residence comments, leadership opinions, minutes and their votes (issue 12)
GRID_QUERIES = 30


def test_grid_query_count_does_not_grow_with_members(client, cast, cycle, django_assert_max_num_queries):
    client.force_login(cast.secretary.user)
    url = reverse("reviews:grid", args=[cast.tree.cell.pk])
    record_collective(client, cast.tree.cell)
    post_grid(client, cast.tree.cell, grid_data(members_of(cast.tree.cell)))
    client.get(url)
    with django_assert_max_num_queries(GRID_QUERIES):
        client.get(url)
    for _ in range(25):
        MemberFactory(cell=cast.tree.cell)
    post_grid(client, cast.tree.cell, grid_data(members_of(cast.tree.cell)))
    with django_assert_max_num_queries(GRID_QUERIES):
        resp = client.get(url)
    assert len(resp.context["rows"]) == 27


def test_save_of_sixty_rows_uses_bounded_queries(client, cast, cycle, django_assert_max_num_queries):
    for _ in range(58):
        MemberFactory(cell=cast.tree.cell)
    client.force_login(cast.secretary.user)
    record_collective(client, cast.tree.cell)
    data = grid_data(members_of(cast.tree.cell))
    record_minutes(cast.tree.cell, cycle, grades_of(data))  # the meeting, before the timed submission
    # + version stamp, transfers, managed leaders, rule facts (constant); + the minutes and their votes (issue 12)
    with django_assert_max_num_queries(56):
        resp = post_grid(client, cast.tree.cell, data, action="submit", minutes=False)
    assert resp.status_code == 302
    assert MemberReview.objects.filter(status=ReviewStatus.PROPOSED).count() == 60
    assert MemberReview.history.filter(status=ReviewStatus.PROPOSED).count() == 60


def test_review_page_shows_history_who_when_before_after(client, cast, cycle):
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    decide(client, cast.committee.user, cast.tree.cell)
    review = MemberReview.objects.get(member=cast.member.member)
    client.force_login(cast.member.user)
    html = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Xếp loại được quyết định: — → Hoàn thành tốt nhiệm vụ" in html
    assert "dangbo" in html and "bithu" in html
    client.force_login(cast.other_secretary.user)
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404


def test_discipline_entered_by_committee_revalidates_the_cell_grade(client, cast, cycle, changed):
    # QĐ 366: an EXCELLENT organisation needs its self-assessment score (≥ 90).
    submit_cell(client, cast.secretary.user, cast.tree.cell, org_score="95")
    decide(client, cast.committee.user, cast.tree.cell)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    resp = client.post(url, {"action": "org_grade", "org": cast.tree.cell.pk, "grade": "EXCELLENT"})
    assert "Vượt tỷ lệ: 1 tổ chức Hoàn thành xuất sắc nhiệm vụ, trong khi tối đa là 0" in resp.content.decode()
    excellent = {
        "action": "org_grade",
        "org": cast.tree.cell.pk,
        "grade": "EXCELLENT",
        "reason": "Đơn vị tiêu biểu (vượt tỷ lệ)",
    }
    assert client.post(url, excellent).status_code == 302
    assert OrgReview.objects.get(organization=cast.tree.cell).decided_grade == "EXCELLENT"
    client.force_login(cast.secretary.user)
    assert client.get(reverse("reviews:discipline", args=[cast.secretary.member.pk])).status_code == 403
    client.force_login(cast.committee.user)
    resp = client.post(
        reverse("reviews:discipline", args=[cast.secretary.member.pk]),
        {
            "kind": "WARNING",
            "decided_on": "2026-11-02",
            "decision_number": "12-QĐ/ĐU",
            "violation": "Vi phạm nguyên tắc",
        },
    )
    assert resp.status_code == 302
    org_review = OrgReview.objects.get(organization=cast.tree.cell)
    assert any("cảnh cáo trở lên" in v for v in org_review.violations)
    review = MemberReview.objects.get(member=cast.secretary.member)
    html = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Đảng viên bị kỷ luật trong năm: chỉ được xếp loại Không hoàn thành nhiệm vụ." in html
    assert ({cast.tree.cell.pk}, 2026) in changed


def test_org_grade_excellent_refused_when_members_fall_short(client, cast, cycle):
    submit_cell(client, cast.secretary.user, cast.tree.cell, per={cast.member.member.pk: ("COMPLETED", "60")})
    decide(client, cast.committee.user, cast.tree.cell)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    resp = client.post(url, {"action": "org_grade", "org": cast.tree.cell.pk, "grade": "EXCELLENT"})
    assert "ít nhất 80 % đảng viên đạt Hoàn thành tốt nhiệm vụ" in resp.content.decode()


def test_shortcomings_become_remediation_items_that_block_excellent_next_year(client, cast, cycle):
    from reviews import services
    from reviews.models import GradingRegime

    review = services.review_ensure(member=cast.member.member, cycle=cycle)
    review.shortcomings = "Chưa gương mẫu trong học tập nghị quyết"
    review.save()
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    decide(client, cast.committee.user, cast.tree.cell)
    item = RemediationItem.objects.get()
    assert (item.owner, item.year_found, str(item.due_on)) == (cast.member.member, 2026, "2027-12-31")
    import datetime as dt

    next_cycle = services.cycle_create(
        organization=cast.tree.province,
        year=2027,
        regime=GradingRegime.objects.get(code="QD366-2025"),
        self_assessment_deadline=dt.date(2027, 12, 10),
        meeting_deadline=dt.date(2027, 12, 20),
        decision_deadline=dt.date(2028, 1, 15),
    )
    client.force_login(cast.secretary.user)
    resp = client.get(reverse("reviews:grid", args=[cast.tree.cell.pk]) + "?nam=2027")
    assert "1 chưa khắc phục" in resp.content.decode()
    services.collective_record(cell=cast.tree.cell, cycle=next_cycle, note="Tập thể")
    data = grid_data(members_of(cast.tree.cell), per={cast.member.member.pk: ("EXCELLENT", "95")})
    resp = post_grid(client, cast.tree.cell, data, action="check", nam="2027")
    assert "chưa khắc phục: không được xếp loại Hoàn thành xuất sắc" in resp.content.decode()


def test_ids_and_years_are_not_localised_in_forms(client, cast, cycle):
    client.force_login(cast.secretary.user)
    html = client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).content.decode()
    assert 'name="nam" value="2026"' in html and "2.026" not in html


def test_commune_level_decides_a_grassroots_committee_from_its_cells(client, cast, cycle):
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    decide(client, cast.committee.user, cast.tree.cell)
    client.force_login(cast.committee.user)
    committee_url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    client.post(committee_url, {"action": "org_grade", "org": cast.tree.cell.pk, "grade": "NOT_COMPLETED"})
    # the committee's own grade is decided by the standing committee of the directly superior committee
    # (the commune); the province above it reads but may not act
    url = reverse("reviews:decisions", args=[cast.tree.commune.pk])
    client.force_login(cast.province.user)
    assert 'data-testid="read-only"' in client.get(url).content.decode()
    assert (
        client.post(url, {"action": "org_grade", "org": cast.tree.committee.pk, "grade": "COMPLETED"}).status_code
        == 403
    )
    commune_sc = UserFactory(username="xauy-an-hoa")
    position_assign(user=commune_sc, organization=cast.tree.commune, kind=PositionKind.STANDING_COMMITTEE)
    client.force_login(commune_sc)
    # a grassroots committee is graded only after every one of its cells is decided (issue 10)
    resp = client.post(url, {"action": "org_grade", "org": cast.tree.committee.pk, "grade": "COMPLETED"})
    assert "Còn 1 tổ chức trực thuộc chưa được quyết định xếp loại" in resp.content.decode()
    submit_cell(client, cast.other_secretary.user, cast.tree.cell2)
    decide(client, cast.committee.user, cast.tree.cell2)
    client.force_login(cast.committee.user)
    client.post(committee_url, {"action": "org_grade", "org": cast.tree.cell2.pk, "grade": "GOOD"})
    client.force_login(commune_sc)
    resp = client.post(url, {"action": "org_grade", "org": cast.tree.committee.pk, "grade": "EXCELLENT"})
    assert "tổ chức trực thuộc đạt Hoàn thành nhiệm vụ trở lên" in resp.content.decode()
    assert (
        client.post(url, {"action": "org_grade", "org": cast.tree.committee.pk, "grade": "COMPLETED"}).status_code
        == 302
    )
    org_review = OrgReview.objects.get(organization=cast.tree.committee)
    assert (org_review.status, org_review.decided_grade) == (ReviewStatus.DECIDED, "COMPLETED")
    client.force_login(cast.committee.user)  # a body may not grade itself
    assert client.post(url, {"action": "org_grade", "org": cast.tree.committee.pk, "grade": "GOOD"}).status_code == 404


def test_decisions_page_queries_do_not_grow_with_cells(client, cast, cycle, django_assert_max_num_queries):
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    for i in range(6):
        cell = make_org(f"Chi bộ thêm {i}", OrgKind.CELL, cast.tree.committee)
        for _ in range(3):
            MemberFactory(cell=cell)
    client.force_login(cast.committee.user)
    with django_assert_max_num_queries(20):  # + re-decision, reported overrides, managed leaders
        resp = client.get(reverse("reviews:decisions", args=[cast.tree.committee.pk]))
    assert resp.status_code == 200


def test_htmx_checks_one_row_as_it_is_typed(client, cast, cycle):
    client.force_login(cast.secretary.user)
    member = cast.member.member
    url = reverse("reviews:grid", args=[cast.tree.cell.pk]) + f"?dong={member.pk}"
    data = {f"m{member.pk}-grade": "EXCELLENT", f"m{member.pk}-score": "89"}
    resp = client.post(url, data, HTTP_HX_REQUEST="true")
    assert resp.content.decode().strip().startswith("<div>⚠ 89 điểm chỉ cho phép")
    data[f"m{member.pk}-score"] = "abc"
    assert "Điểm:" in client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    data[f"m{member.pk}-score"] = "90"
    html = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "⚠" not in html  # no errors left; only the autosave status (issue 13 item 5) comes back
    assert 'data-testid="draft-autosaved"' in html
    assert not MemberReview.objects.exists()


def test_grid_prefills_not_graded_reasons_from_the_facts(client, cast, cycle):
    import datetime as dt

    new = MemberFactory(cell=cast.tree.cell, admitted_on=dt.date(2026, 9, 1), full_member_on=None)
    exempt = MemberFactory(cell=cast.tree.cell, status="EXEMPT")
    client.force_login(cast.secretary.user)
    html = client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).content.decode()
    for member, reason in [(new, "NEW_MEMBER"), (exempt, "EXEMPT")]:
        select = html[html.index(f'name="m{member.pk}-reason"') :]
        assert f'<option value="{reason}" selected>' in select[: select.index("</select>")]


def test_secretary_records_a_remedy(client, cast, cycle):
    import datetime as dt

    item = RemediationItem.objects.create(
        member=cast.member.member,
        owner=cast.member.member,
        year_found=2025,
        description="Chậm nộp đảng phí",
        due_on=dt.date(2026, 12, 31),
    )
    url = reverse("reviews:remediation_done", args=[item.pk])
    client.force_login(cast.member.user)
    assert client.post(url).status_code == 404  # a member sees the item but may not confirm it
    client.force_login(cast.committee.user)
    resp = client.post(url, {"next": "https://example.com/"})
    assert resp.status_code == 302 and resp["Location"] == reverse("organizations:member", args=[cast.member.member.pk])
    item.refresh_from_db()
    assert item.remedied_on is not None and item.history.count() == 2


def test_every_path_that_changes_a_grade_leaves_history(client, cast, cycle):
    from reviews.models import Indicator

    member, cell = cast.member.member, cast.tree.cell

    def versions():
        return MemberReview.history.filter(member_id=member.pk).count()

    client.force_login(cast.member.user)
    data = {f"ind_{i.pk}": "NO" for i in Indicator.objects.all()} | {
        "strengths": "Gương mẫu",
        "shortcomings": "Còn chậm",
        "self_grade": "GOOD",
        "self_score": "80",
        "submit": "1",
    }
    client.post(reverse("reviews:my"), data)
    steps = [versions()]
    client.force_login(cast.secretary.user)
    record_collective(client, cell)
    post_grid(client, cell, grid_data(members_of(cell), ("COMPLETED", "60")))
    steps.append(versions())
    post_grid(client, cell, grid_data(members_of(cell)), action="submit")
    steps.append(versions())
    decide(client, cast.committee.user, cell)
    steps.append(versions())
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    client.post(url, {"action": "reopen", "org": cell.pk, "reason": "Rà soát lại"})
    steps.append(versions())
    assert steps == sorted(set(steps)) and steps[0] == 1, steps  # each step added a version
    org_versions = OrgReview.history.filter(organization_id=cell.pk).values_list("status", flat=True)
    assert {"DRAFT", "PROPOSED", "DECIDED", "RETURNED"} <= set(org_versions)
