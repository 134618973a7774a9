"""Invitation, activation and their denials (expired, used, wrong code, wrong date of birth, throttling)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models import AccountEvent, Invitation
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Hoa-Sen-2026!"


@pytest.fixture
def newcomer(cast):
    return MemberFactory(cell=cast.tree.cell, full_name="Nguyễn Văn Cường", date_of_birth=dt.date(1970, 3, 8))


def _issue(cast, org=None):
    return services.invitations_issue(org=org or cast.tree.cell, by=cast.committee.user, use_email=False)


def test_committee_issues_sheet_slips_only_for_members_not_activated(cast, newcomer):
    batch = _issue(cast)
    assert [s.member.full_name for s in batch.slips] == ["Nguyễn Văn Cường"]
    assert batch.skipped == 2  # the secretary and the member already have passwords
    slip = batch.slips[0]
    invitation = Invitation.objects.get(member=newcomer)
    assert slip.code.startswith(invitation.selector)
    assert slip.code not in invitation.code_hash and invitation.code_hash.startswith("pbkdf2_code$")
    assert slip.login_name == f"cuongnv{newcomer.pk}"
    assert selectors.account_counts(org=cast.tree.cell) == {"members": 3, "activated": 2, "invited": 1, "never": 0}
    assert AccountEvent.objects.filter(user=invitation.user, kind="INVITED", by=cast.committee.user).exists()


def test_a_cell_secretary_or_another_subtree_cannot_invite(cast, newcomer):
    with pytest.raises(PermissionDenied):
        services.invitations_issue(org=cast.tree.cell, by=cast.secretary.user)
    with pytest.raises(PermissionDenied):
        services.invitations_issue(org=cast.tree.cell, by=cast.inspector.user)


def test_activation_with_code_and_date_of_birth_sets_the_password_once(cast, newcomer):
    code = _issue(cast).slips[0].code
    user = services.account_activate(code=code.lower(), date_of_birth=newcomer.date_of_birth, password=PASSWORD, client_key="1")
    assert user.check_password(PASSWORD)
    assert selectors.account_counts(org=cast.tree.cell)["activated"] == 3
    with pytest.raises(ValidationError) as used:
        services.account_activate(code=code, date_of_birth=newcomer.date_of_birth, password=PASSWORD, client_key="1")
    assert used.value.code == "used"


def test_wrong_code_or_wrong_date_of_birth_is_refused_with_one_message(cast, newcomer):
    code = _issue(cast).slips[0].code
    for kwargs in ({"code": code[:-1] + ("X" if code[-1] != "X" else "Y")}, {"code": "ZZZZZZ-ZZZZ-ZZZZ"}, {"code": "rác"}):
        with pytest.raises(ValidationError) as wrong:
            services.account_activate(date_of_birth=newcomer.date_of_birth, password=PASSWORD, client_key="a", **kwargs)
        assert wrong.value.code == "wrong"
    with pytest.raises(ValidationError) as wrong_dob:
        services.account_activate(code=code, date_of_birth=dt.date(1971, 3, 8), password=PASSWORD, client_key="b")
    assert wrong_dob.value.messages == ["Mã kích hoạt hoặc ngày sinh không đúng."]
    newcomer.refresh_from_db()
    assert not newcomer.user.has_usable_password()


def test_expired_and_replaced_codes_are_refused(cast, newcomer):
    first = _issue(cast).slips[0].code
    second = _issue(cast).slips[0].code  # re-inviting revokes the first code
    with pytest.raises(ValidationError) as replaced:
        services.account_activate(code=first, date_of_birth=newcomer.date_of_birth, password=PASSWORD, client_key="1")
    assert replaced.value.code == "expired"
    Invitation.objects.filter(member=newcomer, revoked_at__isnull=True).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as expired:
        services.account_activate(code=second, date_of_birth=newcomer.date_of_birth, password=PASSWORD, client_key="1")
    assert expired.value.code == "expired"


def test_weak_password_is_refused_in_vietnamese_and_the_code_stays_usable(cast, newcomer):
    code = _issue(cast).slips[0].code
    with pytest.raises(ValidationError) as weak:
        services.account_activate(code=code, date_of_birth=newcomer.date_of_birth, password="12345678", client_key="1")
    assert "new_password1" in weak.value.error_dict
    services.account_activate(code=code, date_of_birth=newcomer.date_of_birth, password=PASSWORD, client_key="1")


def test_repeated_failures_are_throttled_even_with_the_right_code(cast, newcomer, settings):
    settings.ACCOUNT_ACTIVATION_FAILURE_LIMIT = 3
    code = _issue(cast).slips[0].code
    for _ in range(3):
        with pytest.raises(ValidationError):
            services.account_activate(code=code, date_of_birth=dt.date(1999, 1, 1), password=PASSWORD, client_key="9")
    with pytest.raises(ValidationError) as throttled:
        services.account_activate(code=code, date_of_birth=newcomer.date_of_birth, password=PASSWORD, client_key="other")
    assert throttled.value.code == "throttled"  # counted per code as well as per client


def test_activation_page_keeps_typed_values_and_explains(client, cast, newcomer):
    code = _issue(cast).slips[0].code
    url = reverse("accounts:activate")
    resp = client.get(url + f"?ma={code}")
    assert code in resp.content.decode()
    data = {"code": code, "date_of_birth": "09/03/1970", "new_password1": PASSWORD, "new_password2": PASSWORD}
    resp = client.post(url, data)
    assert resp.status_code == 400
    assert "Mã kích hoạt hoặc ngày sinh không đúng." in resp.content.decode()
    resp = client.post(url, {**data, "date_of_birth": "08/03/1970"})
    assert resp.status_code == 302
    resp = client.post(reverse("login"), {"username": newcomer.party_card_number, "password": PASSWORD})
    newcomer.refresh_from_db()
    assert resp.status_code == 302 and client.session["_auth_user_id"] == str(newcomer.user_id)


def test_invite_page_issues_the_printable_sheet_and_a_pdf(client, cast, newcomer):
    client.force_login(cast.committee.user)
    url = reverse("accounts:invite", args=[cast.tree.cell.pk])
    assert client.get(url).status_code == 200
    resp = client.post(url, {"confirm": "on", "format": "html"})
    page = resp.content.decode()
    assert resp.status_code == 200 and "Nguyễn Văn Cường" in page and "PHIẾU KÍCH HOẠT" in page
    resp = client.post(url, {"confirm": "on", "format": "pdf"})
    assert resp["Content-Type"] == "application/pdf" and resp.content.startswith(b"%PDF")
    client.force_login(cast.secretary.user)
    assert client.get(url).status_code == 403
    client.force_login(cast.inspector.user)
    assert client.get(url).status_code == 404


def test_cell_page_shows_account_progress(client, cast, newcomer):
    _issue(cast)
    client.force_login(cast.secretary.user)
    page = client.get(reverse("organizations:cell", args=[cast.tree.cell.pk])).content.decode()
    assert 'data-testid="acct-invited">1<' in page and 'data-testid="acct-activated">2<' in page


def test_cell_page_query_count_does_not_grow_with_the_cell(client, cast, django_assert_max_num_queries):
    client.force_login(cast.committee.user)
    url = reverse("organizations:cell", args=[cast.tree.cell.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(8):
        MemberFactory(cell=cast.tree.cell, full_name=f"Đảng Viên Thêm {i}")
    _issue(cast)
    with django_assert_max_num_queries(len(small)):
        page = client.get(url).content.decode()
    assert 'data-testid="acct-invited">8<' in page


def test_admin_actions_lock_unlock_and_recover_are_audited(client, cast, newcomer):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "matkhau-2026")
    client.force_login(admin_user)
    changelist = reverse("admin:auth_user_changelist")
    target = cast.member.user
    for action in ("lock_accounts", "unlock_accounts", "end_sessions", "reset_two_factor"):
        resp = client.post(changelist, {"action": action, "_selected_action": [target.pk]})
        assert resp.status_code == 302, action
    kinds = set(AccountEvent.objects.filter(user=target, by=admin_user).values_list("kind", flat=True))
    assert {"LOCKED", "UNLOCKED", "SESSIONS_ENDED", "OTP_RESET"} <= kinds
