"""Chart.js payloads (rendered with json_script; the same numbers appear in a table under each chart)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reviews.models import Grade

from . import definitions as d


def chart_data(board) -> dict:
    labels = [str(Grade(g).label) for g in d.GRADES]
    children = board.children
    return {
        "grades_by_child": {
            "labels": [line.org.name for line in children],
            "datasets": [
                {"label": label, "data": [line.get(field) for line in children]}
                for label, field in zip(labels, d.GRADE_FIELDS.values(), strict=True)
            ],
        },
        "year_over_year": {
            "labels": labels,
            "datasets": [
                {
                    "label": _("Năm %(year)s") % {"year": board.year - 1},
                    "data": [board.previous.get(f) for f in d.GRADE_FIELDS.values()],
                },
                {
                    "label": _("Năm %(year)s") % {"year": board.year},
                    "data": [board.total.get(f) for f in d.GRADE_FIELDS.values()],
                },
            ],
        },
    }
