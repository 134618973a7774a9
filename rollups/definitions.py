"""What a roll-up counts — the one definition shared by the SQL fast path and the Python recount.

For an organisation O, a year Y and a grading stage S (PROPOSED or DECIDED) the row counts, over
O's whole subtree:

* **The tree of year Y**: organisations valid on 31/12/Y (`valid_from <= 31/12/Y` and `valid_to`
  empty or `>= 31/12/Y`). A node closed before year end, and everything counted only through it,
  is left out of that year's roll-up; a node opened later does not exist for that year.
* **Where a member counts** (see `uses_current_cells`):
  - the running year (Y >= this calendar year): the member's current cell (`Member.cell`) for the
    roll, reviews and commitments; members with status LEFT are not on the roll;
  - past years: reviews count in the cell that reviewed them (`MemberReview.cell`, a snapshot);
    the roll and commitments count in the cell of the official membership open on 31/12/Y.
* **members**: on the roll as above; **members_active**: of those, status probationary or full;
  **members_probationary**: of those, status probationary (Table A's chính thức / dự bị split);
  **accounts_activated** / **accounts_invited**: active members whose login is activated / invited
  and not yet activated (an unusable password), for the completeness table (issue 11).
* **self_submitted**: reviews past DRAFT; **indicators ind_1..ind_27**: of those, how many flagged
  each manifestation (bit `1 << (number-1)` of `flagged_mask`). Same in both stages.
* **Stage rows**: PROPOSED counts reviews in status PROPOSED/RETURNED/DECIDED with grade
  `proposed_grade` (or `decided_grade` when no proposal was recorded); DECIDED counts reviews in
  status DECIDED with `decided_grade`. **reviewed** = rows of the stage = **graded** (a grade) +
  the not-graded rows by reason (`ng_*`; a row with neither grade nor reason counts as OTHER).
* **Commitments**: submitted = SUBMITTED or ACKNOWLEDGED; acknowledged; late = submitted (local
  date) after the cycle's deadline; on_time = first submitted (or, for rows loaded without it,
  submitted) before the end of the deadline day, local time; returned; draft (the completeness page).
* **Cells**: number of cells; submitted = the cell's OrgReview has `members_submitted_at`;
  decided = `members_decided_at`; late = submitted after the review cycle's meeting deadline, or
  not submitted and that deadline has passed (today, local time).
* **Organisations**: `orgs` = subordinate organisations (descendants) in the tree of year Y;
  `orgs_graded` / `org_<grade>` count them by their own grade at the stage (OrgReview:
  PROPOSED = `proposed_grade` or else `decided_grade`; DECIDED = `decided_grade`). `own_grade` is
  the node's own grade at the stage.
* Deadlines come from the ReviewCycle / CommitmentCycle of the node's root organisation.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

STAGES = ("PROPOSED", "DECIDED")
GRADES = ("EXCELLENT", "GOOD", "COMPLETED", "NOT_COMPLETED")
GRADE_FIELDS = {g: f"g_{g.lower()}" for g in GRADES}
ORG_GRADE_FIELDS = {g: f"org_{g.lower()}" for g in GRADES}
REASONS = ("EXEMPT", "SUSPENDED", "NEW_MEMBER", "SICK_OR_AWAY", "DISCIPLINE_PENDING", "OTHER")
REASON_FIELDS = {r: f"ng_{r.lower()}" for r in REASONS}
INDICATOR_FIELDS = tuple(f"ind_{n}" for n in range(1, 28))
PROPOSED_STATUSES = ("PROPOSED", "RETURNED", "DECIDED")
DECIDED_STATUSES = ("DECIDED",)
STAGE_STATUSES = {"PROPOSED": PROPOSED_STATUSES, "DECIDED": DECIDED_STATUSES}
CELL_KIND_VALUES = ("CELL", "GRASSROOTS_CELL")
ACTIVE_STATUS_VALUES = ("PROBATIONARY", "FULL")

# Every summed counter, in column order. Cells sum into parents; orgs are computed from children.
MEMBER_FIELDS = (
    "members",
    "members_active",
    "members_probationary",
    "accounts_activated",
    "accounts_invited",
    "self_submitted",
    "reviewed",
    "graded",
    *GRADE_FIELDS.values(),
    *REASON_FIELDS.values(),
    *INDICATOR_FIELDS,
    "commitments_submitted",
    "commitments_acknowledged",
    "commitments_late",
    "commitments_on_time",
    "commitments_returned",
    "commitments_draft",
    "cells",
    "cells_submitted",
    "cells_decided",
    "cells_late",
)
ORG_FIELDS = ("orgs", "orgs_graded", *ORG_GRADE_FIELDS.values())
COUNT_FIELDS = MEMBER_FIELDS + ORG_FIELDS


def year_end(year: int) -> dt.date:
    """The cut-off day of a year's roll-up (the tree and the roll as they were that day)."""
    return dt.date(year, 12, 31)


def uses_current_cells(year: int) -> bool:
    """The running year counts members in their current cell; past years use dated snapshots."""
    return year >= timezone.localdate().year


def stage_grade(stage: str, proposed: str, decided: str) -> str:
    if stage == "PROPOSED":
        return proposed or decided or ""
    return decided or ""


def in_stage(stage: str, status: str) -> bool:
    return status in STAGE_STATUSES[stage]
