import datetime as dt

import pytest
from django.core.management import call_command

from organizations.models import Member, Membership, Organization, Position


@pytest.mark.django_db
def test_seed_demo_makes_requested_members_and_deep_tree(capsys):
    call_command("seed_demo", members=1500, seed=7)
    assert Member.objects.count() == 1500
    assert Membership.objects.filter(valid_to__isnull=True).count() == 1500
    assert Organization.objects.order_by("-depth").first().depth >= 4
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Member.objects.filter(cell__kind__in=["CELL", "GRASSROOTS_CELL"]).count() == 1500
    assert Position.objects.filter(user__username="bithu", kind="CELL_SECRETARY").exists()
    # The yearly hooks add last year's decided reviews and this year's commitments.
    from commitments.models import Commitment
    from reviews.models import MemberReview

    this_year = dt.date.today().year
    demo_cell = Position.objects.get(user__username="bithu").organization
    assert MemberReview.objects.filter(year=this_year - 1, status="DECIDED").count() > 1300
    assert Commitment.objects.filter(year=this_year, status="ACKNOWLEDGED").exists()
    assert MemberReview.objects.filter(cell=demo_cell, year=this_year - 1).exists()
    assert not MemberReview.objects.filter(cell=demo_cell, year=this_year).exists()  # left for the demo journey
    out = capsys.readouterr().out
    assert "Seeded 1500 members" in out and "bithu" in out


@pytest.mark.django_db
def test_seed_demo_is_deterministic_for_a_seed(monkeypatch):
    from organizations import seeding
    from organizations.seeding import seed_province_data

    monkeypatch.setattr(seeding, "SEED_HOOKS", [])  # the tree and members only

    seed_province_data(members=300, seed=3, with_users=False)
    first = list(Member.objects.order_by("id").values_list("full_name", "cell__name")[:50])
    Member.objects.all().delete()
    Organization.objects.all().delete()
    seed_province_data(members=300, seed=3, with_users=False)
    assert list(Member.objects.order_by("id").values_list("full_name", "cell__name")[:50]) == first


@pytest.mark.django_db
def test_seeding_twice_adds_a_second_province(monkeypatch):
    from organizations import seeding

    monkeypatch.setattr(seeding, "SEED_HOOKS", [])
    seeding.seed_province_data(members=200, seed=1, with_users=False)
    seeding.seed_province_data(members=200, seed=2, with_users=False)
    assert Organization.objects.filter(depth=1).count() == 2
    assert Member.objects.count() == 400


@pytest.mark.django_db
def test_national_seed_has_a_central_node_above_34_provinces_and_a_central_dashboard(client, capsys):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from organizations.models import OrgKind
    from reviews.models import ReviewCycle

    call_command("seed_demo", "--national", "--members", "3400")
    central = Organization.objects.get(depth=1)
    assert central.kind == OrgKind.CENTRAL
    assert Organization.objects.filter(depth=2, kind=OrgKind.PROVINCE).count() == 34
    assert set(ReviewCycle.objects.values_list("organization_id", flat=True)) == {central.pk}
    client.force_login(get_user_model().objects.get(username="trunguong"))
    page = client.get(reverse("rollups:dashboard", args=[central.pk])).content.decode()
    assert central.name in page and "Đảng bộ tỉnh" in page
