"""Pages for the recorded facts of issue 10: official conclusions of manifestations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.selectors import member_get_for_user, organization_ancestors, user_scope

from . import selectors as sel
from . import services
from .forms_facts import ConclusionForm


def _competent_bodies(user, cell: Organization):
    """The standing / inspection committees the user sits on, at or above the member's cell."""
    paths = [p for k, p, _ in user_scope(user).positions if k in sel.DISCIPLINE_KINDS and cell.path.startswith(p)]
    return Organization.objects.filter(path__in=paths).order_by("-depth")


@login_required
def conclusion(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_get_for_user(user=request.user, pk=member_id)  # 404 outside the user's scope
    if member.cell is None or not sel.can_enter_discipline(request.user, member.cell):
        raise PermissionDenied
    bodies = _competent_bodies(request.user, member.cell)
    form = ConclusionForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conclusion_record_create(member=member, user=request.user, **data)
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error.messages[0])
        else:
            messages.success(request, _("Đã ghi nhận kết luận có biểu hiện suy thoái."))
            return redirect("organizations:member", pk=member.pk)
    context = {
        "member": member,
        "form": form,
        "records": member.conclusions.select_related("concluded_by").prefetch_related("indicators"),
        "ancestors": organization_ancestors(org=member.cell) + [member.cell],
    }
    return render(request, "reviews/conclusion.html", context)
