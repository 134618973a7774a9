"""Sections added to the member, cell and organisation pages (constant query count)."""

from __future__ import annotations

from organizations.selectors import user_scope

from . import selectors as sel
from .models import MemberReview, OrgReview, ReviewStatus


def member_panel(request, member):
    """Grades by year, with a link to each review; discipline entry for the competent body."""
    reviews = list(MemberReview.objects.filter(member=member).order_by("-year"))
    can_discipline = member.cell is not None and sel.can_enter_discipline(request.user, member.cell)
    is_self = user_scope(request.user).member_id == member.pk
    if not reviews and not can_discipline and not is_self:
        return None
    context = {"reviews": reviews, "member": member, "can_discipline": can_discipline, "is_self": is_self}
    if is_self:
        context["own_step"] = _own_step(member, reviews)
    return "reviews/panels/member.html", context


def _own_step(member, reviews: list[MemberReview]) -> str:
    """What the member's own button offers for this year's review: write, read what was sent, or the result."""
    cycle = sel.current_cycle(member.cell) if member.cell_id else None
    year = cycle.year if cycle else (reviews[0].year if reviews else None)
    current = next((r for r in reviews if r.year == year), None)
    if current is None or current.status == ReviewStatus.DRAFT:
        return "write"
    return "result" if current.status == ReviewStatus.DECIDED else "submitted"


def cell_panel(request, cell):
    cycle = sel.current_cycle(cell)
    if cycle is None:
        return None
    org_review = OrgReview.objects.filter(organization=cell, year=cycle.year).first()
    can_edit = user_scope(request.user).covers(cell.path, act=True)
    return "reviews/panels/cell.html", {"cell": cell, "cycle": cycle, "org_review": org_review, "can_edit": can_edit}


def organization_panel(request, org):
    """Link to the decisions page where this body decides (members of its cells or organisations)."""
    if org.kind not in ("GRASSROOTS_COMMITTEE", "COMMUNE", "DISTRICT", "PROVINCE", "CENTRAL", "SUB_COMMITTEE"):
        return None
    if not sel.can_decide(request.user, org) and not user_scope(request.user).covers(org.path):
        return None
    cycle = sel.current_cycle(org)
    if cycle is None:
        return None
    waiting = sel.decisions_waiting(decider=org, year=cycle.year)
    return "reviews/panels/organization.html", {"org": org, "cycle": cycle, "waiting": waiting}
