"""Organisation, cell and member pages: grants and denials for the whole cast."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def get(client, user, name, pk):
    client.force_login(user)
    return client.get(reverse(name, kwargs={"pk": pk}))


def test_secretary_sees_cell_members_in_vietnamese_order(client, cast):
    resp = get(client, cast.secretary.user, "organizations:cell", cast.tree.cell.pk)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert html.index("Lê Văn An") < html.index("Trần Thị Bình")


@pytest.mark.parametrize("who", ["other_secretary", "inspector", "outsider", "member"])
def test_cell_page_denied_outside_scope(client, cast, who):
    assert get(client, getattr(cast, who).user, "organizations:cell", cast.tree.cell.pk).status_code == 404


@pytest.mark.parametrize("who", ["committee", "province", "secretary"])
def test_cell_page_granted_in_scope(client, cast, who):
    assert get(client, getattr(cast, who).user, "organizations:cell", cast.tree.cell.pk).status_code == 200


def test_province_page_lists_children_with_member_counts(client, cast):
    resp = get(client, cast.province.user, "organizations:detail", cast.tree.province.pk)
    assert resp.status_code == 200
    children = {row["org"].name: row["members"] for row in resp.context["children"]}
    assert children == {"Đảng bộ xã An Hòa": 3, "Đảng bộ xã Minh Quang": 0}


def test_inspector_reads_own_commune_not_the_other(client, cast):
    assert get(client, cast.inspector.user, "organizations:detail", cast.tree.commune2.pk).status_code == 200
    assert get(client, cast.inspector.user, "organizations:detail", cast.tree.commune.pk).status_code == 404
    assert get(client, cast.inspector.user, "organizations:detail", cast.tree.province.pk).status_code == 404


def test_member_sees_only_self(client, cast):
    assert get(client, cast.member.user, "organizations:member", cast.member.member.pk).status_code == 200
    assert get(client, cast.member.user, "organizations:member", cast.secretary.member.pk).status_code == 404
    assert get(client, cast.outsider.user, "organizations:member", cast.member.member.pk).status_code == 404
    assert get(client, cast.secretary.user, "organizations:member", cast.member.member.pk).status_code == 200


def test_anonymous_is_sent_to_login(client, cast):
    resp = client.get(reverse("organizations:cell", kwargs={"pk": cast.tree.cell.pk}))
    assert resp.status_code == 302 and "/dang-nhap/" in resp["Location"]


@pytest.mark.parametrize(
    ("who", "target"),
    [("secretary", "organizations:cell"), ("committee", "organizations:detail"), ("member", "organizations:member")],
)
def test_home_sends_each_user_to_their_work(client, cast, who, target):
    client.force_login(getattr(cast, who).user)
    resp = client.get(reverse("home"))
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse(target, kwargs={"pk": 1}).rsplit("1/", 1)[0])


def test_outsider_home_explains_missing_scope(client, cast):
    client.force_login(cast.outsider.user)
    resp = client.get(reverse("home"))
    assert "chưa được gắn với đảng viên hoặc chức vụ" in resp.content.decode()


def test_cell_page_queries_do_not_grow_with_members(client, cast, django_assert_max_num_queries):
    client.force_login(cast.committee.user)
    url = reverse("organizations:cell", kwargs={"pk": cast.tree.cell.pk})
    client.get(url)
    with django_assert_max_num_queries(14) as small:  # session, user, scope, panels, nav badge
        client.get(url)
    for _ in range(40):
        MemberFactory(cell=cast.tree.cell)
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = client.get(url)
    assert resp.content.decode().count("/dang-vien/") == 42


def test_english_is_switchable(client, cast):
    client.force_login(cast.secretary.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    resp = client.get(reverse("organizations:cell", kwargs={"pk": cast.tree.cell.pk}))
    assert "Log out" in resp.content.decode()


def test_navigation_hooks_run_once_per_page(client, cast):
    """Panels render with the request; the inbox badge must not be counted again for each one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.province.user)
    url = reverse("organizations:detail", kwargs={"pk": cast.tree.province.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    badge = [q for q in ctx.captured_queries if "notifications_notification" in q["sql"]]
    assert len(badge) <= 1  # the counter is cached: a warm page counts nothing
