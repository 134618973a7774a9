"""The cell grid's member rows as HTML, built in Python.

A grid of 60 members rendered through the template engine paid ~70 nodes per row (a `{% translate %}`
and an `{% if %}` per label and condition): most of the page's time. The markup here is the one
`reviews/grid.html` had in its loop — same classes, ids, test ids and ARIA labels — with the labels
translated once per language and every value escaped (and localised, as the template did).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _value(value) -> str:
    """A value as the template showed it: localised when not text, escaped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = formats.localize(value)
    return esc(value)


def _or_dash(value) -> str:
    return _value(value) if value else "—"


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    """Every fixed label of a row, translated and escaped once per language (`language` is the key)."""
    names = {
        "leader": _("cấp ủy"),
        "discipline": _("kỷ luật"),
        "shortcomings": _("Hạn chế"),
        "not_remedied": _("chưa khắc phục"),
        "comment_aria": _("Nhận xét của chi bộ nơi chuyển đi"),
        "comment_send": _("Gửi nhận xét cho chi bộ mới"),
        "comment_sent": _("Nhận xét đã gửi"),
        "redecide": _("Cần quyết định lại"),
        "self_grade": _("Tự xếp loại"),
        "points": _("điểm"),
        "flagged": _("Biểu hiện tự nhận"),
        "commitment": _("Cam kết"),
        "residence": _("Nơi cư trú"),
        "waiting": _("Đang chờ"),
        "not_needed": _("Không cần"),
        "score": _("Điểm"),
        "proposed": _("Chi bộ đề xuất"),
        "residence_no": _("Nơi cư trú: không thực hiện"),
        "agree": _("Tán thành"),
        "decided": _("Quyết định"),
        "reason": _("Lý do không xếp loại"),
        "reason_note": _("Ghi rõ lý do"),
        "sick": _("Tháng nghỉ ốm"),
        "civil": _("Xếp loại công chức"),
        "note": _("Ghi chú"),
    }
    return {key: esc(text) for key, text in names.items()}


@dataclass
class GridHtml:
    """What every row shares: the page's cell and year, who may edit, the minutes' attendance."""

    cell_id: int
    year: int
    scores: bool
    locked: bool
    can_comment: bool
    present: object = None  # the minutes' count of members present, for the vote line

    def __post_init__(self):
        self.t = _labels(get_language())
        self.check_url = esc(reverse("reviews:grid", args=[self.cell_id]))
        self.detail_url = reverse("reviews:detail", args=[2147483647]).replace("2147483647", "{}")
        self.year_text = str(self.year)

    def rows(self, rows: list[dict]) -> SafeString:
        return mark_safe("".join(self._row(n, r) for n, r in enumerate(rows, 1)))

    def _row(self, number: int, r: dict) -> str:
        row, f, pk = r["row"], r["form"], str(r["row"].member.pk)
        off = " disabled" if r["disabled"] else ""
        name = esc(row.member.full_name)
        wrong = bool(r["errors"] or r["field_errors"])
        hx = (
            f' hx-post="{self.check_url}?dong={pk}&amp;nam={self.year_text}" hx-trigger="change"'
            f' hx-target="#err-{pk}" hx-swap="innerHTML"'
            if not r["disabled"]
            else ""
        )
        return (
            f'\n  <tbody class="grid-member" data-row-group="{pk}"{hx}>\n'
            f'    <tr data-member="{pk}" class="{"table-danger" if wrong else ""}">\n'
            f'      <td rowspan="2">{_value(number)}</td>\n'
            f"      <td>{self._who(r, row, name, pk)}\n      </td>\n"
            f'      <td class="grid-info">{self._info(r, row)}\n      </td>\n'
            f"      <td>{self._score(f, name, off)}</td>\n"
            f"      <td>{self._grade(r, f, row, name, off)}</td>\n"
            f'      <td class="text-danger row-errors" id="err-{pk}" data-testid="row-errors" data-member="{pk}">'
            + "".join(f"<div>⚠ {esc(e)}</div>" for e in r["errors"])
            + "".join(f"<div>⚠ {esc(e)}</div>" for e in r["field_errors"])
            + "</td>\n    </tr>\n"
            f'    <tr class="grid-extra-row{" table-danger" if wrong else ""}">\n'
            f'      <td colspan="5"><div class="grid-extra">\n'
            + self._extra(r, f, pk, name, off)
            + "\n      </div></td>\n    </tr>\n  </tbody>\n  "
        )

    def _who(self, r: dict, row, name: str, pk: str) -> str:
        t, review = self.t, row.review
        if review:
            out = f'<a href="{self.detail_url.format(review.pk)}" tabindex="-1" class="fw-semibold">{name}</a>'
        else:
            out = f'<span class="fw-semibold">{name}</span>'
        if row.is_leader:
            out += f'\n        <span class="badge text-bg-secondary">{t["leader"]}</span>'
        if row.discipline:
            title = "".join(f"{esc(d.get_kind_display())} {esc(d.decision_number)} " for d in row.discipline)
            out += f'\n        <span class="badge text-bg-danger" title="{title}">{t["discipline"]}</span>'
        if row.open_shortcomings:
            out += (
                f'\n        <span class="badge text-bg-warning">{t["shortcomings"]}: '
                f"{_value(row.open_shortcomings)} {t['not_remedied']}</span>"
            )
        for o in r["opinions"]:
            grade = f" ({esc(o.get_suggested_grade_display())})" if o.suggested_grade else ""
            said = _("Ý kiến %(c)s") % {"c": esc(o.collective.name)}
            out += f'<div class="text-muted" data-testid="leadership-opinion">{said}: {esc(o.opinion)}{grade}</div>'
        return out + self._transfer(row, name, pk)

    def _transfer(self, row, name: str, pk: str) -> str:
        t, review, out = self.t, row.review, ""
        if row.transferred_out:
            moved = _("Đã chuyển sinh hoạt đi %(c)s từ %(d)s; chi bộ mới đánh giá, xếp loại.") % {
                "c": esc(row.moved_to.name),
                "d": esc(formats.date_format(row.moved_on, "SHORT_DATE_FORMAT")) if row.moved_on else "",
            }
            out += f'\n        <div class="text-muted" data-testid="transferred-out">{moved}</div>'
            if row.comment_open and self.can_comment:
                text = esc(review.transfer_comment) if review and review.transfer_comment else ""
                out += (
                    f'\n          <div class="mt-1"><textarea form="tc-{pk}" name="transfer_comment" rows="2"'
                    f' class="form-control" aria-label="{t["comment_aria"]} {name}">{text}</textarea>\n'
                    f'            <button form="tc-{pk}" class="btn btn-outline-secondary mt-1" type="submit">'
                    f"{t['comment_send']}</button></div>"
                )
            elif review and review.transfer_comment:
                out += f"\n          <div>{t['comment_sent']}: {esc(review.transfer_comment)}</div>"
        elif row.elsewhere:
            where = _("Đã được đề xuất tại %(c)s") % {"c": esc(review.cell.name)}
            out += f'<div class="text-muted">{where}</div>'
        if not row.transferred_out and review and review.transfer_comment:
            whose = _("Nhận xét của %(c)s") % {
                "c": esc(review.transfer_comment_cell.name) if review.transfer_comment_cell else ""
            }
            out += f'\n        <div data-testid="transfer-comment">{whose}: {esc(review.transfer_comment)}</div>'
        if row.managed_by:
            managed = _("Cán bộ diện %(b)s quản lý: cấp đó quyết định xếp loại.") % {"b": esc(row.managed_by.name)}
            out += f'\n        <div class="text-muted">{managed}</div>'
        if review and review.redecide_reason:
            out += (
                f'\n        <div class="text-danger" data-testid="needs-redecision">⚠ {t["redecide"]}: '
                f"{esc(review.redecide_reason)}</div>"
            )
        return out

    def _info(self, r: dict, row) -> str:
        t, review = self.t, row.review
        score = ""
        if review and review.self_score is not None:
            score = f" · {_value(review.self_score)} {t['points']}"
        out = f"\n        <div>{t['self_grade']}: {_or_dash(r['self_grade'])}{score}</div>"
        if r["flagged"]:
            badges = "".join(f'<span class="badge text-bg-light border">{esc(c)}</span> ' for c in r["flagged"])
            out += f"\n        <div>{t['flagged']}: {badges}</div>"
        out += f"\n        <div>{t['commitment']}: {_or_dash(row.commitment_label)}</div>"
        return (
            out
            + f'\n        <div data-testid="residence-cell">{t["residence"]}: {self._residence(r["residence"])}</div>'
        )

    def _residence(self, c) -> str:
        t = self.t
        if not c:
            return "—"
        if c.status == "RECEIVED":
            cls = "text-danger fw-bold" if c.fulfilment == "NO" else ""
            return f'<span class="{cls}" title="{esc(c.text)}">✔ {esc(c.get_fulfilment_display())}</span>'
        if c.status == "REQUESTED":
            return f'<span class="text-warning-emphasis">{t["waiting"]}</span>'
        return f'<span class="text-muted" title="{esc(c.get_exemption_display())}">{t["not_needed"]}</span>'

    def _score(self, f, name: str, off: str) -> str:
        if not self.scores:
            return ""
        return (
            f'<input type="text" inputmode="decimal" name="{f["score"].html_name}" value="{_value(f["score"].value())}"'
            f' class="form-control grid-score" aria-label="{self.t["score"]} {name}"{off}>'
        )

    def _grade(self, r: dict, f, row, name: str, off: str) -> str:
        t = self.t
        out = (
            f'<select name="{f["grade"].html_name}" class="form-select" aria-label="{t["proposed"]} {name}"'
            f"{off}>\n        {r['grade_options']}</select>"
        )
        residence = r["residence"]
        if residence and residence.fulfilment == "NO":
            out += (
                f'<div class="badge text-bg-danger mt-1" data-testid="residence-flag" title="{esc(residence.text)}">'
                f"⚑ {t['residence_no']}</div>"
            )
        vote = r["vote"]
        if vote is not None and vote.agree is not None:
            out += f'<div class="text-muted" data-testid="vote">{t["agree"]} {_value(vote.agree)}/{_value(self.present)}</div>'
        if self.locked:
            decided = row.review.get_decided_grade_display() if row.review else ""
            out += (
                f'<div data-testid="decided-grade-line">{t["decided"]}: '
                f'<span data-testid="decided-grade">{_or_dash(decided)}</span></div>'
            )
        return out

    def _extra(self, r: dict, f, pk: str, name: str, off: str) -> str:
        t = self.t

        def field(css: str, key: str, label: str, control: str) -> str:
            return (
                f'        <div class="grid-field{css}"><label for="id_m{pk}-{key}">{t[label]}</label>\n'
                f"          {control}</div>"
            )

        def text(key: str, label: str, attrs: str) -> str:
            return (
                f'<input id="id_m{pk}-{key}" type="text" name="{f[key].html_name}" value="{_value(f[key].value())}"'
                f' class="form-control"{attrs} aria-label="{t[label]} {name}"{off}>'
            )

        def select(key: str, label: str) -> str:
            return (
                f'<select id="id_m{pk}-{key}" name="{f[key].html_name}" class="form-select"'
                f' aria-label="{t[label]} {name}"{off}>{r[key + "_options"]}</select>'
            )

        return "\n".join(
            [
                field(" grid-field-wide", "reason", "reason", select("reason", "reason")),
                field("", "reason_note", "reason_note", text("reason_note", "reason_note", ' maxlength="255"')),
                field(
                    " grid-field-narrow",
                    "sick_leave_months",
                    "sick",
                    text("sick_leave_months", "sick", ' inputmode="decimal"'),
                ),
                field(" grid-field-grade", "civil_service_grade", "civil", select("civil_service_grade", "civil")),
                field("", "note", "note", text("note", "note", ' maxlength="255"')),
            ]
        )
