"""The rule engine, exhaustively and without the database (issue 10; the `make mutate` target).

Every rule is checked at its boundary, with its exact Vietnamese message, under the regime data
and under an empty regime (the engine's own defaults), so a changed operator, threshold, default
or message makes a test fail.
"""

import datetime as dt
from decimal import Decimal

import pytest

from reviews import rules as r
from reviews.regimes import REGIMES
from reviews.rules import MemberRow, OrgFacts, Policy

REGIME = {x["code"]: Policy(kind=x["kind"], params=x["params"]) for x in REGIMES}
CURRENT, HD21, QD124 = REGIME["QD366-2025"], REGIME["QD132-2018"], REGIME["QD124-2023"]
EMPTY = Policy(kind="CRITERIA", params={})
EMPTY_SCORES = Policy(kind="SCORE_100", params={})
DAY = dt.date(2026, 1, 15)
OLD = dt.date(2010, 1, 1)


def with_params(policy: Policy, **params) -> Policy:
    return Policy(kind=policy.kind, params={**policy.params, **params})


def violations(policy, *, deciding=False, complete=True, day=DAY, **kw):
    kw.setdefault("admitted_on", OLD)
    found = r.member_violations(policy, MemberRow(key=5, **kw), grading_date=day, complete=complete, deciding=deciding)
    assert all(v.row == 5 for v in found)  # every member violation is shown next to its row
    return found


def codes(policy, **kw):
    return {v.code for v in violations(policy, **kw)}


def messages(policy, **kw):
    return {v.code: v.message for v in violations(policy, **kw)}


# --- small helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2100, 1, 31), 1, dt.date(2100, 2, 28)),
        (dt.date(2000, 1, 31), 1, dt.date(2000, 2, 29)),
        (dt.date(2026, 7, 1), 6, dt.date(2027, 1, 1)),
        (dt.date(2026, 6, 30), 6, dt.date(2026, 12, 30)),
        (dt.date(2026, 12, 15), 12, dt.date(2027, 12, 15)),
        (dt.date(2026, 8, 31), 3, dt.date(2026, 11, 30)),
        (dt.date(2026, 5, 31), 1, dt.date(2026, 6, 30)),
        (dt.date(2026, 3, 31), 0, dt.date(2026, 3, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert r.add_months(day, months) == expected


def test_add_months_clamps_to_every_month_end():
    ends = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert [r.add_months(dt.date(2026, 1, 31), m).day for m in range(12)] == ends


@pytest.mark.parametrize(
    ("first", "last", "year", "ok"),
    [(2025, None, 2025, True), (2025, None, 2024, False), (2025, None, 2090, True), (2018, 2022, 2022, True)]
    + [(2018, 2022, 2023, False), (2018, 2022, 2018, True), (2018, 2022, 2017, False)],
)
def test_regime_covers(first, last, year, ok):
    assert r.regime_covers(first_year=first, last_year=last, year=year) is ok


def test_grading_cutoff_options():
    kw = {"year": 2026, "meeting_deadline": dt.date(2026, 12, 20), "decision_deadline": dt.date(2027, 1, 15)}
    assert r.grading_cutoff(EMPTY, **kw) == dt.date(2027, 1, 15)
    assert r.grading_cutoff(CURRENT, **kw) == dt.date(2027, 1, 15)
    assert r.grading_cutoff(with_params(EMPTY, new_member_cutoff="PERIOD_END"), **kw) == dt.date(2026, 12, 31)
    assert r.grading_cutoff(with_params(EMPTY, new_member_cutoff="MEETING_DEADLINE"), **kw) == dt.date(2026, 12, 20)


def test_band_grade_and_formatting():
    assert r.band_grade(CURRENT, 90) == "EXCELLENT"
    assert r.band_grade(CURRENT, 89.99) == "GOOD"
    assert r.band_grade(CURRENT, 70) == "GOOD"
    assert r.band_grade(CURRENT, Decimal("69.99")) == "COMPLETED"
    assert r.band_grade(CURRENT, 50) == "COMPLETED"
    assert r.band_grade(CURRENT, Decimal("49.99")) == "NOT_COMPLETED"
    assert r.band_grade(EMPTY_SCORES, 100) == "NOT_COMPLETED"
    assert r.band_grade(with_params(EMPTY, score_bands={"GOOD": 60}), 95) == "GOOD"
    assert r._fmt(Decimal("89.50")) == "89,5" and r._fmt(20.0) == "20"
    assert r.grade_label("") == "—" and r.grade_label("GOOD") == "Hoàn thành tốt nhiệm vụ"
    assert CURRENT.scores and not HD21.scores and CURRENT.get("nope", 7) == 7


def test_counts_as_disciplined():
    assert not r.counts_as_disciplined(EMPTY, [])
    assert r.counts_as_disciplined(EMPTY, [("REPRIMAND", True)])  # default: self-remedied still counts
    assert r.counts_as_disciplined(HD21, [("REPRIMAND", True)])
    assert not r.counts_as_disciplined(QD124, [("REPRIMAND", True)])
    assert r.counts_as_disciplined(QD124, [("REPRIMAND", True), ("WARNING", False)])
    assert r.counts_as_disciplined(QD124, [("WARNING", False)])


def test_must_be_graded():
    row = MemberRow(key=1)
    assert not r.must_be_graded(EMPTY, row)
    assert r.must_be_graded(EMPTY, MemberRow(key=1, discipline=[("REPRIMAND", False)]))
    assert r.must_be_graded(EMPTY, MemberRow(key=1, concluded_manifestation=True))
    off = with_params(EMPTY, discipline_forces_not_completed=False, concluded_manifestation_forces_not_completed=False)
    assert not r.must_be_graded(off, MemberRow(key=1, discipline=[("REPRIMAND", False)], concluded_manifestation=True))
    assert r.must_be_graded(
        with_params(off, concluded_manifestation_forces_not_completed=True),
        MemberRow(key=1, concluded_manifestation=True),
    )


# --- member grades ------------------------------------------------------------------------------


def test_clean_rows_have_no_violations():
    assert violations(HD21, grade="EXCELLENT") == []
    assert violations(CURRENT, grade="EXCELLENT", score=Decimal(90)) == []
    assert violations(EMPTY, grade="GOOD") == []
    assert violations(HD21, complete=False) == []
    assert violations(HD21, grade="NOT_COMPLETED", discipline=[("WARNING", False)], concluded_manifestation=True) == []


def test_each_member_message_exactly():
    assert messages(CURRENT, grade="GOOD") == {"SCORE_REQUIRED": "Quy định này chấm điểm: phải nhập điểm (0–100)."}
    assert messages(CURRENT, grade="EXCELLENT", score=Decimal("89.5")) == {
        "SCORE_BAND": "89,5 điểm chỉ cho phép xếp loại tối đa “Hoàn thành tốt nhiệm vụ”."
    }
    assert messages(HD21, grade="COMPLETED", discipline=[("REPRIMAND", False)]) == {
        "DISCIPLINED": "Đảng viên bị kỷ luật trong năm: chỉ được xếp loại Không hoàn thành nhiệm vụ."
    }
    assert messages(HD21, grade="COMPLETED", concluded_manifestation=True) == {
        "CONCLUDED": "Cấp có thẩm quyền đã kết luận có biểu hiện suy thoái: chỉ được xếp loại Không hoàn thành nhiệm vụ."
    }
    assert messages(HD21, grade="GOOD", sick_leave_months=Decimal(3)) == {
        "SICK_LEAVE": "Nghỉ ốm từ 3 tháng trở lên trong năm: không được xếp loại cao hơn Hoàn thành nhiệm vụ."
    }
    assert messages(HD21, grade="EXCELLENT", civil_service_grade="COMPLETED") == {
        "CIVIL_SERVICE": "Xếp loại đảng viên không được cao hơn xếp loại công chức, viên chức (Hoàn thành nhiệm vụ)."
    }
    assert messages(CURRENT, grade="EXCELLENT", score=Decimal(95), open_shortcomings=2) == {
        "UNREMEDIED": "Còn 2 hạn chế, khuyết điểm chưa khắc phục: không được xếp loại Hoàn thành xuất sắc nhiệm vụ."
    }
    assert messages(HD21) == {"MISSING": "Chưa chọn mức xếp loại hoặc lý do không xếp loại."}
    assert violations(HD21, grade="GOOD", discipline=[("WARNING", False)])[0].row == 5


def test_every_member_rule_is_reported_together():
    row = {
        "grade": "EXCELLENT",
        "score": Decimal(40),
        "not_graded_reason": "SUSPENDED",
        "discipline": [("WARNING", False)],
        "concluded_manifestation": True,
        "sick_leave_months": Decimal("4.5"),
        "civil_service_grade": "COMPLETED",
        "open_shortcomings": 1,
    }
    assert [v.code for v in violations(CURRENT, **row)] == [
        "GRADE_AND_REASON",
        "MUST_BE_GRADED",
        "NOT_SUSPENDED",
        "SCORE_BAND",
        "DISCIPLINED",
        "CONCLUDED",
        "SICK_LEAVE",
        "CIVIL_SERVICE",
        "UNREMEDIED",
    ]
    assert [v.code for v in violations(CURRENT, grade="GOOD", not_graded_reason="EXEMPT", member_status="EXEMPT")] == [
        "GRADE_AND_REASON",
        "SCORE_REQUIRED",
    ]


def test_member_caps_at_their_boundaries():
    assert "DISCIPLINED" not in codes(HD21, grade="NOT_COMPLETED", discipline=[("REPRIMAND", False)])
    assert "DISCIPLINED" in codes(EMPTY, grade="COMPLETED", discipline=[("REPRIMAND", False)])
    assert "DISCIPLINED" not in codes(
        with_params(HD21, discipline_forces_not_completed=False), grade="GOOD", discipline=[("WARNING", False)]
    )
    assert "CONCLUDED" in codes(EMPTY, grade="COMPLETED", concluded_manifestation=True)
    assert "CONCLUDED" not in codes(
        with_params(HD21, concluded_manifestation_forces_not_completed=False),
        grade="GOOD",
        concluded_manifestation=True,
    )
    assert "SICK_LEAVE" not in codes(HD21, grade="GOOD", sick_leave_months=Decimal("2.99"))
    assert "SICK_LEAVE" not in codes(HD21, grade="COMPLETED", sick_leave_months=Decimal(5))
    assert "SICK_LEAVE" not in codes(EMPTY, grade="GOOD", sick_leave_months=Decimal(5))  # no cap configured
    assert "SICK_LEAVE" not in codes(HD21, grade="GOOD")
    four = with_params(HD21, sick_leave_months_cap=Decimal("2.5"))
    assert "SICK_LEAVE" in codes(four, grade="GOOD", sick_leave_months=Decimal("2.5"))
    assert "CIVIL_SERVICE" not in codes(HD21, grade="COMPLETED", civil_service_grade="COMPLETED")
    assert "CIVIL_SERVICE" in codes(EMPTY, grade="GOOD", civil_service_grade="COMPLETED")
    assert "CIVIL_SERVICE" not in codes(
        with_params(HD21, civil_service_caps=False), grade="GOOD", civil_service_grade="COMPLETED"
    )
    assert "UNREMEDIED" not in codes(CURRENT, grade="GOOD", score=Decimal(80), open_shortcomings=1)
    assert "UNREMEDIED" not in codes(EMPTY, grade="EXCELLENT", open_shortcomings=1)
    assert "SCORE_BAND" not in codes(CURRENT, grade="GOOD", score=Decimal(70))


@pytest.mark.parametrize(
    ("months", "ok"),
    [(None, True), (Decimal(0), True), (Decimal(12), True), (Decimal("2.97"), True), (Decimal("2.975"), False)]
    + [(Decimal("-0.01"), False), (Decimal("12.01"), False), (Decimal("2.50"), True)],
)
def test_sick_leave_value_is_what_gets_stored(months, ok):
    found = r.sick_leave_violations(MemberRow(key=3, sick_leave_months=months))
    assert (found == []) is ok
    if not ok:
        assert found == [
            r.Violation(
                "SICK_LEAVE_VALUE", "Số tháng nghỉ ốm là số từ 0 đến 12, tối đa 2 chữ số thập phân (ví dụ 2,75).", 3
            )
        ]
    assert ("SICK_LEAVE_VALUE" in codes(HD21, grade="COMPLETED", sick_leave_months=months)) is not ok


# --- not-graded reasons validated against facts ---------------------------------------------------


def test_grade_and_reason_together():
    assert messages(HD21, grade="GOOD", not_graded_reason="OTHER", not_graded_note="x", other_approved=True) == {
        "GRADE_AND_REASON": "Đã chọn lý do không xếp loại thì không chọn mức xếp loại."
    }


@pytest.mark.parametrize("reason", ["OTHER", "DISCIPLINE_PENDING", "SICK_OR_AWAY", "NEW_MEMBER", "EXEMPT"])
@pytest.mark.parametrize("fact", [{"discipline": [("REPRIMAND", False)]}, {"concluded_manifestation": True}])
def test_disciplined_or_concluded_member_can_never_be_not_graded(reason, fact):
    found = messages(
        HD21,
        not_graded_reason=reason,
        not_graded_note="Đi nước ngoài",
        member_status="EXEMPT",
        admitted_on=dt.date(2025, 12, 1),
        exemptions=[("EXEMPT", OLD, None), ("TEMPORARY", OLD, None)],
        **fact,
    )
    assert found["MUST_BE_GRADED"] == (
        "Đảng viên bị kỷ luật hoặc bị cấp có thẩm quyền kết luận có biểu hiện suy thoái trong năm: "
        "phải xếp loại Không hoàn thành nhiệm vụ, không được để “không xếp loại”."
    )
    graded = codes(
        HD21,
        grade="NOT_COMPLETED",
        member_status="EXEMPT",
        admitted_on=dt.date(2025, 12, 1),
        **fact,
    )
    assert graded == set()  # neither STATUS_NOT_GRADED nor NEW_MEMBER: they must be graded


def test_self_remedied_discipline_does_not_force_grading_where_exempt():
    assert "MUST_BE_GRADED" not in codes(
        QD124, not_graded_reason="OTHER", not_graded_note="x", discipline=[("REPRIMAND", True)]
    )


def test_reason_allowed_by_the_regime():
    narrow = with_params(HD21, not_graded_reasons_allowed=["EXEMPT"])
    assert messages(narrow, not_graded_reason="OTHER", not_graded_note="Lý do") == {
        "REASON_NOT_ALLOWED": "Quy định năm nay không cho phép lý do “Lý do khác”: phải xếp loại."
    }
    assert "REASON_NOT_ALLOWED" not in codes(EMPTY, not_graded_reason="OTHER", not_graded_note="Lý do")
    assert "REASON_NOT_ALLOWED" not in codes(narrow, not_graded_reason="EXEMPT", member_status="EXEMPT")


def test_other_needs_text_and_the_deciders_approval():
    assert messages(HD21, not_graded_reason="OTHER", not_graded_note="  ") == {
        "OTHER_NEEDS_NOTE": "Lý do khác: phải ghi rõ lý do không xếp loại."
    }
    assert codes(HD21, not_graded_reason="OTHER", not_graded_note="Đi công tác") == set()
    assert messages(HD21, not_graded_reason="OTHER", not_graded_note="Đi công tác", deciding=True) == {
        "OTHER_NEEDS_APPROVAL": "Lý do khác: cấp quyết định phải chấp thuận việc không xếp loại đảng viên này."
    }
    assert "OTHER_NEEDS_APPROVAL" in codes(EMPTY, not_graded_reason="OTHER", not_graded_note="x", deciding=True)
    assert codes(HD21, not_graded_reason="OTHER", not_graded_note="x", deciding=True, other_approved=True) == set()
    no_approval = with_params(HD21, other_reason_needs_approval=False)
    assert codes(no_approval, not_graded_reason="OTHER", not_graded_note="x", deciding=True) == set()


def test_exempt_needs_the_status_or_a_decision_in_force():
    assert messages(HD21, not_graded_reason="EXEMPT") == {
        "NOT_EXEMPT": "Không có quyết định miễn công tác và sinh hoạt đảng còn hiệu lực: không chọn lý do này."
    }
    assert codes(HD21, not_graded_reason="EXEMPT", member_status="EXEMPT") == set()
    assert codes(HD21, not_graded_reason="EXEMPT", exemptions=[("EXEMPT", DAY, None)]) == set()
    assert codes(HD21, not_graded_reason="EXEMPT", exemptions=[("EXEMPT", OLD, DAY)]) == set()
    assert "NOT_EXEMPT" in codes(HD21, not_graded_reason="EXEMPT", exemptions=[("EXEMPT", OLD, DAY - dt.timedelta(1))])
    assert "NOT_EXEMPT" in codes(HD21, not_graded_reason="EXEMPT", exemptions=[("EXEMPT", DAY + dt.timedelta(1), None)])
    assert "NOT_EXEMPT" in codes(HD21, not_graded_reason="EXEMPT", exemptions=[("TEMPORARY", OLD, None)])
    assert "NOT_EXEMPT" in codes(HD21, not_graded_reason="EXEMPT", member_status="PROBATIONARY")


def test_suspended_needs_the_status_or_a_decision_in_force():
    assert messages(HD21, not_graded_reason="SUSPENDED") == {
        "NOT_SUSPENDED": "Không có quyết định đình chỉ sinh hoạt đảng còn hiệu lực: không chọn lý do này."
    }
    assert codes(HD21, not_graded_reason="SUSPENDED", member_status="SUSPENDED") == set()
    assert codes(HD21, not_graded_reason="SUSPENDED", exemptions=[("SUSPENDED", OLD, None)]) == set()
    assert "NOT_SUSPENDED" in codes(HD21, not_graded_reason="SUSPENDED", exemptions=[("EXEMPT", OLD, None)])


def test_sick_or_away_needs_a_temporary_exemption_in_the_year():
    assert messages(HD21, not_graded_reason="SICK_OR_AWAY") == {
        "NOT_AWAY": "Chưa có quyết định miễn sinh hoạt tạm thời trong năm: không chọn lý do này."
    }
    assert "NOT_AWAY" in codes(EMPTY, not_graded_reason="SICK_OR_AWAY")
    year = DAY.year
    for kind in ("TEMPORARY", "EXEMPT"):
        assert codes(HD21, not_graded_reason="SICK_OR_AWAY", exemptions=[(kind, dt.date(year, 12, 31), None)]) == set()
    assert codes(HD21, not_graded_reason="SICK_OR_AWAY", exemptions=[("TEMPORARY", OLD, dt.date(year, 1, 1))]) == set()
    late = [("TEMPORARY", dt.date(year + 1, 1, 1), None)]
    early = [("TEMPORARY", OLD, dt.date(year - 1, 12, 31))]
    assert "NOT_AWAY" in codes(HD21, not_graded_reason="SICK_OR_AWAY", exemptions=late)
    assert "NOT_AWAY" in codes(HD21, not_graded_reason="SICK_OR_AWAY", exemptions=early)
    assert "NOT_AWAY" in codes(HD21, not_graded_reason="SICK_OR_AWAY", exemptions=[("SUSPENDED", OLD, None)])
    relaxed = with_params(HD21, sick_or_away_requires_record=False)
    assert codes(relaxed, not_graded_reason="SICK_OR_AWAY") == set()


def test_discipline_pending_is_refused_for_a_disciplined_member():
    assert codes(HD21, not_graded_reason="DISCIPLINE_PENDING") == set()
    found = messages(
        QD124, not_graded_reason="DISCIPLINE_PENDING", discipline=[("REPRIMAND", True)]
    )  # self-remedied: may be not graded for another reason, but not "pending" — it is decided
    assert found == {
        "ALREADY_DISCIPLINED": "Đảng viên đã có quyết định kỷ luật trong năm: không chọn lý do “Đang xem xét kỷ luật”."
    }


def test_full_active_member_cannot_be_exempt_and_status_demands_its_reason():
    assert "NOT_EXEMPT" in codes(HD21, not_graded_reason="EXEMPT", member_status="FULL")
    assert messages(HD21, grade="GOOD", member_status="SUSPENDED") == {
        "STATUS_NOT_GRADED": "Đảng viên đang đình chỉ sinh hoạt đảng: không đánh giá, xếp loại (chọn lý do “Đình chỉ sinh hoạt đảng”)."
    }
    assert messages(HD21, member_status="EXEMPT", complete=False) == {
        "STATUS_NOT_GRADED": "Đảng viên đang miễn công tác và sinh hoạt đảng: không đánh giá, xếp loại (chọn lý do “Miễn công tác và sinh hoạt đảng”)."
    }
    assert codes(HD21, member_status="LEFT", grade="GOOD") == set()


def test_new_member_cut_off():
    cutoff = dt.date(2027, 1, 15)
    assert messages(HD21, grade="GOOD", admitted_on=dt.date(2026, 7, 16), day=cutoff) == {
        "NEW_MEMBER": "Vào Đảng chưa đủ 6 tháng: không xếp loại (chọn lý do “Vào Đảng chưa đủ 6 tháng”)."
    }
    assert codes(HD21, grade="GOOD", admitted_on=dt.date(2026, 7, 15), day=cutoff) == set()
    assert codes(HD21, not_graded_reason="NEW_MEMBER", admitted_on=dt.date(2026, 7, 16), day=cutoff) == set()
    assert messages(HD21, not_graded_reason="NEW_MEMBER", admitted_on=dt.date(2026, 7, 15), day=cutoff) == {
        "NOT_NEW_MEMBER": "Đảng viên đã vào Đảng đủ 6 tháng."
    }
    three = with_params(HD21, new_member_months=3)
    assert messages(three, grade="GOOD", admitted_on=dt.date(2026, 10, 16), day=cutoff)["NEW_MEMBER"].startswith(
        "Vào Đảng chưa đủ 3 tháng"
    )
    assert codes(three, grade="GOOD", admitted_on=dt.date(2026, 8, 1), day=cutoff) == set()
    assert messages(EMPTY, grade="GOOD", admitted_on=dt.date(2026, 8, 1), day=cutoff)["NEW_MEMBER"].startswith(
        "Vào Đảng chưa đủ 6 tháng"
    )
    assert messages(EMPTY, not_graded_reason="NEW_MEMBER", day=cutoff) == {
        "NOT_NEW_MEMBER": "Đảng viên đã vào Đảng đủ 6 tháng."
    }
    assert codes(HD21, grade="GOOD", admitted_on=None) == set()
    assert codes(HD21, not_graded_reason="NEW_MEMBER", admitted_on=None) == set()
    assert not r.is_new_member(HD21, None, cutoff)
    assert r.is_new_member(EMPTY, dt.date(2026, 7, 16), cutoff) and not r.is_new_member(
        EMPTY, dt.date(2026, 7, 15), cutoff
    )


def test_consider_removal_after_two_years_not_completed():
    history = {2025: "NOT_COMPLETED", 2026: "NOT_COMPLETED"}
    assert r.consider_removal(CURRENT, history, year=2026)
    assert not r.consider_removal(CURRENT, {2025: "COMPLETED", 2026: "NOT_COMPLETED"}, year=2026)
    assert not r.consider_removal(CURRENT, {2026: "NOT_COMPLETED"}, year=2026)
    assert not r.consider_removal(CURRENT, {2025: "NOT_COMPLETED", 2026: "GOOD"}, year=2026)
    assert not r.consider_removal(EMPTY, history, year=2026)
    assert not r.consider_removal(with_params(CURRENT, removal_consecutive_not_completed_years=0), history, year=2026)
    three = with_params(CURRENT, removal_consecutive_not_completed_years=3)
    assert not r.consider_removal(three, history, year=2026)
    assert r.consider_removal(three, {**history, 2024: "NOT_COMPLETED"}, year=2026)


# --- quotas ----------------------------------------------------------------------------------------


def test_quota_max_and_message():
    assert r.quota_max(EMPTY, good=40, excellent=9) == 8  # default ratio 0.2 over GOOD only
    assert r.quota_max(EMPTY, good=44, excellent=0) == 8  # floor
    assert r.quota_max(CURRENT, good=40, excellent=9, override_max=10) == 10
    assert r.quota_max(CURRENT, good=40, excellent=9, override_max=3) == 8
    wide = with_params(CURRENT, quota={"ratio": 0.2, "denominator": "GOOD_OR_ABOVE"})
    assert r.quota_max(wide, good=40, excellent=10) == 10
    assert r.quota_max(with_params(CURRENT, quota={"ratio": 0.25}), good=40, excellent=0) == 10
    found = r.quota_violations(CURRENT, ["GOOD"] * 40 + ["EXCELLENT"] * 9, scope_name="Đảng bộ X")
    assert found == [
        r.Violation(
            "QUOTA",
            "Vượt tỷ lệ: 9 đảng viên Hoàn thành xuất sắc nhiệm vụ, trong khi tối đa là 8 "
            "(20 % của 40 đảng viên Hoàn thành tốt nhiệm vụ trong Đảng bộ X).",
        )
    ]
    assert r.quota_violations(CURRENT, ["GOOD"] * 40 + ["EXCELLENT"] * 8, scope_name="X") == []
    assert r.quota_violations(EMPTY, ["EXCELLENT"], scope_name="X")[0].message.startswith("Vượt tỷ lệ: 1 đảng viên")
    assert "(20 % của 0" in r.quota_violations(EMPTY, ["EXCELLENT"], scope_name="X")[0].message
    quarter = with_params(EMPTY, quota={"ratio": 0.25})
    assert "tối đa là 0 (25 % của 0" in r.quota_violations(quarter, ["EXCELLENT"], scope_name="X")[0].message


def test_organisations_quota():
    grades = ["GOOD"] * 10 + ["EXCELLENT"] * 3
    assert r.org_quota_violations(EMPTY, grades, scope_name="X") == []
    assert r.org_quota_violations(CURRENT, ["GOOD"] * 10 + ["EXCELLENT"] * 2, scope_name="X") == []
    assert r.org_quota_violations(CURRENT, grades, scope_name="X", override_max=3) == []
    assert r.org_quota_violations(CURRENT, grades, scope_name="Đảng ủy xã") == [
        r.Violation(
            "ORG_QUOTA",
            "Vượt tỷ lệ: 3 tổ chức Hoàn thành xuất sắc nhiệm vụ, trong khi tối đa là 2 "
            "(20 % của 10 tổ chức Hoàn thành tốt nhiệm vụ do Đảng ủy xã xếp loại).",
        )
    ]
    wide = with_params(CURRENT, org_quota={"ratio": 0.2, "denominator": "GOOD_OR_ABOVE"})
    assert r.org_quota_violations(wide, ["GOOD"] * 12 + ["EXCELLENT"] * 3, scope_name="X") == []
    plain = with_params(CURRENT, org_quota={"denominator": "GOOD_ONLY"})
    assert "(20 % của 10" in r.org_quota_violations(plain, grades, scope_name="X")[0].message
    tenth = with_params(CURRENT, org_quota={"ratio": 0.1})
    assert "(10 % của 10" in r.org_quota_violations(tenth, grades, scope_name="X")[0].message


# --- organisations ---------------------------------------------------------------------------------


def org_codes(policy, **kw):
    kw.setdefault("is_cell", False)
    return {v.code for v in r.org_violations(policy, OrgFacts(**kw))}


def org_messages(policy, **kw):
    kw.setdefault("is_cell", False)
    return {v.code: v.message for v in r.org_violations(policy, OrgFacts(**kw))}


def test_no_grade_no_org_violation():
    assert (
        r.org_violations(CURRENT, OrgFacts(grade="", is_cell=False, pending_subunits=3, disciplined=["WARNING"])) == []
    )
    assert org_codes(HD21, grade="EXCELLENT", subunit_grades=["GOOD"]) == set()
    assert org_codes(EMPTY, grade="EXCELLENT") == set()


def test_org_established_less_than_six_months_is_not_graded():
    cutoff = dt.date(2027, 1, 15)
    young = {"grade": "GOOD", "established_on": dt.date(2026, 7, 16), "cutoff": cutoff}
    assert org_messages(CURRENT, **young) == {
        "ORG_TOO_NEW": "Tổ chức thành lập chưa đủ 6 tháng: không đánh giá, xếp loại."
    }
    assert org_codes(CURRENT, **{**young, "established_on": dt.date(2026, 7, 15)}) == set()
    assert org_codes(CURRENT, **young, has_predecessors=True) == set()  # formed by a merge: not "new"
    assert "ORG_TOO_NEW" in org_codes(
        with_params(CURRENT, org_new_excludes_successors=False), **young, has_predecessors=True
    )
    assert "ORG_TOO_NEW" in org_codes(Policy("CRITERIA", {"org_new_months": 6}), **young, has_predecessors=False)
    assert "ORG_TOO_NEW" not in org_codes(Policy("CRITERIA", {"org_new_months": 6}), **young, has_predecessors=True)
    assert org_codes(EMPTY, **young) == set()  # no parameter, no rule
    assert org_codes(CURRENT, grade="GOOD", established_on=None, cutoff=cutoff) == set()
    assert org_codes(CURRENT, grade="GOOD", established_on=dt.date(2026, 12, 1), cutoff=None) == set()
    three = with_params(CURRENT, org_new_months=3)
    assert org_messages(three, **{**young, "established_on": dt.date(2026, 10, 16)})["ORG_TOO_NEW"].startswith(
        "Tổ chức thành lập chưa đủ 3 tháng"
    )


def test_org_waits_for_its_subordinate_units():
    assert org_messages(HD21, grade="COMPLETED", pending_subunits=2) == {
        "ORG_SUBUNITS_PENDING": "Còn 2 tổ chức trực thuộc chưa được quyết định xếp loại: chưa xếp loại được tổ chức này."
    }
    assert "ORG_SUBUNITS_PENDING" in org_codes(EMPTY, grade="COMPLETED", pending_subunits=1)
    assert (
        org_codes(with_params(HD21, org_requires_subunits_decided=False), grade="COMPLETED", pending_subunits=1)
        == set()
    )


def test_org_score_under_qd366():
    assert org_messages(CURRENT, grade="EXCELLENT", is_cell=True, member_grades=["GOOD"]) == {
        "ORG_SCORE_REQUIRED": "Quy định này chấm điểm: xếp loại Hoàn thành xuất sắc nhiệm vụ cần điểm tự đánh giá của tổ chức (từ 90 điểm)."
    }
    assert org_codes(CURRENT, grade="GOOD") == set()  # only EXCELLENT needs the score
    assert org_codes(EMPTY_SCORES, grade="EXCELLENT") == set()  # parameter off by default
    assert (
        "(từ 90 điểm)"
        in org_messages(Policy("SCORE_100", {"org_excellent_requires_score": True}), grade="EXCELLENT")[
            "ORG_SCORE_REQUIRED"
        ]
    )
    own_bands = Policy("SCORE_100", {"org_excellent_requires_score": True, "score_bands": {"EXCELLENT": 85}})
    assert "(từ 85 điểm)" in org_messages(own_bands, grade="EXCELLENT")["ORG_SCORE_REQUIRED"]
    assert org_codes(HD21, grade="EXCELLENT", score=Decimal(10)) == set()  # criteria regimes ignore scores
    assert org_codes(CURRENT, grade="EXCELLENT", score=Decimal(90)) == set()
    assert org_messages(CURRENT, grade="EXCELLENT", score=Decimal("89.9")) == {
        "ORG_SCORE_BAND": "89,9 điểm chỉ cho phép xếp loại tối đa “Hoàn thành tốt nhiệm vụ”."
    }
    assert org_codes(CURRENT, grade="GOOD", score=Decimal(70)) == set()
    assert org_codes(CURRENT, grade="GOOD", score=Decimal(69)) == {"ORG_SCORE_BAND"}


def test_org_leadership_discipline():
    assert org_messages(HD21, grade="COMPLETED", leadership_discipline=["WARNING"]) == {
        "ORG_LEADER_DISCIPLINED": "Có thành viên cấp ủy bị kỷ luật từ cảnh cáo trở lên trong năm: tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."
    }
    assert org_codes(HD21, grade="NOT_COMPLETED", leadership_discipline=["WARNING"]) == set()
    assert org_codes(HD21, grade="COMPLETED", leadership_discipline=["REPRIMAND"]) == set()
    for kind in ("WARNING", "REMOVAL", "EXPULSION"):
        assert org_codes(EMPTY, grade="GOOD", leadership_discipline=[kind]) == {"ORG_LEADER_DISCIPLINED"}
    assert org_codes(
        with_params(HD21, org_not_completed_leadership_discipline_kinds=["REPRIMAND"]),
        grade="GOOD",
        leadership_discipline=["REPRIMAND"],
    ) == {"ORG_LEADER_DISCIPLINED"}
    assert org_messages(CURRENT, grade="EXCELLENT", score=Decimal(95), leadership_discipline=["REPRIMAND"]) == {
        "ORG_EXCELLENT_DISCIPLINE": "Có thành viên cấp ủy bị kỷ luật trong năm: tổ chức không được xếp loại Hoàn thành xuất sắc nhiệm vụ."
    }
    assert "ORG_EXCELLENT_DISCIPLINE" in org_codes(EMPTY, grade="EXCELLENT", leadership_discipline=["REPRIMAND"])
    assert (
        org_codes(
            with_params(HD21, org_excellent_requires_no_leadership_discipline=False),
            grade="EXCELLENT",
            leadership_discipline=["REPRIMAND"],
        )
        == set()
    )


def test_org_collective_discipline_and_conclusions():
    assert org_messages(QD124, grade="COMPLETED", disciplined=["REPRIMAND"]) == {
        "ORG_DISCIPLINED": "Tập thể bị kỷ luật trong năm: tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."
    }
    assert "ORG_DISCIPLINED" in org_codes(EMPTY, grade="COMPLETED", disciplined=["REPRIMAND"])
    assert org_codes(HD21, grade="COMPLETED", disciplined=["REPRIMAND"]) == set()  # not a HD 21 rule
    assert org_codes(QD124, grade="NOT_COMPLETED", disciplined=["REPRIMAND"]) == set()
    assert org_messages(QD124, grade="COMPLETED", leadership_concluded=1) == {
        "ORG_LEADER_CONCLUDED": "Có thành viên cấp ủy bị kết luận có biểu hiện suy thoái: tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."
    }
    assert "ORG_LEADER_CONCLUDED" in org_codes(EMPTY, grade="COMPLETED", leadership_concluded=1)
    assert org_codes(HD21, grade="COMPLETED", leadership_concluded=1) == set()


@pytest.mark.parametrize("policy", [QD124, CURRENT])
def test_more_than_20_percent_of_subunits_disciplined(policy):
    assert org_codes(policy, grade="COMPLETED", subunit_count=10, disciplined_subunits=2) == set()
    assert org_messages(policy, grade="COMPLETED", subunit_count=10, disciplined_subunits=3) == {
        "ORG_SUBUNITS_DISCIPLINED": "3/10 tổ chức trực thuộc bị kỷ luật trong năm (trên 20 %): tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."
    }
    assert org_codes(policy, grade="NOT_COMPLETED", subunit_count=10, disciplined_subunits=3) == set()
    assert org_codes(policy, grade="COMPLETED", subunit_count=0, disciplined_subunits=0) == set()


def test_subunit_ratio_parameter():
    assert org_codes(HD21, grade="COMPLETED", subunit_count=2, disciplined_subunits=2) == set()
    assert org_codes(EMPTY, grade="COMPLETED", subunit_count=2, disciplined_subunits=2) == set()
    half = with_params(HD21, org_not_completed_disciplined_subunits_ratio=0.5)
    assert org_codes(half, grade="COMPLETED", subunit_count=4, disciplined_subunits=2) == set()
    assert (
        "(trên 50 %)"
        in org_messages(half, grade="COMPLETED", subunit_count=4, disciplined_subunits=3)["ORG_SUBUNITS_DISCIPLINED"]
    )


def test_qd366_excellent_needs_no_subunit_disciplined():
    facts = {"grade": "EXCELLENT", "score": Decimal(95), "subunit_count": 10, "disciplined_subunits": 1}
    assert org_messages(CURRENT, **facts, subunit_grades=["GOOD"] * 10) == {
        "ORG_EXCELLENT_SUBUNIT_DISCIPLINE": "Có tổ chức trực thuộc bị kỷ luật trong năm: tổ chức không được xếp loại Hoàn thành xuất sắc nhiệm vụ."
    }
    assert org_codes(QD124, **facts, subunit_grades=["GOOD"] * 10) == set()
    assert org_codes(EMPTY, **facts) == set()
    assert org_codes(CURRENT, **{**facts, "disciplined_subunits": 0}) == set()


def test_org_excellent_member_ratios_and_messages():
    msgs = org_messages(HD21, grade="EXCELLENT", is_cell=True, member_grades=["GOOD"] * 7 + ["NOT_COMPLETED"] * 3)
    assert msgs == {
        "ORG_EXCELLENT_COMPLETED": "Xếp loại Hoàn thành xuất sắc nhiệm vụ cần 100 % đảng viên đạt Hoàn thành nhiệm vụ trở lên.",
        "ORG_EXCELLENT_GOOD": "Xếp loại Hoàn thành xuất sắc nhiệm vụ cần ít nhất 80 % đảng viên đạt Hoàn thành tốt nhiệm vụ trở lên (hiện có 70 %).",
    }
    sub = org_messages(EMPTY, grade="EXCELLENT", subunit_grades=["GOOD", "COMPLETED", "COMPLETED"])
    assert sub == {
        "ORG_EXCELLENT_GOOD": "Xếp loại Hoàn thành xuất sắc nhiệm vụ cần ít nhất 80 % tổ chức trực thuộc đạt Hoàn thành tốt nhiệm vụ trở lên (hiện có 33,3 %)."
    }
    assert org_codes(EMPTY, grade="EXCELLENT", subunit_grades=["GOOD"] * 4 + ["COMPLETED"]) == set()
    assert org_codes(EMPTY, grade="EXCELLENT", subunit_grades=["GOOD"] * 4 + ["NOT_COMPLETED"]) == {
        "ORG_EXCELLENT_COMPLETED"
    }
    assert org_codes(EMPTY, grade="EXCELLENT", is_cell=True, member_grades=["EXCELLENT"] * 4 + ["COMPLETED"]) == set()
    loose = with_params(HD21, org_excellent_min_completed_ratio=0.5, org_excellent_min_good_ratio=0.5)
    assert org_codes(loose, grade="EXCELLENT", is_cell=True, member_grades=["GOOD", "NOT_COMPLETED"]) == set()
    assert (
        "cần 50 %"
        in org_messages(loose, grade="EXCELLENT", is_cell=True, member_grades=["GOOD"] + ["NOT_COMPLETED"] * 2)[
            "ORG_EXCELLENT_COMPLETED"
        ]
    )
    assert org_codes(HD21, grade="GOOD", is_cell=True, member_grades=["NOT_COMPLETED"]) == set()
    assert r._ratio([], "GOOD") == 1.0
