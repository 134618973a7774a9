"""The grid POST loads the grid once: the save re-reads only the reviews under its lock, so what it
writes and audits is the stored row, even when a review appeared or changed after the page loaded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reviews import selectors as sel
from reviews import services
from reviews.models import MemberReview
from reviews.services import GridInput, SelfAssessment
from tests.reviews.helpers import propose

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
