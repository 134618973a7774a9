"""The rule engine per regime, without the database: boundaries and Vietnamese messages."""

import datetime as dt
from decimal import Decimal

import pytest

from reviews.regimes import REGIMES
from reviews.rules import MemberRow, OrgFacts, Policy, band_grade, member_violations, org_violations, quota_violations

REGIME = {r["code"]: Policy(kind=r["kind"], params=r["params"]) for r in REGIMES}
CURRENT, HD21, QD124 = REGIME["QD366-2025"], REGIME["QD132-2018"], REGIME["QD124-2023"]
DAY = dt.date(2025, 12, 20)


def codes(policy, **kw):
    kw.setdefault("admitted_on", dt.date(2010, 1, 1))
    return {v.code for v in member_violations(policy, MemberRow(key=1, **kw), grading_date=DAY)}


@pytest.mark.parametrize(
    ("score", "grade", "ok"),
    [
        (89, "EXCELLENT", False),
        (90, "EXCELLENT", True),
        (Decimal("89.99"), "EXCELLENT", False),
        (70, "GOOD", True),
        (Decimal("69.5"), "GOOD", False),
        (50, "COMPLETED", True),
        (49, "COMPLETED", False),
        (10, "NOT_COMPLETED", True),
    ],
)
def test_score_bands_of_current_regime(score, grade, ok):
    assert ("SCORE_BAND" not in codes(CURRENT, grade=grade, score=Decimal(score))) is ok


def test_band_message_is_vietnamese():
    [v] = member_violations(CURRENT, MemberRow(key=7, grade="EXCELLENT", score=Decimal(89)), grading_date=DAY)
    assert v.row == 7 and "89 điểm chỉ cho phép xếp loại tối đa “Hoàn thành tốt nhiệm vụ”" in v.message


def test_score_required_only_where_the_regime_scores():
    assert "SCORE_REQUIRED" in codes(CURRENT, grade="GOOD")
    assert codes(HD21, grade="EXCELLENT") == set()
    assert band_grade(CURRENT, 90) == "EXCELLENT" and band_grade(CURRENT, Decimal("49.99")) == "NOT_COMPLETED"


@pytest.mark.parametrize("policy", [CURRENT, HD21, QD124])
@pytest.mark.parametrize(("excellent", "ok"), [(8, True), (9, False)])
def test_quota_8_vs_9_excellent_at_40_good(policy, excellent, ok):
    found = quota_violations(
        policy, ["GOOD"] * 40 + ["EXCELLENT"] * excellent + ["COMPLETED"] * 5, scope_name="Đảng bộ X"
    )
    assert (found == []) is ok
    if not ok:
        assert "tối đa là 8" in found[0].message and "40 đảng viên Hoàn thành tốt nhiệm vụ" in found[0].message


def test_quota_override_and_denominator_parameter():
    grades = ["GOOD"] * 40 + ["EXCELLENT"] * 9
    assert quota_violations(CURRENT, grades, scope_name="X", override_max=9) == []
    wide = Policy(CURRENT.kind, {**CURRENT.params, "quota": {"ratio": 0.2, "denominator": "GOOD_OR_ABOVE"}})
    assert quota_violations(wide, grades, scope_name="X") == []  # 20 % of 49 = 9


@pytest.mark.parametrize("policy", [CURRENT, HD21])
@pytest.mark.parametrize(("months", "ok"), [(Decimal("2.9"), True), (Decimal(3), False), (Decimal(4), False)])
def test_sick_leave_three_months_caps_at_completed(policy, months, ok):
    found = codes(policy, grade="GOOD", score=Decimal(80), sick_leave_months=months)
    assert ("SICK_LEAVE" not in found) is ok
    assert "SICK_LEAVE" not in codes(policy, grade="COMPLETED", score=Decimal(60), sick_leave_months=months)


def test_discipline_forces_not_completed_and_self_remedied_exemption_by_regime():
    assert "DISCIPLINED" in codes(HD21, grade="COMPLETED", discipline=[("REPRIMAND", False)])
    assert "DISCIPLINED" not in codes(HD21, grade="NOT_COMPLETED", discipline=[("REPRIMAND", False)])
    assert "DISCIPLINED" in codes(HD21, grade="COMPLETED", discipline=[("REPRIMAND", True)])
    assert "DISCIPLINED" not in codes(QD124, grade="COMPLETED", discipline=[("REPRIMAND", True)])


def test_concluded_manifestation_civil_service_and_unremedied():
    assert "CONCLUDED" in codes(HD21, grade="COMPLETED", concluded_manifestation=True)
    assert "CIVIL_SERVICE" in codes(HD21, grade="EXCELLENT", civil_service_grade="GOOD")
    assert "CIVIL_SERVICE" not in codes(HD21, grade="GOOD", civil_service_grade="GOOD")
    assert "UNREMEDIED" in codes(CURRENT, grade="EXCELLENT", score=Decimal(95), open_shortcomings=1)
    assert "UNREMEDIED" not in codes(HD21, grade="EXCELLENT", open_shortcomings=1)


def test_not_graded_reasons():
    assert "MISSING" in codes(HD21)
    assert "OTHER_NEEDS_NOTE" in codes(HD21, not_graded_reason="OTHER")
    assert codes(HD21, not_graded_reason="OTHER", not_graded_note="Đi công tác nước ngoài") == set()
    assert "GRADE_AND_REASON" in codes(HD21, grade="GOOD", not_graded_reason="EXEMPT", member_status="EXEMPT")
    assert "STATUS_NOT_GRADED" in codes(HD21, grade="GOOD", member_status="SUSPENDED")
    assert "NEW_MEMBER" in codes(HD21, grade="GOOD", admitted_on=dt.date(2025, 6, 21))
    assert "NEW_MEMBER" not in codes(HD21, grade="GOOD", admitted_on=dt.date(2025, 6, 20))
    assert "NOT_NEW_MEMBER" in codes(HD21, not_graded_reason="NEW_MEMBER", admitted_on=dt.date(2020, 1, 1))


@pytest.mark.parametrize("policy", [CURRENT, HD21])
def test_cell_excellent_needs_all_completed_and_80_percent_good(policy):
    score = Decimal(95)  # QĐ 366 also needs the organisation's score (ignored by criteria regimes)
    ok = OrgFacts(grade="EXCELLENT", is_cell=True, member_grades=["GOOD"] * 8 + ["COMPLETED"] * 2, score=score)
    assert org_violations(policy, ok) == []
    low = OrgFacts(grade="EXCELLENT", is_cell=True, member_grades=["GOOD"] * 7 + ["COMPLETED"] * 3, score=score)
    assert {v.code for v in org_violations(policy, low)} == {"ORG_EXCELLENT_GOOD"}
    failed = OrgFacts(grade="EXCELLENT", is_cell=True, member_grades=["GOOD"] * 9 + ["NOT_COMPLETED"], score=score)
    assert "ORG_EXCELLENT_COMPLETED" in {v.code for v in org_violations(policy, failed)}


def test_org_discipline_of_leadership():
    warned = OrgFacts(grade="GOOD", is_cell=False, subunit_grades=["GOOD"], leadership_discipline=["WARNING"])
    assert {v.code for v in org_violations(HD21, warned)} == {"ORG_LEADER_DISCIPLINED"}
    reprimand = OrgFacts(
        grade="EXCELLENT",
        is_cell=False,
        subunit_grades=["GOOD"],
        leadership_discipline=["REPRIMAND"],
        score=Decimal(95),
    )
    assert {v.code for v in org_violations(CURRENT, reprimand)} == {"ORG_EXCELLENT_DISCIPLINE"}
