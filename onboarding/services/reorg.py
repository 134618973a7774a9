"""Reorganising the tree (merge, split, move, close, remove a level) without rewriting the past.

Rule: old nodes are never renamed or moved. They END (valid_to = the day before the change) and
successor nodes START on the change day, linked by `predecessors`. Members move with dated
transfers (the open membership closes the day before, a new one opens on the day), so a roll-up of
2024 on the organisations valid in 2024 counts exactly what it counted before, and 2025 counts the
new tree. Codes travel with the function: a successor that continues one old node takes its code
and the ended node keeps "<code>~<yyyymmdd>", so re-importing a committee's file still matches.

Trade-off (documented in onboarding/README.md): a "move" could use treebeard's move(), which is
cheaper, but it rewrites the paths of the whole subtree in every past year too; we copy instead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import events
from organizations import services as org_services
from organizations.models import CELL_KINDS, Member, Membership, Organization, Position

from ..models import Reorganisation, ReorgKind
from .history_sql import history_insert, set_column
from .import_plan import ImportScope

DAY = dt.timedelta(days=1)


@dataclass
class _Run:
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


def _fresh(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def _end(run: _Run, org: Organization) -> None:
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


def _create(run: _Run, *, parent: Organization | None, name: str, code: str, kind: str, predecessors) -> Organization:
    new = org_services.organization_create(
        name=name, code=code, kind=kind, parent=_fresh(parent) if parent else None, valid_from=run.on
    )
    new.predecessors.set(predecessors)
    run.created.append((new, parent))
    for old in predecessors:
        run.successors.setdefault(old.pk, new.pk)
    return new


def _copy_subtree(
    run: _Run, old: Organization, parent: Organization, snap: dict[str, list[Organization]]
) -> Organization:
    """A successor of `old` under `parent` (treebeard add_child), then its valid descendants in bulk."""
    if old.valid_from == run.on:
        return _relocate(run, old, parent)
    new = _create(run, parent=parent, name=old.name, code=old.code, kind=old.kind, predecessors=[old])
    if old.kind in CELL_KINDS:
        run.cell_moves[old.pk] = new.pk
    _copy_descendants(run, old, new, snap)
    return new


def _relocate(run: _Run, node: Organization, parent: Organization) -> Organization:
    """A node created on the change day has no past to protect: move it (treebeard) instead of copying."""
    Organization.objects.move(_fresh(node), _fresh(parent), "last-child")
    run.relocated.add(node.pk)
    moved = _fresh(node)
    run.created.append((moved, parent))
    return moved


def _copy_descendants(run: _Run, old_root: Organization, new_root: Organization, snap) -> None:
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
        _insert_copies(
            run, pairs, numchild=sum(1 for c in snap.get(old_root.path, []) if c.valid_from < run.on), root=new_root
        )
    for child, old_parent in relocate:
        _relocate(run, child, mapping.get(old_parent.pk, old_parent))


def _insert_copies(run: _Run, pairs, *, numchild: int, root: Organization) -> None:
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


def _snapshot(orgs: list[Organization], on: dt.date) -> dict[str, list[Organization]]:
    """Valid descendants by parent path, read before `_end` retires them (they keep their codes)."""
    q = Q(pk__in=[])
    for org in orgs:
        q |= Q(path__startswith=org.path)
    snap: dict[str, list[Organization]] = defaultdict(list)
    for node in Organization.objects.valid_on(on).filter(q).order_by("path"):
        snap[node.path[: -node.steplen]].append(node)
    return snap


def _move_members(run: _Run) -> None:
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


def _move_positions(run: _Run, org_moves: dict[int, int]) -> None:
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


def _finish(run: _Run, kind: str, sources: list[Organization], results: list[Organization]) -> Reorganisation:
    _move_members(run)
    _move_positions(run, run.successors)
    sources = _drop_transient(run, sources, results)
    record = Reorganisation.objects.create(
        kind=kind,
        effective_on=run.on,
        performed_by=run.user,
        members_moved=run.members_moved,
        summary=run.summary(),
        note=run.note[:255],
    )
    record.sources.set(sources)
    record.results.set(results)
    cells = set(run.cell_moves) | set(run.cell_moves.values()) | set(run.member_moves.values())
    cells |= {o.pk for o in run.ended if o.kind in CELL_KINDS}
    events.cells_changed(cell_ids=cells, year=run.on.year)
    events.tree_changed()
    return record


def _drop_transient(run: _Run, sources: list[Organization], results: list[Organization]) -> list[Organization]:
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


def _check_scope(scope: ImportScope | None, *orgs: Organization | None) -> None:
    if scope is None:
        return
    if orgs and orgs[0] is None and not scope.is_superuser:  # a new root: superusers only
        raise PermissionDenied
    for org in orgs:
        if org is not None and not scope.covers(org.path):
            raise PermissionDenied


def _check_current(on: dt.date, *orgs: Organization) -> None:
    for org in orgs:
        if not org.is_valid_on(on) or not (org.is_valid_on(on - DAY) or org.valid_from == on):
            raise ValidationError(
                _("%(name)s không còn hiệu lực vào ngày %(day)s.") % {"name": org.name, "day": on.strftime("%d/%m/%Y")}
            )


def _check_parent(on: dt.date, parent: Organization | None) -> None:
    if parent is None:
        return
    if not parent.is_valid_on(on):
        raise ValidationError(
            _("%(name)s không còn hiệu lực vào ngày %(day)s.") % {"name": parent.name, "day": on.strftime("%d/%m/%Y")}
        )
    if parent.kind in CELL_KINDS:
        raise ValidationError(_("Chi bộ không thể có tổ chức trực thuộc."))


# --- the five operations -------------------------------------------------------------------------


@transaction.atomic
def organization_merge(
    *,
    sources: list[Organization],
    parent: Organization | None,
    name: str,
    code: str,
    on: dt.date,
    user=None,
    kind: str | None = None,
    note: str = "",
    scope: ImportScope | None = None,
) -> Reorganisation:
    """Hợp nhất: several organisations become one new node under `parent` (None: a new province,
    as the 2025 provincial mergers); their subtrees follow."""
    if len(sources) < 2:
        raise ValidationError(_("Cần chọn ít nhất hai tổ chức để hợp nhất."))
    _check_scope(scope, parent, *sources)
    _check_current(on, *sources)
    _check_parent(on, parent)
    kind = kind or sources[0].kind
    if (kind in CELL_KINDS) != all(s.kind in CELL_KINDS for s in sources):
        raise ValidationError(_("Chỉ hợp nhất chi bộ với chi bộ, đảng bộ với đảng bộ."))
    run = _Run(on=on, user=user, note=note or _("Hợp nhất thành %(name)s") % {"name": name})
    snap = _snapshot(sources, on)
    children = [c for s in sources for c in snap.get(s.path, [])]
    for source in sources:
        _end(run, source)
    merged = _create(run, parent=parent, name=name, code=code, kind=kind, predecessors=sources)
    for source in sources:
        if source.kind in CELL_KINDS:
            run.cell_moves[source.pk] = merged.pk
    for child in children:
        _copy_subtree(run, child, merged, snap)
    return _finish(run, ReorgKind.MERGE, sources, [merged])


@transaction.atomic
def organization_split(
    *,
    source: Organization,
    parts: list[tuple[str, str]],
    on: dt.date,
    assignments: dict[int, int] | None = None,
    user=None,
    note: str = "",
    scope: ImportScope | None = None,
) -> Reorganisation:
    """Chia tách: `source` becomes `parts` [(name, code)] under the same parent.

    `assignments` maps a direct child's id (or, when splitting a cell, a member's id) to the index
    of the part it goes to; anything unassigned goes to the first part.
    """
    if len(parts) < 2:
        raise ValidationError(_("Cần ít nhất hai tổ chức mới khi chia tách."))
    parent = Organization.objects.get_parent(source)
    _check_scope(scope, source, parent)
    _check_current(on, source)
    assignments = assignments or {}
    if any(not 0 <= i < len(parts) for i in assignments.values()):
        raise ValidationError(_("Phân bổ không hợp lệ."))
    run = _Run(on=on, user=user, note=note or _("Chia tách %(name)s") % {"name": source.name})
    snap = _snapshot([source], on)
    children = snap.get(source.path, [])
    _end(run, source)
    news = [_create(run, parent=parent, name=n, code=c, kind=source.kind, predecessors=[source]) for n, c in parts]
    if source.kind in CELL_KINDS:
        member_ids = Membership.objects.filter(cell=source, valid_to__isnull=True).values_list("member_id", flat=True)
        run.member_moves = {m: news[assignments.get(m, 0)].pk for m in member_ids}
    for child in children:
        _copy_subtree(run, child, news[assignments.get(child.pk, 0)], snap)
    return _finish(run, ReorgKind.SPLIT, [source], news)


@transaction.atomic
def organization_move(
    *,
    org: Organization,
    new_parent: Organization,
    on: dt.date,
    user=None,
    note: str = "",
    scope: ImportScope | None = None,
) -> Reorganisation:
    """Chuyển trực thuộc: `org` and its subtree continue under `new_parent` as successor nodes."""
    _check_scope(scope, org, new_parent)
    _check_current(on, org)
    _check_parent(on, new_parent)
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("Không thể chuyển một tổ chức vào chính nhánh của nó."))
    run = _Run(
        on=on,
        user=user,
        note=note or _("Chuyển %(name)s về %(parent)s") % {"name": org.name, "parent": new_parent.name},
    )
    snap = _snapshot([org], on)
    org = next(node for node in snap[org.path[: -org.steplen]] if node.pk == org.pk)
    _end(run, org)
    new = _copy_subtree(run, org, new_parent, snap)
    return _finish(run, ReorgKind.MOVE, [org], [new])


@transaction.atomic
def organization_close(
    *,
    org: Organization,
    on: dt.date,
    transfer_to: Organization | None = None,
    user=None,
    note: str = "",
    scope: ImportScope | None = None,
) -> Reorganisation:
    """Giải thể: `org` and its subtree end; current members transfer to `transfer_to` (a cell)."""
    _check_scope(scope, org, transfer_to)
    _check_current(on, org)
    cells = list(
        Organization.objects.valid_on(on)
        .filter(path__startswith=org.path, kind__in=CELL_KINDS)
        .values_list("pk", flat=True)
    )
    has_members = Membership.objects.filter(cell_id__in=cells, valid_to__isnull=True).exists()
    if has_members and transfer_to is None:
        raise ValidationError(_("Tổ chức còn đảng viên đang sinh hoạt; hãy chọn chi bộ tiếp nhận."))
    if transfer_to is not None and (transfer_to.kind not in CELL_KINDS or transfer_to.path.startswith(org.path)):
        raise ValidationError(_("Chi bộ tiếp nhận phải là một chi bộ ngoài tổ chức bị giải thể."))
    run = _Run(on=on, user=user, note=note or _("Giải thể %(name)s") % {"name": org.name})
    _end(run, org)
    run.transient.extend(Organization.objects.filter(path__startswith=org.path, valid_from=on).order_by("path"))
    if transfer_to is not None:
        run.cell_moves = dict.fromkeys(cells, transfer_to.pk)
    return _finish(run, ReorgKind.CLOSE, [org], [])


@transaction.atomic
def organization_remove_level(
    *, org: Organization, on: dt.date, user=None, note: str = "", scope: ImportScope | None = None
) -> Reorganisation:
    """Bỏ cấp trung gian (1/7/2025: no more districts): children of `org` move up to its parent."""
    parent = Organization.objects.get_parent(org)
    if parent is None:
        raise ValidationError(_("Không thể bỏ cấp cao nhất."))
    _check_scope(scope, org, parent)
    _check_current(on, org)
    run = _Run(on=on, user=user, note=note or _("Bỏ cấp %(name)s") % {"name": org.name})
    snap = _snapshot([org], on)
    children = snap.get(org.path, [])
    _end(run, org)
    news = [_copy_subtree(run, child, parent, snap) for child in children]
    return _finish(run, ReorgKind.REMOVE_LEVEL, [org], news)


OPERATIONS = {
    ReorgKind.MERGE: organization_merge,
    ReorgKind.SPLIT: organization_split,
    ReorgKind.MOVE: organization_move,
    ReorgKind.CLOSE: organization_close,
    ReorgKind.REMOVE_LEVEL: organization_remove_level,
}


class _Preview(Exception):
    def __init__(self, record: Reorganisation):
        self.summary = record.summary


def reorganisation_preview(*, kind: str, **kwargs) -> dict:
    """Run the operation in a transaction that is always rolled back; return what it would do.

    The same code path as the real thing, so the preview cannot drift from the result. Listeners
    of the events defer work to on_commit, which never comes.
    """
    try:
        with transaction.atomic():
            raise _Preview(OPERATIONS[kind](**kwargs))
    except _Preview as preview:
        return preview.summary
