"""Writes for reviews, by area. Every write is atomic, audited (simple-history), checks authority and
locks itself, and announces the cells it touched through core.events.cells_changed.

- base: RulesRefused / NotCompetent, race-free locked org review rows, cycles
- self_assessment: the member's written review
- grid: the cell's grid, collective review, proposal
- decisions: decide / return / reopen, organisation grades, re-validation
- discipline: discipline records and remedied shortcomings
"""

from .base import (  # noqa: F401
    LOCKED_BATCH,
    NotCompetent,
    RulesRefused,
    StaleVersion,
    cycle_create,
    org_review_lock,
    review_ensure,
)
from .decisions import (  # noqa: F401
    cell_approve_all,
    cell_decide,
    cell_return,
    leader_decide,
    org_grade_decide,
    org_grade_reopen,
    require_member_decider,
    require_org_decider,
)
from .discipline import discipline_record_create, remediation_mark_done  # noqa: F401
from .facts import (  # noqa: F401
    conclusion_record_create,
    exemption_record_create,
    org_discipline_record_create,
    removal_flags_apply,
)
from .grid import GridInput, collective_record, grid_changes, grid_save, grid_validate, transfer_comment_save  # noqa: F401
from .redecision import facts_changed, org_chain_revalidate, org_review_revalidate  # noqa: F401
from .self_assessment import SelfAssessment, review_correction_request, review_self_save  # noqa: F401
