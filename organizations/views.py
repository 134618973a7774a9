"""Organisation, cell and member pages. Every view starts with a scoped loader (404 outside scope)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import panels, search, selectors


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organization_get_for_user(user=request.user, pk=pk)
    if org.is_cell:
        return cell_detail(request, pk)
    children, total = selectors.organization_children_with_counts(org=org)
    context = {
        "org": org,
        "ancestors": selectors.organization_ancestors(org=org),
        "children": children,
        "total_members": total,
        "subtree_orgs": selectors.organization_subtree_count(org=org),
        "panels": panels.panels("organization", request, org),
    }
    return render(request, "organizations/organization_detail.html", context)


@login_required
def cell_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cell = selectors.organization_get_for_user(user=request.user, pk=pk)
    members = list(selectors.cell_members(cell=cell))
    context = {
        "org": cell,
        "ancestors": selectors.organization_ancestors(org=cell),
        "members": members,
        "officer": selectors.is_cell_officer(user=request.user, cell_id=cell.pk),
        "panels": panels.panels("cell", request, cell),
    }
    return render(request, "organizations/cell_detail.html", context)


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get_for_user(user=request.user, pk=pk)
    context = {
        "member": member,
        "memberships": member.memberships.select_related("cell").order_by("-valid_from"),
        "ancestors": selectors.organization_ancestors(org=member.cell) + [member.cell] if member.cell else [],
        "panels": panels.panels("member", request, member),
    }
    return render(request, "organizations/member_detail.html", context)


@login_required
def member_search(request: HttpRequest) -> HttpResponse:
    """Committees look members up in their subtree: name without accents, or party card number."""
    scope = selectors.user_scope(request.user)
    if not scope.has_positions:
        raise Http404
    within = None
    if request.GET.get("trong"):
        try:
            within = selectors.organization_get_for_user(user=request.user, pk=int(request.GET["trong"]))
        except ValueError:
            raise Http404 from None
    text = request.GET.get("q", "").strip()[:120]
    result = search.member_search(user=request.user, text=text, within=within) if text else None
    too_short = bool(text) and not search.CARD.match(text) and len(text) < search.MIN_NAME
    context = {"q": text, "within": within, "result": result, "too_short": too_short, "limit": search.LIMIT}
    return render(request, "organizations/member_search.html", context)
