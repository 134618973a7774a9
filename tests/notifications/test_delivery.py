"""Delivery through a real Celery worker (Redis) to a real SMTP server on localhost (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from notifications.models import Notification, ReminderLog, ReminderStatus
from notifications.services import reminders_run
from notifications.tasks import RETRY_ON, send_reminders

from .conftest import SITE
from .smtp import body

EXPECTED = {"dangvien@example.vn", "bithu@example.vn", "bithu2@example.vn", "thu@example.vn", "bithucs@example.vn"}


def _addresses(recorder) -> list[str]:
    return sorted(rcpt for rcpts, _msg in recorder.accepted for rcpt in rcpts)


@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_reminder_once_over_smtp(celery_worker_thread, smtp, commitment_cycle, people):
    result = send_reminders.delay(on="2026-02-21", days_before=[7, 0]).get(timeout=60)

    assert result["emails"] == 5
    assert _addresses(smtp) == sorted(EXPECTED)  # exactly one message each; nobody else
    (msg,) = smtp.to("dangvien@example.vn")
    assert msg["Subject"] == "Nhắc nộp bản cam kết năm 2026"
    text = body(msg)
    assert "Kính gửi đồng chí Trần Thị Bình" in text and "Hạn nộp: 28/02/2026 (còn 7 ngày)" in text
    assert f"{SITE}/cam-ket/" in text
    assert "Trần Thị Bình" in str(msg["To"])
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert f'href="{SITE}/cam-ket/"' in html and "Mở trang thực hiện" in html

    # the task runs again (a second beat tick, a redelivered message): nothing new goes out
    again = send_reminders.delay(on="2026-02-21", days_before=[7, 0]).get(timeout=60)
    assert again["emails"] == 0 and len(smtp.accepted) == 5

    # after the deadline: one digest to each superior committee, nothing to members
    send_reminders.delay(on="2026-03-01").get(timeout=60)
    late = [rcpt for rcpts, _m in smtp.accepted[5:] for rcpt in rcpts]
    assert sorted(late) == ["dangbo@example.vn", "tinhuy@example.vn"]
    digest = body(smtp.to("dangbo@example.vn")[0])
    assert digest.index("Chi bộ Tổ 2") < digest.index("Chi bộ Tổ 1")
    assert not ReminderLog.objects.exclude(status=ReminderStatus.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_smtp_failure_is_retried_with_backoff_and_nothing_unsent_is_marked(
    celery_worker_thread, smtp, commitment_cycle, people
):
    assert send_reminders.autoretry_for == RETRY_ON and send_reminders.retry_backoff
    smtp.refuse = 2  # the server refuses the first two deliveries with a temporary 451

    result = send_reminders.delay(on="2026-02-21").get(timeout=90)

    assert smtp.refused == 2
    assert 1 <= result["emails"] < 5  # the last attempt sent only what the first ones had not
    assert _addresses(smtp) == sorted(EXPECTED)  # no one got a duplicate, no one was skipped
    assert ReminderLog.objects.filter(status=ReminderStatus.SENT).count() == 5


@pytest.mark.django_db(transaction=True)
def test_failed_run_marks_only_what_the_server_accepted(smtp, commitment_cycle, people):
    """A refusal part-way: accepted messages are SENT, the rest stay unsent and free for the retry."""
    original = smtp.handle_DATA
    calls = {"n": 0}

    async def third_refused(server, session, envelope):
        calls["n"] += 1
        if calls["n"] == 3:
            return "451 4.3.0 thu lai sau"
        return await original(server, session, envelope)

    smtp.handle_DATA = third_refused
    with pytest.raises(RETRY_ON):
        reminders_run(on=dt.date(2026, 2, 21), batch_size=2, connections=1)

    sent = ReminderLog.objects.filter(status=ReminderStatus.SENT)
    assert sent.count() == 2 == len(smtp.accepted)
    assert set(sent.values_list("email", flat=True)) == {a for rcpts, _m in smtp.accepted for a in rcpts}
    unsent = ReminderLog.objects.exclude(status=ReminderStatus.SENT)
    assert unsent.count() == 3 and not unsent.filter(run_id__isnull=False).exists()  # released
    assert not unsent.filter(sent_at__isnull=False).exists()
    inbox_users = set(Notification.objects.values_list("user__email", flat=True))
    assert inbox_users <= set(sent.values_list("email", flat=True))

    reminders_run(on=dt.date(2026, 2, 21))  # the retry
    assert _addresses(smtp) == sorted(EXPECTED)


@pytest.mark.django_db(transaction=True)
def test_smtp_server_down_marks_nothing(settings, commitment_cycle, people):
    from .smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    with pytest.raises(RETRY_ON):
        reminders_run(on=dt.date(2026, 2, 21))
    assert not ReminderLog.objects.filter(status=ReminderStatus.SENT).exists()
    assert not ReminderLog.objects.filter(run_id__isnull=False).exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(smtp, commitment_cycle, people):
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        from django.db import connection

        try:
            barrier.wait()
            reminders_run(on=dt.date(2026, 2, 21), batch_size=1)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert _addresses(smtp) == sorted(EXPECTED)
    assert ReminderLog.objects.count() == 5
