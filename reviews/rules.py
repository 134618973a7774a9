"""The grading rule engine: pure functions over a regime's params and plain data (no database).

Every rule returns `Violation`s with a stable code and a Vietnamese message. The grid, the
decision page and the services all call these same functions, so what the secretary sees next to a
row is exactly what a submission or a decision is refused for. Thresholds come from the regime's
`params` (reviews/regimes.py, where each one carries REFERENCE's confidence), never from constants
here. Kept in one module on purpose: it is the mutation-testing target (`make mutate`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import DisciplineKind, ExemptionKind, Grade, NotGradedReason, RegimeKind

RANK = {Grade.NOT_COMPLETED: 0, Grade.COMPLETED: 1, Grade.GOOD: 2, Grade.EXCELLENT: 3}
HEAVY_DISCIPLINE = (DisciplineKind.WARNING, DisciplineKind.REMOVAL, DisciplineKind.EXPULSION)
ACTIVE_STATUSES = ("FULL", "PROBATIONARY")


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
    # Recorded exemption / suspension decisions: (ExemptionKind, valid_from, valid_to or None).
    exemptions: Sequence[tuple[str, dt.date, dt.date | None]] = field(default_factory=tuple)
    other_approved: bool = False  # the decider approved a "not graded: other" reason


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
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def regime_covers(*, first_year: int, last_year: int | None, year: int) -> bool:
    """A regime applies to a year between its first and last year (an open end runs on)."""
    return first_year <= year and (last_year is None or year <= last_year)


def grading_cutoff(policy: Policy, *, year: int, meeting_deadline: dt.date, decision_deadline: dt.date) -> dt.date:
    """The day "admitted / established less than 6 months" is counted to (REFERENCE 3.4).

    `new_member_cutoff`: GRADING_DATE (the cycle's decision date, default), PERIOD_END (31/12 of the
    graded year) or MEETING_DEADLINE (the old behaviour, kept only as an option).
    """
    how = policy.get("new_member_cutoff")
    if how == "PERIOD_END":
        return dt.date(year, 12, 31)
    if how == "MEETING_DEADLINE":
        return meeting_deadline
    return decision_deadline


def counts_as_disciplined(policy: Policy, discipline: Iterable[tuple[str, bool]]) -> bool:
    exempt_self_remedied = policy.get("self_remedied_discipline_exempt")
    return any(not (self_remedied and exempt_self_remedied) for _kind, self_remedied in discipline)


def must_be_graded(policy: Policy, row: MemberRow) -> bool:
    """Disciplined or officially concluded in the year: graded (NOT_COMPLETED), never "not graded"."""
    disciplined = policy.get("discipline_forces_not_completed", True) and counts_as_disciplined(policy, row.discipline)
    concluded = policy.get("concluded_manifestation_forces_not_completed", True) and row.concluded_manifestation
    return bool(disciplined or concluded)


def _cap(row: MemberRow, code: str, ceiling: str, message: str) -> list[Violation]:
    if row.grade and RANK[row.grade] > RANK[ceiling]:
        return [Violation(code, message, row.key)]
    return []


def member_violations(
    policy: Policy,
    row: MemberRow,
    *,
    grading_date: dt.date,
    complete: bool = True,
    deciding: bool = False,
    year: int | None = None,
) -> list[Violation]:
    """Every rule on one member's grade. `complete` also requires a grade or a not-graded reason;
    `deciding` adds what only the competent body can settle (approving a "not graded: other");
    `year` is the graded year (default: the grading date's year)."""
    out = _not_graded_violations(
        policy, row, grading_date=grading_date, complete=complete, deciding=deciding, year=year or grading_date.year
    )
    out += sick_leave_violations(row)
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


def sick_leave_violations(row: MemberRow) -> list[Violation]:
    """Sick leave is 0–12 months with at most 2 decimals, so what is validated is what is stored."""
    months = row.sick_leave_months
    if months is None:
        return []
    if not (Decimal(0) <= months <= Decimal(12)) or months.as_tuple().exponent < -2:
        message = _("Số tháng nghỉ ốm là số từ 0 đến 12, tối đa 2 chữ số thập phân (ví dụ 2,75).")
        return [Violation("SICK_LEAVE_VALUE", message, row.key)]
    return []


def exemption_in_force(row: MemberRow, kinds: Iterable[str], day: dt.date) -> bool:
    kinds = set(kinds)
    return any(kind in kinds and start <= day and (end is None or end >= day) for kind, start, end in row.exemptions)


def exemption_in_year(row: MemberRow, kinds: Iterable[str], year: int) -> bool:
    kinds, first, last = set(kinds), dt.date(year, 1, 1), dt.date(year, 12, 31)
    return any(kind in kinds and start <= last and (end is None or end >= first) for kind, start, end in row.exemptions)


def _reason_label(reason: str) -> str:
    return str(NotGradedReason(reason).label)


def _not_graded_violations(
    policy: Policy, row: MemberRow, *, grading_date: dt.date, complete: bool, deciding: bool, year: int
) -> list[Violation]:
    out: list[Violation] = []
    reason = row.not_graded_reason
    if reason and row.grade:
        out.append(
            Violation("GRADE_AND_REASON", _("Đã chọn lý do không xếp loại thì không chọn mức xếp loại."), row.key)
        )
    graded_anyway = must_be_graded(policy, row)
    if reason and graded_anyway:
        out.append(
            Violation(
                "MUST_BE_GRADED",
                _(
                    "Đảng viên bị kỷ luật hoặc bị cấp có thẩm quyền kết luận có biểu hiện suy thoái trong năm: "
                    "phải xếp loại Không hoàn thành nhiệm vụ, không được để “không xếp loại”."
                ),
                row.key,
            )
        )
    allowed = policy.get("not_graded_reasons_allowed")
    if reason and allowed is not None and reason not in allowed:
        out.append(
            Violation(
                "REASON_NOT_ALLOWED",
                _("Quy định năm nay không cho phép lý do “%(r)s”: phải xếp loại.") % {"r": _reason_label(reason)},
                row.key,
            )
        )
    out += _reason_fact_violations(policy, row, grading_date=grading_date, deciding=deciding, year=year)
    required = {"EXEMPT": NotGradedReason.EXEMPT, "SUSPENDED": NotGradedReason.SUSPENDED}.get(row.member_status)
    if required and reason != required and not graded_anyway:
        out.append(
            Violation(
                "STATUS_NOT_GRADED",
                _("Đảng viên đang %(s)s: không đánh giá, xếp loại (chọn lý do “%(r)s”).")
                % {"s": NotGradedReason(required).label.lower(), "r": NotGradedReason(required).label},
                row.key,
            )
        )
    out += _new_member_violations(policy, row, grading_date=grading_date)
    if complete and not reason and not row.grade:
        out.append(Violation("MISSING", _("Chưa chọn mức xếp loại hoặc lý do không xếp loại."), row.key))
    return out


def _reason_fact_violations(
    policy: Policy, row: MemberRow, *, grading_date: dt.date, deciding: bool, year: int
) -> list[Violation]:
    """Each not-graded reason must match what is recorded (REFERENCE 3.4)."""
    reason, out = row.not_graded_reason, []
    if reason == NotGradedReason.OTHER:
        if not row.not_graded_note.strip():
            out.append(Violation("OTHER_NEEDS_NOTE", _("Lý do khác: phải ghi rõ lý do không xếp loại."), row.key))
        if deciding and policy.get("other_reason_needs_approval", True) and not row.other_approved:
            out.append(
                Violation(
                    "OTHER_NEEDS_APPROVAL",
                    _("Lý do khác: cấp quyết định phải chấp thuận việc không xếp loại đảng viên này."),
                    row.key,
                )
            )
    elif reason == NotGradedReason.EXEMPT:
        if row.member_status != "EXEMPT" and not exemption_in_force(row, [ExemptionKind.EXEMPT], grading_date):
            out.append(
                Violation(
                    "NOT_EXEMPT",
                    _("Không có quyết định miễn công tác và sinh hoạt đảng còn hiệu lực: không chọn lý do này."),
                    row.key,
                )
            )
    elif reason == NotGradedReason.SUSPENDED:
        if row.member_status != "SUSPENDED" and not exemption_in_force(row, [ExemptionKind.SUSPENDED], grading_date):
            out.append(
                Violation(
                    "NOT_SUSPENDED",
                    _("Không có quyết định đình chỉ sinh hoạt đảng còn hiệu lực: không chọn lý do này."),
                    row.key,
                )
            )
    elif reason == NotGradedReason.SICK_OR_AWAY:
        if policy.get("sick_or_away_requires_record", True) and not exemption_in_year(
            row, [ExemptionKind.TEMPORARY, ExemptionKind.EXEMPT], year
        ):
            out.append(
                Violation(
                    "NOT_AWAY",
                    _("Chưa có quyết định miễn sinh hoạt tạm thời trong năm: không chọn lý do này."),
                    row.key,
                )
            )
    elif reason == NotGradedReason.DISCIPLINE_PENDING and row.discipline:
        out.append(
            Violation(
                "ALREADY_DISCIPLINED",
                _("Đảng viên đã có quyết định kỷ luật trong năm: không chọn lý do “Đang xem xét kỷ luật”."),
                row.key,
            )
        )
    return out


def is_new_member(policy: Policy, admitted_on: dt.date | None, cutoff: dt.date) -> bool:
    return admitted_on is not None and add_months(admitted_on, policy.get("new_member_months", 6)) > cutoff


def _new_member_violations(policy: Policy, row: MemberRow, *, grading_date: dt.date) -> list[Violation]:
    if row.admitted_on is None:
        return []
    months = policy.get("new_member_months", 6)
    is_new = is_new_member(policy, row.admitted_on, grading_date)
    if is_new and row.grade and not must_be_graded(policy, row):
        return [
            Violation(
                "NEW_MEMBER",
                _("Vào Đảng chưa đủ %(m)s tháng: không xếp loại (chọn lý do “Vào Đảng chưa đủ 6 tháng”).")
                % {"m": months},
                row.key,
            )
        ]
    if not is_new and row.not_graded_reason == NotGradedReason.NEW_MEMBER:
        return [Violation("NOT_NEW_MEMBER", _("Đảng viên đã vào Đảng đủ %(m)s tháng.") % {"m": months}, row.key)]
    return []


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


def consider_removal(policy: Policy, grades_by_year: Mapping[int, str], *, year: int) -> bool:
    """NOT_COMPLETED in `year` and the years before it (2 in a row) → the cell considers removal (2.4.3)."""
    years = policy.get("removal_consecutive_not_completed_years")
    if not years:
        return False
    return all(grades_by_year.get(year - i) == Grade.NOT_COMPLETED for i in range(int(years)))


# --- The EXCELLENT quota --------------------------------------------------------------------------


def quota_max(policy: Policy, *, good: int, excellent: int, override_max: int | None = None, key: str = "quota") -> int:
    """Most EXCELLENT grades allowed: ratio × the denominator (GOOD only, or GOOD and above)."""
    quota = policy.get(key) or {}
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


def org_quota_violations(
    policy: Policy, grades: Iterable[str], *, scope_name: str, override_max: int | None = None
) -> list[Violation]:
    """The analogous cap on organisations graded EXCELLENT by one deciding body (`org_quota`, likely)."""
    quota = policy.get("org_quota")
    if not quota:
        return []
    grades = list(grades)
    excellent, good = grades.count(Grade.EXCELLENT), grades.count(Grade.GOOD)
    allowed = quota_max(policy, good=good, excellent=excellent, override_max=override_max, key="org_quota")
    if excellent <= allowed:
        return []
    message = _(
        "Vượt tỷ lệ: %(e)s tổ chức Hoàn thành xuất sắc nhiệm vụ, trong khi tối đa là %(m)s "
        "(%(r)s %% của %(g)s tổ chức Hoàn thành tốt nhiệm vụ do %(org)s xếp loại)."
    ) % {
        "e": excellent,
        "m": allowed,
        "r": _fmt(Decimal(str(quota.get("ratio", 0.2))) * 100),
        "g": good,
        "org": scope_name,
    }
    return [Violation("ORG_QUOTA", message)]


# --- Organisation grades (REFERENCE section 4) ----------------------------------------------------


@dataclass
class OrgFacts:
    grade: str
    is_cell: bool
    member_grades: Sequence[str] = ()  # graded members' grades (decided or proposed)
    subunit_grades: Sequence[str] = ()  # direct subordinate organisations' grades
    leadership_discipline: Sequence[str] = ()  # discipline kinds of leadership members in the year
    score: Decimal | None = None
    disciplined: Sequence[str] = ()  # discipline of the collective itself in the year
    subunit_count: int = 0  # direct subordinate organisations
    disciplined_subunits: int = 0  # of those, disciplined as collectives in the year
    pending_subunits: int = 0  # subordinate organisations (or their members) not yet decided
    leadership_concluded: int = 0  # leadership members officially concluded to show degradation
    established_on: dt.date | None = None
    has_predecessors: bool = False  # formed from other organisations (merge, split): not "new"
    cutoff: dt.date | None = None  # the grading cut-off (grading_cutoff)


def _ratio(grades: Sequence[str], minimum: str) -> float:
    return sum(1 for g in grades if RANK[g] >= RANK[minimum]) / len(grades) if grades else 1.0


def org_is_too_new(policy: Policy, facts: OrgFacts) -> bool:
    """Established less than `org_new_months` before the cut-off: not graded (REFERENCE 3.4)."""
    months = policy.get("org_new_months")
    if not months or facts.established_on is None or facts.cutoff is None:
        return False
    if facts.has_predecessors and policy.get("org_new_excludes_successors", True):
        return False
    return add_months(facts.established_on, months) > facts.cutoff


def org_violations(policy: Policy, facts: OrgFacts) -> list[Violation]:
    if not facts.grade:
        return []
    out: list[Violation] = []
    if org_is_too_new(policy, facts):
        out.append(
            Violation(
                "ORG_TOO_NEW",
                _("Tổ chức thành lập chưa đủ %(m)s tháng: không đánh giá, xếp loại.")
                % {"m": policy.get("org_new_months")},
            )
        )
    if facts.pending_subunits and policy.get("org_requires_subunits_decided", True):
        out.append(
            Violation(
                "ORG_SUBUNITS_PENDING",
                _("Còn %(n)s tổ chức trực thuộc chưa được quyết định xếp loại: chưa xếp loại được tổ chức này.")
                % {"n": facts.pending_subunits},
            )
        )
    out += _org_score_violations(policy, facts)
    if facts.grade != Grade.NOT_COMPLETED:
        out += _org_not_completed_violations(policy, facts)
    if facts.grade == Grade.EXCELLENT:
        out += _org_excellent_violations(policy, facts)
    return out


def _org_score_violations(policy: Policy, facts: OrgFacts) -> list[Violation]:
    if not policy.scores:
        return []
    if facts.score is None:
        if facts.grade == Grade.EXCELLENT and policy.get("org_excellent_requires_score"):
            return [
                Violation(
                    "ORG_SCORE_REQUIRED",
                    _(
                        "Quy định này chấm điểm: xếp loại Hoàn thành xuất sắc nhiệm vụ cần điểm tự đánh giá của tổ chức (từ %(s)s điểm)."
                    )
                    % {"s": policy.get("score_bands", {}).get(Grade.EXCELLENT, 90)},
                )
            ]
        return []
    allowed = band_grade(policy, facts.score)
    if RANK[facts.grade] > RANK[allowed]:
        return [
            Violation(
                "ORG_SCORE_BAND",
                _("%(s)s điểm chỉ cho phép xếp loại tối đa “%(g)s”.")
                % {"s": _fmt(facts.score), "g": grade_label(allowed)},
            )
        ]
    return []


def _org_not_completed_violations(policy: Policy, facts: OrgFacts) -> list[Violation]:
    """Cases where the organisation may only be NOT_COMPLETED (HD 21, QĐ 124)."""
    out: list[Violation] = []
    heavy_kinds = policy.get("org_not_completed_leadership_discipline_kinds", HEAVY_DISCIPLINE)
    if any(k in heavy_kinds for k in facts.leadership_discipline):
        out.append(
            Violation(
                "ORG_LEADER_DISCIPLINED",
                _(
                    "Có thành viên cấp ủy bị kỷ luật từ cảnh cáo trở lên trong năm: tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."
                ),
            )
        )
    if facts.disciplined and policy.get("org_discipline_forces_not_completed", True):
        out.append(
            Violation(
                "ORG_DISCIPLINED",
                _("Tập thể bị kỷ luật trong năm: tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."),
            )
        )
    ratio = policy.get("org_not_completed_disciplined_subunits_ratio")
    if (
        ratio is not None
        and facts.subunit_count
        and Decimal(facts.disciplined_subunits) / Decimal(facts.subunit_count) > Decimal(str(ratio))
    ):
        out.append(
            Violation(
                "ORG_SUBUNITS_DISCIPLINED",
                _(
                    "%(n)s/%(t)s tổ chức trực thuộc bị kỷ luật trong năm (trên %(p)s %%): tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."
                )
                % {"n": facts.disciplined_subunits, "t": facts.subunit_count, "p": _fmt(Decimal(str(ratio)) * 100)},
            )
        )
    if facts.leadership_concluded and policy.get("org_not_completed_leadership_concluded", True):
        out.append(
            Violation(
                "ORG_LEADER_CONCLUDED",
                _(
                    "Có thành viên cấp ủy bị kết luận có biểu hiện suy thoái: tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."
                ),
            )
        )
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
    if facts.disciplined_subunits and policy.get("org_excellent_requires_no_subunit_discipline"):
        out.append(
            Violation(
                "ORG_EXCELLENT_SUBUNIT_DISCIPLINE",
                _(
                    "Có tổ chức trực thuộc bị kỷ luật trong năm: tổ chức không được xếp loại Hoàn thành xuất sắc nhiệm vụ."
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
