"""The grid's member rows are built in Python (reviews/grid_html.py): values escaped and localised as
the template showed them, labels in the reader's language, the row inputs named as the forms read them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from reviews.models import MemberReview, ReviewStatus
from tests.reviews.helpers import members_of

pytestmark = pytest.mark.django_db


def _grid(client, cell, language="vi") -> str:
    client.cookies["django_language"] = language
    return client.get(reverse("reviews:grid", args=[cell.pk])).content.decode()


def test_names_are_escaped_and_numbers_localised(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    member.full_name = 'Lê <b>"Văn"</b> Tám'
    member.save()
    MemberReview.objects.create(
        member=member,
        year=cycle.year,
        cycle=cycle,
        cell=cell,
        status=ReviewStatus.SELF_SUBMITTED,
        self_grade="GOOD",
        sick_leave_months=Decimal("2.75"),
        cell_note="ghi <i>chú</i>",
    )
    client.force_login(cast.secretary.user)
    html = _grid(client, cell)
    assert "<b>" not in html and "Lê &lt;b&gt;&quot;Văn&quot;&lt;/b&gt; Tám" in html
    assert f'name="m{member.pk}-sick_leave_months" value="2,75"' in html
    assert f'name="m{member.pk}-note" value="ghi &lt;i&gt;chú&lt;/i&gt;"' in html
    assert 'aria-label="Tháng nghỉ ốm Lê &lt;b&gt;' in html
    assert "Tự xếp loại: Hoàn thành tốt" in html


def test_every_member_has_a_row_with_its_inputs_and_labels_follow_the_language(client, cast, cycle):
    cell = cast.tree.cell
    client.force_login(cast.secretary.user)
    html = _grid(client, cell)
    for member in members_of(cell):
        for name in ("grade", "reason", "reason_note", "sick_leave_months", "civil_service_grade", "note"):
            assert f'name="m{member.pk}-{name}"' in html
        assert f'id="err-{member.pk}" data-testid="row-errors"' in html
    assert "Lý do không xếp loại" in html
    english = _grid(client, cell, "en")
    assert "Lý do không xếp loại" not in english and "Tháng nghỉ ốm" not in english
