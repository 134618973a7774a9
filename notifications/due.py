"""What reminders are due on a day: set-based reads, a few queries per cycle, none per member.

Returns DueItem rows (one per ledger key) and the people they go to. Member reminders carry the
member as recipient; role reminders (secretary, deciding committee, superior) carry the user.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from commitments.models import Commitment, CommitmentCycle, CommitmentStatus
from organizations.models import ACTIVE_STATUSES, Member
from reviews.models import MemberReview, NotGradedReason, OrgReview, ReviewCycle, ReviewStatus

from .models import LATE, ReminderKind
from .stages import deadline_window, stage_on
from .tree import Node, Tree

# Pages to act on: literal paths of the URL contract (other apps' URL names arrive with their branches).
MY_COMMITMENT = "/cam-ket/"
CELL_COMMITMENTS = "/cam-ket/chi-bo/{}/"
MY_REVIEW = "/kiem-diem/"
CELL_GRID = "/kiem-diem/chi-bo/{}/"
DECISIONS = "/kiem-diem/quyet-dinh/{}/"
DASHBOARD = "/tong-hop/{}/"

# kind -> (cycle model, deadline field, ledger cycle field)
CYCLE_OF = {
    ReminderKind.COMMITMENT: (CommitmentCycle, "deadline", "commitment_cycle"),
    ReminderKind.SELF_ASSESSMENT: (ReviewCycle, "self_assessment_deadline", "review_cycle"),
    ReminderKind.PROPOSAL: (ReviewCycle, "meeting_deadline", "review_cycle"),
    ReminderKind.DECISION: (ReviewCycle, "decision_deadline", "review_cycle"),
}


@dataclass(frozen=True)
class Person:
    key: str  # one message per person per run: "u<user id>" or "m<member id>"
    name: str
    email: str
    user_id: int | None


@dataclass(frozen=True)
class Unit:
    """A unit listed in a reminder or a digest (a cell, a deciding body)."""

    id: int
    name: str
    link: str
    missing: int = 0
    total: int = 0

    @property
    def worst_first(self) -> tuple:
        return (-(self.missing / self.total if self.total else 1), -self.missing, self.name)


@dataclass
class DueItem:
    kind: str
    stage: str
    cycle_field: str
    cycle_id: int
    year: int
    deadline: dt.date
    days_left: int
    person: str
    link: str
    user_id: int | None = None
    member_id: int | None = None
    units: list[Unit] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        cycles = (self.cycle_id, None) if self.cycle_field == "commitment_cycle" else (None, self.cycle_id)
        return (self.user_id, self.member_id, self.kind, *cycles, self.stage)

    @property
    def is_late(self) -> bool:
        return self.stage == LATE


@dataclass
class DueReminders:
    items: list[DueItem] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    _user_ids: set[int] = field(default_factory=set)


def reminders_due(*, on: dt.date, days_before: Iterable[int] = (7, 0), late_days: int = 30) -> DueReminders:
    days_before = tuple(days_before)
    due = DueReminders()
    trees: dict[int, Tree] = {}
    for kind, (model, deadline_field, cycle_field) in CYCLE_OF.items():
        window = deadline_window(deadline_field, on=on, days_before=days_before, late_days=late_days)
        for cycle in model.objects.filter(window).select_related("organization").order_by("id"):
            deadline = getattr(cycle, deadline_field)
            stage = stage_on(
                deadline=deadline, on=on, days_before=days_before, late_days=late_days,
                opens_on=getattr(cycle, "opens_on", None),
            )  # fmt: skip
            if stage is None:
                continue
            tree = trees.get(cycle.organization_id) or trees.setdefault(
                cycle.organization_id, Tree(cycle.organization, on)
            )
            ctx = _Ctx(due, tree, kind, stage, cycle_field, cycle.id, cycle.year, deadline, (deadline - on).days)
            BUILDERS[kind](ctx)
    _resolve_users(due)
    return due


@dataclass
class _Ctx:
    due: DueReminders
    tree: Tree
    kind: str
    stage: str
    cycle_field: str
    cycle_id: int
    year: int
    deadline: dt.date
    days_left: int

    def item(self, *, person: str, link: str, user_id=None, member_id=None, units=()) -> None:
        self.due.items.append(
            DueItem(
                kind=self.kind, stage=self.stage, cycle_field=self.cycle_field, cycle_id=self.cycle_id,
                year=self.year, deadline=self.deadline, days_left=self.days_left, person=person, link=link,
                user_id=user_id, member_id=member_id, units=sorted(units, key=lambda u: u.worst_first),
            )
        )  # fmt: skip
        if user_id is not None:
            self.due._user_ids.add(user_id)

    @property
    def late(self) -> bool:
        return self.stage == LATE


# --- members who have not submitted ------------------------------------------------------------


def _members_missing(ctx: _Ctx):
    done = (
        Exists(
            Commitment.objects.filter(
                member=OuterRef("pk"),
                year=ctx.year,
                status__in=[CommitmentStatus.SUBMITTED, CommitmentStatus.ACKNOWLEDGED],
            )
        )
        if ctx.kind == ReminderKind.COMMITMENT
        else Exists(
            # a self-assessment is in, or the member is recorded as not graded for a reason
            # that also excuses writing one (new members still write theirs)
            MemberReview.objects.filter(member=OuterRef("pk"), year=ctx.year).filter(
                ~Q(status=ReviewStatus.DRAFT) | ~Q(not_graded_reason__in=["", NotGradedReason.NEW_MEMBER])
            )
        )
    )
    return Member.objects.filter(cell__path__startswith=ctx.tree.root.path, status__in=ACTIVE_STATUSES).exclude(done)


def _member_reminders(ctx: _Ctx) -> None:
    if ctx.late:
        return _late_cells(ctx)
    link = MY_COMMITMENT if ctx.kind == ReminderKind.COMMITMENT else MY_REVIEW
    rows = _members_missing(ctx).values_list("id", "full_name", "email", "user_id", "user__email")
    for member_id, name, member_email, user_id, user_email in rows.iterator(chunk_size=5000):
        email = user_email or member_email
        if not email and user_id is None:
            continue  # no address and no account: nothing can reach this member
        key = f"u{user_id}" if user_id else f"m{member_id}"
        ctx.due.people.setdefault(key, Person(key, name, email, user_id))
        ctx.item(person=key, link=link, member_id=member_id)


def _late_cells(ctx: _Ctx) -> None:
    """Escalation: cells with members still missing, to each cell's superior committee."""
    missing = dict(_members_missing(ctx).values("cell_id").annotate(n=Count("id")).values_list("cell_id", "n"))
    active = ctx.tree.active_members()
    page = CELL_COMMITMENTS if ctx.kind == ReminderKind.COMMITMENT else CELL_GRID
    units = []
    for cell_id, n in missing.items():
        cell = ctx.tree.by_id.get(cell_id)
        if cell is not None:
            units.append((cell, Unit(cell.id, cell.name, page.format(cell.id), n, active.get(cell_id, n))))
    _escalate(ctx, units)


# --- cells that have not sent their proposal ---------------------------------------------------


def _submitted_cells(ctx: _Ctx) -> set[int]:
    return set(
        OrgReview.objects.filter(
            organization__path__startswith=ctx.tree.root.path, year=ctx.year, members_submitted_at__isnull=False
        ).values_list("organization_id", flat=True)
    )


def _proposal_reminders(ctx: _Ctx) -> None:
    submitted = _submitted_cells(ctx)
    active = ctx.tree.active_members()
    pending = [(ctx.tree.by_id[c], n) for c, n in active.items() if c not in submitted and c in ctx.tree.by_id]
    if ctx.late:
        return _escalate(
            ctx, [(cell, Unit(cell.id, cell.name, CELL_GRID.format(cell.id), n, n)) for cell, n in pending]
        )
    by_user: dict[int, list[Unit]] = defaultdict(list)
    for cell, n in pending:
        for user_id in ctx.tree.secretaries(cell):
            by_user[user_id].append(Unit(cell.id, cell.name, CELL_GRID.format(cell.id), n, n))
    for user_id, units in by_user.items():
        ctx.item(person=f"u{user_id}", user_id=user_id, link=units[0].link, units=units)


# --- deciding bodies with undecided proposals --------------------------------------------------


def _decision_reminders(ctx: _Ctx) -> None:
    undecided = OrgReview.objects.filter(
        organization__path__startswith=ctx.tree.root.path,
        year=ctx.year,
        members_submitted_at__isnull=False,
        members_decided_at__isnull=True,
    ).values_list("organization_id", flat=True)
    bodies: dict[int, tuple[Node, list[int], list[Node]]] = {}
    for cell_id in undecided:
        cell = ctx.tree.by_id.get(cell_id)
        if cell is None:
            continue
        body, users = ctx.tree.deciding_body(cell)
        bodies.setdefault(body.id, (body, users, []))[2].append(cell)
    if ctx.late:
        cells_under = _cells_under(ctx.tree, [b for b, _, _ in bodies.values()])
        units = [
            (
                body,
                Unit(body.id, body.name, DECISIONS.format(body.id), len(cells), max(cells_under[body.id], len(cells))),
            )
            for body, _, cells in bodies.values()
        ]
        return _escalate(ctx, units)
    by_user: dict[int, list[Unit]] = defaultdict(list)
    for body, users, cells in bodies.values():
        for user_id in users:
            by_user[user_id].append(Unit(body.id, body.name, DECISIONS.format(body.id), len(cells), len(cells)))
    for user_id, units in by_user.items():
        ctx.item(person=f"u{user_id}", user_id=user_id, link=units[0].link, units=units)


def _cells_under(tree: Tree, bodies: list[Node]) -> dict[int, int]:
    """Cells with active members under each body (for "3 of 12 cells undecided")."""
    counts = {b.id: 0 for b in bodies}
    for cell_id in tree.active_members():
        cell = tree.by_id.get(cell_id)
        if cell is None:
            continue
        for body in bodies:
            if cell.path.startswith(body.path):
                counts[body.id] += 1
    return counts


# --- escalation ---------------------------------------------------------------------------------


def _escalate(ctx: _Ctx, units: list[tuple[Node, Unit]]) -> None:
    """One digest per superior user listing every late unit below them, worst first."""
    by_user: dict[int, tuple[Node, list[Unit]]] = {}
    for node, unit in units:
        superior, users = ctx.tree.superior(node)
        for user_id in users:
            by_user.setdefault(user_id, (superior, []))[1].append(unit)
    for user_id, (superior, late_units) in by_user.items():
        ctx.item(person=f"u{user_id}", user_id=user_id, link=DASHBOARD.format(superior.id), units=late_units)


BUILDERS = {
    ReminderKind.COMMITMENT: _member_reminders,
    ReminderKind.SELF_ASSESSMENT: _member_reminders,
    ReminderKind.PROPOSAL: _proposal_reminders,
    ReminderKind.DECISION: _decision_reminders,
}


def _resolve_users(due: DueReminders) -> None:
    """Names and addresses of the users reminded in their roles (one query)."""
    missing = [uid for uid in due._user_ids if f"u{uid}" not in due.people]
    rows = get_user_model().objects.filter(pk__in=missing)
    for uid, first, last, username, email, member_email, member_name in rows.values_list(
        "id", "first_name", "last_name", "username", "email", "member__email", "member__full_name"
    ):
        name = member_name or f"{last} {first}".strip() or username
        due.people[f"u{uid}"] = Person(f"u{uid}", name, email or member_email or "", uid)
