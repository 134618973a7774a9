"""Shared pieces of the review services: the refusal type, events, race-free org review rows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import events
from organizations.models import Member, Organization

from ..models import GradingRegime, MemberReview, OrgReview, ReviewCycle
from ..rules import Violation
from ..selectors.permissions import LOCKED_BATCH  # noqa: F401  (re-exported)


class RulesRefused(Exception):
    """A submission or decision broke grading rules; nothing was saved."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations


class NotCompetent(PermissionDenied):
    """The user is not the competent body for this action (answered 403; nothing saved)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Đồng chí không có thẩm quyền quyết định xếp loại cho tổ chức này."))
        self.message = str(self.args[0])


def changed(cell_ids, year: int) -> None:
    events.cells_changed(cell_ids=cell_ids, year=year)


@transaction.atomic
def cycle_create(*, organization: Organization, year: int, regime=None, **deadlines) -> ReviewCycle:
    if regime is None:
        regime = GradingRegime.objects.for_year(year)
    cycle = ReviewCycle(organization=organization, year=year, regime=regime, **deadlines)
    cycle.full_clean()
    cycle.save()
    return cycle


def review_ensure(*, member: Member, cycle: ReviewCycle) -> MemberReview:
    """The member's review for the cycle, created (in the member's current cell) on first use."""
    review = MemberReview.objects.filter(member=member, year=cycle.year).first()
    if review is None:
        if member.cell_id is None:
            raise ValidationError(_("Đảng viên chưa sinh hoạt ở chi bộ nào."))
        review, _created = MemberReview.objects.get_or_create(
            member=member, year=cycle.year, defaults={"cycle": cycle, "cell_id": member.cell_id}
        )
    return review


def org_review_lock(org: Organization, cycle: ReviewCycle) -> OrgReview:
    """The organisation's review row for the year, created race-free and locked (SELECT … FOR UPDATE).

    Every write to a cell's grid, its decision and its members' reviews takes this lock first, so two
    first saves at the same moment serialise instead of colliding on the unique constraints.
    """
    locked = OrgReview.objects.select_for_update().filter(organization=org, year=cycle.year).first()
    if locked is not None:  # the usual case: one statement
        return locked
    row, _created = OrgReview.objects.get_or_create(organization=org, year=cycle.year, defaults={"cycle": cycle})
    return OrgReview.objects.select_for_update().get(pk=row.pk)


def org_review_get(org: Organization, cycle: ReviewCycle) -> OrgReview:
    review = OrgReview.objects.filter(organization=org, year=cycle.year).first()
    return review or OrgReview.objects.get_or_create(organization=org, year=cycle.year, defaults={"cycle": cycle})[0]


class StaleVersion(Exception):
    """Someone else saved the same cell grid or decision since the form was opened; nothing was saved.

    `changes` says what differs from what the second writer typed (their typed values stay on screen).
    """

    def __init__(self, *, current: int, changes: list[str], who: str = "", when=None):
        self.current, self.changes, self.who, self.when = current, changes, who, when
        super().__init__(self.message)

    @property
    def message(self) -> str:
        from django.utils import formats

        when = formats.date_format(self.when, "SHORT_DATETIME_FORMAT") if self.when else ""
        return _(
            "Bảng đã được %(who)s lưu lúc %(when)s trong khi đồng chí đang sửa; chưa lưu gì. "
            "Các giá trị đồng chí nhập vẫn giữ nguyên — xem các thay đổi dưới đây rồi lưu lại."
        ) % {"who": self.who or _("người khác"), "when": when}


def version_check(org_review: OrgReview, version: int | None, changes=lambda: []) -> None:
    """Refuse a write based on an older version of the row (None: the caller does not track versions)."""
    if version is None or version == org_review.version:
        return
    last = org_review.history.order_by("-history_date").select_related("history_user").first()
    who = getattr(last.history_user, "username", "") if last else ""
    raise StaleVersion(current=org_review.version, changes=changes(), who=who, when=last.history_date if last else None)
