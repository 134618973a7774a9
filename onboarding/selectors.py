"""Reads for onboarding: who may import where, the user's jobs, the report pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from organizations.models import PositionKind
from organizations.selectors import user_scope

from .models import ImportJob, Reorganisation
from .services.import_plan import ImportScope

# Only administrators and standing committees import or reorganise (REFERENCE 8.1: the committee
# and its staff keep the rolls); secretaries and inspectors read.
IMPORT_KINDS = frozenset({PositionKind.ADMINISTRATOR, PositionKind.STANDING_COMMITTEE})


def import_scope_for(user) -> ImportScope | None:
    """The subtrees `user` may import into or reorganise, or None when they have no such right."""
    if not user.is_authenticated:
        return None
    scope = user_scope(user)
    if scope.is_superuser:
        return ImportScope(is_superuser=True)
    paths = scope.paths_for(IMPORT_KINDS)
    return ImportScope(paths=paths) if paths else None


def import_scope_required(user) -> ImportScope:
    """For views: 403 for signed-in users without the right (the page itself is not secret)."""
    scope = import_scope_for(user)
    if scope is None:
        raise PermissionDenied
    return scope


def import_jobs_for(*, user) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(created_by=user).defer("content", "report")


def import_job_get_for_user(*, user, pk: int, with_report: bool = False) -> ImportJob:
    """A user sees only the jobs they uploaded (superusers see all); Http404 otherwise."""
    qs = ImportJob.objects.defer("content") if with_report else ImportJob.objects.defer("content", "report")
    job = qs.filter(pk=pk).select_related("created_by").first()
    if job is None or (job.created_by_id != user.pk and not user.is_superuser):
        raise Http404
    return job


def reorganisations_for(*, user) -> QuerySet[Reorganisation]:
    qs = Reorganisation.objects.select_related("performed_by").order_by("-performed_at", "-id")
    return qs if user.is_superuser else qs.filter(performed_by=user)
