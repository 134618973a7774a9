"""Reads for the review round: residence requests (the residence side sees only the request),
minutes, leadership collectives and their opinions."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from organizations.models import CELL_KINDS, Member, Organization, OrgKind, Position, PositionKind
from organizations.selectors import paths_q, positions_open_on, user_scope

from .models import Attendance, LeadershipOpinion, MeetingKind, Minutes, ResidenceComment, ResidenceStatus

COLLECTIVE_KINDS = (PositionKind.COMMITTEE_MEMBER, PositionKind.STANDING_COMMITTEE)

# --- residence ------------------------------------------------------------------------------------


def residence_inbox(*, user) -> QuerySet[ResidenceComment]:
    """Requests addressed to organisations the user acts for (secretaries, committees), newest first.

    Only the request's own fields and the member's name and workplace cell are read: nothing else of
    the member's file reaches the residence side.
    """
    scope = user_scope(user)
    qs = ResidenceComment.objects.exclude(status=ResidenceStatus.EXEMPT)
    if not scope.is_superuser:
        qs = qs.filter(paths_q(scope.act_paths, "residence_org__path"))
    return (
        qs.select_related("residence_org", "cell")
        .only(
            "id", "year", "status", "fulfilment", "text", "requested_at", "written_at",
            "member__full_name", "cell__name", "residence_org__name", "residence_org__path",
        )
        .select_related("member")
        .order_by("status", "-requested_at", "id")
    )  # fmt: skip


def residence_request_get_for_user(*, user, pk: int) -> ResidenceComment:
    """The one scoped loader for a residence request: 404 unless the user acts for its residence org."""
    comment = residence_inbox(user=user).filter(pk=pk).first()
    if comment is None:
        raise Http404
    return comment


def residence_for_cell(*, cell: Organization, year: int) -> dict[int, ResidenceComment]:
    return {
        c.member_id: c for c in ResidenceComment.objects.filter(cell=cell, year=year).select_related("residence_org")
    }


def residence_org_choices() -> list[tuple[int, str]]:
    """Where a member may live: cells and commune-level committees in force (anywhere in the tree)."""
    today = timezone.localdate()
    orgs = Organization.objects.valid_on(today).filter(kind__in=[*CELL_KINDS, OrgKind.COMMUNE]).order_by("name", "pk")
    return list(orgs.values_list("pk", "name"))


# --- minutes --------------------------------------------------------------------------------------


def minutes_get(*, org: Organization, year: int, kind: str) -> Minutes | None:
    return Minutes.objects.filter(organization=org, year=year, kind=kind).first()


def attendance_of(minutes: Minutes | None) -> dict[int, Attendance]:
    if minutes is None:
        return {}
    return {a.member_id: a for a in minutes.attendance.select_related("member")}


def decision_minutes_for(*, org: Organization, year: int) -> Minutes | None:
    return minutes_get(org=org, year=year, kind=MeetingKind.DECISION)


# --- leadership collectives -----------------------------------------------------------------------


def collective_leaders(collective: Organization) -> list[tuple[Member, str]]:
    """Members holding an open committee or standing-committee position in the collective."""
    today = timezone.localdate()
    rows = (
        Position.objects.filter(positions_open_on(today), organization=collective, kind__in=COLLECTIVE_KINDS)
        .exclude(user__member__isnull=True)
        .values_list("user__member", "kind")
    )
    kinds: dict[int, str] = {}
    for member_id, kind in rows:
        if kinds.get(member_id) != PositionKind.STANDING_COMMITTEE:
            kinds[member_id] = kind
    members = Member.objects.filter(pk__in=kinds).select_related("cell").order_by("sort_key", "id")
    # standing committee first (heads before members), then name order
    return sorted(((m, kinds[m.pk]) for m in members), key=lambda r: r[1] != PositionKind.STANDING_COMMITTEE)


def may_record_for_collective(user, collective: Organization) -> bool:
    return user_scope(user).covers_with(collective.path, {PositionKind.STANDING_COMMITTEE})


def opinions_for(member_ids, year: int) -> dict[int, list[LeadershipOpinion]]:
    out: dict[int, list[LeadershipOpinion]] = defaultdict(list)
    for o in LeadershipOpinion.objects.filter(member_id__in=list(member_ids), year=year).select_related("collective"):
        out[o.member_id].append(o)
    return dict(out)


def leader_collectives(member_ids) -> dict[int, list[Organization]]:
    """The leadership collectives each member belongs to (open committee positions)."""
    today = timezone.localdate()
    out: dict[int, list[Organization]] = defaultdict(list)
    rows = Position.objects.filter(
        positions_open_on(today), kind__in=COLLECTIVE_KINDS, user__member__in=list(member_ids)
    ).values_list("user__member", "organization")
    for member_id, org_id in rows:
        out[member_id].append(org_id)
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in={i for ids in out.values() for i in ids})}
    return {mid: [orgs[i] for i in dict.fromkeys(ids)] for mid, ids in out.items()}


# --- what the cell grid and the decision page show (issue 12) ------------------------------------


class GridExtras:
    """Residence comments, leadership opinions and the minutes for one cell's grid (4 queries)."""

    def __init__(self, *, cell: Organization, year: int, member_ids: list[int]):
        self.residence = residence_for_cell(cell=cell, year=year)
        self.opinions = opinions_for(member_ids, year)
        self.minutes = minutes_get(org=cell, year=year, kind=MeetingKind.CELL_REVIEW)
        self.votes = attendance_of(self.minutes) if self.minutes else {}

    def row(self, member_id: int) -> dict:
        return {
            "residence": self.residence.get(member_id),
            "opinions": self.opinions.get(member_id, []),
            "vote": self.votes.get(member_id),
        }


def leaders_for_decision(*, reviews_by_cell: dict[int, list], year: int) -> list[dict]:
    """Leaders among the members this body decides: their cell's proposal (with its vote) and the
    opinion of each leadership collective they belong to (reviewed at two places)."""
    reviews = [r for rows in reviews_by_cell.values() for r in rows]
    ids = [r.member_id for r in reviews]
    collectives = leader_collectives(ids)
    opinions = opinions_for(ids, year)
    leaders = [r for r in reviews if r.member_id in collectives or r.member_id in opinions]
    votes = {
        (a.minutes.organization_id, a.member_id): a
        for a in Attendance.objects.filter(
            minutes__kind=MeetingKind.CELL_REVIEW, minutes__year=year, member_id__in=[r.member_id for r in leaders]
        ).select_related("minutes")
    }
    return [
        {
            "review": r,
            "vote": votes.get((r.cell_id, r.member_id)),
            "collectives": collectives.get(r.member_id, []),
            "opinions": opinions.get(r.member_id, []),
        }
        for r in leaders
    ]
