"""The reference recount in Python/ORM: slow, obvious, independent of the SQL in sql.py.

`verify_rollups`, the tests and the SQLite fallback use it. Each node's totals are summed straight
from the cells of its subtree (path prefixes), not from its children, so it checks the SQL's
level-by-level sums rather than repeating them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from commitments.models import Commitment, CommitmentCycle
from organizations.models import Member, Membership, Organization
from reviews.models import MemberReview, OrgReview, ReviewCycle

from . import definitions as d

Key = tuple[int, str]  # (organization_id, stage)


def _valid_orgs(day: dt.date) -> list[tuple[int, str, int, str]]:
    return list(Organization.objects.valid_on(day).values_list("id", "path", "depth", "kind").order_by("path"))


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _roll_and_commitment_cells(year: int, day: dt.date) -> dict[int, tuple[int, str]]:
    """member_id → (cell_id, status) of the member's place on the roll for the year."""
    if d.uses_current_cells(year):
        rows = Member.objects.exclude(status="LEFT").filter(cell__isnull=False).values_list("id", "cell_id", "status")
        return {m: (c, s) for m, c, s in rows.iterator(chunk_size=20000)}
    rows = (
        Membership.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), kind="OFFICIAL", valid_from__lte=day)
        .values_list("member_id", "cell_id", "member__status")
        .order_by("member_id", "valid_from")
    )
    return {m: (c, s) for m, c, s in rows.iterator(chunk_size=20000)}


def _cell_counts(year: int, day: dt.date, cell_ids: set[int]) -> dict[Key, dict[str, int]]:
    counts: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(d.MEMBER_FIELDS, 0))
    current = d.uses_current_cells(year)
    place = _roll_and_commitment_cells(year, day)
    # Login state of linked accounts: True activated, False invited (unusable password).
    accounts = {
        m: not password.startswith("!")
        for m, password in Member.objects.filter(user__isnull=False)
        .values_list("id", "user__password")
        .iterator(chunk_size=20000)
    }
    for member_id, (cell_id, status) in place.items():
        if cell_id in cell_ids:
            active = status in d.ACTIVE_STATUS_VALUES
            account = accounts.get(member_id)
            for stage in d.STAGES:
                row = counts[(cell_id, stage)]
                row["members"] += 1
                row["members_active"] += active
                row["members_probationary"] += status == "PROBATIONARY"
                row["accounts_activated"] += active and account is True
                row["accounts_invited"] += active and account is False
    reviews = MemberReview.objects.filter(year=year).values_list(
        "member_id", "cell_id", "status", "proposed_grade", "decided_grade", "not_graded_reason", "flagged_mask"
    )
    for member_id, snap_cell, status, proposed, decided, reason, mask in reviews.iterator(chunk_size=20000):
        cell_id = place.get(member_id, (None, ""))[0] if current else snap_cell
        if cell_id not in cell_ids:
            continue
        for stage in d.STAGES:
            row = counts[(cell_id, stage)]
            if status != "DRAFT":
                row["self_submitted"] += 1
                for n in range(27):
                    if mask & (1 << n):
                        row[d.INDICATOR_FIELDS[n]] += 1
            if not d.in_stage(stage, status):
                continue
            row["reviewed"] += 1
            grade = d.stage_grade(stage, proposed, decided)
            if grade:
                row["graded"] += 1
                row[d.GRADE_FIELDS[grade]] += 1
            else:
                row[d.REASON_FIELDS.get(reason or "OTHER", "ng_other")] += 1
    commitments = Commitment.objects.filter(year=year).values_list(
        "member_id", "status", "submitted_at", "first_submitted_at", "cycle__deadline"
    )
    for member_id, status, submitted_at, first_at, deadline in commitments.iterator(chunk_size=20000):
        cell_id = place.get(member_id, (None, ""))[0]
        if cell_id not in cell_ids:
            continue
        submitted = status in ("SUBMITTED", "ACKNOWLEDGED")
        late = submitted_at is not None and _local_date(submitted_at) > deadline
        first = first_at or submitted_at
        on_time = first is not None and _local_date(first) <= deadline
        for stage in d.STAGES:
            row = counts[(cell_id, stage)]
            row["commitments_submitted"] += submitted
            row["commitments_acknowledged"] += status == "ACKNOWLEDGED"
            row["commitments_late"] += late
            row["commitments_on_time"] += on_time
            row["commitments_returned"] += status == "RETURNED"
            row["commitments_draft"] += status == "DRAFT"
    return counts


def _deadlines(year: int) -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """root organisation id → (review meeting deadline, commitment deadline)."""
    review = dict(ReviewCycle.objects.filter(year=year).values_list("organization_id", "meeting_deadline"))
    commit = dict(CommitmentCycle.objects.filter(year=year).values_list("organization_id", "deadline"))
    return {oid: (review.get(oid), commit.get(oid)) for oid in set(review) | set(commit)}


def recount_year(year: int) -> dict[Key, dict]:
    """Every valid node's row for `year`: {(org_id, stage): {field: value, own_grade, parent_id, depth}}."""
    day = d.year_end(year)
    today = timezone.localdate()
    orgs = _valid_orgs(day)
    by_path = {path: (oid, depth, kind) for oid, path, depth, kind in orgs}
    steplen = Organization.steplen
    cell_ids = {oid for oid, _p, _d, kind in orgs if kind in d.CELL_KIND_VALUES}
    cell_counts = _cell_counts(year, day, cell_ids)
    org_reviews = {
        oid: row
        for oid, *row in OrgReview.objects.filter(year=year).values_list(
            "organization_id", "proposed_grade", "decided_grade", "members_submitted_at", "members_decided_at"
        )
    }
    deadlines = _deadlines(year)
    root_ids = {path: oid for oid, path, depth, _k in orgs if depth == 1}

    result: dict[Key, dict] = {}
    for oid, path, depth, _kind in orgs:
        root = root_ids.get(path[:steplen])
        review_deadline, commitment_deadline = deadlines.get(root, (None, None))
        parent = by_path.get(path[:-steplen]) if depth > 1 else None
        proposed, decided, _sub, _dec = org_reviews.get(oid, ("", "", None, None))
        for stage in d.STAGES:
            row = dict.fromkeys(d.COUNT_FIELDS, 0)
            row.update(
                own_grade=d.stage_grade(stage, proposed, decided),
                parent_id=parent[0] if parent else None,
                depth=depth,
                review_deadline=review_deadline,
                commitment_deadline=commitment_deadline,
            )
            result[(oid, stage)] = row

    def ancestors(path: str):
        """Valid ancestors of a node (itself excluded), reachable through valid nodes only."""
        found = []
        for i in range(len(path) // steplen - 1, 0, -1):
            node = by_path.get(path[: i * steplen])
            if node is None:
                return found
            found.append(node[0])
        return found

    for oid, path, _depth, kind in orgs:
        chain = ancestors(path)
        if kind in d.CELL_KIND_VALUES:
            _, _, submitted_at, decided_at = org_reviews.get(oid, ("", "", None, None))
            deadline = result[(oid, "DECIDED")]["review_deadline"]
            cell_row = {"cells": 1, "cells_submitted": int(submitted_at is not None)}
            cell_row["cells_decided"] = int(decided_at is not None)
            late = deadline is not None and (
                (submitted_at is not None and _local_date(submitted_at) > deadline)
                or (submitted_at is None and today > deadline)
            )
            cell_row["cells_late"] = int(late)
            for stage in d.STAGES:
                counted = {**cell_counts.get((oid, stage), {}), **cell_row}
                for target in (oid, *chain):
                    row = result[(target, stage)]
                    for field, value in counted.items():
                        row[field] += value
        for stage in d.STAGES:
            grade = result[(oid, stage)]["own_grade"]
            for target in chain:
                row = result[(target, stage)]
                row["orgs"] += 1
                if grade:
                    row["orgs_graded"] += 1
                    row[d.ORG_GRADE_FIELDS[grade]] += 1
    return result
