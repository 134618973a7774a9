"""Building blocks of a reorganisation (see reorg.py for the rules they implement)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organizations import services as org_services
from organizations.models import CELL_KINDS, Member, Membership, Organization, Position

from .history_sql import history_insert, set_column
from .import_types import ImportScope

DAY = dt.timedelta(days=1)


@dataclass
class Run:
    """What one reorganisation did; becomes the audit record's summary and the preview."""

    on: dt.date
    user: object
    note: str
    ended: list[Organization] = field(default_factory=list)
    created: list[tuple[Organization, Organization | None]] = field(default_factory=list)  # (new, parent)
    cell_moves: dict[int, int] = field(default_factory=dict)  # old cell id → new cell id
    member_moves: dict[int, int] = field(default_factory=dict)  # member id → new cell id (splits)
    moved_by_cell: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    members_moved: int = 0
    successors: dict[int, int] = field(default_factory=dict)  # old node id → its (first) successor id
    transient: list[Organization] = field(default_factory=list)  # created today, replaced → deleted
    relocated: set[int] = field(default_factory=set)

    def summary(self) -> dict:
        ids = {i for pair in self.moved_by_cell for i in pair}
        names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
        return {
            "ended": [[o.code, o.name, o.valid_to.isoformat()] for o in self.ended],
            "created": [[o.code, o.name, p.name if p else ""] for o, p in self.created],
            "moves": [[names.get(a, ""), names.get(b, ""), n] for (a, b), n in sorted(self.moved_by_cell.items())],
            "members_moved": self.members_moved,
        }


# --- building blocks -----------------------------------------------------------------------------


def fresh(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def end_subtree(run: Run, org: Organization) -> None:
    """End `org` and its still-valid descendants the day before the change; retire their codes.

    Set-based (one UPDATE + one history INSERT … SELECT) so a province of 6k nodes ends in one go.
    """
    if org.valid_from == run.on:  # created today by an earlier step: it is replaced, not ended
        run.transient.append(org)
        return
    if org.valid_from > run.on:
        raise ValidationError(
            _("%(name)s bắt đầu hiệu lực từ %(day)s; ngày sắp xếp phải sau ngày đó.")
            % {"name": org.name, "day": org.valid_from.strftime("%d/%m/%Y")}
        )
    valid_to = run.on - DAY
    subtree = Organization.objects.valid_on(run.on).filter(path__startswith=org.path, valid_from__lt=run.on)
    nodes = dict(subtree.values_list("pk", "code"))
    retired = {pk: f"{code[:54]}~{valid_to:%Y%m%d}" for pk, code in nodes.items()}
    taken = set(Organization.objects.filter(code__in=retired.values()).values_list("code", flat=True))
    for pk, code in retired.items():
        n = 1
        while code in taken:  # only when an identical code was already retired the same day
            n += 1
            code = f"{retired[pk]}-{n}"
        retired[pk] = code
        taken.add(code)
    reason = run.note or _("Sắp xếp tổ chức")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Organization._meta.db_table} AS t SET valid_to = %s, code = u.code "
            "FROM unnest(%s::bigint[], %s::varchar[]) AS u(id, code) WHERE t.id = u.id",
            [valid_to, list(retired), list(retired.values())],
        )
    history_insert(model=Organization, ids=list(retired), user=run.user, reason=reason, history_type="~")
    run.ended.extend(Organization.objects.filter(pk__in=retired).order_by("path"))


def create_node(
    run: Run, *, parent: Organization | None, name: str, code: str, kind: str, predecessors
) -> Organization:
    new = org_services.organization_create(
        name=name, code=code, kind=kind, parent=fresh(parent) if parent else None, valid_from=run.on
    )
    new.predecessors.set(predecessors)
    run.created.append((new, parent))
    for old in predecessors:
        run.successors.setdefault(old.pk, new.pk)
    return new


def copy_subtree(
    run: Run, old: Organization, parent: Organization, snap: dict[str, list[Organization]]
) -> Organization:
    """A successor of `old` under `parent` (treebeard add_child), then its valid descendants in bulk."""
    if old.valid_from == run.on:
        return relocate(run, old, parent)
    new = create_node(run, parent=parent, name=old.name, code=old.code, kind=old.kind, predecessors=[old])
    if old.kind in CELL_KINDS:
        run.cell_moves[old.pk] = new.pk
    copy_descendants(run, old, new, snap)
    return new


def relocate(run: Run, node: Organization, parent: Organization) -> Organization:
    """A node created on the change day has no past to protect: move it (treebeard) instead of copying."""
    Organization.objects.move(fresh(node), fresh(parent), "last-child")
    run.relocated.add(node.pk)
    moved = fresh(node)
    run.created.append((moved, parent))
    return moved


def copy_descendants(run: Run, old_root: Organization, new_root: Organization, snap) -> None:
    """Successors for every valid descendant of `old_root` under the brand-new `new_root`.

    The new subtree has no other nodes, so its materialised paths are computed here (as the seeder
    does) and inserted with one bulk_create, history rows and predecessor links included.
    """
    pairs: list[tuple[Organization, Organization, Organization]] = []  # (new, old, new parent)
    relocate: list[tuple[Organization, Organization]] = []  # children created today: moved, not copied

    def lasting(node: Organization) -> list[Organization]:
        children = snap.get(node.path, [])
        relocate.extend((c, node) for c in children if c.valid_from == run.on)
        return [c for c in children if c.valid_from < run.on]

    def walk(old: Organization, new_parent: Organization) -> None:
        for step, child in enumerate(lasting(old), start=1):
            node = Organization(
                name=child.name,
                code=child.code,
                kind=child.kind,
                email=child.email,
                valid_from=run.on,
                depth=new_parent.depth + 1,
                path=Organization._get_path(new_parent.path, new_parent.depth + 1, step),
                numchild=sum(1 for c in snap.get(child.path, []) if c.valid_from < run.on),
            )
            pairs.append((node, child, new_parent))
            walk(child, node)

    walk(old_root, new_root)
    mapping = {old.pk: new for new, old, _p in pairs} | {old_root.pk: new_root}
    if pairs:
        insert_copies(
            run, pairs, numchild=sum(1 for c in snap.get(old_root.path, []) if c.valid_from < run.on), root=new_root
        )
    for child, old_parent in relocate:
        relocate(run, child, mapping.get(old_parent.pk, old_parent))


def insert_copies(run: Run, pairs, *, numchild: int, root: Organization) -> None:
    Organization.objects.filter(pk=root.pk).update(numchild=numchild)
    Organization.objects.bulk_create([new for new, _old, _p in pairs], batch_size=2000)
    history_insert(
        model=Organization,
        ids=[new.pk for new, _o, _p in pairs],
        user=run.user,
        reason=run.note or _("Sắp xếp tổ chức"),
    )
    link = Organization.predecessors.through
    link.objects.bulk_create(
        [link(from_organization_id=new.pk, to_organization_id=old.pk) for new, old, _p in pairs], batch_size=5000
    )
    for new, old, new_parent in pairs:
        run.created.append((new, new_parent))
        run.successors.setdefault(old.pk, new.pk)
        if old.kind in CELL_KINDS:
            run.cell_moves[old.pk] = new.pk


def snapshot(orgs: list[Organization], on: dt.date) -> dict[str, list[Organization]]:
    """Valid descendants by parent path, read before `end_subtree` retires them (they keep their codes)."""
    q = Q(pk__in=[])
    for org in orgs:
        q |= Q(path__startswith=org.path)
    snap: dict[str, list[Organization]] = defaultdict(list)
    for node in Organization.objects.valid_on(on).filter(q).order_by("path"):
        snap[node.path[: -node.steplen]].append(node)
    return snap


def move_members(run: Run) -> None:
    """Dated transfers for every open membership in a moved cell (set-based, with history rows)."""
    old_cells = set(run.cell_moves) | set(
        Membership.objects.filter(member_id__in=run.member_moves, valid_to__isnull=True).values_list(
            "cell_id", flat=True
        )
    )
    open_rows = Membership.objects.filter(cell_id__in=old_cells, valid_to__isnull=True).values_list(
        "id", "member_id", "cell_id", "kind", "valid_from"
    )
    closed, opened, moved_in_place = {}, [], {}
    note = run.note or _("Sắp xếp tổ chức")
    for pk, member_id, cell_id, kind, valid_from in open_rows.order_by("id"):
        target = run.member_moves.get(member_id) or run.cell_moves.get(cell_id)
        if target is None:
            continue
        run.moved_by_cell[(cell_id, target)] += 1
        if valid_from >= run.on:  # joined on the change day itself: just re-point it
            moved_in_place[pk] = target
            continue
        closed[pk] = run.on - DAY
        opened.append(Membership(member_id=member_id, cell_id=target, kind=kind, valid_from=run.on, note=note[:255]))
    kw = {"user": run.user, "reason": note}
    set_column(model=Membership, column="valid_to", values=closed, sql_type="date", **kw)
    set_column(model=Membership, column="cell_id", values=moved_in_place, sql_type="bigint", **kw)
    created = Membership.objects.bulk_create(opened, batch_size=5000)
    history_insert(model=Membership, ids=[m.pk for m in created], **kw)
    members = dict(
        Member.objects.filter(Q(cell_id__in=run.cell_moves) | Q(pk__in=run.member_moves)).values_list("pk", "cell_id")
    )
    targets = {pk: run.member_moves.get(pk) or run.cell_moves.get(cell_id, cell_id) for pk, cell_id in members.items()}
    set_column(model=Member, column="cell_id", values=targets, sql_type="bigint", **kw)
    run.members_moved = len(targets)


def move_positions(run: Run, org_moves: dict[int, int]) -> None:
    """Open positions at ended nodes continue at their successors (the secretary keeps access)."""
    positions = list(
        Position.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=run.on), organization_id__in=org_moves)
    )
    kw = {"default_user": run.user, "default_change_reason": run.note or _("Sắp xếp tổ chức")}
    new = [
        Position(
            user_id=p.user_id,
            organization_id=org_moves[p.organization_id],
            kind=p.kind,
            valid_from=run.on,
            valid_to=p.valid_to,
        )
        for p in positions
    ]
    for p in positions:
        p.valid_to = max(run.on - DAY, p.valid_from)
    bulk_update_with_history(positions, Position, ["valid_to"], **kw)
    bulk_create_with_history(new, Position, **kw)


def drop_transient(run: Run, sources: list[Organization], results: list[Organization]) -> list[Organization]:
    """Nodes created earlier on the same day and now replaced never existed for a whole day: their
    successors inherit their predecessors and they are deleted (members and positions moved first)."""
    gone = [t for t in run.transient if t.pk not in run.relocated]
    for node in gone:
        predecessors = list(node.predecessors.all())
        for result in results:
            result.predecessors.add(*predecessors)
        Organization.objects.filter(pk=node.pk).delete()
    gone_ids = {t.pk for t in gone}
    return [s for s in sources if s.pk not in gone_ids]


def check_scope(scope: ImportScope | None, *orgs: Organization | None) -> None:
    if scope is None:
        return
    if orgs and orgs[0] is None and not scope.is_superuser:  # a new root: superusers only
        raise PermissionDenied
    for org in orgs:
        if org is not None and not scope.covers(org.path):
            raise PermissionDenied


def check_current(on: dt.date, *orgs: Organization) -> None:
    for org in orgs:
        if not org.is_valid_on(on) or not (org.is_valid_on(on - DAY) or org.valid_from == on):
            raise ValidationError(
                _("%(name)s không còn hiệu lực vào ngày %(day)s.") % {"name": org.name, "day": on.strftime("%d/%m/%Y")}
            )


def check_parent(on: dt.date, parent: Organization | None) -> None:
    if parent is None:
        return
    if not parent.is_valid_on(on):
        raise ValidationError(
            _("%(name)s không còn hiệu lực vào ngày %(day)s.") % {"name": parent.name, "day": on.strftime("%d/%m/%Y")}
        )
    if parent.kind in CELL_KINDS:
        raise ValidationError(_("Chi bộ không thể có tổ chức trực thuộc."))
