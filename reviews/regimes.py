"""Default grading regimes (REFERENCE.md §2–4). Every ratio and threshold is a parameter.

The data migrations load these; administrators may adjust `params` per regime in the admin. Each
regime's `params["confidence"]` records how sure REFERENCE is of each parameter for that regime
(`confirmed` / `likely` / `unverified`, REFERENCE's own marks), so a reviewer who reads Vietnamese
knows which values to check against the official text first.
"""

COMMON = {
    "quota": {"ratio": 0.20, "denominator": "GOOD_ONLY", "scope": "GRASSROOTS_ORG"},
    "new_member_months": 6,
    # REFERENCE 3.4: "admitted less than 6 months before grading" — counted to the grading
    # (decision) date of the cycle; PERIOD_END (31/12) and MEETING_DEADLINE are the alternatives.
    "new_member_cutoff": "GRADING_DATE",
    "sick_leave_months_cap": 3,
    "transfer_comment_months": 6,
    "discipline_forces_not_completed": True,
    "concluded_manifestation_forces_not_completed": True,
    "civil_service_caps": True,
    # Reasons a member may be "not graded" for (REFERENCE 3.4: which ones vary — configurable).
    "not_graded_reasons_allowed": ["EXEMPT", "SUSPENDED", "NEW_MEMBER", "SICK_OR_AWAY", "DISCIPLINE_PENDING", "OTHER"],
    "sick_or_away_requires_record": True,
    "other_reason_needs_approval": True,
    "removal_consecutive_not_completed_years": 2,
    "org_excellent_min_completed_ratio": 1.0,
    "org_excellent_min_good_ratio": 0.80,
    # HD 21: a leadership member disciplined with a warning or heavier → the organisation NOT_COMPLETED.
    "org_not_completed_leadership_discipline_kinds": ["WARNING", "REMOVAL", "EXPULSION"],
    # QĐ 366 (and in practice earlier): no leadership member disciplined for an EXCELLENT collective.
    "org_excellent_requires_no_leadership_discipline": True,
    "org_discipline_forces_not_completed": True,
    "org_not_completed_leadership_concluded": True,
    "org_requires_subunits_decided": True,
    "org_new_months": 6,
    "org_new_excludes_successors": True,
    "org_quota": {"ratio": 0.20, "denominator": "GOOD_ONLY"},
}

_CONFIDENCE_COMMON = {
    "quota": "confirmed",
    "new_member_months": "confirmed",
    "new_member_cutoff": "likely",
    "sick_leave_months_cap": "confirmed",
    "transfer_comment_months": "likely",
    "discipline_forces_not_completed": "confirmed",
    "concluded_manifestation_forces_not_completed": "confirmed",
    "civil_service_caps": "confirmed",
    "not_graded_reasons_allowed": "confirmed",
    "sick_or_away_requires_record": "unverified",
    "other_reason_needs_approval": "unverified",
    "removal_consecutive_not_completed_years": "likely",
    "org_excellent_min_completed_ratio": "confirmed",
    "org_excellent_min_good_ratio": "confirmed",
    "org_not_completed_leadership_discipline_kinds": "confirmed",
    "org_excellent_requires_no_leadership_discipline": "likely",
    "org_discipline_forces_not_completed": "likely",
    "org_not_completed_leadership_concluded": "likely",
    "org_requires_subunits_decided": "confirmed",
    "org_new_months": "confirmed",
    "org_new_excludes_successors": "unverified",
    "org_quota": "likely",
}


def _confidence(**overrides: str) -> dict:
    return {**_CONFIDENCE_COMMON, **overrides}


REGIMES = [
    {
        "code": "QD132-2018",
        "name": "QĐ 132-QĐ/TW, HD 16 và HD 21-HD/BTCTW (2018–2022)",
        "kind": "CRITERIA",
        "first_year": 2018,
        "last_year": 2022,
        "params": {
            **COMMON,
            "excellent_requires_remedied_shortcomings": False,
            "self_remedied_discipline_exempt": False,
            # The > 20 % of disciplined subordinate units rule is QĐ 124's (2023), not HD 21's.
            "org_not_completed_disciplined_subunits_ratio": None,
            "org_excellent_requires_no_subunit_discipline": False,
            "org_discipline_forces_not_completed": False,
            "org_not_completed_leadership_concluded": False,
            "confidence": _confidence(
                org_not_completed_disciplined_subunits_ratio="confirmed",
                org_excellent_requires_no_leadership_discipline="likely",
            ),
        },
    },
    {
        "code": "QD124-2023",
        "name": "QĐ 124-QĐ/TW, HD 25-HD/BTCTW (2023–2024)",
        "kind": "CRITERIA",
        "first_year": 2023,
        "last_year": 2024,
        "params": {
            **COMMON,
            "excellent_requires_remedied_shortcomings": False,
            "self_remedied_discipline_exempt": True,
            # QĐ 124: the leadership collective disciplined or > 20 % of subordinate units → NOT_COMPLETED.
            "org_not_completed_disciplined_subunits_ratio": 0.20,
            "org_excellent_requires_no_subunit_discipline": False,
            "confidence": _confidence(
                quota="likely",  # QĐ 124 speaks of "groups of comparable subjects"; scope is the grading helper's
                org_not_completed_disciplined_subunits_ratio="confirmed",
                org_discipline_forces_not_completed="confirmed",
                org_not_completed_leadership_concluded="confirmed",
            ),
        },
    },
    {
        "code": "QD366-2025",
        "name": "QĐ 366-QĐ/TW, HD 43-HD/BTCTW (từ 2025)",
        "kind": "SCORE_100",
        "first_year": 2025,
        "last_year": None,
        "params": {
            **COMMON,
            "score_bands": {"EXCELLENT": 90, "GOOD": 70, "COMPLETED": 50},
            "excellent_requires_remedied_shortcomings": True,
            "self_remedied_discipline_exempt": True,
            # Assumed to continue QĐ 124's NOT_COMPLETED list (REFERENCE 2.3: QĐ 366's list not retrieved).
            "org_not_completed_disciplined_subunits_ratio": 0.20,
            # QĐ 366: EXCELLENT collectives have no directly subordinate unit disciplined, and a score ≥ 90.
            "org_excellent_requires_no_subunit_discipline": True,
            "org_excellent_requires_score": True,
            "confidence": _confidence(
                quota="unverified",
                score_bands="confirmed",
                excellent_requires_remedied_shortcomings="confirmed",
                discipline_forces_not_completed="likely",
                sick_leave_months_cap="likely",
                org_not_completed_disciplined_subunits_ratio="likely",
                org_excellent_requires_no_subunit_discipline="confirmed",
                org_excellent_requires_no_leadership_discipline="confirmed",
                org_excellent_requires_score="confirmed",
                new_member_months="likely",
            ),
        },
    },
]
