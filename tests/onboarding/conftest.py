"""Helpers to build import files in memory, and a switch to run Celery tasks eagerly."""

from __future__ import annotations

import csv
import io

import pytest

from onboarding.columns import MEMBER_COLUMNS, ORG_COLUMNS

MEMBER_HEADERS = [c.header for c in MEMBER_COLUMNS]
ORG_HEADERS = [c.header for c in ORG_COLUMNS]


def member_row(**kw) -> dict:
    row = {
        "Số thẻ đảng viên": "0000000001",
        "Họ và tên": "Nguyễn Văn An",
        "Ngày sinh": "15/03/1980",
        "Giới tính": "Nam",
        "Ngày vào Đảng": "19/05/2010",
        "Ngày chính thức": "19/05/2011",
        "Tình trạng": "Chính thức",
    }
    row.update(kw)
    return row


def csv_bytes(rows: list[dict], headers: list[str] | None = None, *, bom: bool = True) -> bytes:
    headers = headers or MEMBER_HEADERS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers)
    writer.writeheader()
    for row in rows:
        writer.writerow({h: row.get(h, "") for h in headers})
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def xlsx_bytes(sheets: dict[str, tuple[list[str], list[dict]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, (headers, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process (the worker test uses the real broker instead)."""
    from config.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture(autouse=True)
def _vietnamese():
    """Messages are asserted in Vietnamese; another test may have left English active in this thread."""
    from django.utils import translation

    with translation.override("vi"):
        yield
