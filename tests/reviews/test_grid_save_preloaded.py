"""The grid POST loads the grid once: the save re-reads only the reviews under its lock, so what it
writes and audits is the stored row, even when a review appeared or changed after the page loaded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews import selectors as sel
from reviews import services
from reviews.models import MemberReview, OrgReview
from reviews.services import GridInput, SelfAssessment
from tests.reviews.conftest import grid_data, post_grid
from tests.reviews.helpers import members_of, propose

pytestmark = pytest.mark.django_db


def test_a_review_begun_after_the_load_is_updated_not_duplicated(cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    data = sel.grid_load(cell=cell, cycle=cycle)
    assert next(r for r in data.rows if r.member.pk == member.pk).review is None
    services.review_self_save(  # the member saves a self-assessment between the page load and the save
        member=member, cycle=cycle, data=SelfAssessment(self_grade="GOOD", self_score=85), answers={},
        submit=False, user=cast.member.user,
    )
    services.grid_save(
        cell=cell, cycle=cycle, inputs={member.pk: GridInput(grade="GOOD", score=Decimal("80"), note="Tốt")},
        version=data.version, user=cast.secretary.user, data=data,
    )
    review = MemberReview.objects.get(member=member, year=cycle.year)
    assert (review.proposed_grade, review.cell_note, review.self_grade) == ("GOOD", "Tốt", "GOOD")
    latest = review.history.order_by("-history_date").first()
    assert (latest.cell_note, latest.self_grade, latest.history_user) == ("Tốt", "GOOD", cast.secretary.user)


def test_a_save_in_between_is_still_refused_as_stale(cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    data = sel.grid_load(cell=cell, cycle=cycle)
    services.grid_save(cell=cell, cycle=cycle, inputs={member.pk: GridInput(note="Người khác")},
                       version=data.version, user=cast.secretary.user)
    with pytest.raises(services.StaleVersion) as caught:
        services.grid_save(cell=cell, cycle=cycle, inputs={member.pk: GridInput(note="Của tôi")},
                           version=data.version, user=cast.secretary.user, data=data)
    assert any("Người khác" in change for change in caught.value.changes)
    assert MemberReview.objects.get(member=member, year=cycle.year).cell_note == "Người khác"


def test_a_decision_audits_every_row_as_stored_in_one_statement(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    reviews = list(MemberReview.objects.filter(cell=cell, year=cycle.year))
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    for review in reviews:
        latest = review.history.order_by("-history_date", "-history_id").first()
        assert (latest.history_type, latest.status, latest.decided_grade) == ("~", "DECIDED", "GOOD")
        assert (latest.history_user, latest.decided_by) == (cast.committee.user, cast.committee.user)
        assert latest.proposed_grade == "GOOD" and latest.member_id == review.member_id


def _saved(cell, cycle, user) -> None:
    """Every member's row saved once (a draft grid, not submitted)."""
    inputs = {m.pk: GridInput(grade="GOOD", score=Decimal("80")) for m in members_of(cell)}
    services.grid_save(cell=cell, cycle=cycle, inputs=inputs, user=user)


def _reviews_of(data) -> dict:
    return {row.member.pk: (row.review.pk if row.review else None) for row in data.rows}


def test_a_grid_loaded_for_a_save_reads_its_reviews_under_the_lock(cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    _saved(cell, cycle, cast.secretary.user)
    data = sel.grid_load(cell=cell, cycle=cycle, with_reviews=False)
    assert not data.reviews_loaded and all(row.review is None for row in data.rows)
    services.grid_save(
        cell=cell, cycle=cycle, inputs={member.pk: GridInput(grade="EXCELLENT", score=Decimal("95"), note="Xuất sắc")},
        version=data.version, user=cast.secretary.user, data=data,
    )
    stored = MemberReview.objects.filter(cell=cell, year=cycle.year)
    assert stored.count() == len(members_of(cell))  # updated, none duplicated
    review = stored.get(member=member)
    assert (review.proposed_grade, review.cell_note) == ("EXCELLENT", "Xuất sắc")
    latest = review.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_type, latest.cell_note, latest.history_user) == ("~", "Xuất sắc", cast.secretary.user)
    reloaded = sel.grid_reviews_reload(sel.grid_load(cell=cell, cycle=cycle, with_reviews=False), None)
    assert reloaded.reviews_loaded and _reviews_of(reloaded) == _reviews_of(sel.grid_load(cell=cell, cycle=cycle))


def test_a_save_refused_for_its_format_still_shows_the_saved_reviews(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    _saved(cell, cycle, cast.secretary.user)
    MemberReview.objects.filter(member=member).update(cell_note="Đã lưu trước")
    client.force_login(cast.secretary.user)
    data = grid_data(members_of(cell), per={member.pk: ("GOOD", "không phải số", {})})
    resp = post_grid(client, cell, data, action="save")
    assert resp.status_code == 200
    row = next(r for r in resp.context["rows"] if r["row"].member.pk == member.pk)
    assert row["row"].review is not None and row["row"].review.cell_note == "Đã lưu trước"
    assert reverse("reviews:detail", args=[row["row"].review.pk]) in resp.content.decode()  # the saved row's link


def test_the_cells_own_row_and_its_audit_are_written_with_the_grid(cast, cycle):
    cell = cast.tree.cell
    inputs = {m.pk: GridInput(grade="GOOD", score=Decimal("80")) for m in members_of(cell)}
    services.grid_save(cell=cell, cycle=cycle, inputs=inputs, org_grade="GOOD", org_score=Decimal("82"),
                       user=cast.secretary.user)
    org_review = OrgReview.objects.get(organization=cell, year=cycle.year)
    assert (org_review.proposed_grade, org_review.proposed_score, org_review.version) == ("GOOD", Decimal("82"), 1)
    latest = org_review.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_type, latest.proposed_grade, latest.version) == ("~", "GOOD", 1)
    assert latest.history_user == cast.secretary.user
    with pytest.raises(ValidationError):  # the typed values are still validated
        services.grid_save(cell=cell, cycle=cycle, inputs=inputs, org_grade="GOOD", org_score=Decimal("1000"),
                           user=cast.secretary.user)
    assert OrgReview.objects.get(pk=org_review.pk).proposed_score == Decimal("82")
