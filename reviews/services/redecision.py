"""Decided means decided: later facts that break a decided grade flag it "needs re-decision".

A decided result is never changed silently. When a fact recorded after the decision (discipline, an
official conclusion, a member's grade decided anew, a subordinate organisation's grade) breaks a
decided grade, the result keeps its grade and gets `redecide_reason` (audited): the decider sees it
with the reason, the dashboard counts it, and only reopening by the competent body and a new
decision clear it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from organizations.models import Member, Organization

from .. import rules
from .. import selectors as sel
from ..models import MemberReview, OrgReview, ReviewStatus


def _reason(cause: str, messages: list[str]) -> str:
    return f"{cause}: {' '.join(messages)}" if cause else " ".join(messages)


def member_reviews_recheck(*, member: Member, year: int, cause: str) -> list[MemberReview]:
    """Flag the member's decided review of `year` when its grade now breaks a rule. Returns flagged."""
    flagged = []
    for review in MemberReview.objects.select_related("member", "cycle__regime").filter(
        member=member, year=year, status=ReviewStatus.DECIDED
    ):
        found = sel.review_violations(review)
        if found and not review.redecide_reason:
            review.redecide_reason = _reason(cause, found)
            review.save(update_fields=["redecide_reason", "updated_at"])
            flagged.append(review)
    return flagged


def org_review_revalidate(*, org: Organization, year: int, cause: str = "") -> list[str]:
    """Re-check an organisation's grade after a member grade, a subordinate grade or a discipline changed.

    Stores the current violations; a decided grade that now breaks a rule is flagged for re-decision.
    """
    org_review = OrgReview.objects.select_related("cycle__regime").filter(organization=org, year=year).first()
    if org_review is None:
        return []
    grade = org_review.decided_grade or org_review.proposed_grade
    found = rules.org_violations(
        sel.policy_of(org_review.cycle), sel.org_facts(org, year, grade, org_review.proposed_score)
    )
    messages = [v.message for v in found]
    fields = []
    if messages != org_review.violations:
        org_review.violations = messages
        fields.append("violations")
    if org_review.decided_grade and messages and not org_review.redecide_reason:
        org_review.redecide_reason = _reason(cause or _("Dữ kiện thay đổi sau quyết định"), messages)
        fields.append("redecide_reason")
    if fields:
        org_review.save(update_fields=[*fields, "updated_at"])  # save(): audited by simple-history
    return messages


def org_chain_revalidate(*, org: Organization, year: int, cause: str = "") -> None:
    """Re-check the organisation and every organisation above it (bottom up)."""
    chain = [org, *Organization.objects.filter(path__in=org.ancestor_paths()[:-1]).order_by("-depth")]
    for target in chain:
        org_review_revalidate(org=target, year=year, cause=cause)


def facts_changed(*, member: Member, year: int, cause: str) -> None:
    """Hook for any new fact about a member (discipline, official conclusion…): re-check what was decided.

    The rules helper's conclusion recording calls this too.
    """
    member_reviews_recheck(member=member, year=year, cause=cause)
    cell_ids = {member.cell_id} | set(
        MemberReview.objects.filter(member=member, year=year).values_list("cell_id", flat=True)
    )
    for cell in Organization.objects.filter(pk__in=[c for c in cell_ids if c]):
        org_chain_revalidate(org=cell, year=year, cause=cause)
