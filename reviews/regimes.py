"""Default grading regimes (REFERENCE.md §2–4). Every ratio and threshold is a parameter.

The data migration loads these; administrators may adjust `params` per regime in the admin.
"""

COMMON = {
    "quota": {"ratio": 0.20, "denominator": "GOOD_ONLY", "scope": "GRASSROOTS_ORG"},
    "new_member_months": 6,
    "sick_leave_months_cap": 3,
    "transfer_comment_months": 6,
    "discipline_forces_not_completed": True,
    "concluded_manifestation_forces_not_completed": True,
    "civil_service_caps": True,
    "org_excellent_min_completed_ratio": 1.0,
    "org_excellent_min_good_ratio": 0.80,
    "org_not_completed_disciplined_subunits_ratio": 0.20,
    # HD 21: a leadership member disciplined with a warning or heavier → the organisation NOT_COMPLETED.
    "org_not_completed_leadership_discipline_kinds": ["WARNING", "REMOVAL", "EXPULSION"],
    # QĐ 366 (and in practice earlier): no leadership member disciplined for an EXCELLENT collective.
    "org_excellent_requires_no_leadership_discipline": True,
}

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
        },
    },
]
