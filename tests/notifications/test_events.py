"""Event notifications through a real Celery worker and a real SMTP server: a committee decides two
cells in one batch; every member is told their grade and each secretary gets the published list, in
one message per person, and running the task again sends nothing."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from notifications.events import batch
from notifications.models import EventBatch, Notification, ReminderLog, ReminderStatus
from notifications.tasks import deliver_event
from organizations.models import Member, PositionKind
from organizations.services import position_assign
from reviews import services
from reviews.services import GridInput
from tests.minutes import record_minutes

from .smtp import body


def _propose(cell, cycle):
    services.collective_record(cell=cell, cycle=cycle, note="Chi bộ hoàn thành tốt", user=None)
    inputs = {}
    for m in Member.objects.filter(cell=cell):
        if m.is_active:
            inputs[m.pk] = GridInput(grade="GOOD", score=Decimal("80"))
        else:
            inputs[m.pk] = GridInput(grade="", reason="EXEMPT")
    record_minutes(cell, cycle, {pk: i.grade for pk, i in inputs.items() if i.grade})
    services.grid_save(cell=cell, cycle=cycle, inputs=inputs, submit=True, user=None)


def _delivered(timeout: float = 60) -> EventBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = EventBatch.objects.filter(items__0__type="grades_published").first()
        if row is not None and row.delivered_at is not None:
            return row
        time.sleep(0.2)
    raise AssertionError("the event batch was not delivered")


@pytest.mark.django_db(transaction=True)
def test_each_event_sends_one_message_per_recipient_even_when_the_task_runs_twice(
    celery_worker_thread, smtp, people, review_cycle
):
    t = people.tree
    position_assign(user=people.secretary.user, organization=t.cell2, kind=PositionKind.CELL_DEPUTY)
    _propose(t.cell, review_cycle)
    _propose(t.cell2, review_cycle)

    with batch():  # the committee decides both cells in one sitting
        services.cell_decide(cell=t.cell, cycle=review_cycle, user=people.committee.user)
        services.cell_decide(cell=t.cell2, cycle=review_cycle, user=people.committee.user)

    row = _delivered()
    assert EventBatch.objects.count() == 1
    expected = sorted(
        ["dangvien@example.vn", "bithu@example.vn", "xong@example.vn", "mien@example.vn", "bithu2@example.vn",
         "thu@example.vn"]
    )  # fmt: skip
    assert sorted(r for rcpts, _m in smtp.accepted for r in rcpts) == expected  # exactly one message each

    (mine,) = smtp.to("dangvien@example.vn")
    assert mine["Subject"] == "Kết quả xếp loại năm 2026"
    assert "Hoàn thành tốt nhiệm vụ" in body(mine) and "/kiem-diem/" in body(mine)
    (digest,) = smtp.to("bithu@example.vn")  # own grade + both cells' published lists: one message
    assert digest["Subject"] == "Tự soi: 3 thông báo mới"
    text = body(digest)
    assert "Công khai kết quả xếp loại năm 2026 — Chi bộ Tổ 1" in text
    assert "Công khai kết quả xếp loại năm 2026 — Chi bộ Tổ 2" in text
    assert "Hoàng Văn Miễn: Miễn công tác và sinh hoạt đảng" in text
    inbox = Notification.objects.filter(user=people.member.user)
    assert [n.title for n in inbox] == ["Kết quả xếp loại năm 2026"]

    # the task runs again (redelivered message, a manual retry): nothing new goes out
    for _ in range(2):
        assert deliver_event.delay(row.pk).get(timeout=60) == {"emails": 0, "inbox": 0, "people": 0}
    assert len(smtp.accepted) == 6
    assert Notification.objects.filter(user=people.member.user).count() == 1
    assert ReminderLog.objects.filter(event=row, status=ReminderStatus.SENT).count() == 6

    # a return is its own event: the secretaries are told the reason, once
    services.cell_return(cell=t.cell, cycle=review_cycle, reason="Xem lại biểu quyết", user=people.committee.user)
    deadline = time.monotonic() + 60
    while len(smtp.to("bithu@example.vn")) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    reopened = smtp.to("bithu@example.vn")[1]
    assert reopened["Subject"].strip() == "Quyết định xếp loại năm 2026 được mở lại — Chi bộ Tổ 1"
    assert "Lý do: Xem lại biểu quyết." in body(reopened)
