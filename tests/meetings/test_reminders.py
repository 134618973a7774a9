"""Reminders of the round go through the reminders' ledger: pending residence comments (then an
escalation upward) and quarterly self-evaluations, once per stage and recipient, over real SMTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import ResidenceComment
from meetings.services import residence as rs
from notifications.events import event_deliver
from notifications.models import EventBatch
from quarterly.services import quarterly_cycle_create, quarterly_reminders_run
from tests.notifications.conftest import smtp  # noqa: F401 - fixture
from tests.notifications.smtp import body

pytestmark = pytest.mark.django_db


def _deliver_all() -> list[dict]:
    return [event_deliver(batch_id=pk) for pk in EventBatch.objects.order_by("pk").values_list("pk", flat=True)]


def test_pending_residence_comment_is_reminded_then_escalated_once(cast, cycle, residence, smtp):  # noqa: F811
    for who in (cast.province,):
        who.user.email = "tinhuy@example.vn"
        who.user.save(update_fields=["email"])
    rs.residence_request(
        cell=cast.tree.cell,
        year=2026,
        requests=[rs.ResidenceRequest(member=cast.member.member, residence_org=residence.cell)],
        user=cast.secretary.user,
    )
    asked = timezone.localdate()
    _deliver_all()  # the request itself
    assert [r for rcpts, _m in smtp.accepted for r in rcpts] == ["bithukp@example.vn"]

    assert rs.residence_reminders_run(on=asked + dt.timedelta(days=3)) == 0
    assert rs.residence_reminders_run(on=asked + dt.timedelta(days=8)) == 1
    assert rs.residence_reminders_run(on=asked + dt.timedelta(days=9)) == 0  # same stage: nothing new
    _deliver_all()
    _deliver_all()  # the task running twice sends nothing more
    reminders = smtp.to("bithukp@example.vn")
    assert len(reminders) == 2 and reminders[1]["Subject"].strip().startswith("Nhắc nhận xét đảng viên cư trú")
    assert "Trần Thị Bình" in body(reminders[1])

    assert rs.residence_reminders_run(on=asked + dt.timedelta(days=15)) == 1
    _deliver_all()
    (late,) = smtp.to("tinhuy@example.vn")  # the superior committee of the residence cell
    assert "Chi bộ Khu phố 3 chưa gửi nhận xét" in late["Subject"]

    comment = ResidenceComment.objects.get()
    rs.residence_comment_write(comment=comment, fulfilment="YES", text="Tốt", user=residence.user)
    assert rs.residence_reminders_run(on=asked + dt.timedelta(days=30)) == 0  # answered: no more


def test_quarterly_reminders_go_to_leaders_only_once(cast, tree, smtp):  # noqa: F811
    for who in (cast.secretary, cast.member, cast.other_secretary):
        who.user.email = f"{who.user.username}@example.vn"
        who.user.save(update_fields=["email"])
    quarterly_cycle_create(organization=tree.province, year=2026)
    assert quarterly_reminders_run(on=dt.date(2026, 12, 1)) == 0
    assert quarterly_reminders_run(on=dt.date(2026, 12, 8)) == 1  # Q4 D-7
    assert quarterly_reminders_run(on=dt.date(2026, 12, 8)) == 0
    _deliver_all()
    _deliver_all()
    got = sorted(r for rcpts, _m in smtp.accepted for r in rcpts)
    assert got == ["bithu2@example.vn", "bithu@example.vn"]  # cell secretaries; ordinary members stay annual
    assert "Hạn nộp: 15/12/2026" in body(smtp.to("bithu@example.vn")[0])
