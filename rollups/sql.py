"""Set-based PostgreSQL statements for roll-ups (the ORM cannot express these upserts).

Two building blocks, both idempotent upserts that recompute rows from their sources:

* `cell_upsert`: cells' rows straight from members, reviews, commitments and org reviews
  (all cells of the year's tree, or the given ones); a full rebuild first stages the source
  groupings in temporary tables (`staging_statements`);
* `level_upsert`: the rows of non-cell organisations at one depth, summed from their children's
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

# One pass over each source table, grouped by cell before anything is joined to the tree: the
# members of a cell and their review and commitment collapse into a few groups per cell (same
# status, grades, reason and — past DRAFT — flagged mask), so the per-stage logic below runs on
# ~0.2 M groups instead of a million rows. Reviews, commitments and memberships are unique per
# member and year, so the LEFT JOINs never multiply members. Groups of cells outside the year's
# tree are computed and then dropped by the final join to `cells`.
LATE_COMMITMENT = "k.submitted_at IS NOT NULL AND (k.submitted_at AT TIME ZONE %(tz)s)::date > cc.deadline"
ON_TIME_COMMITMENT = (
    "COALESCE(k.first_submitted_at, k.submitted_at) < ((cc.deadline + 1)::timestamp AT TIME ZONE %(tz)s)"
)
COMMITMENT_SUMS = f"""
    count(*) FILTER (WHERE k.status IN ('SUBMITTED', 'ACKNOWLEDGED')) AS commitments_submitted,
    count(*) FILTER (WHERE k.status = 'ACKNOWLEDGED') AS commitments_acknowledged,
    count(*) FILTER (WHERE {LATE_COMMITMENT}) AS commitments_late,
    count(*) FILTER (WHERE {ON_TIME_COMMITMENT}) AS commitments_on_time,
    count(*) FILTER (WHERE k.status = 'RETURNED') AS commitments_returned,
    count(*) FILTER (WHERE k.status = 'DRAFT') AS commitments_draft"""
COMMITMENT_JOIN = """
    LEFT JOIN commitments_commitment k ON k.member_id = {member} AND k.year = %(year)s
    LEFT JOIN commitments_commitmentcycle cc ON cc.id = k.cycle_id"""
MASK = "CASE WHEN r.status <> 'DRAFT' THEN r.flagged_mask ELSE 0 END"
REVIEW_KEY = f"r.status, r.proposed_grade, r.decided_grade, r.not_graded_reason, {MASK}"


def _source_groups(*, current: bool, only: str) -> list[tuple[str, str]]:
    """The relations read from the source tables, as (name, SELECT): the expensive part.

    Running year: members in their current cell with that year's review and commitment, in one
    grouping (`grp`). Past years: the roll and commitments by the official membership open on
    31/12 (`roll`; official memberships never overlap — Membership.clean and a unique open row —
    so there is one row per member), and reviews by the cell that reviewed them (`rv_grp`).
    """
    if current:
        return [
            (
                "grp",
                f"""
    SELECT m.cell_id, {REVIEW_KEY} AS mask, count(*)::int AS n,
        count(*) FILTER (WHERE m.status IN ({ACTIVE})) AS members_active,
        count(*) FILTER (WHERE m.status IN ({ACTIVE}) AND u.id IS NOT NULL AND u.password NOT LIKE '!%%') AS accounts_activated,
        count(*) FILTER (WHERE m.status IN ({ACTIVE}) AND u.password LIKE '!%%') AS accounts_invited,
        count(*) FILTER (WHERE m.status = 'PROBATIONARY') AS members_probationary, {COMMITMENT_SUMS}
    FROM organizations_member m
    LEFT JOIN auth_user u ON u.id = m.user_id
    LEFT JOIN reviews_memberreview r ON r.member_id = m.id AND r.year = %(year)s
    {COMMITMENT_JOIN.format(member="m.id")}
    WHERE m.status <> 'LEFT' AND m.cell_id IS NOT NULL {only.format(cell="m.cell_id")}
    GROUP BY 1, 2, 3, 4, 5, 6""",
            )
        ]
    return [
        (
            "roll",
            f"""
    SELECT ms.cell_id, count(*) AS members,
        count(*) FILTER (WHERE m.status IN ({ACTIVE})) AS members_active,
        count(*) FILTER (WHERE m.status IN ({ACTIVE}) AND u.id IS NOT NULL AND u.password NOT LIKE '!%%') AS accounts_activated,
        count(*) FILTER (WHERE m.status IN ({ACTIVE}) AND u.password LIKE '!%%') AS accounts_invited,
        count(*) FILTER (WHERE m.status = 'PROBATIONARY') AS members_probationary, {COMMITMENT_SUMS}
    FROM organizations_membership ms
    JOIN organizations_member m ON m.id = ms.member_id
    LEFT JOIN auth_user u ON u.id = m.user_id
    {COMMITMENT_JOIN.format(member="ms.member_id")}
    WHERE ms.kind = 'OFFICIAL' AND ms.valid_from <= %(day)s AND (ms.valid_to IS NULL OR ms.valid_to >= %(day)s)
        {only.format(cell="ms.cell_id")}
    GROUP BY ms.cell_id""",
        ),
        (
            "rv_grp",
            f"""
    SELECT r.cell_id, {REVIEW_KEY} AS mask, count(*)::int AS n
    FROM reviews_memberreview r
    WHERE r.year = %(year)s {only.format(cell="r.cell_id")}
    GROUP BY 1, 2, 3, 4, 5, 6""",
        ),
    ]


# Running year: the roll and the review groups are two views of `grp`.
CURRENT_DERIVED = [
    """
roll AS (
    SELECT g.cell_id, sum(g.n) AS members, sum(g.members_active) AS members_active,
        sum(g.members_probationary) AS members_probationary,
        sum(g.accounts_activated) AS accounts_activated, sum(g.accounts_invited) AS accounts_invited,
        sum(g.commitments_submitted) AS commitments_submitted,
        sum(g.commitments_acknowledged) AS commitments_acknowledged,
        sum(g.commitments_late) AS commitments_late,
        sum(g.commitments_on_time) AS commitments_on_time,
        sum(g.commitments_returned) AS commitments_returned,
        sum(g.commitments_draft) AS commitments_draft
    FROM grp g GROUP BY g.cell_id
)""",
    "rv_grp AS (SELECT * FROM grp g WHERE g.status IS NOT NULL)",
]


def staging_statements(*, current: bool) -> list[str]:
    """A full rebuild first writes the source groupings to temporary tables: unlike the INSERT,
    CREATE TABLE AS may run its SELECT with parallel workers. Dropped at commit (and before, in
    case an enclosing transaction already created them)."""
    return [
        f"DROP TABLE IF EXISTS pg_temp.rollup_{name}; CREATE TEMP TABLE rollup_{name} ON COMMIT DROP AS {body}"
        for name, body in _source_groups(current=current, only="")
    ]


def _stage_counts() -> str:
    """Per cell and stage: reviewed, graded, per grade, not graded per reason, self-assessments."""
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
rv AS (
    SELECT g.cell_id, s.stage, {", ".join(cols)}
    FROM rv_grp g CROSS JOIN LATERAL (VALUES
        ('PROPOSED', g.status IN ({PROPOSED_IN}), COALESCE(NULLIF(g.proposed_grade, ''), g.decided_grade)),
        ('DECIDED', g.status = 'DECIDED', g.decided_grade)
    ) AS s(stage, st, grade)
    GROUP BY g.cell_id, s.stage
)"""


def _indicator_counts() -> str:
    """Members who flagged each manifestation (the group key keeps the mask past DRAFT only)."""
    sums = ", ".join(f"sum(g.n * ((g.mask >> {n - 1}) & 1)) AS ind_{n}" for n in range(1, 28))
    return f"""
ind AS (
    SELECT g.cell_id, {sums} FROM rv_grp g WHERE g.mask <> 0 GROUP BY g.cell_id
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


def cell_upsert(*, current: bool, only_ids: bool, staged: bool = False) -> str:
    """Recompute the rows of cells (all valid cells of the year, or those in %(ids)s).

    `staged`: read the source groupings from the temporary tables of `staging_statements`."""
    only = "AND {cell} = ANY(%(ids)s)" if only_ids else ""
    if staged:
        sources = [
            f"{name} AS NOT MATERIALIZED (SELECT * FROM pg_temp.rollup_{name})"
            for name, _b in _source_groups(current=current, only=only)
        ]
    else:
        sources = [f"{name} AS ({body}\n)" for name, body in _source_groups(current=current, only=only)]
    cells = f"""
cells AS (
    SELECT o.id, o.path, o.depth FROM organizations_organization o
    WHERE o.kind IN ({CELL_KINDS}) AND {VALID} {only.format(cell="o.id")}
)"""
    ctes = [
        cells,
        *sources,
        *(CURRENT_DERIVED if current else []),
        _stage_counts(),
        _indicator_counts(),
        DEADLINES_CTE,
    ]
    review_fields = ["reviewed", "graded", *d.GRADE_FIELDS.values(), *d.REASON_FIELDS.values(), "self_submitted"]
    values = []
    for field in d.MEMBER_FIELDS:
        if field in ("members", "members_active", "members_probationary") or field.startswith(
            ("commitments_", "accounts_")
        ):
            values.append(f"COALESCE(roll.{field}, 0)")
        elif field in review_fields:
            values.append(f"COALESCE(rv.{field}, 0)")
        elif field.startswith("ind_"):
            values.append(f"COALESCE(ind.{field}, 0)")
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
FROM cells o
CROSS JOIN {STAGES_SQL}
{PARENT_JOIN}
LEFT JOIN roll ON roll.cell_id = o.id
LEFT JOIN rv ON rv.cell_id = o.id AND rv.stage = s.stage
LEFT JOIN ind ON ind.cell_id = o.id
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


# A rebuild groups a million rows: let the hash aggregates stay in memory, let the staging use
# parallel workers, and skip JIT (compiling these wide aggregates costs ~1.7 s, more than it saves).
# SET LOCAL: this transaction only.
REBUILD_SETTINGS = (
    "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off; "
    "SET LOCAL parallel_setup_cost = 100; SET LOCAL parallel_tuple_cost = 0.01"
)
# An incremental refresh is small, but a misestimate must not make it pay for JIT compilation.
REFRESH_SETTINGS = "SET LOCAL jit = off"
DELETE_YEAR = "DELETE FROM rollups_orgrollup WHERE year = %(year)s"
DELETE_INVALID = f"""
DELETE FROM rollups_orgrollup r USING organizations_organization o
WHERE r.organization_id = o.id AND r.year = %(year)s AND o.id = ANY(%(ids)s) AND NOT ({VALID})"""
