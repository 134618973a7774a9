"""Reads for the dashboards: a fixed number of queries whatever the size of the subtree."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.db import connections
from django.db.models import FilteredRelation, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from core.db_router import read_alias
from organizations.models import Member, Organization
from organizations.selectors import (
    MEMBER_READ_KINDS,
    organization_ancestors,
    organization_get_for_user,
    user_scope,
)
from reviews.indicator_data import INDICATORS
from reviews.models import MemberReview
from reviews.selectors import redecision_sql, redecision_total

from . import definitions as d
from .models import OrgRollup, Stage


def default_year() -> int:
    return timezone.localdate().year


def default_stage(year: int) -> str:
    """Past years are decided; the running year is watched at the proposal stage."""
    return Stage.PROPOSED if d.uses_current_cells(year) else Stage.DECIDED


def pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Line:
    """One table row of the dashboard: an organisation's counts with the derived percentages."""

    org: Organization | None
    row: OrgRollup | None

    def get(self, name: str) -> int:
        return getattr(self.row, name, 0) if self.row is not None else 0

    @property
    def members(self) -> int:
        return self.get("members")

    @property
    def reviewed_pct(self) -> float | None:
        return pct(self.get("reviewed"), self.members)

    @property
    def grades(self) -> list[tuple[str, int, float | None]]:
        return [(g, self.get(f), pct(self.get(f), self.get("graded"))) for g, f in d.GRADE_FIELDS.items()]

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return [(r, self.get(f)) for r, f in d.REASON_FIELDS.items()]

    @property
    def not_graded(self) -> int:
        return sum(n for _r, n in self.reasons)

    @property
    def org_grades(self) -> list[tuple[str, int, float | None]]:
        return [(g, self.get(f), pct(self.get(f), self.get("orgs_graded"))) for g, f in d.ORG_GRADE_FIELDS.items()]

    @property
    def indicators(self) -> list[int]:
        return [self.get(f) for f in d.INDICATOR_FIELDS]

    @property
    def excellent_over_good_pct(self) -> float | None:
        return pct(self.get("g_excellent"), self.get("g_good"))

    @property
    def commitments_missing(self) -> int:
        return max(0, self.get("members_active") - self.get("commitments_submitted"))

    @property
    def commitments_pct(self) -> float | None:
        return pct(self.get("commitments_submitted"), self.get("members_active"))

    @property
    def cells_missing(self) -> int:
        return self.get("cells") - self.get("cells_submitted")

    @property
    def cells_submitted_pct(self) -> float | None:
        return pct(self.get("cells_submitted"), self.get("cells"))

    @property
    def completeness_key(self) -> tuple:
        """Worst first: lowest share of cells that submitted, then of commitments, then most late."""
        return (
            self.cells_submitted_pct if self.cells_submitted_pct is not None else 101,
            self.commitments_pct if self.commitments_pct is not None else 101,
            -self.get("cells_late"),
        )


@dataclass
class Dashboard:
    org: Organization
    year: int
    stage: str
    total: Line
    previous: Line
    members: list[dict] | None = None  # None: not allowed to see members (or not a cell)
    # decided results in the subtree a later fact broke (reviews' "needs re-decision"), read live
    redecision_total: int = 0

    @cached_property
    def children(self) -> list[Line]:
        """Direct children's rows with their organisations: one query, run only when rendered.

        The dashboard caches the fragment built from them under the node's `updated_at`, which
        every refresh below the node moves, so a cache hit never runs this query.
        """
        rows = OrgRollup.objects.filter(parent_id=self.org.pk, year=self.year, stage=self.stage)
        lines = [Line(r.organization, r) for r in rows.select_related("organization")]
        return sorted(lines, key=lambda line: line.org.name)

    @cached_property
    def charts(self) -> dict:
        from .charts import chart_data

        return chart_data(self)

    @property
    def cache_key(self) -> str:
        """What the rendered figures depend on: the node, year, stage, language and both rows' stamps
        (every refresh below the node moves this year's). The organisation's name is in it too: a
        rename refreshes no row, and the header and the PDF show it."""
        stamp = self.as_of.isoformat() if self.as_of else "-"
        previous = self.previous.row.updated_at.isoformat() if self.previous.row is not None else "-"
        name = hashlib.md5(f"{self.org.name}:{self.org.kind}".encode(), usedforsecurity=False).hexdigest()[:8]
        return f"{self.org.pk}:{self.year}:{self.stage}:{stamp}:{previous}:{get_language()}:{name}"

    @property
    def as_of(self):
        return self.total.row.updated_at if self.total.row is not None else None

    @property
    def worst_first(self) -> list[Line]:
        return sorted(self.children, key=lambda line: line.completeness_key)

    @property
    def heatmap(self) -> list[dict]:
        """27 rows × children: members who flagged each manifestation, with a 0–1 shade."""
        lines = [*self.children, self.total]
        peak = max((n for line in self.children for n in line.indicators), default=0) or 1
        english = (get_language() or "vi").startswith("en")
        rows = []
        for i, ind in enumerate(INDICATORS):
            cells = [(line.indicators[i], round(min(1.0, line.indicators[i] / peak), 2)) for line in lines]
            label = ind["label_en"] if english else ind["label_vi"]
            rows.append({"number": ind["number"], "code": ind["code"], "label": label, "cells": cells})
        return rows

    @property
    def review_deadline(self):
        return self.total.row.review_deadline if self.total.row is not None else None

    @property
    def commitment_deadline(self):
        return self.total.row.commitment_deadline if self.total.row is not None else None


def dashboard_get(*, org: Organization, year: int, stage: str) -> Dashboard:
    """The node's row this year and last (one query) and the live re-decision count (one more); the
    children load lazily (see Dashboard). The loader of databases without `dashboard_load`'s SQL."""
    rows = list(OrgRollup.objects.filter(organization_id=org.pk, year__in=(year, year - 1), stage=stage))
    return _dashboard(org, year, stage, rows, redecision=redecision_total(org, year))


def _dashboard(org: Organization, year: int, stage: str, rows: list[OrgRollup], *, redecision: int) -> Dashboard:
    total = next((r for r in rows if r.year == year), None)
    previous = next((r for r in rows if r.year == year - 1), None)
    return Dashboard(
        org=org,
        year=year,
        stage=stage,
        total=Line(org, total),
        previous=Line(org, previous),
        redecision_total=redecision,
    )


def _columns(model, alias: str) -> tuple[list[str], str]:
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], ", ".join(f'{alias}."{f.column}"' for f in fields)


def dashboard_load(*, user, org_id: int, year: int, stage: str) -> tuple[Dashboard, list[Organization]]:
    """Scoped loader of the dashboards: the organisation (Http404 outside the user's scope, exactly
    as `organization_get_for_user`), its ancestors root first (as `organization_ancestors`), its rows
    this year and last and the live count of results needing re-decision (`reviews.selectors.
    redecision_sql`, the same text `redecision_total` runs) — one round trip instead of four, most of
    a warm dashboard's cost.
    """
    db = connections[read_alias()]  # the replica inside dashboards, when configured
    if db.vendor != "postgresql":  # SQLite (`make run`): the plain loaders, four queries
        org = organization_get_for_user(user=user, pk=org_id)
        return dashboard_get(org=org, year=year, stage=stage), organization_ancestors(org=org)
    org_names, org_cols = _columns(Organization, "a")
    row_names, row_cols = _columns(OrgRollup, "r")
    redecision, redecision_params = redecision_sql(year=year, path_column="o.path")
    # The node is a materialised CTE so the count runs once, not once per output row.
    query = f"""
        WITH node AS MATERIALIZED (
            SELECT o.id, o.path, o.depth, {redecision} AS redecision
            FROM {Organization._meta.db_table} o WHERE o.id = %(pk)s)
        SELECT {org_cols}, node.redecision, {row_cols}
        FROM node
        JOIN {Organization._meta.db_table} a ON a.path = ANY(ARRAY(
            SELECT substr(node.path, 1, n * %(steplen)s) FROM generate_series(1, node.depth) AS n))
        LEFT JOIN {OrgRollup._meta.db_table} r ON a.id = node.id AND r.organization_id = node.id
            AND r.year IN (%(year)s, %(previous)s) AND r.stage = %(stage)s
        ORDER BY a.depth, r.year"""
    params = {
        "steplen": Organization.steplen,
        "year": year,
        "previous": year - 1,
        "stage": stage,
        "pk": org_id,
        **redecision_params,
    }
    with db.cursor() as cursor:
        cursor.execute(query, params)
        records = cursor.fetchall()
    split = len(org_names)
    org, ancestors, rows, count = None, [], [], 0
    for record in records:
        if record[0] != org_id:
            ancestors.append(Organization.from_db(db.alias, org_names, record[:split]))
            continue
        org = org or Organization.from_db(db.alias, org_names, record[:split])
        count = record[split]
        if record[split + 1] is not None:
            rows.append(OrgRollup.from_db(db.alias, row_names, record[split + 1 :]))
    if org is None or not user_scope(user).covers(org.path):
        raise Http404
    return _dashboard(org, year, stage, rows, redecision=count), ancestors


def may_see_members(*, user, org: Organization) -> bool:
    """Members are shown to anyone holding a position that covers the cell; others see counts only."""
    return user_scope(user).covers_with(org.path, MEMBER_READ_KINDS)


def cell_member_rows(*, cell: Organization, year: int) -> list[dict]:
    """The cell's members with their review of the year (one query), in Vietnamese name order."""
    if d.uses_current_cells(year):
        qs = (
            Member.objects.filter(cell=cell)
            .exclude(status="LEFT")
            .annotate(rv=FilteredRelation("reviews", condition=Q(reviews__year=year)))
            .values(
                "id",
                "full_name",
                "status",
                "rv__status",
                "rv__self_grade",
                "rv__proposed_grade",
                "rv__decided_grade",
                "rv__not_graded_reason",
                "rv__flagged_mask",
            )
            .order_by("sort_key", "id")
        )
        return [_member_row({k.removeprefix("rv__"): v for k, v in r.items()}) for r in qs]
    qs = (
        MemberReview.objects.filter(cell=cell, year=year)
        .values(
            "member_id",
            "member__full_name",
            "member__status",
            "status",
            "self_grade",
            "proposed_grade",
            "decided_grade",
            "not_graded_reason",
            "flagged_mask",
        )
        .order_by("member__sort_key", "member_id")
    )
    return [
        _member_row(
            {**r, "id": r["member_id"], "full_name": r["member__full_name"], "member_status": r["member__status"]}
        )
        for r in qs
    ]


def _member_row(r: dict) -> dict:
    mask = r.get("flagged_mask") or 0
    return {
        "id": r["id"],
        "full_name": r["full_name"],
        "review_status": r.get("status") or "",
        "self_grade": r.get("self_grade") or "",
        "proposed_grade": r.get("proposed_grade") or "",
        "decided_grade": r.get("decided_grade") or "",
        "not_graded_reason": r.get("not_graded_reason") or "",
        "flagged": [n + 1 for n in range(27) if mask & (1 << n)],
    }


def subtree_member_counts(org_ids: list[int]) -> dict[int, int] | None:
    """Members on the roll per subtree from this year's rows (one query), for the organisation page;
    None when a node has no row yet (new organisation, roll-ups never built) so it counts live."""
    rows = dict(
        OrgRollup.objects.filter(
            organization_id__in=org_ids, year=timezone.localdate().year, stage=Stage.DECIDED
        ).values_list("organization_id", "members")
    )
    return rows if len(rows) == len(set(org_ids)) else None


def commitment_completeness(org: Organization, year: int) -> dict | None:
    """The commitments completeness table of `org` for `year` from the roll-ups: the node's row and
    its children's in one indexed query (≈ 1 ms for a province instead of a GROUP BY over its
    members). None when the node has no row yet, so the page counts live."""
    rows = list(
        OrgRollup.objects.filter(Q(organization_id=org.pk) | Q(parent_id=org.pk), year=year, stage=Stage.DECIDED)
        .select_related("organization")
        .order_by()
    )
    own = next((r for r in rows if r.organization_id == org.pk), None)
    if own is None:
        return None

    def line(row: OrgRollup) -> dict:
        return {
            "members": row.members_active,
            "submitted": row.commitments_submitted,
            "on_time": row.commitments_on_time,
            "acknowledged": row.commitments_acknowledged,
            "returned": row.commitments_returned,
            "draft": row.commitments_draft,
            "activated": row.accounts_activated,
            "invited": row.accounts_invited,
            "never": row.members_active - row.accounts_activated - row.accounts_invited,
        }

    children = sorted((r for r in rows if r.organization_id != org.pk), key=lambda r: r.organization.name)
    return {"rows": [{"org": r.organization, **line(r)} for r in children], "total": line(own), "as_of": own.updated_at}
