"""Công khai kết quả: the deciding body approves every submitted cell as proposed in one sitting.

All or nothing, in one transaction, and one notification batch: each member gets one message with
their grade and each secretary one digest, however many cells were decided.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.events import batch
from organizations.models import Organization
from reviews import selectors as rsel
from reviews import services as rservices
from reviews.models import ReviewCycle, ReviewStatus


@transaction.atomic
def cells_approve_all(*, decider: Organization, cycle: ReviewCycle, user) -> list[Organization]:
    """Decide every cell that submitted, as proposed. Raises (nothing saved) if one is refused."""
    cells = [c for c, o in rsel.cells_decided_by(decider, cycle.year) if o and o.status == ReviewStatus.PROPOSED]
    if not cells:
        raise ValidationError(_("Không có chi bộ nào đang chờ quyết định."))
    with batch():
        for cell in cells:
            try:
                rservices.cell_decide(cell=cell, cycle=cycle, user=user)
            except rservices.RulesRefused as exc:
                raise ValidationError(
                    _("%(c)s: %(m)s") % {"c": cell.name, "m": "; ".join(v.message for v in exc.violations)}
                ) from exc
            except ValidationError as exc:
                raise ValidationError(_("%(c)s: %(m)s") % {"c": cell.name, "m": " ".join(exc.messages)}) from exc
    return cells
