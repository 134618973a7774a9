"""The grading rule engine: pure functions over a regime's params and plain data (no database).

Every rule returns `Violation`s with a stable code and a Vietnamese message. The grid, the
decision page and the services all call these same functions, so what the secretary sees next to a
row is exactly what a submission or a decision is refused for. Thresholds come from the regime's
`params` (reviews/regimes.py), never from constants here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import DisciplineKind, Grade, NotGradedReason, RegimeKind

RANK = {Grade.NOT_COMPLETED: 0, Grade.COMPLETED: 1, Grade.GOOD: 2, Grade.EXCELLENT: 3}
HEAVY_DISCIPLINE = (DisciplineKind.WARNING, DisciplineKind.REMOVAL, DisciplineKind.EXPULSION)


@dataclass(frozen=True)
class Policy:
    """The part of a GradingRegime the rules need."""

    kind: str
    params: dict

    @property
    def scores(self) -> bool:
        return self.kind == RegimeKind.SCORE_100

    def get(self, key: str, default=None):
        return self.params.get(key, default)


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    row: int | None = None  # member id, or None for the whole cell / organisation


@dataclass
class MemberRow:
    """What the rules know about one member's row (typed values plus facts from the database)."""

    key: int
    name: str = ""
    grade: str = ""
    score: Decimal | None = None
    not_graded_reason: str = ""
    not_graded_note: str = ""
    member_status: str = "FULL"
    admitted_on: dt.date | None = None
    discipline: Sequence[tuple[str, bool]] = field(default_factory=tuple)  # (kind, self_remedied) in the year
    concluded_manifestation: bool = False
    sick_leave_months: Decimal | None = None
    civil_service_grade: str = ""
    open_shortcomings: int = 0


def grade_label(grade: str) -> str:
    return str(Grade(grade).label) if grade else "—"


def band_grade(policy: Policy, score: Decimal | float) -> str:
    """The highest grade a score allows (≥ 90 / 70–< 90 / 50–< 70 / < 50 under QĐ 366)."""
    bands = policy.get("score_bands", {})
    for grade in (Grade.EXCELLENT, Grade.GOOD, Grade.COMPLETED):
        if grade in bands and Decimal(str(score)) >= Decimal(str(bands[grade])):
            return grade
    return Grade.NOT_COMPLETED


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return dt.date(year, month, min(day.day, last[month - 1]))


def counts_as_disciplined(policy: Policy, discipline: Iterable[tuple[str, bool]]) -> bool:
    exempt_self_remedied = policy.get("self_remedied_discipline_exempt", False)
    return any(not (self_remedied and exempt_self_remedied) for _kind, self_remedied in discipline)


def _cap(row: MemberRow, code: str, ceiling: str, message: str) -> list[Violation]:
    if row.grade and RANK[row.grade] > RANK[ceiling]:
        return [Violation(code, message, row.key)]
    return []


def member_violations(
    policy: Policy, row: MemberRow, *, grading_date: dt.date, complete: bool = True
) -> list[Violation]:
    """Every rule on one member's grade. `complete` also requires a grade or a not-graded reason."""
    out = _not_graded_violations(policy, row, grading_date=grading_date, complete=complete)
    if not row.grade:
        return out
    if policy.scores:
        out += _score_violations(policy, row)
    if policy.get("discipline_forces_not_completed", True) and counts_as_disciplined(policy, row.discipline):
        out += _cap(
            row,
            "DISCIPLINED",
            Grade.NOT_COMPLETED,
            _("Đảng viên bị kỷ luật trong năm: chỉ được xếp loại Không hoàn thành nhiệm vụ."),
        )
    if policy.get("concluded_manifestation_forces_not_completed", True) and row.concluded_manifestation:
        out += _cap(
            row,
            "CONCLUDED",
            Grade.NOT_COMPLETED,
            _("Cấp có thẩm quyền đã kết luận có biểu hiện suy thoái: chỉ được xếp loại Không hoàn thành nhiệm vụ."),
        )
    cap_months = policy.get("sick_leave_months_cap")
    if (
        cap_months is not None
        and row.sick_leave_months is not None
        and row.sick_leave_months >= Decimal(str(cap_months))
    ):
        out += _cap(
            row,
            "SICK_LEAVE",
            Grade.COMPLETED,
            _("Nghỉ ốm từ %(n)s tháng trở lên trong năm: không được xếp loại cao hơn Hoàn thành nhiệm vụ.")
            % {"n": cap_months},
        )
    if policy.get("civil_service_caps", True) and row.civil_service_grade:
        out += _cap(
            row,
            "CIVIL_SERVICE",
            row.civil_service_grade,
            _("Xếp loại đảng viên không được cao hơn xếp loại công chức, viên chức (%(g)s).")
            % {"g": grade_label(row.civil_service_grade)},
        )
    if policy.get("excellent_requires_remedied_shortcomings") and row.open_shortcomings:
        out += _cap(
            row,
            "UNREMEDIED",
            Grade.GOOD,
            _("Còn %(n)s hạn chế, khuyết điểm chưa khắc phục: không được xếp loại Hoàn thành xuất sắc nhiệm vụ.")
            % {"n": row.open_shortcomings},
        )
    return out


def _not_graded_violations(policy: Policy, row: MemberRow, *, grading_date: dt.date, complete: bool) -> list[Violation]:
    out: list[Violation] = []
    reason = row.not_graded_reason
    if reason and row.grade:
        out.append(
            Violation("GRADE_AND_REASON", _("Đã chọn lý do không xếp loại thì không chọn mức xếp loại."), row.key)
        )
    if reason == NotGradedReason.OTHER and not row.not_graded_note.strip():
        out.append(Violation("OTHER_NEEDS_NOTE", _("Lý do khác: phải ghi rõ lý do không xếp loại."), row.key))
    required = {"EXEMPT": NotGradedReason.EXEMPT, "SUSPENDED": NotGradedReason.SUSPENDED}.get(row.member_status)
    if required and reason != required:
        out.append(
            Violation(
                "STATUS_NOT_GRADED",
                _("Đảng viên đang %(s)s: không đánh giá, xếp loại (chọn lý do “%(r)s”).")
                % {"s": NotGradedReason(required).label.lower(), "r": NotGradedReason(required).label},
                row.key,
            )
        )
    months = policy.get("new_member_months", 6)
    if row.admitted_on is not None:
        is_new = add_months(row.admitted_on, months) > grading_date
        if is_new and row.grade:
            out.append(
                Violation(
                    "NEW_MEMBER",
                    _("Vào Đảng chưa đủ %(m)s tháng: không xếp loại (chọn lý do “Vào Đảng chưa đủ 6 tháng”).")
                    % {"m": months},
                    row.key,
                )
            )
        if not is_new and reason == NotGradedReason.NEW_MEMBER:
            out.append(Violation("NOT_NEW_MEMBER", _("Đảng viên đã vào Đảng đủ %(m)s tháng.") % {"m": months}, row.key))
    if complete and not reason and not row.grade:
        out.append(Violation("MISSING", _("Chưa chọn mức xếp loại hoặc lý do không xếp loại."), row.key))
    return out


def _score_violations(policy: Policy, row: MemberRow) -> list[Violation]:
    if row.score is None:
        return [Violation("SCORE_REQUIRED", _("Quy định này chấm điểm: phải nhập điểm (0–100)."), row.key)]
    allowed = band_grade(policy, row.score)
    return _cap(
        row,
        "SCORE_BAND",
        allowed,
        _("%(s)s điểm chỉ cho phép xếp loại tối đa “%(g)s”.") % {"s": _fmt(row.score), "g": grade_label(allowed)},
    )


def _fmt(value: Decimal | float) -> str:
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")


# --- The EXCELLENT quota --------------------------------------------------------------------------


def quota_max(policy: Policy, *, good: int, excellent: int, override_max: int | None = None) -> int:
    """Most EXCELLENT grades allowed: ratio × the denominator (GOOD only, or GOOD and above)."""
    quota = policy.get("quota", {})
    denominator = good + excellent if quota.get("denominator") == "GOOD_OR_ABOVE" else good
    allowed = math.floor(Decimal(str(quota.get("ratio", 0.2))) * denominator)
    return max(allowed, override_max or 0)


def quota_violations(
    policy: Policy, grades: Iterable[str], *, scope_name: str, override_max: int | None = None
) -> list[Violation]:
    grades = list(grades)
    excellent, good = grades.count(Grade.EXCELLENT), grades.count(Grade.GOOD)
    allowed = quota_max(policy, good=good, excellent=excellent, override_max=override_max)
    if excellent <= allowed:
        return []
    ratio = Decimal(str(policy.get("quota", {}).get("ratio", 0.2))) * 100
    message = _(
        "Vượt tỷ lệ: %(e)s đảng viên Hoàn thành xuất sắc nhiệm vụ, trong khi tối đa là %(m)s "
        "(%(r)s %% của %(g)s đảng viên Hoàn thành tốt nhiệm vụ trong %(org)s)."
    ) % {"e": excellent, "m": allowed, "r": _fmt(ratio), "g": good, "org": scope_name}
    return [Violation("QUOTA", message)]


# --- Organisation grades (REFERENCE section 4) ----------------------------------------------------


@dataclass
class OrgFacts:
    grade: str
    is_cell: bool
    member_grades: Sequence[str] = ()  # graded members' grades (decided or proposed)
    subunit_grades: Sequence[str] = ()  # direct subordinate organisations' grades
    leadership_discipline: Sequence[str] = ()  # discipline kinds of leadership members in the year
    score: Decimal | None = None


def _ratio(grades: Sequence[str], minimum: str) -> float:
    return sum(1 for g in grades if RANK[g] >= RANK[minimum]) / len(grades) if grades else 1.0


def org_violations(policy: Policy, facts: OrgFacts) -> list[Violation]:
    if not facts.grade:
        return []
    out: list[Violation] = []
    if policy.scores and facts.score is not None:
        allowed = band_grade(policy, facts.score)
        if RANK[facts.grade] > RANK[allowed]:
            out.append(
                Violation(
                    "ORG_SCORE_BAND",
                    _("%(s)s điểm chỉ cho phép xếp loại tối đa “%(g)s”.")
                    % {"s": _fmt(facts.score), "g": grade_label(allowed)},
                )
            )
    heavy_kinds = policy.get("org_not_completed_leadership_discipline_kinds", HEAVY_DISCIPLINE)
    heavy = [k for k in facts.leadership_discipline if k in heavy_kinds]
    if heavy and facts.grade != Grade.NOT_COMPLETED:
        out.append(
            Violation(
                "ORG_LEADER_DISCIPLINED",
                _(
                    "Có thành viên cấp ủy bị kỷ luật từ cảnh cáo trở lên trong năm: tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."
                ),
            )
        )
    if facts.grade == Grade.EXCELLENT:
        out += _org_excellent_violations(policy, facts)
    return out


def _org_excellent_violations(policy: Policy, facts: OrgFacts) -> list[Violation]:
    out: list[Violation] = []
    if facts.leadership_discipline and policy.get("org_excellent_requires_no_leadership_discipline", True):
        out.append(
            Violation(
                "ORG_EXCELLENT_DISCIPLINE",
                _(
                    "Có thành viên cấp ủy bị kỷ luật trong năm: tổ chức không được xếp loại Hoàn thành xuất sắc nhiệm vụ."
                ),
            )
        )
    grades = facts.member_grades if facts.is_cell else facts.subunit_grades
    who = _("đảng viên") if facts.is_cell else _("tổ chức trực thuộc")
    min_completed = float(policy.get("org_excellent_min_completed_ratio", 1.0))
    min_good = float(policy.get("org_excellent_min_good_ratio", 0.8))
    if _ratio(grades, Grade.COMPLETED) < min_completed:
        out.append(
            Violation(
                "ORG_EXCELLENT_COMPLETED",
                _("Xếp loại Hoàn thành xuất sắc nhiệm vụ cần %(p)s %% %(who)s đạt Hoàn thành nhiệm vụ trở lên.")
                % {"p": _fmt(min_completed * 100), "who": who},
            )
        )
    if _ratio(grades, Grade.GOOD) < min_good:
        out.append(
            Violation(
                "ORG_EXCELLENT_GOOD",
                _(
                    "Xếp loại Hoàn thành xuất sắc nhiệm vụ cần ít nhất %(p)s %% %(who)s đạt Hoàn thành tốt nhiệm vụ trở lên (hiện có %(a)s %%)."
                )
                % {"p": _fmt(min_good * 100), "who": who, "a": _fmt(round(_ratio(grades, Grade.GOOD) * 100, 1))},
            )
        )
    return out
