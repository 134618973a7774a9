"""Who is told what about each event item (built at delivery, in Vietnamese): (Person, Section) pairs.

Items are stored by `notifications.events.notify(type=..., ...)`; one builder per type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.models import Member, Organization, Position, PositionKind
from organizations.selectors import positions_open_on

from .due import CELL_COMMITMENTS, CELL_GRID, DECISIONS, MY_COMMITMENT, MY_REVIEW, Person
from .messages import Section, UnitLine, absolute
from .models import ReminderKind

Pair = tuple[Person, Section]
SECRETARY_KINDS = (PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY)


def _section(title: str, text: str, path: str, units: Iterable[UnitLine] = ()) -> Section:
    return Section(ReminderKind.EVENT, title, text, absolute(path), path, tuple(units))


def _member_person(member: Member) -> Person | None:
    if member.user_id:
        user = member.user
        return Person(f"u{user.pk}", member.full_name, user.email or member.email, user.pk)
    if member.email:
        return Person(f"m{member.pk}", member.full_name, member.email, None)
    return None


def _user_person(user) -> Person:
    member = getattr(user, "member", None)
    name = member.full_name if member else (user.get_full_name() or user.username)
    return Person(f"u{user.pk}", name, user.email or (member.email if member else ""), user.pk)


def _holders(org: Organization, kinds) -> list[Person]:
    today = timezone.localdate()
    ids = Position.objects.filter(positions_open_on(today), organization=org, kind__in=kinds).values("user_id")
    users = get_user_model().objects.filter(pk__in=ids).select_related("member").order_by("pk")
    return [_user_person(u) for u in users]


def _superior_committee(org: Organization) -> list[Person]:
    """The nearest ancestor with open standing-committee positions."""
    for ancestor in reversed(list(Organization.objects.filter(path__in=org.ancestor_paths()[:-1]).order_by("depth"))):
        people = _holders(ancestor, [PositionKind.STANDING_COMMITTEE])
        if people:
            return people
    return []


def _grade_label(code: str) -> str:
    from reviews.models import Grade, NotGradedReason

    if code in Grade.values:
        return str(Grade(code).label)
    if code in NotGradedReason.values:
        return str(NotGradedReason(code).label)
    return code


def _decision_ref(decider_id: int | None, year: int) -> str:
    from meetings.models import MeetingKind, Minutes

    m = Minutes.objects.filter(organization_id=decider_id, year=year, kind=MeetingKind.DECISION).first()
    if m is None or not m.decision_number:
        return ""
    return _(" (Quyết định số %(n)s ngày %(d)s)") % {
        "n": m.decision_number,
        "d": date_format(m.decision_date, "SHORT_DATE_FORMAT") if m.decision_date else "…",
    }


def grades_published(item: dict) -> list[Pair]:
    """Each member is told their decided grade; the cell's secretaries get the published list."""
    from reviews.models import MemberReview

    cell = Organization.objects.get(pk=item["cell_id"])
    year = item["year"]
    ref = _decision_ref(item.get("decider_id"), year)
    reviews = list(
        MemberReview.objects.filter(cell=cell, year=year, status="DECIDED")
        .select_related("member__user")
        .order_by("member__sort_key", "member_id")
    )
    out: list[Pair] = []
    for r in reviews:
        person = _member_person(r.member)
        if person is None:
            continue
        result = _grade_label(r.not_graded_reason or r.decided_grade)
        text = _("Kết quả xếp loại chất lượng đảng viên năm %(y)s của đồng chí: %(g)s%(ref)s.") % {
            "y": year,
            "g": result,
            "ref": ref,
        }
        out.append((person, _section(_("Kết quả xếp loại năm %(y)s") % {"y": year}, text, MY_REVIEW)))
    units = [
        UnitLine(
            r.member.full_name,
            _grade_label(r.not_graded_reason or r.decided_grade),
            absolute(CELL_GRID.format(cell.pk)),
        )
        for r in reviews
    ]
    title = _("Công khai kết quả xếp loại năm %(y)s — %(c)s") % {"y": year, "c": cell.name}
    text = _("Cấp có thẩm quyền đã quyết định xếp loại đảng viên của chi bộ%(ref)s:") % {"ref": ref}
    for person in _holders(cell, SECRETARY_KINDS):
        out.append((person, _section(title, text, CELL_GRID.format(cell.pk), units)))
    return out


def proposal_returned(item: dict) -> list[Pair]:
    cell = Organization.objects.get(pk=item["cell_id"])
    if item.get("reopened"):
        title = _("Quyết định xếp loại năm %(y)s được mở lại — %(c)s") % {"y": item["year"], "c": cell.name}
    else:
        title = _("Đề xuất xếp loại năm %(y)s bị trả lại — %(c)s") % {"y": item["year"], "c": cell.name}
    text = _("Lý do: %(r)s. Chi bộ sửa và nộp lại đề xuất.") % {"r": item.get("reason", "")}
    return [(p, _section(title, text, CELL_GRID.format(cell.pk))) for p in _holders(cell, SECRETARY_KINDS)]


def _commitments(item: dict):
    from commitments.models import Commitment

    return Commitment.objects.filter(pk__in=item["ids"]).select_related("member__user")


def commitment_returned(item: dict) -> list[Pair]:
    out = []
    for c in _commitments(item):
        person = _member_person(c.member)
        if person is not None:
            title = _("Bản cam kết năm %(y)s được trả lại để sửa") % {"y": c.year}
            out.append((person, _section(title, _("Lý do: %(r)s") % {"r": c.return_reason}, MY_COMMITMENT)))
    return out


def commitment_acknowledged(item: dict) -> list[Pair]:
    out = []
    for c in _commitments(item):
        person = _member_person(c.member)
        if person is not None:
            title = _("Chi bộ đã xác nhận bản cam kết năm %(y)s") % {"y": c.year}
            out.append((person, _section(title, _("Bản cam kết của đồng chí đã được chi bộ xác nhận."), MY_COMMITMENT)))
    return out


def residence_requested(item: dict) -> list[Pair]:
    from meetings.models import ResidenceComment

    org = Organization.objects.get(pk=item["org_id"])
    comments = list(ResidenceComment.objects.filter(pk__in=item["ids"]).select_related("member", "cell"))
    if not comments:
        return []
    path = "/hoi-nghi/noi-cu-tru/"
    units = [UnitLine(c.member.full_name, c.cell.name, absolute(f"{path}{c.pk}/")) for c in comments]
    stage = item.get("stage", "")
    if stage == "late":  # escalation: the residence organisation has not answered
        title = _("%(o)s chưa gửi nhận xét đảng viên cư trú (năm %(y)s)") % {"o": org.name, "y": item["year"]}
        text = _("Các đề nghị nhận xét nơi cư trú sau đã quá hạn, đề nghị đôn đốc:")
        return [(p, _section(title, text, path, units)) for p in _superior_committee(org)]
    if stage == "remind":
        title = _("Nhắc nhận xét đảng viên cư trú tại %(o)s (năm %(y)s)") % {"o": org.name, "y": item["year"]}
    else:
        title = _("Đề nghị nhận xét đảng viên cư trú tại %(o)s (năm %(y)s)") % {"o": org.name, "y": item["year"]}
    text = _("Chi bộ nơi công tác đề nghị chi ủy, chi bộ nơi cư trú nhận xét các đồng chí sau:")
    kinds = (*SECRETARY_KINDS, PositionKind.STANDING_COMMITTEE)
    return [(p, _section(title, text, path, units)) for p in _holders(org, kinds)]


def quota_override(item: dict) -> list[Pair]:
    grassroots = Organization.objects.get(pk=item["grassroots_id"])
    title = _("Báo cáo vượt tỷ lệ Hoàn thành xuất sắc năm %(y)s — %(o)s") % {"y": item["year"], "o": grassroots.name}
    text = _("Cấp quyết định đã chấp thuận vượt tỷ lệ: tối đa %(n)s đảng viên Hoàn thành xuất sắc nhiệm vụ.") % {
        "n": item["max"]
    }
    return [(p, _section(title, text, DECISIONS.format(grassroots.pk))) for p in _superior_committee(grassroots)]


def quarterly_item(item: dict) -> list[Pair]:
    """Quarterly evaluation: a reminder to a leader, a submission to the manager, a decision back."""
    from quarterly.messages import quarterly_pairs

    return quarterly_pairs(item)


BUILDERS: dict[str, Callable[[dict], list[Pair]]] = {
    "grades_published": grades_published,
    "proposal_returned": proposal_returned,
    "commitment_returned": commitment_returned,
    "commitment_acknowledged": commitment_acknowledged,
    "residence_requested": residence_requested,
    "quota_override": quota_override,
    "quarterly": quarterly_item,
}


def sections_for(item: dict) -> list[Pair]:
    builder = BUILDERS.get(item.get("type", ""))
    return builder(item) if builder else []


__all__ = ["BUILDERS", "sections_for", "CELL_COMMITMENTS"]
