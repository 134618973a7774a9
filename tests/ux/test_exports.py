"""The Excel sheet states the same "as of" time as the dashboard (local time, not UTC)."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rollups import services
from rollups.models import Stage

pytestmark = pytest.mark.django_db


def test_excel_as_of_is_local_time(client, populated):
    services.rollups_rebuild()
    client.force_login(populated.cast.province.user)
    url = reverse("rollups:xlsx", args=[populated.tree.province.pk])
    resp = client.get(url, {"year": populated.years.this, "stage": Stage.PROPOSED})
    sheet = load_workbook(BytesIO(resp.content)).worksheets[0]
    stamp = next(c for (c,) in sheet.iter_rows(max_col=1, values_only=True) if c and "tính đến" in str(c))
    html = client.get(reverse("rollups:dashboard", args=[populated.tree.province.pk])).content.decode()
    shown = html.split('data-testid="as-of">')[1].split("<")[0]  # "HH:MM dd/mm/YYYY" on the dashboard
    hour_minute, day = shown.split(" ")
    assert stamp.endswith(f"{day} {hour_minute}")
    assert timezone.get_current_timezone_name() != "UTC"
