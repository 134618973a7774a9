"""What the secretary reads on the grid and the cell's commitments page: labels, not codes;
warnings that match the values shown; ids in forms that survive the Vietnamese number format."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from commitments.models import Commitment, CommitmentStatus
from organizations.models import MemberStatus
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def grid_html(client, cast, year) -> str:
    client.force_login(cast.secretary.user)
    resp = client.get(reverse("reviews:grid", args=[cast.tree.cell.pk]), {"nam": year})
    assert resp.status_code == 200
    return resp.content.decode()


def test_grid_shows_the_commitment_state_label(client, cast, cycles, years):
    Commitment.objects.create(
        member=cast.member.member,
        year=years.this,
        cycle=cycles[years.this].commitment,
        status=CommitmentStatus.ACKNOWLEDGED,
    )
    html = grid_html(client, cast, years.this)
    assert "Chi bộ đã xác nhận" in html
    assert "ACKNOWLEDGED" not in html


def test_grid_does_not_warn_about_a_reason_it_already_shows(client, cast, cycles, years):
    """An exempt member's row is pre-filled with "Miễn công tác…"; the first view warned
    "choose the reason" anyway because it checked the empty saved row."""
    exempt = MemberFactory(cell=cast.tree.cell, status=MemberStatus.EXEMPT)
    html = grid_html(client, cast, years.this)
    errors = re.search(rf'id="err-{exempt.pk}"[^>]*>(.*?)</td>', html, re.S).group(1)
    assert '<option value="EXEMPT" selected>' in html
    assert errors.strip() == ""


def test_acknowledge_checkbox_values_are_plain_ids(client, cast, cycles, years):
    """With USE_THOUSAND_SEPARATOR a pk of 12345 rendered as "12.345" and could not be acknowledged."""
    Commitment.objects.create(
        pk=12345,
        member=cast.member.member,
        year=years.this,
        cycle=cycles[years.this].commitment,
        status=CommitmentStatus.SUBMITTED,
    )
    client.force_login(cast.secretary.user)
    html = client.get(reverse("commitments:cell", args=[cast.tree.cell.pk]), {"nam": years.this}).content.decode()
    assert 'value="12345"' in html
    assert "12.345" not in html


def test_organisation_pages_show_the_code_the_import_and_reorganise_forms_ask_for(client, cast):
    client.force_login(cast.province.user)
    html = client.get(reverse("organizations:detail", args=[cast.tree.province.pk])).content.decode()
    assert cast.tree.province.code in html and cast.tree.commune.code in html
    html = client.get(reverse("organizations:cell", args=[cast.tree.cell.pk])).content.decode()
    assert cast.tree.cell.code in html


@pytest.mark.parametrize("typed", ["150", "-1", "85,555", "tám mươi"])
def test_score_errors_are_one_plain_vietnamese_sentence(typed):
    from reviews.forms import GridRowForm

    form = GridRowForm({"score": typed})
    assert not form.is_valid()
    assert form.errors["score"] == ["Điểm là số từ 0 đến 100, tối đa 2 chữ số thập phân (ví dụ 85,5)."]


def test_score_with_a_decimal_comma_is_accepted():
    from reviews.forms import GridRowForm

    form = GridRowForm({"score": "85,5"})
    assert form.is_valid(), form.errors
