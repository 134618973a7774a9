"""Invitations by email: queued after commit, sent by a real Celery worker over a real SMTP server."""

import datetime as dt
import re
import time

import pytest

from accounts import services
from accounts.models import Invitation
from accounts.tasks import send_invitation_email
from tests.factories import MemberFactory
from tests.notifications.smtp import SmtpServer, body

SITE = "https://tusoi.example.vn"


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10
        settings.SITE_URL = SITE
        yield server.recorder


def _wait_for(predicate, seconds=30):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_email_invitation_reaches_the_member_once_and_its_link_activates(celery_worker_thread, smtp, cast):
    member = MemberFactory(
        cell=cast.tree.cell, full_name="Đỗ Thị Hạnh", email="hanh@example.vn", date_of_birth=dt.date(1985, 1, 2)
    )
    batch = services.invitations_issue(org=cast.tree.cell, by=cast.committee.user)
    assert batch.emailed == 1 and batch.slips == []
    assert _wait_for(lambda: len(smtp.to("hanh@example.vn")) == 1)
    (msg,) = smtp.to("hanh@example.vn")
    text = body(msg)
    assert msg["Subject"].strip() == "Tự soi: mời đồng chí kích hoạt tài khoản"
    assert "Kính gửi đồng chí Đỗ Thị Hạnh (Chi bộ Tổ 1)" in text
    link = re.search(rf"{SITE}/kich-hoat/\?ma=(\S+)", text)
    assert link, text
    # A second delivery of the task sends nothing more.
    invitation = Invitation.objects.get(member=member)
    assert send_invitation_email.delay(invitation.pk).get(timeout=30) is False
    assert len(smtp.to("hanh@example.vn")) == 1
    user = services.account_activate(
        code=link.group(1), date_of_birth=dt.date(1985, 1, 2), password="Hoa-Sen-2026!", client_key="t"
    )
    assert user.check_password("Hoa-Sen-2026!")
