"""Reads for reviews, by area. Public names are re-exported here (`from reviews import selectors as sel`).

- cycles: which cycle and regime apply
- authority: who decides what (REFERENCE 3.1, 4)
- facts: what the rule engine is fed (MemberRow, OrgFacts, quota counts)
- grid: the cell grid
- pages: the member's review, the review page, the decisions page, scoped loaders for review objects
"""

from .authority import (  # noqa: F401
    CELL_BODY_KINDS,
    DECIDER_KINDS,
    DISCIPLINE_KINDS,
    LEADER_KINDS,
    bodies_deciding_for,
    can_decide,
    can_decide_members,
    can_edit_cell,
    can_enter_discipline,
    can_grade_org,
    cells_led_by,
    leaders_managed_by,
    managing_bodies,
    member_decider,
    org_decider,
)
from .cycles import current_cycle, cycle_for_year, cycle_get, grading_date, policy_of  # noqa: F401
from .facts import (  # noqa: F401
    cells_in_ids,
    effective_member_grades,
    implied_not_graded_reason,
    leader_user_ids,
    leadership_discipline,
    member_discipline,
    member_open_shortcomings,
    member_row,
    org_facts,
    quota_grades,
    quota_group_of,
    quota_override_max,
    quota_scope,
    quota_scope_name,
    redecision_counts,
    redecision_sql,
    redecision_total,
    review_violations,
    subunit_grades,
)
from .grid import GridData, GridRow, grid_load, grid_reviews_reload  # noqa: F401
from .pages import (  # noqa: F401
    GRADE_CHOICES,
    MyReview,
    cells_decided_by,
    commitment_of,
    decisions_load,
    decisions_waiting,
    member_grade_history,
    my_review_load,
    open_remediation,
    orgs_graded_by,
    remediation_get_for_user,
    review_get_for_user,
    review_page_load,
    reviews_of_cell,
)
from .permissions import LOCKED_BATCH, member_may_edit  # noqa: F401
from .rule_facts import (  # noqa: F401
    concluded_member_ids,
    leadership_user_ids,
    member_exemptions,
    org_extra_facts,
    org_quota_grades,
    previous_decided_grades,
)
