"""Login throttling (django-axes) through the real login form."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_repeated_wrong_passwords_lock_the_account(client, cast, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _ in range(3):
        resp = client.post(url, {"username": "bithu", "password": "sai"})
    assert resp.status_code == 429
    # Even the right password is refused while locked out.
    resp = client.post(url, {"username": "bithu", "password": "matkhau-2026"})
    assert resp.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "tạm thời bị khóa" in resp.content.decode()


def test_right_password_logs_in_and_goes_home(client, cast, settings):
    settings.AXES_ENABLED = True
    resp = client.post(reverse("login"), {"username": "bithu", "password": "matkhau-2026"})
    assert resp.status_code == 302 and resp["Location"] == reverse("home")
