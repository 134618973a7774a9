"""The inbox: own notifications only, mark as read, unread count in the navigation bar."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(cast):
    user = cast.member.user
    return [
        Notification.objects.create(
            user=user, title="Nhắc nộp bản cam kết năm 2026", body="Hạn nộp: 28/02/2026", link="/cam-ket/"
        ),
        Notification.objects.create(user=user, title="Nhắc nộp bản tự kiểm điểm năm 2026", link="/kiem-diem/"),
        Notification.objects.create(
            user=cast.secretary.user, title="Thông báo của bí thư", link="/kiem-diem/chi-bo/1/"
        ),
    ]


def test_inbox_lists_own_notifications_in_vietnamese(client, cast, notes):
    client.force_login(cast.member.user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Nhắc nộp bản cam kết năm 2026" in page and "Hạn nộp: 28/02/2026" in page
    assert "Thông báo của bí thư" not in page
    assert "2 chưa đọc" in page
    assert 'data-testid="unread-count"' in page  # the navigation badge


def test_navigation_badge_counts_once_then_reads_the_counter(client, cast, notes, django_assert_num_queries):
    from core.registry import nav_providers
    from notifications.nav import nav_items

    assert nav_items in nav_providers()

    class Req:
        user = cast.member.user

    def badge():
        (item,) = nav_items(Req(), None)
        assert item.url == "/thong-bao/"
        return item.badge

    with django_assert_num_queries(1):  # the first page counts
        assert badge() == 2
    with django_assert_num_queries(0):  # later pages read the cached counter
        assert badge() == 2
    from notifications.services import notifications_mark_all_read

    notifications_mark_all_read(user=cast.member.user)
    assert badge() is None


def test_inbox_query_count_does_not_grow(client, cast, django_assert_max_num_queries):
    client.force_login(cast.member.user)
    Notification.objects.bulk_create([Notification(user=cast.member.user, title=f"Thông báo {i}") for i in range(60)])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="notification"') == 30


def test_mark_read_and_open(client, cast, notes):
    client.force_login(cast.member.user)
    response = client.post(reverse("notifications:read", args=[notes[1].pk]))
    assert response.status_code == 302
    notes[1].refresh_from_db()
    assert notes[1].is_read
    response = client.post(reverse("notifications:open", args=[notes[0].pk]))
    assert response["Location"] == "/cam-ket/"
    notes[0].refresh_from_db()
    assert notes[0].is_read


def test_mark_all_read(client, cast, notes):
    client.force_login(cast.member.user)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(user=cast.member.user, read_at__isnull=True).exists()
    assert Notification.objects.get(user=cast.secretary.user).read_at is None


@pytest.mark.parametrize("who", ["secretary", "other_secretary", "committee", "inspector", "province", "outsider"])
def test_someone_elses_notification_is_a_404(client, cast, notes, who):
    client.force_login(getattr(cast, who).user)
    for name in ("notifications:read", "notifications:open"):
        target = notes[0]
        assert client.post(reverse(name, args=[target.pk])).status_code == 404
    target.refresh_from_db()
    assert not target.is_read


def test_anonymous_is_sent_to_login_and_get_cannot_change_state(client, cast, notes):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    client.force_login(cast.member.user)
    assert client.get(reverse("notifications:read", args=[notes[0].pk])).status_code == 405


def test_open_refuses_links_off_the_site(client, cast):
    note = Notification.objects.create(user=cast.member.user, title="x", link="https://evil.example/")
    client.force_login(cast.member.user)
    assert client.post(reverse("notifications:open", args=[note.pk]))["Location"] == reverse("notifications:inbox")
