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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import events
from organizations.models import CELL_KINDS, Membership, Organization

from ..models import Reorganisation, ReorgKind
from .import_types import ImportScope
from .reorg_steps import (
    Run,
    check_current,
    check_parent,
    check_scope,
    copy_subtree,
    create_node,
    drop_transient,
    end_subtree,
    move_members,
    move_positions,
    snapshot,
)


def _finish(run: Run, kind: str, sources: list[Organization], results: list[Organization]) -> Reorganisation:
    move_members(run)
    move_positions(run, run.successors)
    sources = drop_transient(run, sources, results)
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
    check_scope(scope, parent, *sources)
    check_current(on, *sources)
    check_parent(on, parent)
    kind = kind or sources[0].kind
    if (kind in CELL_KINDS) != all(s.kind in CELL_KINDS for s in sources):
        raise ValidationError(_("Chỉ hợp nhất chi bộ với chi bộ, đảng bộ với đảng bộ."))
    run = Run(on=on, user=user, note=note or _("Hợp nhất thành %(name)s") % {"name": name})
    snap = snapshot(sources, on)
    children = [c for s in sources for c in snap.get(s.path, [])]
    for source in sources:
        end_subtree(run, source)
    merged = create_node(run, parent=parent, name=name, code=code, kind=kind, predecessors=sources)
    for source in sources:
        if source.kind in CELL_KINDS:
            run.cell_moves[source.pk] = merged.pk
    for child in children:
        copy_subtree(run, child, merged, snap)
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
    check_scope(scope, source, parent)
    check_current(on, source)
    assignments = assignments or {}
    if any(not 0 <= i < len(parts) for i in assignments.values()):
        raise ValidationError(_("Phân bổ không hợp lệ."))
    run = Run(on=on, user=user, note=note or _("Chia tách %(name)s") % {"name": source.name})
    snap = snapshot([source], on)
    children = snap.get(source.path, [])
    end_subtree(run, source)
    news = [create_node(run, parent=parent, name=n, code=c, kind=source.kind, predecessors=[source]) for n, c in parts]
    if source.kind in CELL_KINDS:
        member_ids = Membership.objects.filter(cell=source, valid_to__isnull=True).values_list("member_id", flat=True)
        run.member_moves = {m: news[assignments.get(m, 0)].pk for m in member_ids}
    for child in children:
        copy_subtree(run, child, news[assignments.get(child.pk, 0)], snap)
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
    check_scope(scope, org, new_parent)
    check_current(on, org)
    check_parent(on, new_parent)
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("Không thể chuyển một tổ chức vào chính nhánh của nó."))
    run = Run(
        on=on,
        user=user,
        note=note or _("Chuyển %(name)s về %(parent)s") % {"name": org.name, "parent": new_parent.name},
    )
    snap = snapshot([org], on)
    org = next(node for node in snap[org.path[: -org.steplen]] if node.pk == org.pk)
    end_subtree(run, org)
    new = copy_subtree(run, org, new_parent, snap)
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
    check_scope(scope, org, transfer_to)
    check_current(on, org)
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
    run = Run(on=on, user=user, note=note or _("Giải thể %(name)s") % {"name": org.name})
    end_subtree(run, org)
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
    check_scope(scope, org, parent)
    check_current(on, org)
    run = Run(on=on, user=user, note=note or _("Bỏ cấp %(name)s") % {"name": org.name})
    snap = snapshot([org], on)
    children = snap.get(org.path, [])
    end_subtree(run, org)
    news = [copy_subtree(run, child, parent, snap) for child in children]
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
