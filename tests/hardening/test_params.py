"""The shared parser (core.params) and the pages that used to answer 500 to odd values."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.urls import reverse

from commitments.models import CommitmentStatus
from core import params
from tests.commitments.conftest import cycle  # noqa: F401
from tests.commitments.test_services import submit

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


@pytest.mark.parametrize("value", ["²", "²⁰²⁶", "٢٠٢٦", "２０２６", "", " 12", "1e3", "12 ", "--1", None, "-", HUGE])
def test_non_ascii_digits_and_junk_are_not_ids(value):
    assert params.parse_id(value) is None
    assert params.parse_year(value) is None


def test_good_values_parse():
    assert params.parse_id("42") == 42
    assert params.parse_year("2026") == 2026
    assert params.parse_int("-3") == -3
    assert params.parse_year("1999") is None and params.parse_year("2101") is None
    assert params.year_or_400("") is None and params.year_or_400(None) is None
    assert params.id_list_or_400(["3", "1", "3"]) == [3, 1]
    with pytest.raises(BadRequest):
        params.id_list_or_400(["1", "²"])
    with pytest.raises(BadRequest):
        params.year_or_400("²⁰²⁶")


@pytest.mark.parametrize("value", ["²", "²⁰²⁶", "٢٠٢٦", "20266", "abc"])
@pytest.mark.parametrize("page", ["commitments:cell", "commitments:completeness"])
def test_commitment_pages_answer_400_to_a_bad_year(client, cast, cycle, value, page):  # noqa: F811
    client.force_login(cast.secretary.user)
    org = cast.tree.cell if page == "commitments:cell" else cast.tree.committee
    if page == "commitments:completeness":
        client.force_login(cast.committee.user)
    resp = client.get(reverse(page, args=[org.pk]), {"nam": value})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "Yêu cầu không hợp lệ" in html and "không hợp lệ" in html and "Về trang chủ" in html
    assert client.get(reverse(page, args=[org.pk]), {"nam": str(cycle.year)}).status_code in (200, 302)


def test_bulk_acknowledge_with_a_bad_id_is_400_and_acknowledges_nothing(client, cast, cycle):  # noqa: F811
    commitment = submit(cast, cycle)
    client.force_login(cast.secretary.user)
    url = reverse("commitments:cell_acknowledge", args=[cast.tree.cell.pk])
    resp = client.post(url, {"ids": [str(commitment.pk), "²"], "nam": str(cycle.year)})
    assert resp.status_code == 400
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.SUBMITTED
    assert client.post(url, {"ids": [str(commitment.pk)], "nam": "²⁰²⁶"}).status_code == 400
    assert client.post(url, {"ids": [str(commitment.pk)], "nam": str(cycle.year)}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.ACKNOWLEDGED


def _progress(action_id, total="1", initial="1"):
    return {
        "progress-TOTAL_FORMS": total,
        "progress-INITIAL_FORMS": initial,
        "progress-0-id": str(action_id),
        "progress-0-progress": "DONE",
        "progress-0-progress_note": "Xong",
    }


def test_foreign_progress_row_is_400_and_nothing_saved(client, cast, cycle):  # noqa: F811
    own = submit(cast, cycle).actions.get()
    foreign = submit(cast, cycle, who="other_secretary", exemplary_registration="Nêu gương").actions.get()
    client.force_login(cast.member.user)
    url = reverse("commitments:progress")
    for data in (_progress(foreign.pk), _progress("²"), _progress(HUGE), _progress("", total="2", initial="1")):
        resp = client.post(url, data)
        assert resp.status_code == 400, data
        assert "không thuộc bản cam kết" in resp.content.decode()
    # A second, made-up row next to the member's own one: refused as a whole.
    data = _progress(own.pk) | {"progress-TOTAL_FORMS": "2", "progress-1-progress": "DONE"}
    assert client.post(url, data).status_code == 400
    foreign.refresh_from_db()
    own.refresh_from_db()
    assert foreign.progress != "DONE" and own.progress != "DONE"
    assert client.post(url, _progress(own.pk)).status_code == 302
    own.refresh_from_db()
    assert own.progress == "DONE"
