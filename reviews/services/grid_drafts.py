"""Bản nháp bảng xếp loại — what the secretary typed into the grid but has not saved (issue 13, item 5).

Kept as the raw strings of the form (an invalid score survives a reload too), one draft per
(cell, year). The same authority as the grid itself, and the same lock: a cell that has proposed or
been decided has nothing left to draft.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import Organization

from ..models import GridDraft, OrgReview, ReviewCycle
from .base import LOCKED_BATCH
from .grid import require_cell_editor

ROW_FIELDS = ("score", "grade", "reason", "reason_note", "sick_leave_months", "civil_service_grade", "note")
CELL_FIELDS = ("org_grade", "org_score")
MAX_LENGTH = 300  # the longest grid input is 255 characters; anything longer is not typing
_ROW_KEY = re.compile(r"^m(\d+)-(" + "|".join(ROW_FIELDS) + ")$")


def draft_values(values: Mapping[str, str], *, member_ids: Iterable[int], cell_fields: bool = True) -> dict[str, str]:
    """The grid's own inputs out of a POST: rows of the given members (and the cell's grade)."""
    allowed = set(member_ids)
    out = {}
    for key in values:
        match = _ROW_KEY.match(key)
        if (match and int(match[1]) in allowed) or (cell_fields and key in CELL_FIELDS):
            out[key] = str(values[key])[:MAX_LENGTH]
    return out


def require_draftable(cell: Organization, cycle: ReviewCycle) -> None:
    """A draft must not reopen a locked grid: nothing is drafted once the cell has proposed."""
    if OrgReview.objects.filter(organization=cell, year=cycle.year, status__in=LOCKED_BATCH).exists():
        raise ValidationError(_("Chi bộ đã nộp đề xuất; không lưu bản nháp được nữa."))


@transaction.atomic
def grid_draft_save(
    *,
    cell: Organization,
    cycle: ReviewCycle,
    values: Mapping[str, str],
    member_ids: Iterable[int],
    user,
    merge: bool = False,
) -> GridDraft:
    """Keep what was typed. `merge=True` (a row's autosave) replaces only the keys given; otherwise
    the whole grid as posted becomes the draft. `member_ids`: the rows this cell may edit."""
    require_cell_editor(user, cell)
    require_draftable(cell, cycle)
    typed = draft_values(values, member_ids=member_ids, cell_fields=not merge)
    draft, _created = GridDraft.objects.get_or_create(organization=cell, year=cycle.year)
    draft = GridDraft.objects.select_for_update().get(pk=draft.pk)  # two rows autosaving at once: no lost keys
    draft.values = {**draft.values, **typed} if merge else typed
    draft.updated_by = user
    draft.save()
    return draft


@transaction.atomic
def grid_draft_discard(*, cell: Organization, cycle: ReviewCycle, user) -> None:
    """The secretary chose to drop the restored draft and see the saved grid again. (A successful
    grid_save drops it too, in its own transaction.)"""
    require_cell_editor(user, cell)
    GridDraft.objects.filter(organization=cell, year=cycle.year).delete()
