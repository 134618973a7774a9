"""The decisions page's sections: one collapsible section per cell, what the decider typed kept after a
refusal, the rows in error marked and listed at the top (issue 13, item 7). Pure Python over the rows
reviews.selectors.decisions_load already read: no query here, so the page's count stays constant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .forms import SHORT_GRADES
from .models import Grade, ReviewStatus


@dataclass
class ErrorLink:
    """One line of the summary at the top of the page, linking to the row or section in error."""

    href: str
    text: str


@dataclass
class CellSection:
    cell: object
    review: object
    members: list
    errors: list[str]
    counts: list[tuple[str, int]] = field(default_factory=list)
    error_rows: int = 0
    is_open: bool = False
    typed_return_reason: str = ""

    @property
    def error_count(self) -> int:
        return self.error_rows or len(self.errors)


def _typed(post, cell_id: int) -> bool:
    return bool(post) and post.get("org", "") == str(cell_id)


def _mark_rows(members, post, typed: bool, row_errors: dict[int, list[str]]) -> int:
    """Attach what was typed (or the proposal) and the row's messages; returns the rows in error."""
    in_error = 0
    for r in members:
        r.typed_grade = post.get(f"grade_{r.pk}", r.proposed_grade) if typed else r.proposed_grade
        r.typed_reason = post.get(f"reason_{r.pk}", "") if typed else ""
        r.typed_approve = typed and post.get(f"approve_{r.pk}") == "1"
        r.row_errors = row_errors.get(r.member_id, []) if typed else []
        in_error += bool(r.row_errors)
    return in_error


def _counts(members) -> list[tuple[str, int]]:
    """Per-grade counts for the section's summary: decided grades once decided, else the proposals."""
    tally: dict[str, int] = {}
    for r in members:
        grade = r.decided_grade if r.status == ReviewStatus.DECIDED else r.proposed_grade
        label = SHORT_GRADES.get(grade) if grade else _("Không xếp loại")
        tally[label] = tally.get(label, 0) + 1
    order = [SHORT_GRADES[g] for g in Grade.values] + [_("Không xếp loại")]
    return [(label, tally[label]) for label in order if label in tally]


def decision_sections(cells, reviews, errors: dict, post) -> list[CellSection]:
    """One section per cell. Sections with errors are open; otherwise only the single cell awaiting a
    decision is (a long list of cells stays a list of one-line summaries)."""
    row_errors: dict[int, list[str]] = errors.get("rows", {})
    sections = []
    for cell, org_review in cells:
        members = reviews.get(cell.pk, [])
        typed = _typed(post, cell.pk)
        section = CellSection(cell=cell, review=org_review, members=members, errors=errors.get(cell.pk, []))
        section.error_rows = _mark_rows(members, post, typed, row_errors)
        section.counts = _counts(members)
        if typed and post.get("action") in ("return", "reopen"):
            section.typed_return_reason = post.get("reason", "")
        sections.append(section)
    waiting = [s for s in sections if s.review and s.review.status == ReviewStatus.PROPOSED]
    any_error = any(s.error_count for s in sections)
    for s in sections:
        s.is_open = bool(s.error_count) or (not any_error and len(waiting) == 1 and s in waiting)
    return sections


def error_summary(sections: list[CellSection], org_errors: list[str]) -> list[ErrorLink]:
    """The refusals of the last action, each linking to where it is shown."""
    links = []
    for s in sections:
        links += [ErrorLink(f"#cell-{s.cell.pk}", f"{s.cell.name}: {e}") for e in s.errors]
        for r in s.members:
            links += [ErrorLink(f"#row-{r.pk}", f"{r.member.full_name}: {e}") for e in r.row_errors]
    links += [ErrorLink("#org-grades", e) for e in org_errors]
    return links
