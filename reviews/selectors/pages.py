"""Reads behind the review pages: the member's own review, the review page, the decisions page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from organizations.models import Member, Organization, OrgKind
from organizations.selectors import user_scope

from ..models import (
    Grade,
    Indicator,
    IndicatorAnswer,
    MemberReview,
    OrgReview,
    QuotaOverride,
    RemediationItem,
    ReviewCycle,
    ReviewStatus,
)
from .cycles import current_cycle, policy_of
from .facts import open_shortcomings
from .permissions import member_may_edit

GRADE_CHOICES = [("", "—"), *Grade.choices]


# --- Scoped loaders for review objects (built on organizations.selectors.user_scope) --------------


def review_get_for_user(*, user, pk: int) -> MemberReview:
    review = MemberReview.objects.select_related("member", "cell", "cycle__regime", "decided_by").filter(pk=pk).first()
    if review is None:
        raise Http404
    scope = user_scope(user)
    if scope.member_id == review.member_id or scope.covers(review.cell.path):
        return review
    raise Http404


def remediation_get_for_user(*, user, pk: int) -> RemediationItem:
    """A remediation item of a member whose cell the user reads (404 otherwise)."""
    item = RemediationItem.objects.select_related("member__cell").filter(pk=pk).first()
    if item is None or item.member.cell is None or not user_scope(user).covers(item.member.cell.path):
        raise Http404
    return item


# --- The member's own review ----------------------------------------------------------------------


@dataclass
class MyReview:
    member: Member | None
    cycle: ReviewCycle | None = None
    review: MemberReview | None = None
    indicators: list[Indicator] = field(default_factory=list)
    answers: dict[int, tuple[str, str]] = field(default_factory=dict)
    commitment: object | None = None
    editable: bool = True

    @property
    def policy(self):
        return policy_of(self.cycle)


def my_review_load(*, user) -> MyReview:
    """The logged-in member's review for the current cycle (an unsaved one when not begun)."""
    scope = user_scope(user)
    member = Member.objects.select_related("cell").filter(pk=scope.member_id).first() if scope.member_id else None
    if member is None or member.cell is None:
        return MyReview(member=None)
    cycle = current_cycle(member.cell)
    if cycle is None:
        return MyReview(member=member)
    review = MemberReview.objects.filter(member=member, year=cycle.year).select_related("cycle__regime").first()
    review = review or MemberReview(member=member, year=cycle.year, cycle=cycle, cell=member.cell)
    answers = (
        {a.indicator_id: (a.answer, a.note) for a in IndicatorAnswer.objects.filter(review=review)} if review.pk else {}
    )
    return MyReview(
        member=member,
        cycle=cycle,
        review=review,
        indicators=list(Indicator.objects.order_by("number")),
        answers=answers,
        commitment=commitment_of(member, cycle.year),
        editable=member_may_edit(review) if review.pk else True,
    )


def commitment_of(member: Member, year: int):
    try:
        from commitments.models import Commitment
    except ImportError:  # pragma: no cover
        return None
    return Commitment.objects.filter(member=member, year=year).first()


def open_remediation(member: Member, year: int) -> list[RemediationItem]:
    """Shortcomings from earlier years not yet remedied (shown in next year's commitment and review)."""
    return list(open_shortcomings(year).filter(member=member))


def member_grade_history(member: Member) -> list[MemberReview]:
    return list(MemberReview.objects.filter(member=member).order_by("-year"))


# --- The review page ------------------------------------------------------------------------------


def review_page_load(review: MemberReview) -> dict:
    return {
        "answers": IndicatorAnswer.objects.filter(review=review).exclude(answer="NO").select_related("indicator"),
        "discipline": review.member.discipline_records.all(),
        "remediation": RemediationItem.objects.filter(member=review.member).order_by("-year_found", "due_on"),
    }


# --- Decisions ------------------------------------------------------------------------------------


def cells_decided_by(decider: Organization, year: int) -> list[tuple[Organization, OrgReview | None]]:
    """Cells whose members this body decides, with their org review for the year (if any)."""
    if decider.kind == OrgKind.GRASSROOTS_CELL:
        cells = [decider]
    elif decider.kind == OrgKind.GRASSROOTS_COMMITTEE:
        cells = list(Organization.objects.filter(path__startswith=decider.path, kind=OrgKind.CELL).order_by("path"))
    else:
        return []
    reviews = {o.organization_id: o for o in OrgReview.objects.filter(organization__in=cells, year=year)}
    return [(cell, reviews.get(cell.pk)) for cell in cells]


def decisions_waiting(*, decider: Organization, year: int) -> int:
    """Cells whose proposal waits for this body's decision (status PROPOSED, two queries).

    The home page's badge ("N đề xuất đang chờ") and the decisions page both come from
    `cells_decided_by`, so the badge never promises work the page does not show.
    """
    return sum(
        1 for _cell, review in cells_decided_by(decider, year) if review and review.status == ReviewStatus.PROPOSED
    )


def orgs_graded_by(decider: Organization, year: int) -> list[tuple[Organization, OrgReview | None]]:
    """Organisations whose own grade this body decides (REFERENCE section 4)."""
    from django.db.models import Q

    if decider.kind == OrgKind.GRASSROOTS_COMMITTEE:
        q = Q(path__startswith=decider.path, kind__in=[OrgKind.CELL, OrgKind.SUB_COMMITTEE])
    else:
        q = Q(path__startswith=decider.path, depth=decider.depth + 1)
    orgs = list(Organization.objects.filter(q).exclude(pk=decider.pk).order_by("path"))
    reviews = {o.organization_id: o for o in OrgReview.objects.filter(organization__in=orgs, year=year)}
    return [(org, reviews.get(org.pk)) for org in orgs]


def reviews_of_cells(cell_ids: list[int], year: int) -> dict[int, list[MemberReview]]:
    out: dict[int, list[MemberReview]] = {}
    for r in (
        MemberReview.objects.filter(cell_id__in=cell_ids, year=year)
        .select_related("member")
        .order_by("member__sort_key")
    ):
        out.setdefault(r.cell_id, []).append(r)
    return out


def reviews_of_cell(cell: Organization, year: int) -> list[MemberReview]:
    return list(MemberReview.objects.filter(cell=cell, year=year).select_related("member").order_by("member__sort_key"))


def decisions_load(*, decider: Organization, cycle: ReviewCycle) -> dict:
    """The decisions page in a fixed number of queries (cells, their reviews, organisations graded here,
    results needing re-decision, grassroots cells' own quota overrides, leaders managed here)."""
    from django.db.models import Q

    from .authority import leaders_managed_by

    cells = cells_decided_by(decider, cycle.year)
    locked_ids = [c.pk for c, o in cells if o and o.status in (ReviewStatus.PROPOSED, ReviewStatus.DECIDED)]
    orgs = orgs_graded_by(decider, cycle.year)
    scope_ids = [c.pk for c, _o in cells] + [o.pk for o, _r in orgs]
    redecide = {
        "members": list(
            MemberReview.objects.filter(cell_id__in=[c.pk for c, _o in cells], year=cycle.year)
            .exclude(redecide_reason="")
            .select_related("member", "cell")
        ),
        "orgs": list(
            OrgReview.objects.filter(organization_id__in=scope_ids, year=cycle.year)
            .exclude(redecide_reason="")
            .select_related("organization")
        ),
    }
    overrides = list(
        QuotaOverride.objects.filter(
            year=cycle.year,
            deciding_body__kind=OrgKind.GRASSROOTS_CELL,
            deciding_body__path__startswith=decider.path,
            deciding_body__depth=decider.depth + 1,
        ).select_related("deciding_body", "decided_by")
    )
    leaders = list(
        MemberReview.objects.filter(
            Q(member__in=Member.objects.filter(leaders_managed_by(decider))),
            year=cycle.year,
            status__in=[ReviewStatus.PROPOSED, ReviewStatus.DECIDED],
        ).select_related("member", "cell")
    )
    return {
        "cells": cells,
        "reviews": reviews_of_cells(locked_ids, cycle.year),
        "orgs": orgs,
        "redecide": redecide,
        "overrides": overrides,
        "leaders": leaders,
    }
