"""Set-based PostgreSQL statements for roll-ups (the ORM cannot express these upserts).

Two building blocks, both idempotent upserts that recompute rows from their sources:

* `CELL_UPSERT`: cells' rows straight from members, reviews, commitments and org reviews
  (all cells of the year's tree, or the given ones);
* `LEVEL_UPSERT`: the rows of non-cell organisations at one depth, summed from their children's
  rows (all of that depth, or the given ones). Running it deepest level first rebuilds every
  ancestor from its children, so a repeated or late task simply writes the right numbers again.

The counting rules are documented in definitions.py and mirrored by recount.py.
"""

from __future__ import annotations

from . import definitions as d

STAGES_SQL = "(VALUES ('PROPOSED'), ('DECIDED')) AS s(stage)"
VALID = "o.valid_from <= %(day)s AND (o.valid_to IS NULL OR o.valid_to >= %(day)s)"
CELL_KINDS = ", ".join(f"'{k}'" for k in d.CELL_KIND_VALUES)
ACTIVE = ", ".join(f"'{k}'" for k in d.ACTIVE_STATUS_VALUES)
PROPOSED_IN = ", ".join(f"'{k}'" for k in d.PROPOSED_STATUSES)

# Deadlines of each root organisation's cycles for the year.
DEADLINES_CTE = """
dl AS (
    SELECT o.path AS root_path, rc.meeting_deadline AS review_deadline, cc.deadline AS commitment_deadline
    FROM organizations_organization o
    LEFT JOIN reviews_reviewcycle rc ON rc.organization_id = o.id AND rc.year = %(year)s
    LEFT JOIN commitments_commitmentcycle cc ON cc.organization_id = o.id AND cc.year = %(year)s
    WHERE o.depth = 1
)"""

# Where each member sits for the year: current cell (running year) or membership on 31/12 (past).
PLACE_CURRENT = """
place AS (
    SELECT m.id AS member_id, m.cell_id, m.status FROM organizations_member m
    JOIN cells c ON c.id = m.cell_id WHERE m.status <> 'LEFT'
)"""
# Official memberships never overlap (Membership.clean and a unique open row), so one row per member.
PLACE_PAST = """
place AS (
    SELECT ms.member_id, ms.cell_id, m.status
    FROM organizations_membership ms
    JOIN cells c ON c.id = ms.cell_id
    JOIN organizations_member m ON m.id = ms.member_id
    WHERE ms.kind = 'OFFICIAL' AND ms.valid_from <= %(day)s AND (ms.valid_to IS NULL OR ms.valid_to >= %(day)s)
)"""
# Reviews of the year with the cell they count in.
REVIEWS_CURRENT = """
rv_src AS (
    SELECT p.cell_id, r.status, r.proposed_grade, r.decided_grade, r.not_graded_reason, r.flagged_mask
    FROM reviews_memberreview r JOIN place p ON p.member_id = r.member_id
    WHERE r.year = %(year)s
)"""
REVIEWS_PAST = """
rv_src AS (
    SELECT r.cell_id, r.status, r.proposed_grade, r.decided_grade, r.not_graded_reason, r.flagged_mask
    FROM reviews_memberreview r JOIN cells c ON c.id = r.cell_id
    WHERE r.year = %(year)s
)"""


def _stage_counts() -> str:
    """Per cell and stage: reviewed, graded, per grade, not graded per reason.

    Reviews are first collapsed to (cell, status, grades, reason) groups — a handful per cell —
    so the stage logic runs on thousands of groups instead of a million rows.
    """
    cols = ["sum(g.n) FILTER (WHERE s.st) AS reviewed", "sum(g.n) FILTER (WHERE s.st AND s.grade <> '') AS graded"]
    for grade, field in d.GRADE_FIELDS.items():
        cols.append(f"sum(g.n) FILTER (WHERE s.st AND s.grade = '{grade}') AS {field}")
    for reason, field in d.REASON_FIELDS.items():
        cond = f"g.not_graded_reason = '{reason}'"
        if reason == "OTHER":
            cond = f"g.not_graded_reason IN ('', '{reason}')"
        cols.append(f"sum(g.n) FILTER (WHERE s.st AND s.grade = '' AND {cond}) AS {field}")
    cols.append("sum(g.n) FILTER (WHERE g.status <> 'DRAFT') AS self_submitted")
    return f"""
rv_grp AS (
    SELECT x.cell_id, x.status, x.proposed_grade, x.decided_grade, x.not_graded_reason, count(*) AS n
    FROM rv_src x GROUP BY 1, 2, 3, 4, 5
),
rv AS (
    SELECT g.cell_id, s.stage, {", ".join(cols)}
    FROM rv_grp g CROSS JOIN LATERAL (VALUES
        ('PROPOSED', g.status IN ({PROPOSED_IN}), COALESCE(NULLIF(g.proposed_grade, ''), g.decided_grade)),
        ('DECIDED', g.status = 'DECIDED', g.decided_grade)
    ) AS s(stage, st, grade)
    GROUP BY g.cell_id, s.stage
)"""


def _indicator_counts() -> str:
    sums = ", ".join(f"sum((x.flagged_mask >> {n - 1}) & 1) AS ind_{n}" for n in range(1, 28))
    return f"""
ind AS (
    SELECT x.cell_id, {sums} FROM rv_src x
    WHERE x.flagged_mask <> 0 AND x.status <> 'DRAFT' GROUP BY x.cell_id
)"""


COMMITMENTS_CTE = """
cm AS (
    SELECT p.cell_id,
        count(*) FILTER (WHERE k.status IN ('SUBMITTED', 'ACKNOWLEDGED')) AS commitments_submitted,
        count(*) FILTER (WHERE k.status = 'ACKNOWLEDGED') AS commitments_acknowledged,
        count(*) FILTER (WHERE k.submitted_at IS NOT NULL
                         AND (k.submitted_at AT TIME ZONE %(tz)s)::date > cc.deadline) AS commitments_late
    FROM commitments_commitment k
    JOIN commitments_commitmentcycle cc ON cc.id = k.cycle_id
    JOIN place p ON p.member_id = k.member_id
    WHERE k.year = %(year)s
    GROUP BY p.cell_id
)"""
ROLL_CTE = f"""
roll AS (
    SELECT p.cell_id, count(*) AS members, count(*) FILTER (WHERE p.status IN ({ACTIVE})) AS members_active
    FROM place p JOIN cells c ON c.id = p.cell_id GROUP BY p.cell_id
)"""

TARGET_COLUMNS = (
    "organization_id",
    "year",
    "stage",
    "parent_id",
    "depth",
    *d.COUNT_FIELDS,
    "own_grade",
    "review_deadline",
    "commitment_deadline",
    "updated_at",
)
CONFLICT = "ON CONFLICT (organization_id, year, stage) DO UPDATE SET " + ", ".join(
    f"{c} = EXCLUDED.{c}" for c in TARGET_COLUMNS[3:]
)
OWN_GRADE = (
    "CASE WHEN s.stage = 'PROPOSED' THEN COALESCE(NULLIF(orv.proposed_grade, ''), orv.decided_grade, '') "
    "ELSE COALESCE(orv.decided_grade, '') END"
)
PARENT_JOIN = (
    "LEFT JOIN organizations_organization par ON par.path = substr(o.path, 1, length(o.path) - %(steplen)s) "
    "AND par.valid_from <= %(day)s AND (par.valid_to IS NULL OR par.valid_to >= %(day)s)"
)


def cell_upsert(*, current: bool, only_ids: bool) -> str:
    """Recompute the rows of cells (all valid cells of the year, or those in %(ids)s)."""
    only = "AND o.id = ANY(%(ids)s)" if only_ids else ""
    ctes = [
        f"cells AS (SELECT o.id FROM organizations_organization o WHERE o.kind IN ({CELL_KINDS}) AND {VALID} {only})",
        PLACE_CURRENT if current else PLACE_PAST,
        ROLL_CTE,
        REVIEWS_CURRENT if current else REVIEWS_PAST,
        _stage_counts(),
        _indicator_counts(),
        COMMITMENTS_CTE,
        DEADLINES_CTE,
    ]
    review_fields = ["reviewed", "graded", *d.GRADE_FIELDS.values(), *d.REASON_FIELDS.values(), "self_submitted"]
    values = []
    for field in d.MEMBER_FIELDS:
        if field in ("members", "members_active"):
            values.append(f"COALESCE(roll.{field}, 0)")
        elif field in review_fields:
            values.append(f"COALESCE(rv.{field}, 0)")
        elif field.startswith("ind_"):
            values.append(f"COALESCE(ind.{field}, 0)")
        elif field.startswith("commitments_"):
            values.append(f"COALESCE(cm.{field}, 0)")
        elif field == "cells":
            values.append("1")
        elif field == "cells_submitted":
            values.append("(orv.members_submitted_at IS NOT NULL)::int")
        elif field == "cells_decided":
            values.append("(orv.members_decided_at IS NOT NULL)::int")
        elif field == "cells_late":
            values.append(
                "(dl.review_deadline IS NOT NULL AND CASE WHEN orv.members_submitted_at IS NOT NULL "
                "THEN (orv.members_submitted_at AT TIME ZONE %(tz)s)::date > dl.review_deadline "
                "ELSE %(today)s > dl.review_deadline END)::int"
            )
    values += ["0"] * len(d.ORG_FIELDS)
    return f"""
WITH {", ".join(ctes)}
INSERT INTO rollups_orgrollup ({", ".join(TARGET_COLUMNS)})
SELECT o.id, %(year)s, s.stage, par.id, o.depth, {", ".join(values)},
    {OWN_GRADE}, dl.review_deadline, dl.commitment_deadline, %(now)s
FROM organizations_organization o
JOIN cells ON cells.id = o.id
CROSS JOIN {STAGES_SQL}
{PARENT_JOIN}
LEFT JOIN roll ON roll.cell_id = o.id
LEFT JOIN rv ON rv.cell_id = o.id AND rv.stage = s.stage
LEFT JOIN ind ON ind.cell_id = o.id
LEFT JOIN cm ON cm.cell_id = o.id
LEFT JOIN reviews_orgreview orv ON orv.organization_id = o.id AND orv.year = %(year)s
LEFT JOIN dl ON dl.root_path = substr(o.path, 1, %(steplen)s)
{CONFLICT}"""


def level_upsert(*, only_ids: bool) -> str:
    """Recompute non-cell organisations at depth %(depth)s (all, or those in %(ids)s) from their children."""
    only = "AND o.id = ANY(%(ids)s)" if only_ids else ""
    sums = ", ".join(f"sum(r.{f}) AS {f}" for f in d.MEMBER_FIELDS)
    org_sums = ["count(*) + sum(r.orgs) AS orgs", "count(*) FILTER (WHERE r.own_grade <> '') + sum(r.orgs_graded)"]
    org_sums[1] += " AS orgs_graded"
    for grade, field in d.ORG_GRADE_FIELDS.items():
        org_sums.append(f"count(*) FILTER (WHERE r.own_grade = '{grade}') + sum(r.{field}) AS {field}")
    values = ", ".join(f"COALESCE(ch.{f}, 0)" for f in d.COUNT_FIELDS)
    return f"""
WITH parents AS (
    SELECT o.id FROM organizations_organization o
    WHERE o.depth = %(depth)s AND o.kind NOT IN ({CELL_KINDS}) AND {VALID} {only}
),
ch AS (
    SELECT r.parent_id, r.stage, {sums}, {", ".join(org_sums)}
    FROM rollups_orgrollup r JOIN parents ON parents.id = r.parent_id
    WHERE r.year = %(year)s
    GROUP BY r.parent_id, r.stage
),
{DEADLINES_CTE}
INSERT INTO rollups_orgrollup ({", ".join(TARGET_COLUMNS)})
SELECT o.id, %(year)s, s.stage, par.id, o.depth, {values},
    {OWN_GRADE}, dl.review_deadline, dl.commitment_deadline, %(now)s
FROM organizations_organization o
JOIN parents ON parents.id = o.id
CROSS JOIN {STAGES_SQL}
{PARENT_JOIN}
LEFT JOIN ch ON ch.parent_id = o.id AND ch.stage = s.stage
LEFT JOIN reviews_orgreview orv ON orv.organization_id = o.id AND orv.year = %(year)s
LEFT JOIN dl ON dl.root_path = substr(o.path, 1, %(steplen)s)
{CONFLICT}"""


# A rebuild groups a million rows: let the hash aggregates stay in memory (this transaction only).
REBUILD_SETTINGS = "SET LOCAL work_mem = '256MB'"
DELETE_YEAR = "DELETE FROM rollups_orgrollup WHERE year = %(year)s"
DELETE_INVALID = f"""
DELETE FROM rollups_orgrollup r USING organizations_organization o
WHERE r.organization_id = o.id AND r.year = %(year)s AND o.id = ANY(%(ids)s) AND NOT ({VALID})"""
