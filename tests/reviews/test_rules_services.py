"""Issue 10 at the service level: each rule refuses through the services (grid, decisions, organisation
grades, fact records), whatever view calls them — and each test fails when its rule is removed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import Notification
from organizations.models import Member, OrgKind, Position
from reviews import selectors as sel
from reviews import services
from reviews.models import (
    GradingRegime,
    Indicator,
    ManifestationConclusion,
    MemberReview,
    OrgReview,
    ReviewCycle,
    ReviewStatus,
)
from reviews.services import GridInput, RulesRefused
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def members_of(cell):
    return list(Member.objects.filter(cell=cell).order_by("pk"))


def inputs_for(cell, default=("GOOD", "80"), per=None):
    out = {}
    for m in members_of(cell):
        grade, score, *extra = (per or {}).get(m.pk, default)
        out[m.pk] = GridInput(grade=grade, score=Decimal(score) if score else None, **(extra[0] if extra else {}))
    return out


def grid_submit(*, cell, cycle, inputs, user, **kw):
    """Submit the grid after the cell's meeting (issue 12: the minutes with votes come first)."""
    from tests.minutes import record_minutes

    record_minutes(cell, cycle, {pk: i.grade for pk, i in inputs.items() if i.grade})
    return services.grid_save(cell=cell, cycle=cycle, inputs=inputs, submit=True, user=user, **kw)


def submit(cast, cell, cycle, per=None, default=("GOOD", "80"), **kw):
    user = cast.secretary.user if cell == cast.tree.cell else cast.other_secretary.user
    services.collective_record(cell=cell, cycle=cycle, note="Chi bộ hoàn thành tốt", user=user)
    return grid_submit(cell=cell, cycle=cycle, inputs=inputs_for(cell, default, per), user=user, **kw)


def refused_codes(call) -> set[str]:
    with pytest.raises(RulesRefused) as exc:
        call()
    return {v.code for v in exc.value.violations}


def discipline(member, kind="REPRIMAND", on=dt.date(2026, 5, 4)):
    return services.discipline_record_create(
        member=member,
        kind=kind,
        decided_on=on,
        decision_number="01-QĐ/ĐU",
        violation="Vi phạm",
        decided_by=member.cell.grassroots(),
    )


def commune_committee():
    """The standing committee of the commune: it grades the grassroots committee (directly superior)."""
    from organizations.models import Organization, PositionKind
    from organizations.services import position_assign
    from tests.factories import UserFactory

    user = UserFactory(username="xauy-an-hoa")
    commune = Organization.objects.get(name="Đảng bộ xã An Hòa")
    position_assign(
        user=user, organization=commune, kind=PositionKind.STANDING_COMMITTEE, valid_from=dt.date(2020, 1, 1)
    )
    return user


def decide_both_cells(cast, cycle, **grades):
    for cell in (cast.tree.cell, cast.tree.cell2):
        submit(cast, cell, cycle)
        services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    for cell in (cast.tree.cell, cast.tree.cell2):
        services.org_grade_decide(
            org=cell, cycle=cycle, grade=grades.get(cell.name, "GOOD"), reason="Theo kết quả", user=cast.committee.user
        )


# --- not-graded reasons against facts ---------------------------------------------------------------


def test_full_active_member_cannot_be_exempt_until_a_decision_is_recorded(cast, cycle):
    member = cast.member.member
    per = {member.pk: ("", "", {"reason": "EXEMPT"})}
    assert "NOT_EXEMPT" in refused_codes(lambda: submit(cast, cast.tree.cell, cycle, per=per))
    assert not MemberReview.objects.filter(member=member, not_graded_reason="EXEMPT").exists()
    with pytest.raises(PermissionDenied):  # a cell secretary does not record exemptions
        services.exemption_record_create(
            member=member,
            kind="EXEMPT",
            valid_from=dt.date(2026, 3, 1),
            decision_number="05-QĐ/ĐU",
            reason="Tuổi cao",
            decided_by=cast.tree.committee,
            user=cast.secretary.user,
        )
    services.exemption_record_create(
        member=member,
        kind="EXEMPT",
        valid_from=dt.date(2026, 3, 1),
        decision_number="05-QĐ/ĐU",
        reason="Tuổi cao, sức khỏe yếu",
        decided_by=cast.tree.committee,
        user=cast.committee.user,
    )
    member.refresh_from_db()
    assert member.status == "EXEMPT" and member.history.count() >= 2
    submit(cast, cast.tree.cell, cycle, per=per)
    assert MemberReview.objects.get(member=member).not_graded_reason == "EXEMPT"


def test_sick_or_away_needs_a_temporary_exemption_in_the_year(cast, cycle):
    member = cast.member.member
    per = {member.pk: ("", "", {"reason": "SICK_OR_AWAY"})}
    assert "NOT_AWAY" in refused_codes(lambda: submit(cast, cast.tree.cell, cycle, per=per))
    services.exemption_record_create(
        member=member,
        kind="TEMPORARY",
        valid_from=dt.date(2026, 2, 1),
        valid_to=dt.date(2026, 11, 30),
        decision_number="07-QĐ/ĐU",
        reason="Điều trị dài ngày",
        decided_by=cast.tree.committee,
        user=cast.committee.user,
    )
    submit(cast, cast.tree.cell, cycle, per=per)


@pytest.mark.parametrize("reason", ["OTHER", "DISCIPLINE_PENDING", "SICK_OR_AWAY"])
def test_disciplined_member_cannot_escape_not_completed(cast, cycle, reason):
    member = cast.member.member
    discipline(member)
    per = {member.pk: ("", "", {"reason": reason, "reason_note": "Đi công tác dài ngày"})}
    found = refused_codes(lambda: submit(cast, cast.tree.cell, cycle, per=per))
    assert "MUST_BE_GRADED" in found
    if reason == "DISCIPLINE_PENDING":
        assert "ALREADY_DISCIPLINED" in found
    assert "DISCIPLINED" in refused_codes(
        lambda: submit(cast, cast.tree.cell, cycle, per={member.pk: ("COMPLETED", "60")})
    )
    submit(cast, cast.tree.cell, cycle, per={member.pk: ("NOT_COMPLETED", "40")})


def test_other_needs_text_and_the_deciders_approval(cast, cycle):
    member = cast.member.member
    assert "OTHER_NEEDS_NOTE" in refused_codes(
        lambda: submit(cast, cast.tree.cell, cycle, per={member.pk: ("", "", {"reason": "OTHER"})})
    )
    submit(
        cast, cast.tree.cell, cycle, per={member.pk: ("", "", {"reason": "OTHER", "reason_note": "Đi học nước ngoài"})}
    )
    assert "OTHER_NEEDS_APPROVAL" in refused_codes(
        lambda: services.cell_decide(cell=cast.tree.cell, cycle=cycle, user=cast.committee.user)
    )
    review = MemberReview.objects.get(member=member)
    assert review.status == ReviewStatus.PROPOSED
    services.cell_decide(cell=cast.tree.cell, cycle=cycle, approve_other=[review.pk], user=cast.committee.user)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DECIDED and review.other_approved_by == cast.committee.user
    assert review.history.filter(other_approved_by=cast.committee.user).exists()


# --- official conclusions ---------------------------------------------------------------------------


def test_conclusion_is_recorded_by_the_competent_body_and_forces_not_completed(cast, cycle):
    member = cast.member.member
    indicator = Indicator.objects.get(number=5)
    kw = {
        "member": member,
        "concluded_on": dt.date(2026, 9, 1),
        "document_number": "15-KL/UBKT",
        "content": "Có biểu hiện suy thoái",
        "indicators": [indicator],
    }
    with pytest.raises(PermissionDenied):  # an inspection committee elsewhere
        services.conclusion_record_create(concluded_by=cast.tree.commune2, user=cast.inspector.user, **kw)
    with pytest.raises(PermissionDenied):  # a body that does not cover the member
        services.conclusion_record_create(concluded_by=cast.tree.commune2, user=cast.province.user, **kw)
    with pytest.raises(ValidationError):
        services.conclusion_record_create(
            concluded_by=cast.tree.committee, user=cast.committee.user, **{**kw, "indicators": []}
        )
    record = services.conclusion_record_create(concluded_by=cast.tree.committee, user=cast.committee.user, **kw)
    assert record.year == 2026 and list(record.indicators.all()) == [indicator]
    assert record.history.count() == 1 and record.recorded_by == cast.committee.user
    review = MemberReview.objects.get(member=member, year=2026)
    assert review.concluded_manifestation and review.history.exists()
    assert "CONCLUDED" in refused_codes(lambda: submit(cast, cast.tree.cell, cycle))
    assert "MUST_BE_GRADED" in refused_codes(
        lambda: submit(cast, cast.tree.cell, cycle, per={member.pk: ("", "", {"reason": "OTHER", "reason_note": "x"})})
    )
    submit(cast, cast.tree.cell, cycle, per={member.pk: ("NOT_COMPLETED", "30")})
    assert ManifestationConclusion.objects.count() == 1


# --- values and cut-offs ----------------------------------------------------------------------------


def test_sick_leave_is_stored_exactly_as_validated(cast, cycle):
    member = cast.member.member
    user = cast.secretary.user
    inputs = inputs_for(cast.tree.cell, per={member.pk: ("COMPLETED", "60", {"sick_leave_months": Decimal("2.97")})})
    services.grid_save(cell=cast.tree.cell, cycle=cycle, inputs=inputs, user=user)
    assert MemberReview.objects.get(member=member).sick_leave_months == Decimal("2.97")
    inputs[member.pk].grade, inputs[member.pk].score = "GOOD", Decimal(80)
    assert services.grid_save(cell=cast.tree.cell, cycle=cycle, inputs=inputs, user=user) == []  # 2.97 < 3 months
    inputs[member.pk].sick_leave_months = Decimal("2.975")
    assert refused_codes(lambda: services.grid_save(cell=cast.tree.cell, cycle=cycle, inputs=inputs, user=user)) == {
        "SICK_LEAVE_VALUE"
    }
    assert MemberReview.objects.get(member=member).sick_leave_months == Decimal("2.97")


def test_new_member_cut_off_counts_to_the_grading_date_not_the_meeting(cast, cycle):
    # cycle: meeting 20/12/2026, decision (grading) 15/01/2027. Admitted 10/07/2026: 6 months on 10/01/2027.
    settled = MemberFactory(cell=cast.tree.cell, admitted_on=dt.date(2026, 7, 10), full_member_on=None)
    recent = MemberFactory(cell=cast.tree.cell, admitted_on=dt.date(2026, 7, 20), full_member_on=None)
    assert "NOT_NEW_MEMBER" in refused_codes(
        lambda: submit(
            cast,
            cast.tree.cell,
            cycle,
            per={settled.pk: ("", "", {"reason": "NEW_MEMBER"}), recent.pk: ("", "", {"reason": "NEW_MEMBER"})},
        )
    )
    assert "NEW_MEMBER" in refused_codes(lambda: submit(cast, cast.tree.cell, cycle))
    submit(cast, cast.tree.cell, cycle, per={recent.pk: ("", "", {"reason": "NEW_MEMBER"})})
    assert MemberReview.objects.get(member=settled).proposed_grade == "GOOD"


def test_a_cycle_refuses_a_regime_that_does_not_cover_its_year(tree):
    kw = {
        "organization": tree.province,
        "self_assessment_deadline": dt.date(2024, 12, 10),
        "meeting_deadline": dt.date(2024, 12, 20),
        "decision_deadline": dt.date(2025, 1, 15),
    }
    with pytest.raises(ValidationError) as exc:
        services.cycle_create(year=2024, regime=GradingRegime.objects.get(code="QD366-2025"), **kw)
    assert "không áp dụng cho năm 2024" in str(exc.value)
    assert not ReviewCycle.objects.exists()
    assert services.cycle_create(year=2024, **kw).regime.code == "QD124-2023"


# --- two years NOT_COMPLETED --------------------------------------------------------------------------


def test_two_consecutive_years_not_completed_flag_the_cell_and_the_decider(cast, cycle):
    member = cast.member.member
    previous = services.cycle_create(
        organization=cast.tree.province,
        year=2025,
        self_assessment_deadline=dt.date(2025, 12, 10),
        meeting_deadline=dt.date(2025, 12, 20),
        decision_deadline=dt.date(2026, 1, 15),
    )
    MemberReview.objects.create(
        member=member, year=2025, cycle=previous, cell=cast.tree.cell, status="DECIDED", decided_grade="NOT_COMPLETED"
    )
    submit(cast, cast.tree.cell, cycle, per={member.pk: ("NOT_COMPLETED", "40")})
    services.cell_decide(cell=cast.tree.cell, cycle=cycle, user=cast.committee.user)
    flagged = MemberReview.objects.filter(year=2026, consider_removal=True)
    assert list(flagged.values_list("member_id", flat=True)) == [member.pk]
    inbox = Notification.objects.filter(title__contains="2 năm liền không hoàn thành nhiệm vụ")
    assert set(inbox.values_list("user_id", flat=True)) == {cast.secretary.user.pk, cast.committee.user.pk}
    assert member.full_name in inbox.first().body


def test_one_year_not_completed_is_not_flagged(cast, cycle):
    submit(cast, cast.tree.cell, cycle, per={cast.member.member.pk: ("NOT_COMPLETED", "40")})
    services.cell_decide(cell=cast.tree.cell, cycle=cycle, user=cast.committee.user)
    assert not MemberReview.objects.filter(consider_removal=True).exists()
    assert not Notification.objects.exists()


# --- organisations -------------------------------------------------------------------------------------


def test_excellent_organisation_needs_a_score_of_90_under_qd366(cast, cycle):
    submit(cast, cast.tree.cell, cycle)
    services.cell_decide(cell=cast.tree.cell, cycle=cycle, user=cast.committee.user)

    def call():
        return services.org_grade_decide(
            org=cast.tree.cell, cycle=cycle, grade="EXCELLENT", reason="Tiêu biểu", user=cast.committee.user
        )

    assert "ORG_SCORE_REQUIRED" in refused_codes(call)
    OrgReview.objects.filter(organization=cast.tree.cell).update(proposed_score=Decimal("89.5"))
    assert "ORG_SCORE_BAND" in refused_codes(call)
    OrgReview.objects.filter(organization=cast.tree.cell).update(proposed_score=Decimal(90))
    assert call().decided_grade == "EXCELLENT"


def test_grassroots_committee_is_graded_only_after_its_cells(cast, cycle):
    submit(cast, cast.tree.cell, cycle)
    services.cell_decide(cell=cast.tree.cell, cycle=cycle, user=cast.committee.user)
    services.org_grade_decide(org=cast.tree.cell, cycle=cycle, grade="GOOD", user=cast.committee.user)
    commune_sc = commune_committee()

    def call():
        return services.org_grade_decide(org=cast.tree.committee, cycle=cycle, grade="COMPLETED", user=commune_sc)

    assert "ORG_SUBUNITS_PENDING" in refused_codes(call)
    submit(cast, cast.tree.cell2, cycle)
    services.cell_decide(cell=cast.tree.cell2, cycle=cycle, user=cast.committee.user)
    assert "ORG_SUBUNITS_PENDING" in refused_codes(call)  # members decided, the cell's own grade not yet
    services.org_grade_decide(org=cast.tree.cell2, cycle=cycle, grade="GOOD", user=cast.committee.user)
    assert call().decided_grade == "COMPLETED"


def test_leader_removed_from_post_during_the_year_still_counts(cast, cycle):
    Position.objects.filter(user=cast.secretary.user, organization=cast.tree.cell).update(valid_to=dt.date(2026, 6, 30))
    discipline(cast.secretary.member, kind="WARNING", on=dt.date(2026, 8, 1))
    services.collective_record(cell=cast.tree.cell, cycle=cycle, note="x", user=cast.committee.user)
    grid_submit(
        cell=cast.tree.cell,
        cycle=cycle,
        inputs=inputs_for(cast.tree.cell, per={cast.secretary.member.pk: ("NOT_COMPLETED", "40")}),
        user=cast.committee.user,
    )
    services.cell_decide(cell=cast.tree.cell, cycle=cycle, user=cast.committee.user)
    assert "ORG_LEADER_DISCIPLINED" in refused_codes(
        lambda: services.org_grade_decide(org=cast.tree.cell, cycle=cycle, grade="COMPLETED", user=cast.committee.user)
    )
    services.org_grade_decide(org=cast.tree.cell, cycle=cycle, grade="NOT_COMPLETED", user=cast.committee.user)


def test_more_than_20_percent_of_subunits_disciplined_and_qd366_excellent(cast, cycle):
    decide_both_cells(cast, cycle)
    with pytest.raises(PermissionDenied):  # a cell secretary cannot discipline an organisation
        services.org_discipline_record_create(
            organization=cast.tree.cell2,
            kind="REPRIMAND",
            decided_on=dt.date(2026, 10, 1),
            decision_number="03-QĐ/ĐU",
            violation="Buông lỏng quản lý",
            decided_by=cast.tree.committee,
            user=cast.secretary.user,
        )
    services.org_discipline_record_create(
        organization=cast.tree.cell2,
        kind="REPRIMAND",
        decided_on=dt.date(2026, 10, 1),
        decision_number="03-QĐ/ĐU",
        violation="Buông lỏng quản lý",
        decided_by=cast.tree.committee,
        user=cast.committee.user,
    )
    OrgReview.objects.filter(organization=cast.tree.committee).update(proposed_score=Decimal(95))
    commune_sc = commune_committee()
    grade = lambda g: services.org_grade_decide(org=cast.tree.committee, cycle=cycle, grade=g, user=commune_sc)  # noqa: E731
    assert "ORG_SUBUNITS_DISCIPLINED" in refused_codes(lambda: grade("COMPLETED"))  # 1 of 2 cells: 50 % > 20 %
    assert "ORG_EXCELLENT_SUBUNIT_DISCIPLINE" in refused_codes(lambda: grade("EXCELLENT"))
    assert grade("NOT_COMPLETED").decided_grade == "NOT_COMPLETED"


def test_collective_disciplined_is_not_completed(cast, cycle):
    submit(cast, cast.tree.cell, cycle)
    services.cell_decide(cell=cast.tree.cell, cycle=cycle, user=cast.committee.user)
    services.org_discipline_record_create(
        organization=cast.tree.cell,
        kind="WARNING",
        decided_on=dt.date(2026, 10, 1),
        decision_number="04-QĐ/ĐU",
        violation="Mất đoàn kết",
        decided_by=cast.tree.committee,
    )
    assert "ORG_DISCIPLINED" in refused_codes(
        lambda: services.org_grade_decide(org=cast.tree.cell, cycle=cycle, grade="COMPLETED", user=cast.committee.user)
    )


def test_organisation_established_less_than_six_months_is_not_graded(cast, cycle):
    young = make_org("Chi bộ Tổ 3", OrgKind.CELL, cast.tree.committee, valid_from=dt.date(2026, 9, 1))
    MemberFactory(cell=young)
    services.collective_record(cell=young, cycle=cycle, note="x", user=cast.committee.user)
    grid_submit(cell=young, cycle=cycle, inputs=inputs_for(young), user=cast.committee.user)
    services.cell_decide(cell=young, cycle=cycle, user=cast.committee.user)
    assert refused_codes(
        lambda: services.org_grade_decide(org=young, cycle=cycle, grade="GOOD", user=cast.committee.user)
    ) == {"ORG_TOO_NEW"}
    # …and it does not hold up its grassroots committee
    decide_both_cells(cast, cycle)
    assert services.org_grade_decide(org=cast.tree.committee, cycle=cycle, grade="GOOD", user=commune_committee())


# --- the conclusion page ------------------------------------------------------------------------------


def test_conclusion_page_is_scoped_audited_and_keeps_typed_values(client, cast, cycle):
    from django.urls import reverse

    member = cast.member.member
    url = reverse("reviews:conclusion", args=[member.pk])
    client.force_login(cast.secretary.user)
    assert client.get(url).status_code == 403  # reads the member, may not record a conclusion
    client.force_login(cast.inspector.user)
    assert client.get(url).status_code == 404  # outside its subtree
    client.force_login(cast.committee.user)
    page = client.get(url).content.decode()
    assert "Kết luận có biểu hiện suy thoái" in page and "Chưa có kết luận." in page
    resp = client.post(
        url, {"concluded_by": cast.tree.committee.pk, "concluded_on": "2026-09-01", "document_number": "15-KL"}
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and "Chọn ít nhất một biểu hiện được kết luận." in html
    assert 'value="15-KL"' in html and not ManifestationConclusion.objects.exists()
    indicator = Indicator.objects.get(number=3)
    resp = client.post(
        url,
        {
            "concluded_by": cast.tree.committee.pk,
            "concluded_on": "2026-09-01",
            "document_number": "15-KL",
            "content": "Có biểu hiện",
            "indicators": [indicator.pk],
        },
    )
    assert resp.status_code == 302
    record = ManifestationConclusion.objects.get()
    assert record.history.first().history_user == cast.committee.user or record.recorded_by == cast.committee.user
    assert MemberReview.objects.get(member=member, year=2026).concluded_manifestation
    assert "15-KL" in client.get(url).content.decode()


def test_organisations_graded_excellent_count_against_the_deciders_quota(cast, cycle):
    """20 % of the organisations graded GOOD by the same body (REFERENCE 4, likely): exceeding it needs a reason."""
    cells = [cast.tree.cell, cast.tree.cell2]
    cells += [make_org(f"Chi bộ Tổ {i}", OrgKind.CELL, cast.tree.committee) for i in range(3, 8)]
    for cell in cells[2:]:
        MemberFactory(cell=cell)
    for cell in cells:
        services.collective_record(cell=cell, cycle=cycle, note="x", user=cast.committee.user)
        grid_submit(cell=cell, cycle=cycle, inputs=inputs_for(cell), user=cast.committee.user)
        services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    for cell in cells[1:6]:
        services.org_grade_decide(org=cell, cycle=cycle, grade="GOOD", user=cast.committee.user)
    first = services.org_grade_decide(
        org=cells[0], cycle=cycle, grade="EXCELLENT", score=Decimal(95), user=cast.committee.user
    )
    assert first.decided_grade == "EXCELLENT"  # 5 GOOD → 1 EXCELLENT allowed
    with pytest.raises(RulesRefused) as exc:
        services.org_grade_decide(
            org=cells[6], cycle=cycle, grade="EXCELLENT", score=Decimal(95), user=cast.committee.user
        )
    assert exc.value.violations[-1].message == (
        "Vượt tỷ lệ: 2 tổ chức Hoàn thành xuất sắc nhiệm vụ, trong khi tối đa là 1 "
        "(20 % của 5 tổ chức Hoàn thành tốt nhiệm vụ do Đảng bộ Trường THPT An Hòa xếp loại)."
    )
    decided = services.org_grade_decide(
        org=cells[6],
        cycle=cycle,
        grade="EXCELLENT",
        score=Decimal(95),
        reason="Thành tích nổi bật",
        user=cast.committee.user,
    )
    assert (
        decided.decision_reason == "Thành tích nổi bật" and decided.history.filter(decided_grade="EXCELLENT").exists()
    )


def test_decider_approves_other_on_the_decisions_page(client, cast, cycle):
    from django.urls import reverse

    member = cast.member.member
    submit(
        cast, cast.tree.cell, cycle, per={member.pk: ("", "", {"reason": "OTHER", "reason_note": "Đi học nước ngoài"})}
    )
    review = MemberReview.objects.get(member=member)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="approve-other"' in page and "Đi học nước ngoài" in page
    version = OrgReview.objects.get(organization=cast.tree.cell).version
    resp = client.post(url, {"action": "decide", "org": cast.tree.cell.pk, "version": version})
    assert "cấp quyết định phải chấp thuận việc không xếp loại" in resp.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.PROPOSED
    resp = client.post(
        url, {"action": "decide", "org": cast.tree.cell.pk, "version": version, f"approve_{review.pk}": "1"}
    )
    assert resp.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.DECIDED and review.other_approved_by == cast.committee.user


def test_exemption_and_org_discipline_pages(client, cast, cycle):
    from django.urls import reverse

    from reviews.models import ExemptionRecord, OrgDisciplineRecord

    member = cast.member.member
    url = reverse("reviews:exemption", args=[member.pk])
    client.force_login(cast.secretary.user)
    assert client.get(url).status_code == 403
    client.force_login(cast.committee.user)
    bad = {"decided_by": cast.tree.committee.pk, "kind": "EXEMPT", "valid_from": "2026-03-01", "valid_to": "2026-01-01"}
    resp = client.post(url, {**bad, "decision_number": "05-QĐ", "reason": "Tuổi cao"})
    assert resp.status_code == 200 and "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in resp.content.decode()
    assert 'value="05-QĐ"' in resp.content.decode() and not ExemptionRecord.objects.exists()
    good = {**bad, "valid_to": "", "decision_number": "05-QĐ", "reason": "Tuổi cao"}
    assert client.post(url, good).status_code == 302
    assert ExemptionRecord.objects.get().history.first().history_user == cast.committee.user
    assert "05-QĐ" in client.get(url).content.decode()
    org_url = reverse("reviews:org_discipline", args=[cast.tree.cell.pk])
    assert client.get(reverse("reviews:org_discipline", args=[cast.tree.committee.pk])).status_code == 403  # itself
    post = {
        "decided_by": cast.tree.committee.pk,
        "kind": "REPRIMAND",
        "decided_on": "2026-10-01",
        "decision_number": "03",
    }
    assert client.post(org_url, {**post, "violation": "Buông lỏng"}).status_code == 302
    assert OrgDisciplineRecord.objects.get().organization == cast.tree.cell
    client.force_login(cast.inspector.user)
    assert client.get(org_url).status_code == 404


def _cell_grade_codes(cast, cycle) -> set[str]:
    data = sel.grid_load(cell=cast.tree.cell, cycle=cycle)
    found = services.grid_validate(data, {}, org_grade="GOOD", org_score=None, complete=False)
    return {v.code for v in found}


def test_a_leader_concluded_in_the_year_makes_the_cell_not_completed_only_that_year(cast, cycle):
    kw = {"concluded_by": cast.tree.committee, "user": cast.committee.user, "document_number": "16-KL/UBKT",
          "content": "Có biểu hiện suy thoái", "indicators": [Indicator.objects.get(number=5)]}
    services.conclusion_record_create(member=cast.member.member, concluded_on=dt.date(2026, 9, 1), **kw)
    assert "ORG_LEADER_CONCLUDED" not in _cell_grade_codes(cast, cycle)  # not a leader
    services.conclusion_record_create(member=cast.secretary.member, concluded_on=dt.date(2025, 9, 1), **kw)
    assert "ORG_LEADER_CONCLUDED" not in _cell_grade_codes(cast, cycle)  # another year
    services.conclusion_record_create(member=cast.secretary.member, concluded_on=dt.date(2026, 9, 2), **kw)
    assert "ORG_LEADER_CONCLUDED" in _cell_grade_codes(cast, cycle)
