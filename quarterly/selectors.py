"""Reads for the quarterly evaluation of leaders: who is evaluated, by whom, and the roll-up."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from organizations.models import ACTIVE_STATUSES, Member, Organization, Position, PositionKind
from organizations.selectors import positions_open_on, user_scope
from reviews.models import Grade

from .models import QUARTERS, QuarterlyCycle, QuarterlyEvaluation, QuarterlyStatus

# The most senior listed position decides where the leader is evaluated and who manages them.
_RANK = {
    PositionKind.STANDING_COMMITTEE: 0,
    PositionKind.COMMITTEE_MEMBER: 1,
    PositionKind.CELL_SECRETARY: 2,
    PositionKind.CELL_DEPUTY: 3,
}


def listed_positions() -> list[str]:
    return list(getattr(settings, "QUARTERLY_LEADER_POSITIONS", []))


def leader_position(member: Member) -> tuple[str, Organization] | None:
    """The member's senior open position among the listed ones (kind, organisation), or None."""
    if member.user_id is None or member.status not in ACTIVE_STATUSES:
        return None
    rows = list(
        Position.objects.filter(
            positions_open_on(timezone.localdate()), user_id=member.user_id, kind__in=listed_positions()
        ).select_related("organization")
    )
    if not rows:
        return None
    best = min(rows, key=lambda p: (p.organization.depth, _RANK.get(p.kind, 9)))
    return best.kind, best.organization


def managing_body(org: Organization) -> Organization:
    """The body that manages leaders of `org`: the organisation directly above it (itself at the top)."""
    return Organization.objects.get_parent(org) or org


def cycle_for(org: Organization, year: int) -> QuarterlyCycle | None:
    return QuarterlyCycle.objects.filter(organization__path=org.path[: org.steplen], year=year).first()


def evaluations_of(member: Member, year: int) -> dict[int, QuarterlyEvaluation]:
    return {e.quarter: e for e in QuarterlyEvaluation.objects.filter(member=member, year=year)}


def leaders_in(root: Organization) -> list[int]:
    """Member ids of everyone holding a listed position in the subtree."""
    rows = Position.objects.filter(
        positions_open_on(timezone.localdate()),
        organization__path__startswith=root.path,
        kind__in=listed_positions(),
        user__member__status__in=ACTIVE_STATUSES,
    ).values_list("user__member", flat=True)
    return sorted({i for i in rows if i is not None})


def leaders_missing(*, cycle: QuarterlyCycle, quarter: int) -> list[int]:
    leaders = leaders_in(cycle.organization)
    done = set(
        QuarterlyEvaluation.objects.filter(
            member_id__in=leaders, year=cycle.year, quarter=quarter,
            status__in=[QuarterlyStatus.SUBMITTED, QuarterlyStatus.DECIDED],
        ).values_list("member_id", flat=True)
    )  # fmt: skip
    return [i for i in leaders if i not in done]


def evaluation_get_for_user(*, user, pk: int) -> QuarterlyEvaluation:
    """The leader's own evaluation, or one the user's scope covers through its managing body."""
    row = QuarterlyEvaluation.objects.select_related("member", "manager", "position_org").filter(pk=pk).first()
    scope = user_scope(user)
    if row is None or not (scope.member_id == row.member_id or scope.covers(row.manager.path)):
        raise Http404
    return row


def managed_evaluations(*, manager: Organization, year: int) -> list[QuarterlyEvaluation]:
    return list(
        QuarterlyEvaluation.objects.filter(manager=manager, year=year)
        .select_related("member", "position_org")
        .order_by("quarter", "member__sort_key", "member_id")
    )


def quarterly_rollup(*, org: Organization, year: int) -> list[dict]:
    """Per quarter over the subtree: leaders, self-assessed, decided, and the decided grades. 2 queries."""
    leaders = leaders_in(org)
    rows = QuarterlyEvaluation.objects.filter(
        Q(member_id__in=leaders) | Q(position_org__path__startswith=org.path), year=year
    ).values_list("quarter", "status", "decided_grade")
    by_q: dict[int, Counter] = {q: Counter() for q in QUARTERS}
    for quarter, status, grade in rows:
        c = by_q[quarter]
        c["filed"] += status != QuarterlyStatus.DRAFT
        if status == QuarterlyStatus.DECIDED:
            c["decided"] += 1
            c[grade] += 1
    return [
        {"quarter": q, "leaders": len(leaders), "filed": by_q[q]["filed"], "decided": by_q[q]["decided"],
         "grades": [(label, by_q[q][value]) for value, label in Grade.choices]}
        for q in QUARTERS
    ]  # fmt: skip
