"""Sections on the cell, organisation and member pages link to the review screens."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_cell_page_links_to_the_grid(client, cast, cycle):
    client.force_login(cast.secretary.user)
    html = client.get(reverse("organizations:cell", args=[cast.tree.cell.pk])).content.decode()
    assert reverse("reviews:grid", args=[cast.tree.cell.pk]) in html and "Mở bảng xếp loại của chi bộ" in html


def test_committee_page_links_to_decisions(client, cast, cycle):
    client.force_login(cast.committee.user)
    html = client.get(reverse("organizations:detail", args=[cast.tree.committee.pk])).content.decode()
    assert reverse("reviews:decisions", args=[cast.tree.committee.pk]) in html


def test_member_page_offers_discipline_entry_only_to_the_competent_body(client, cast, cycle):
    url = reverse("organizations:member", args=[cast.member.member.pk])
    client.force_login(cast.committee.user)
    assert "Kỷ luật đảng viên" in client.get(url).content.decode()
    client.force_login(cast.secretary.user)
    assert "Kỷ luật đảng viên" not in client.get(url).content.decode()


def test_nav_has_the_review_link(client, cast, cycle):
    client.force_login(cast.member.user)
    assert 'href="/kiem-diem/"' in client.get(reverse("reviews:my")).content.decode()


def test_member_page_query_count_with_panel(client, cast, cycle, django_assert_max_num_queries):
    client.force_login(cast.committee.user)
    with django_assert_max_num_queries(20):
        client.get(reverse("organizations:member", args=[cast.member.member.pk]))


def test_member_page_links_the_member_to_their_own_review(client, cast, cycle):
    client.force_login(cast.member.user)
    html = client.get(reverse("organizations:member", args=[cast.member.member.pk])).content.decode()
    assert 'href="/kiem-diem/"' in html and "Viết bản kiểm điểm của tôi" in html
