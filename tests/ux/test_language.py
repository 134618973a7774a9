"""Vietnamese first: the browser's language does not switch the interface; the user's choice does."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_accept_language_english_still_gets_vietnamese(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_choosing_english_is_remembered_for_a_year(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/dang-nhap/"})
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 3600
    response = client.get(reverse("login"))
    assert response.headers["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "fr"
    assert client.get(reverse("login")).headers["Content-Language"] == "vi"


def test_admin_index_names_third_party_apps_in_vietnamese(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    for english in ("Periodic Tasks", "Celery Results", ">Axes<"):
        assert english not in html
    for vietnamese in ("Lịch tác vụ định kỳ", "Kết quả tác vụ nền", "Khóa đăng nhập sau nhiều lần sai mật khẩu"):
        assert vietnamese in html
