"""Lock state reads shared by services (which enforce them) and pages (which show them)."""

from __future__ import annotations

from ..models import MemberReview, OrgReview, ReviewStatus

LOCKED_BATCH = (ReviewStatus.PROPOSED, ReviewStatus.DECIDED)


def member_may_edit(review: MemberReview) -> bool:
    """The member may still change their written review (not proposed / decided, cell batch open)."""
    if review.status not in (ReviewStatus.DRAFT, ReviewStatus.SELF_SUBMITTED, ReviewStatus.RETURNED):
        return False
    return not OrgReview.objects.filter(
        organization_id=review.cell_id, year=review.year, status__in=LOCKED_BATCH
    ).exists()
