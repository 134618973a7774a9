"""Transfers: graded by the cell holding the official membership at grading time, counted once there;
the old cell sees the member read-only ("transferred out") and comments within transfer_comment_months."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.services import member_transfer
from reviews import selectors as sel
from reviews import services
from reviews.models import MemberReview, ReviewStatus
from tests.reviews.conftest import grid_data, post_grid, record_collective
from tests.reviews.helpers import members_of, propose

pytestmark = pytest.mark.django_db


def test_transferred_member_is_graded_only_by_the_new_cell(cast, cycle):
    tree, moved = cast.tree, cast.member.member
    services.review_ensure(member=moved, cycle=cycle)  # begun in the old cell
    member_transfer(member=moved, to_cell=tree.cell2, on=dt.date(2026, 9, 1))
    old = sel.grid_load(cell=tree.cell, cycle=cycle)
    row = next(r for r in old.rows if r.member.pk == moved.pk)
    assert row.transferred_out and row.elsewhere and row.comment_open and row.moved_to == tree.cell2
    assert moved.pk not in {r.member.pk for r in old.own_rows}
    propose(tree.cell, cycle, cast.secretary.user, members=[cast.secretary.member])  # old cell submits first
    assert MemberReview.objects.get(member=moved).status == ReviewStatus.DRAFT  # untouched by the old cell
    propose(tree.cell2, cycle, cast.other_secretary.user, per={moved.pk: "EXCELLENT"})
    review = MemberReview.objects.get(member=moved)
    assert (review.cell, review.status, review.proposed_grade) == (tree.cell2, ReviewStatus.PROPOSED, "EXCELLENT")
    grades = sel.quota_grades(grassroots=tree.committee, year=2026)
    assert sorted(grades) == ["EXCELLENT", "GOOD", "GOOD"]  # counted once


def test_member_moving_to_another_grassroots_org_counts_in_the_new_one(cast, cycle):
    from organizations.models import PositionKind
    from organizations.services import position_assign
    from tests.factories import UserFactory

    tree, moved = cast.tree, cast.member.member
    gsec = UserFactory(username="bithu-thon")
    position_assign(user=gsec, organization=tree.gcell, kind=PositionKind.CELL_SECRETARY)
    member_transfer(member=moved, to_cell=tree.gcell, on=dt.date(2026, 10, 1))
    propose(tree.cell, cycle, cast.secretary.user, members=[cast.secretary.member])
    propose(tree.gcell, cycle, gsec, members=[moved])
    assert sel.quota_grades(grassroots=tree.committee, year=2026) == ["GOOD"]
    assert sel.quota_grades(grassroots=tree.gcell, year=2026) == ["GOOD"]


def test_old_cell_comment_only_within_transfer_comment_months(cast, cycle):
    tree, moved = cast.tree, cast.member.member
    member_transfer(member=moved, to_cell=tree.cell2, on=dt.date(2026, 2, 1))  # 6 months before 20/12 passed
    with pytest.raises(ValidationError) as exc:
        services.transfer_comment_save(
            old_cell=tree.cell, member=moved, cycle=cycle, comment="Tốt", user=cast.secretary.user
        )
    assert "quá 6 tháng" in str(exc.value)
    regime = cycle.regime
    regime.params = {**regime.params, "transfer_comment_months": 12}
    regime.save()
    services.transfer_comment_save(
        old_cell=tree.cell, member=moved, cycle=cycle, comment="Tốt", user=cast.secretary.user
    )
    assert MemberReview.objects.get(member=moved).transfer_comment_cell == tree.cell
    with pytest.raises(ValidationError):  # a member who never left this cell
        services.transfer_comment_save(
            old_cell=tree.cell2, member=cast.secretary.member, cycle=cycle, comment="x", user=cast.other_secretary.user
        )


def test_transfer_end_to_end_old_cell_comments_new_cell_grades(client, cast, cycle):
    tree, moved = cast.tree, cast.member.member
    member_transfer(member=moved, to_cell=tree.cell2, on=dt.date(2026, 9, 1))
    client.force_login(cast.secretary.user)
    url = reverse("reviews:grid", args=[tree.cell.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="transferred-out"' in html and "Đã chuyển sinh hoạt đi Chi bộ Tổ 2" in html
    assert (
        f'name="m{moved.pk}-grade" class="form-select" aria-label="Chi bộ đề xuất {moved.full_name}" disabled'
        in html
    )
    resp = client.post(
        url, {"action": "transfer_comment", "member": moved.pk, "transfer_comment": "Gương mẫu, nhiệt tình"}
    )
    assert resp.status_code == 302
    # the old cell submits: the member who left is not part of its proposal (even if his fields are posted)
    record_collective(client, tree.cell)
    resp = post_grid(client, tree.cell, grid_data(members_of(tree.cell) + [moved], ("GOOD", "80")), action="submit")
    assert resp.status_code == 302
    review = MemberReview.objects.get(member=moved)
    assert (review.cell, review.status, review.transfer_comment) == (
        tree.cell2,
        ReviewStatus.DRAFT,
        "Gương mẫu, nhiệt tình",
    )
    # the new cell sees the comment and grades him
    client.force_login(cast.other_secretary.user)
    html = client.get(reverse("reviews:grid", args=[tree.cell2.pk])).content.decode()
    assert "Nhận xét của Chi bộ Tổ 1: Gương mẫu, nhiệt tình" in html
    record_collective(client, tree.cell2)
    resp = post_grid(client, tree.cell2, grid_data(members_of(tree.cell2)), action="submit")
    assert resp.status_code == 302
    review.refresh_from_db()
    assert (review.cell, review.status) == (tree.cell2, ReviewStatus.PROPOSED)
