"""Login by name, card or email; members who left, locked accounts, closed positions, password change,
idle expiry, second factor; `check --deploy` with production settings."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, twofactor
from accounts.models import AccountEvent
from accounts.sessions import SEEN_KEY
from organizations import services as org_services
from organizations.models import MemberStatus, Position

from .conftest import totp_now

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
PW = "matkhau-2026"


def _login(client, identifier, password=PW):
    return client.post(LOGIN, {"username": identifier, "password": password})


def test_one_field_takes_login_name_party_card_or_email(client, cast):
    member = cast.member.member
    member.email = "binh@example.vn"
    member.save()
    for identifier in ("dangvien", member.party_card_number, "BINH@example.vn"):
        client.logout()
        assert _login(client, identifier).status_code == 302, identifier
        assert client.session["_auth_user_id"] == str(cast.member.user.pk)
    client.logout()
    resp = _login(client, member.party_card_number, "sai")
    assert resp.status_code == 200 and "Vui lòng nhập chính xác" in resp.content.decode()


def test_axes_still_throttles_logins_by_party_card(client, cast, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    card = cast.member.member.party_card_number
    for _ in range(3):
        resp = _login(client, card, "sai")
    assert resp.status_code == 429
    assert _login(client, card).status_code == 429


def test_a_member_who_left_cannot_log_in_and_their_session_ends(client, cast):
    client.force_login(cast.member.user)
    home = reverse("commitments:my")
    assert client.get(home).status_code in (200, 302)
    member = cast.member.member
    member.status = MemberStatus.LEFT
    member.save()
    resp = client.get(home)
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN)
    assert _login(Client(), "dangvien").status_code == 200  # refused: the form again


def test_locked_account_cannot_log_in_and_unlock_is_audited(client, cast):
    other = Client()
    other.force_login(cast.secretary.user)
    services.account_lock(user=cast.secretary.user, reason="Mất điện thoại", by=cast.province.user)
    assert other.get(reverse("home"))["Location"].startswith(LOGIN)
    assert _login(client, "bithu").status_code == 200
    services.account_unlock(user=cast.secretary.user, by=cast.province.user)
    assert _login(client, "bithu").status_code == 302
    kinds = list(AccountEvent.objects.filter(user=cast.secretary.user).values_list("kind", "by__username"))
    assert ("LOCKED", "tinhuy") in kinds and ("UNLOCKED", "tinhuy") in kinds


def test_closing_a_position_ends_the_sessions_that_relied_on_it(client, cast):
    client.force_login(cast.secretary.user)
    cell_url = reverse("commitments:cell", args=[cast.tree.cell.pk])
    assert client.get(cell_url).status_code == 200
    position = Position.objects.get(user=cast.secretary.user, organization=cast.tree.cell)
    org_services.position_close(position=position, on=dt.date.today() - dt.timedelta(days=1), by=cast.province.user)
    resp = client.get(cell_url)
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN)
    assert AccountEvent.objects.filter(user=cast.secretary.user, kind="SESSIONS_ENDED").exists()
    # Logging in again works, with the smaller scope (a member of the cell, no longer its secretary).
    assert _login(client, "bithu").status_code == 302
    assert client.post(reverse("commitments:cell_acknowledge", args=[cast.tree.cell.pk])).status_code == 404


def test_changing_the_password_ends_every_other_session(cast):
    phone, laptop = Client(), Client()
    assert _login(phone, "dangvien").status_code == 302
    assert _login(laptop, "dangvien").status_code == 302
    new = "Sen-Vang-2027!"
    resp = laptop.post(
        reverse("accounts:password_change"), {"old_password": PW, "new_password1": new, "new_password2": new}
    )
    assert resp.status_code == 302
    assert laptop.get(reverse("accounts:my")).status_code == 200  # this session continues
    assert phone.get(reverse("accounts:my"))["Location"].startswith(LOGIN)  # the other one ended
    assert AccountEvent.objects.filter(user=cast.member.user, kind="PASSWORD_CHANGED").exists()


def test_idle_sessions_expire_shorter_for_second_factor_roles(client, cast, two_factor):
    client.force_login(cast.member.user)
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 2 * 3600  # two hours idle: fine for a member (8 h)
    session.save()
    assert client.get(reverse("accounts:my")).status_code == 200
    committee = Client()
    committee.force_login(cast.committee.user)
    session = committee.session
    session[SEEN_KEY] = int(time.time()) - 31 * 60  # 31 minutes: over the committee's 30
    session.save()
    resp = committee.get(reverse("accounts:my"))
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN)


def test_committee_cannot_reach_decisions_without_the_second_factor(client, cast, two_factor, review_cycle):
    decisions = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    client.force_login(cast.committee.user)
    resp = client.get(decisions)
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("accounts:otp_setup"))
    # Enrol: the QR code page, then the first code from the app.
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=cast.committee.user, confirmed=False)
    resp = client.post(reverse("accounts:otp_setup"), {"token": totp_now(device)})
    assert resp.status_code == 200 and 'data-testid="backup-codes"' in resp.content.decode()
    assert client.get(decisions).status_code == 200
    # A new session needs the second factor again; a backup code works once.
    other = Client()
    other.force_login(cast.committee.user)
    assert other.get(decisions)["Location"].startswith(reverse("accounts:otp_verify"))
    code = resp.context["codes"][0]
    assert other.post(reverse("accounts:otp_verify") + f"?next={decisions}", {"token": code})["Location"] == decisions
    assert other.get(decisions).status_code == 200
    third = Client()
    third.force_login(cast.committee.user)
    assert third.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 400  # used up
    assert third.post(reverse("accounts:otp_verify"), {"token": "000000"}).status_code == 400
    assert third.get(decisions).status_code == 302


def test_member_without_required_role_is_not_asked_for_a_second_factor(client, cast, two_factor):
    client.force_login(cast.member.user)
    assert client.get(reverse("accounts:my")).status_code == 200


def test_admin_recovery_of_the_second_factor_is_audited(cast, two_factor):
    device = twofactor.pending_totp(cast.committee.user)
    twofactor.confirm(user=cast.committee.user, device=device)
    services.account_otp_reset(user=cast.committee.user, by=cast.province.user)
    assert not TOTPDevice.objects.filter(user=cast.committee.user).exists()
    assert AccountEvent.objects.filter(user=cast.committee.user, kind="OTP_RESET", by=cast.province.user).exists()


PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "prod-" + "k3y-Vn-2026-" * 6,
    "ALLOWED_HOSTS": "tusoi.example.vn",
    "SESSION_COOKIE_SECURE": "True",
    "SECURE_SSL_REDIRECT": "True",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    "SECURE_HSTS_PRELOAD": "True",
}
ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env):
    unset = ("PYTEST_VERSION", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the browser tests set the last
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_with_production_settings_prints_no_warnings():
    result = _manage("check", "--deploy", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout and "no issues" in result.stdout


def test_the_development_secret_key_is_refused_when_debug_is_off():
    result = _manage("check", env={"DEBUG": "False"})
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_pages_carry_a_strict_content_security_policy(client, cast):
    resp = client.get(reverse("login"))
    policy = resp["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "object-src 'none'" in policy


def test_a_position_given_during_a_session_requires_the_second_factor_at_once(client, cast, two_factor):
    from organizations.models import PositionKind

    client.force_login(cast.member.user)
    assert client.get(reverse("accounts:my")).status_code == 200
    org_services.position_assign(user=cast.member.user, organization=cast.tree.committee, kind=PositionKind.STANDING_COMMITTEE)
    resp = client.get(reverse("accounts:my"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("accounts:otp_setup"))


def test_a_session_without_the_accounts_stamps_is_ended(client, cast):
    client.force_login(cast.member.user)
    session = client.session
    del session["acct_epoch"]
    session.save()
    assert client.get(reverse("accounts:my"))["Location"].startswith(LOGIN)


def test_optional_second_factor_is_asked_once_enrolled(client, cast):
    device = twofactor.pending_totp(cast.member.user)
    twofactor.confirm(user=cast.member.user, device=device)
    client.force_login(cast.member.user)
    assert client.get(reverse("accounts:my"))["Location"].startswith(reverse("accounts:otp_verify"))
