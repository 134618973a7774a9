"""Commitment services: saving, submitting, acknowledging, returning, reopening, audit and events."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments import services
from commitments.models import Commitment, CommitmentStatus, ProgressStatus
from commitments.services import ActionInput
from core import events
from organizations.models import PositionKind
from organizations.services import member_transfer, position_assign
from reviews.models import Indicator
from tests.commitments.conftest import AREAS

pytestmark = pytest.mark.django_db


def action(year, **kw):
    return ActionInput(
        description=kw.get("description", "Tham gia dọn vệ sinh khu dân cư"),
        expected_result=kw.get("expected_result", "12 buổi trong năm"),
        due_on=kw.get("due_on", dt.date(year, 12, 1)),
    )


def submit(cast, cycle, who="member", **content):
    m = getattr(cast, who)
    return services.commitment_save(
        member=m.member,
        cycle=cycle,
        content={**AREAS, **content},
        watched=Indicator.objects.filter(number__in=[4, 6]),
        actions=[action(cycle.year)],
        submit=True,
        by=m.user,
    )


@pytest.fixture
def changed(monkeypatch):
    calls = []
    monkeypatch.setattr(events, "CELLS_CHANGED", [lambda ids, year: calls.append((ids, year))])
    return calls


def test_draft_saves_without_validation_and_submission_validates(cast, cycle, changed):
    m = cast.member
    draft = services.commitment_save(
        member=m.member, cycle=cycle, content={"political_ideology": "Mới viết một ý"}, by=m.user
    )
    assert draft.status == CommitmentStatus.DRAFT
    assert changed == [({cast.tree.cell.pk}, cycle.year)]
    with pytest.raises(ValidationError) as err:
        services.commitment_submit(commitment=draft, by=m.user)
    assert set(err.value.message_dict) >= {"ethics_lifestyle", "plan", "pledge_27", "actions"}
    draft.refresh_from_db()
    assert draft.status == CommitmentStatus.DRAFT


def test_submit_sets_times_and_watched_indicators(cast, cycle, changed):
    c = submit(cast, cycle)
    assert c.status == CommitmentStatus.SUBMITTED
    assert c.submitted_at and c.first_submitted_at == c.submitted_at
    assert sorted(c.watched_indicators.values_list("number", flat=True)) == [4, 6]
    assert c.actions.count() == 1
    assert changed[-1] == ({cast.tree.cell.pk}, cycle.year)


def test_failed_submission_saves_nothing(cast, cycle):
    m = cast.member
    with pytest.raises(ValidationError):
        services.commitment_save(
            member=m.member, cycle=cycle, content={"political_ideology": "x"}, submit=True, by=m.user
        )
    assert not Commitment.objects.filter(member=m.member).exists()


def test_one_commitment_per_member_per_year_is_a_database_constraint(cast, cycle):
    c = submit(cast, cycle)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(member=c.member, year=c.year, cycle=cycle)


def test_return_with_reason_then_resubmit_then_acknowledge(cast, cycle, changed):
    c = submit(cast, cycle)
    with pytest.raises(ValidationError) as err:
        services.commitment_return(commitment=c, reason="  ", by=cast.secretary.user)
    assert "reason" in err.value.message_dict
    c = services.commitment_return(commitment=c, reason="Bổ sung kết quả đo được", by=cast.secretary.user)
    assert c.status == CommitmentStatus.RETURNED and c.return_reason == "Bổ sung kết quả đo được"
    first = c.first_submitted_at
    c = submit(cast, cycle, assigned_tasks="Hoàn thành 100% nhiệm vụ, 2 sáng kiến")
    assert c.status == CommitmentStatus.SUBMITTED and c.first_submitted_at == first
    c = services.commitment_acknowledge(commitment=c, by=cast.secretary.user)
    assert c.status == CommitmentStatus.ACKNOWLEDGED and c.acknowledged_by == cast.secretary.user
    assert len(changed) == 4


def test_acknowledged_is_read_only_until_reopened_and_reopen_is_audited(cast, cycle):
    c = services.commitment_acknowledge(commitment=submit(cast, cycle), by=cast.secretary.user)
    with pytest.raises(ValidationError):
        submit(cast, cycle, plan="Sửa sau khi xác nhận")
    with pytest.raises(ValidationError):
        services.commitment_return(commitment=c, reason="x", by=cast.secretary.user)
    c = services.commitment_reopen(commitment=c, reason="Cập nhật theo nhiệm vụ mới", by=cast.secretary.user)
    assert c.status == CommitmentStatus.RETURNED and c.acknowledged_at is None
    last = c.history.order_by("-history_date").first()
    assert last.history_user == cast.secretary.user and last.return_reason == "Cập nhật theo nhiệm vụ mới"
    assert list(c.history.order_by("history_date").values_list("status", flat=True)) == [
        "DRAFT",
        "SUBMITTED",
        "ACKNOWLEDGED",
        "RETURNED",
    ]
    c = submit(cast, cycle, plan="Sửa sau khi mở lại")
    assert c.status == CommitmentStatus.SUBMITTED and c.plan == "Sửa sau khi mở lại"


def test_due_date_outside_the_year_is_refused(cast, cycle):
    m = cast.member
    with pytest.raises(ValidationError) as err:
        services.commitment_save(
            member=m.member,
            cycle=cycle,
            content=AREAS,
            actions=[action(cycle.year, due_on=dt.date(cycle.year + 1, 1, 5))],
            by=m.user,
        )
    assert "due_on" in err.value.message_dict


def test_leader_must_register_exemplary_role_which_goes_to_the_led_committee(cast, cycle):
    with pytest.raises(ValidationError) as err:
        submit(cast, cycle, who="secretary")
    assert "exemplary_registration" in err.value.message_dict
    c = submit(cast, cycle, who="secretary", exemplary_registration="Đi đầu trong phong trào chuyển đổi số")
    assert list(c.exemplary_organizations.all()) == [cast.tree.cell]


def test_bulk_acknowledge_only_touches_submitted_commitments_of_the_cell(cast, cycle, changed):
    a = submit(cast, cycle)
    b = submit(cast, cycle, who="secretary", exemplary_registration="Nêu gương")
    other = submit(cast, cycle, who="other_secretary", exemplary_registration="Nêu gương")
    services.commitment_return(commitment=b, reason="Sửa", by=cast.secretary.user)
    n = services.commitments_acknowledge_bulk(
        cell=cast.tree.cell, ids=[a.pk, b.pk, other.pk], year=cycle.year, by=cast.secretary.user
    )
    assert n == 1
    statuses = dict(Commitment.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "ACKNOWLEDGED", b.pk: "RETURNED", other.pk: "SUBMITTED"}
    assert a.history.filter(status="ACKNOWLEDGED", history_user=cast.secretary.user).exists()
    assert changed[-1] == ({cast.tree.cell.pk}, cycle.year)


def test_progress_recorded_after_submission(cast, cycle):
    m = cast.member
    draft = services.commitment_save(
        member=m.member, cycle=cycle, content=AREAS, actions=[action(cycle.year)], by=m.user
    )
    act = draft.actions.get()
    with pytest.raises(ValidationError):
        services.commitment_action_record_progress(action=act, progress="DONE", note="", by=m.user)
    submit(cast, cycle)
    act = services.commitment_action_record_progress(action=act, progress="DONE", note="Đủ 12 buổi", by=m.user)
    assert act.progress == ProgressStatus.DONE and act.progress_updated_at is not None


def test_transfer_keeps_the_commitment(cast, cycle):
    c = submit(cast, cycle)
    member_transfer(member=cast.member.member, to_cell=cast.tree.cell2, on=dt.date.today())
    c.refresh_from_db()
    assert c.member.cell == cast.tree.cell2
    services.commitment_acknowledge(commitment=c, by=cast.other_secretary.user)


def test_led_committee_is_a_position_not_only_a_cell(cast, cycle):
    position_assign(user=cast.member.user, organization=cast.tree.committee, kind=PositionKind.COMMITTEE_MEMBER)
    c = submit(cast, cycle, exemplary_registration="Gương mẫu")
    assert list(c.exemplary_organizations.all()) == [cast.tree.committee]
