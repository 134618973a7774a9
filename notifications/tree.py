"""An in-memory view of one cycle's organisation subtree and its office holders (two queries).

Deciding bodies and superior committees are found by walking materialised paths in Python, so
a province of 6,000 nodes costs two queries, not one per unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from organizations.models import ACTIVE_STATUSES, Member, Organization, OrgKind, Position, PositionKind
from organizations.selectors import positions_open_on

STEP = Organization.steplen


@dataclass(frozen=True)
class Node:
    id: int
    path: str
    name: str
    kind: str


class Tree:
    def __init__(self, root: Organization, on: dt.date):
        self.root = root
        above = root.ancestor_paths()[:-1]
        in_tree = Q(path__startswith=root.path) | Q(path__in=above)
        self.by_path = {
            path: Node(pk, path, name, kind)
            for pk, path, name, kind in Organization.objects.filter(in_tree).values_list("id", "path", "name", "kind")
        }
        self.by_id = {node.id: node for node in self.by_path.values()}
        self.holders: dict[tuple[str, str], list[int]] = defaultdict(list)
        positions = Position.objects.filter(
            positions_open_on(on),
            Q(organization__path__startswith=root.path) | Q(organization__path__in=above),
            kind__in=[PositionKind.STANDING_COMMITTEE, PositionKind.CELL_SECRETARY],
        ).values_list("organization__path", "kind", "user_id")
        for path, kind, user_id in positions.order_by("user_id"):
            if user_id not in self.holders[(path, kind)]:
                self.holders[(path, kind)].append(user_id)
        self._active: dict[int, int] | None = None

    def secretaries(self, node: Node) -> list[int]:
        return self.holders.get((node.path, PositionKind.CELL_SECRETARY), [])

    def standing(self, node: Node) -> list[int]:
        return self.holders.get((node.path, PositionKind.STANDING_COMMITTEE), [])

    def _ancestors(self, node: Node):
        """Ancestors nearest first."""
        for end in range(len(node.path) - STEP, 0, -STEP):
            parent = self.by_path.get(node.path[:end])
            if parent is not None:
                yield parent

    def deciding_body(self, cell: Node) -> tuple[Node, list[int]]:
        """Who decides the cell's member grades, and the users to remind.

        A grassroots cell decides itself (its secretary); a cell under a grassroots committee is
        decided by that committee's standing committee. A cell with no grassroots ancestor (a
        shape the 2025 reorganisation left in places) is decided by its parent organisation.
        """
        if cell.kind == OrgKind.GRASSROOTS_CELL:
            return cell, self.secretaries(cell)
        ancestors = list(self._ancestors(cell))
        body = next(
            (a for a in ancestors if a.kind == OrgKind.GRASSROOTS_COMMITTEE), ancestors[0] if ancestors else cell
        )
        return body, self.standing(body)

    def superior(self, unit: Node) -> tuple[Node | None, list[int]]:
        """The superior committee of a late unit: the nearest ancestor with standing-committee holders."""
        for ancestor in self._ancestors(unit):
            users = self.standing(ancestor)
            if users:
                return ancestor, users
        return None, []

    def active_members(self) -> dict[int, int]:
        """Active members per cell in the subtree (one GROUP BY, cached)."""
        if self._active is None:
            self._active = dict(
                Member.objects.filter(cell__path__startswith=self.root.path, status__in=ACTIVE_STATUSES)
                .values("cell_id")
                .annotate(n=Count("id"))
                .values_list("cell_id", "n")
            )
        return self._active
