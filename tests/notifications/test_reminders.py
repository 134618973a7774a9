"""Who is reminded of what, with which link, in Vietnamese (service level, Django's test outbox)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification, ReminderKind, ReminderLog, ReminderStatus
from notifications.services import reminders_run
from reviews.models import MemberReview, OrgReview, ReviewStatus

from .conftest import SITE, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _by_address(mailoutbox) -> dict[str, list]:
    out: dict[str, list] = {}
    for msg in mailoutbox:
        for to in msg.to:
            out.setdefault(to.split("<")[-1].rstrip(">"), []).append(msg)
    return out


def test_commitment_d7_reaches_exactly_the_members_missing(commitment_cycle, people, mailoutbox):
    stats = reminders_run(on=dt.date(2026, 2, 21))

    got = _by_address(mailoutbox)
    assert set(got) == {
        "dangvien@example.vn",
        "bithu@example.vn",
        "bithu2@example.vn",
        "thu@example.vn",
        "bithucs@example.vn",
    }
    assert all(len(msgs) == 1 for msgs in got.values())
    msg = got["dangvien@example.vn"][0]
    assert msg.subject == f"Nhắc nộp bản cam kết năm {YEAR}"
    assert "Kính gửi đồng chí Trần Thị Bình" in msg.body
    assert "Hạn nộp: 28/02/2026 (còn 7 ngày)" in msg.body
    assert f"{SITE}/cam-ket/" in msg.body
    assert stats["emails"] == 5
    # the ledger: one SENT row per member, keyed on the member
    rows = ReminderLog.objects.filter(kind=ReminderKind.COMMITMENT, stage="D-7")
    assert rows.count() == 5 and not rows.exclude(status=ReminderStatus.SENT).exists()
    assert set(rows.values_list("member_id", flat=True)) >= {people.no_account.pk, people.member.member.pk}
    # the inbox: members with an account see it in the app too
    note = Notification.objects.get(user=people.member.user)
    assert note.link == "/cam-ket/" and note.read_at is None


def test_running_twice_sends_nothing_new(commitment_cycle, people, mailoutbox):
    reminders_run(on=dt.date(2026, 2, 21))
    sent = len(mailoutbox)
    again = reminders_run(on=dt.date(2026, 2, 22))  # still stage D-7: already sent
    assert again["emails"] == 0 and len(mailoutbox) == sent
    assert Notification.objects.count() == 4  # the member without an account has no inbox


def test_deadline_day_is_a_new_stage_and_submitting_stops_it(commitment_cycle, people, mailoutbox):
    reminders_run(on=dt.date(2026, 2, 21))
    mailoutbox.clear()
    commitment = people.member.member.commitments.get()
    commitment.status = "SUBMITTED"
    commitment.save()
    reminders_run(on=dt.date(2026, 2, 28))
    got = _by_address(mailoutbox)
    assert "dangvien@example.vn" not in got
    assert "hôm nay là hạn cuối" in got["bithu@example.vn"][0].body


def test_before_the_window_nothing_is_due(commitment_cycle, people, mailoutbox):
    assert reminders_run(on=dt.date(2026, 2, 20))["due"] == 0
    assert reminders_run(on=dt.date(2026, 4, 30))["due"] == 0  # past the escalation window
    assert mailoutbox == []


def test_days_before_is_a_parameter(commitment_cycle, people, mailoutbox):
    reminders_run(on=dt.date(2026, 2, 18), days_before=[10, 3, 0])
    assert set(ReminderLog.objects.values_list("stage", flat=True)) == {"D-10"}
    assert "còn 10 ngày" in mailoutbox[0].body


def test_escalation_goes_to_the_superior_worst_first(commitment_cycle, people, mailoutbox):
    reminders_run(on=dt.date(2026, 3, 1))

    got = _by_address(mailoutbox)
    # members get no "late" message; superiors get one digest each
    assert set(got) == {"dangbo@example.vn", "tinhuy@example.vn"}
    committee = got["dangbo@example.vn"][0].body
    assert "Hạn nộp bản cam kết năm 2026 (28/02/2026) đã qua" in committee
    # Tổ 2: 2 of 2 missing, Tổ 1: 2 of 3 active missing (the exempt member does not count)
    assert committee.index("Chi bộ Tổ 2: 2/2 đảng viên chưa nộp") < committee.index(
        "Chi bộ Tổ 1: 2/3 đảng viên chưa nộp"
    )
    assert f"{SITE}/cam-ket/chi-bo/{people.tree.cell2.pk}/" in committee
    assert f"{SITE}/tong-hop/{people.tree.committee.pk}/" in committee
    # the grassroots cell's commune has no standing committee on record: the province hears of it
    province = got["tinhuy@example.vn"][0].body
    assert "Chi bộ Thôn Đông: 1/1" in province and "Chi bộ Tổ" not in province
    assert ReminderLog.objects.filter(stage="late", user=people.committee.user).count() == 1
    reminders_run(on=dt.date(2026, 3, 2))
    assert len(mailoutbox) == 2


def test_self_assessment_and_proposal_reminders(review_cycle, people, mailoutbox):
    t = people.tree
    MemberReview.objects.create(
        member=people.secretary.member, year=YEAR, cycle=review_cycle, cell=t.cell, status=ReviewStatus.SELF_SUBMITTED
    )
    OrgReview.objects.create(organization=t.cell2, year=YEAR, cycle=review_cycle, members_submitted_at=timezone.now())
    reminders_run(on=dt.date(2026, 12, 18))  # meeting deadline D-7 (self-assessment already late)
    got = _by_address(mailoutbox)
    # Tổ 1 has not sent its proposal: its secretary is reminded with a link to the cell's grid
    assert f"{SITE}/kiem-diem/chi-bo/{t.cell.pk}/" in got["bithu@example.vn"][0].body
    assert "Chi bộ chưa gửi đề xuất xếp loại đảng viên năm 2026" in got["bithu@example.vn"][0].body
    assert "bithu2@example.vn" not in got  # Tổ 2 has sent it
    # the self-assessment is late: the committee hears which cells, the members get nothing more
    assert "dangvien@example.vn" not in got
    assert "Chi bộ Tổ 1: 2/3 đảng viên chưa nộp" in got["dangbo@example.vn"][0].body


def test_one_message_per_person_per_run(review_cycle, people, mailoutbox):
    review_cycle.self_assessment_deadline = dt.date(2026, 12, 18)
    review_cycle.save()
    reminders_run(on=dt.date(2026, 12, 18))  # self-assessment D-0 and meeting D-7 on the same day
    got = _by_address(mailoutbox)
    assert all(len(msgs) == 1 for msgs in got.values())
    secretary = got["bithu@example.vn"][0]
    assert secretary.subject == "Tự soi: 2 việc cần làm"
    assert (
        f"{SITE}/kiem-diem/" in secretary.body and f"{SITE}/kiem-diem/chi-bo/{people.tree.cell.pk}/" in secretary.body
    )
    assert ReminderLog.objects.filter(member=people.secretary.member).count() == 1
    assert ReminderLog.objects.filter(user=people.secretary.user).count() == 1


def test_decision_reminders_go_to_the_deciding_body(review_cycle, people, mailoutbox):
    t = people.tree
    for cell in (t.cell, t.cell2, t.gcell):
        OrgReview.objects.create(organization=cell, year=YEAR, cycle=review_cycle, members_submitted_at=timezone.now())
    MemberReview.objects.filter(year=YEAR).delete()
    reminders_run(on=dt.date(2027, 1, 8))
    got = _by_address(mailoutbox)
    committee = got["dangbo@example.vn"][0].body
    assert f"{SITE}/kiem-diem/quyet-dinh/{t.committee.pk}/" in committee
    assert "Đảng bộ Trường THPT An Hòa: 2 chi bộ chờ quyết định" in committee
    # a grassroots cell decides itself: its secretary is reminded
    assert f"{SITE}/kiem-diem/quyet-dinh/{t.gcell.pk}/" in got["bithucs@example.vn"][0].body
    assert "dangvien@example.vn" not in got


def test_late_decisions_escalate_to_the_superior_of_the_deciding_body(review_cycle, people, mailoutbox):
    t = people.tree
    OrgReview.objects.create(organization=t.cell, year=YEAR, cycle=review_cycle, members_submitted_at=timezone.now())
    reminders_run(on=dt.date(2027, 1, 16))
    body = _by_address(mailoutbox)["tinhuy@example.vn"][0].body  # commune has nobody: the province
    assert "Đảng bộ Trường THPT An Hòa: 1/2 chi bộ chưa được quyết định" in body


def test_the_ledger_refuses_a_second_row(commitment_cycle, people):
    reminders_run(on=dt.date(2026, 2, 21))
    row = ReminderLog.objects.filter(member__isnull=False).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(
            member_id=row.member_id, kind=row.kind, commitment_cycle_id=row.commitment_cycle_id, stage=row.stage
        )


def test_selection_is_set_based(commitment_cycle, review_cycle, people, django_assert_max_num_queries):
    """The number of queries does not grow with members or cells."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.due import reminders_due
    from tests.factories import MemberFactory, make_org

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            due = reminders_due(on=dt.date(2026, 2, 21))
        assert due.items
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):
        cell = make_org(f"Chi bộ mới {i}", "CELL", people.tree.committee)
        MemberFactory.create_batch(3, cell=cell, email=f"moi{i}@example.vn")
    assert count() == before <= 8
