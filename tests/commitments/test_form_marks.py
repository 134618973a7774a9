"""Issue 13 item 10: required marks from the start, only the fields in error turn red, a working
"Xóa" column, an empty row template for "Thêm việc làm", and dates typed and shown dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from commitments.forms import MSG_BAD_DATE, ActionForm, action_formset
from commitments.models import Commitment
from commitments.services import ActionInput, commitment_save
from reviews.models import Indicator
from tests.commitments.test_views import MY, as_user, form_data

pytestmark = pytest.mark.django_db


def test_required_marks_show_on_the_first_visit(client, cast, cycle):
    html = as_user(client, cast.member).get(MY).content.decode()
    for name in ("political_ideology", "ethics_lifestyle", "working_style", "plan", "pledge_27"):
        tag = re.search(rf'<(textarea|input)[^>]*name="{name}"[^>]*>', html).group(0)
        assert "required" in tag, name
    assert html.count('class="asteriskField"') >= 8  # five areas, pledge, indicators, actions, plan
    assert "Mục bắt buộc khi nộp. Lưu nháp được khi chưa điền đủ." in html


def test_a_missing_indicator_choice_marks_the_group_not_the_27_labels(client, cast, cycle):
    resp = as_user(client, cast.member).post(MY, form_data(cycle.year, watched_indicators=None))
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "Chọn ít nhất một biểu hiện để tự chú ý phòng ngừa." in html
    group = html.split('data-testid="watched-indicators"')[1].split("</fieldset>")[0]
    assert "is-invalid" not in group and group.count('class="form-check-label"') == 27
    assert "is-invalid" not in html.split('name="political_ideology"')[0].rsplit("<textarea", 1)[-1]


def test_dates_are_typed_and_shown_day_month_year(cycle):
    form = ActionForm(
        {"description": "Dọn vệ sinh", "expected_result": "12 buổi", "due_on": f"01/12/{cycle.year}"}, year=cycle.year
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_on"] == dt.date(cycle.year, 12, 1)
    shown = ActionForm(initial={"due_on": dt.date(cycle.year, 3, 5)}, year=cycle.year)["due_on"]
    html = str(shown)
    assert f'value="05/03/{cycle.year}"' in html and 'placeholder="dd/mm/yyyy"' in html and 'type="text"' in html


@pytest.mark.parametrize("typed", ["31/02/2026", "12/31/2026", "mai", "1/13/26"])
def test_a_bad_date_is_explained_and_kept(client, cast, cycle, typed):
    resp = as_user(client, cast.member).post(MY, form_data(cycle.year, "draft", **{"actions-0-due_on": typed}))
    html = resp.content.decode()
    assert resp.status_code == 400
    assert str(MSG_BAD_DATE) in html and f'value="{typed}"' in html
    assert not Commitment.objects.exists()


def _saved_with_two_actions(cast, cycle):
    actions = [
        ActionInput(id=None, description=f"Việc {n}", expected_result="Đạt", due_on=dt.date(cycle.year, 12, 1))
        for n in (1, 2)
    ]
    return commitment_save(
        member=cast.member.member,
        cycle=cycle,
        content={},
        watched=[],
        actions=actions,
        submit=False,
        by=cast.member.user,
    )


def test_the_delete_column_removes_a_saved_row(client, cast, cycle):
    commitment = _saved_with_two_actions(cast, cycle)
    c = as_user(client, cast.member)
    html = c.get(MY).content.decode()
    assert html.count("Xóa dòng này") == 3 + 1  # two saved rows, one blank row, the row template
    first, second = commitment.actions.order_by("id")
    data = form_data(cycle.year, "draft", **{f"actions-0-{k}": None for k in ("description", "expected_result")})
    data |= {
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "2",
        "actions-0-id": str(first.pk),
        "actions-0-description": first.description,
        "actions-0-expected_result": "Đạt",
        "actions-0-due_on": f"01/12/{cycle.year}",
        "actions-0-DELETE": "on",
        "actions-1-id": str(second.pk),
        "actions-1-description": second.description,
        "actions-1-expected_result": "Đạt",
        "actions-1-due_on": f"01/12/{cycle.year}",
    }
    assert c.post(MY, data).status_code == 302
    assert list(commitment.actions.values_list("description", flat=True)) == ["Việc 2"]


def test_a_new_row_ticked_for_deletion_is_not_saved(cycle, cast):
    commitment = Commitment(member=cast.member.member, year=cycle.year, cycle=cycle)
    formset = action_formset(
        data={
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Gõ nhầm",
            "actions-0-DELETE": "on",
        },
        commitment=commitment,
    )
    assert formset.is_valid() and formset.action_inputs() == []


def test_the_page_carries_an_empty_row_template_for_adding_rows(client, cast, cycle):
    html = as_user(client, cast.member).get(MY).content.decode()
    template = html.split('<template id="action-row-template">')[1].split("</template>")[0]
    assert 'name="actions-__prefix__-description"' in template and "data-add-action" in html
    assert Indicator.objects.count() == 27
