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


PROXY = "172.18.0.9"  # every request reaches Django from the reverse proxy's address


def _through_proxy(client_ip: str):
    from django.test import Client

    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def test_behind_a_proxy_throttling_keys_on_the_client_address(cast, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    url = reverse("login")
    attacker = _through_proxy("8.8.8.8")
    for _ in range(3):
        resp = attacker.post(url, {"username": "bithu", "password": "sai"})
    assert resp.status_code == 429
    # The real user, through the same proxy from another address, still logs in.
    resp = _through_proxy("9.9.9.9").post(url, {"username": "bithu", "password": "matkhau-2026"})
    assert resp.status_code == 302
    # A client cannot pick its own address: the proxy appends the real one (right-most wins).
    spoofing = _through_proxy("9.9.9.9, 8.8.8.8")
    assert spoofing.post(url, {"username": "bithu", "password": "matkhau-2026"}).status_code == 429


def test_without_the_proxy_setting_the_peer_address_counts(cast, settings):
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert get_client_ip_address(request) == PROXY
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    assert get_client_ip_address(request) == "8.8.8.8"
