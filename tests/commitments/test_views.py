"""Commitment pages: the member's form (bad input), grants and denials for the cast, the cell page."""

import datetime as dt

import pytest
from django.urls import reverse

from commitments import services
from commitments.models import Commitment, CommitmentStatus
from organizations.models import MemberStatus, OrgKind, PositionKind
from organizations.services import member_transfer, position_assign
from reviews.models import Indicator
from tests.commitments.conftest import AREAS
from tests.commitments.test_services import action, submit
from tests.factories import MemberFactory, UserFactory, make_org

pytestmark = pytest.mark.django_db

MY = "/cam-ket/"


def form_data(year, action_="submit", **over):
    data = {
        "action": action_,
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        "watched_indicators": [str(Indicator.objects.get(number=4).pk)],
        **{k: ("on" if v is True else v) for k, v in AREAS.items()},
        "actions-0-description": "Tham gia dọn vệ sinh khu dân cư",
        "actions-0-expected_result": "12 buổi trong năm",
        "actions-0-due_on": f"{year}-12-01",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def as_user(client, who):
    client.force_login(who.user)
    return client


# --- the member's form ---------------------------------------------------------------------------------


def test_member_sees_empty_form_then_saves_draft_without_validation(client, cast, cycle):
    c = as_user(client, cast.member)
    assert c.get(MY).status_code == 200
    resp = c.post(MY, {**form_data(cycle.year, "draft", ethics_lifestyle=""), "pledge_27": ""})
    assert resp.status_code == 302
    saved = Commitment.objects.get(member=cast.member.member)
    assert saved.status == CommitmentStatus.DRAFT and saved.ethics_lifestyle == ""
    assert saved.actions.count() == 1


def test_submit_with_an_empty_area_shows_the_message_next_to_the_field_and_keeps_the_text(client, cast, cycle):
    c = as_user(client, cast.member)
    resp = c.post(MY, form_data(cycle.year, ethics_lifestyle="", working_style="Đi làm đúng giờ, tự viết"))
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "Vui lòng viết cam kết về nội dung này." in html
    assert 'id="error_1_id_ethics_lifestyle"' in html  # crispy puts it under the field
    assert "Đi làm đúng giờ, tự viết" in html
    assert not Commitment.objects.exists()


def test_due_date_outside_the_year_is_refused_next_to_the_field(client, cast, cycle):
    resp = as_user(client, cast.member).post(
        MY, form_data(cycle.year, **{"actions-0-due_on": f"{cycle.year + 1}-01-10"})
    )
    assert resp.status_code == 400
    assert f"Thời hạn phải nằm trong năm {cycle.year}." in resp.content.decode()
    assert "Tham gia dọn vệ sinh khu dân cư" in resp.content.decode()


def test_result_longer_than_the_limit_is_refused_and_kept(client, cast, cycle):
    long = "Kết quả " + "x" * 320
    resp = as_user(client, cast.member).post(MY, form_data(cycle.year, "draft", **{"actions-0-expected_result": long}))
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "Kết quả đo được tối đa 300 ký tự (đang có 328)." in html
    assert long in html
    assert 'maxlength="300"' not in html
    assert not Commitment.objects.exists()


def test_submit_without_actions_is_refused(client, cast, cycle):
    data = form_data(
        cycle.year, **{"actions-0-description": "", "actions-0-expected_result": "", "actions-0-due_on": ""}
    )
    resp = as_user(client, cast.member).post(MY, data)
    assert resp.status_code == 400
    assert "Cần đăng ký ít nhất một việc làm cụ thể theo Chỉ thị 05." in resp.content.decode()


def test_submit_then_page_redirects_to_read_only_detail(client, cast, cycle):
    c = as_user(client, cast.member)
    resp = c.post(MY, form_data(cycle.year))
    commitment = Commitment.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("commitments:detail", args=[commitment.pk])
    assert commitment.status == CommitmentStatus.SUBMITTED
    assert c.get(MY).status_code == 302
    # A submitted commitment cannot be changed by posting again.
    c.post(MY, form_data(cycle.year, plan="Đổi sau khi nộp"))
    commitment.refresh_from_db()
    assert commitment.plan == AREAS["plan"]


def test_leader_form_has_the_exemplary_registration(client, cast, cycle):
    assert "exemplary_registration" in as_user(client, cast.secretary).get(MY).content.decode()
    assert "exemplary_registration" not in as_user(client, cast.member).get(MY).content.decode()


@pytest.mark.parametrize("who", ["committee", "outsider", "province"])
def test_users_without_a_member_record_have_no_own_commitment(client, cast, cycle, who):
    assert as_user(client, getattr(cast, who)).get(MY).status_code == 404


def test_no_open_cycle_is_explained(client, cast):
    resp = as_user(client, cast.member).get(MY)
    assert "Chưa có đợt cam kết nào đang mở" in resp.content.decode()


# --- reading and acting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 200), ("secretary", 200), ("committee", 200), ("province", 200)]
    + [("other_secretary", 404), ("inspector", 404), ("outsider", 404)],
)
def test_who_may_read_a_commitment(client, cast, cycle, who, status):
    commitment = submit(cast, cycle)
    c = as_user(client, getattr(cast, who))
    for name in ("commitments:detail", "commitments:print"):
        assert c.get(reverse(name, args=[commitment.pk])).status_code == status


def test_other_members_of_the_cell_cannot_read(client, cast, cycle):
    commitment = submit(cast, cycle)
    peer = MemberFactory(cell=cast.tree.cell, user=UserFactory(username="dongchi"))
    client.force_login(peer.user)
    assert client.get(reverse("commitments:detail", args=[commitment.pk])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 403), ("committee", 403), ("province", 403), ("other_secretary", 404), ("outsider", 404)],
)
def test_only_the_cell_leadership_acknowledges_or_returns(client, cast, cycle, who, status):
    commitment = submit(cast, cycle)
    c = as_user(client, getattr(cast, who))
    assert c.post(reverse("commitments:acknowledge", args=[commitment.pk])).status_code == status
    assert c.post(reverse("commitments:return", args=[commitment.pk]), {"reason": "x"}).status_code == status
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.SUBMITTED


def test_secretary_returns_with_reason_and_member_sees_it(client, cast, cycle):
    commitment = submit(cast, cycle)
    c = as_user(client, cast.secretary)
    resp = c.post(reverse("commitments:return", args=[commitment.pk]), {"reason": ""})
    assert resp.status_code == 400
    assert "Vui lòng ghi lý do" in resp.content.decode()
    resp = c.post(reverse("commitments:return", args=[commitment.pk]), {"reason": "Nêu rõ số buổi"})
    assert resp.status_code == 302
    page = as_user(client, cast.member).get(MY).content.decode()
    assert "Nêu rõ số buổi" in page


def test_reopen_after_acknowledgement(client, cast, cycle):
    commitment = services.commitment_acknowledge(commitment=submit(cast, cycle), by=cast.secretary.user)
    c = as_user(client, cast.secretary)
    assert "Mở lại để sửa" in c.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()
    c.post(reverse("commitments:reopen", args=[commitment.pk]), {"reason": "Bổ sung nhiệm vụ mới"})
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.RETURNED


def test_pdf_download(client, cast, cycle):
    commitment = submit(cast, cycle)
    resp = as_user(client, cast.member).get(reverse("commitments:pdf", args=[commitment.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    assert as_user(client, cast.outsider).get(reverse("commitments:pdf", args=[commitment.pk])).status_code == 404


def test_print_page_has_the_vietnamese_header_and_date(client, cast, cycle):
    commitment = submit(cast, cycle)
    html = as_user(client, cast.member).get(reverse("commitments:print", args=[commitment.pk])).content.decode()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html and "BẢN CAM KẾT" in html
    d = commitment.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert f"Hậu Giang, ngày {d:%d} tháng {d:%m} năm {d:%Y}" in html
    assert "Chi bộ Tổ 1" in html and "Đảng bộ Trường THPT An Hòa" in html


def test_progress_page(client, cast, cycle):
    commitment = submit(cast, cycle)
    act = commitment.actions.get()
    c = as_user(client, cast.member)
    assert c.get(reverse("commitments:progress")).status_code == 200
    data = {
        "progress-TOTAL_FORMS": "1",
        "progress-INITIAL_FORMS": "1",
        "progress-0-id": str(act.pk),
        "progress-0-progress": "IN_PROGRESS",
        "progress-0-progress_note": "Đã làm 5 buổi",
    }
    assert c.post(reverse("commitments:progress"), data).status_code == 302
    act.refresh_from_db()
    assert act.progress == "IN_PROGRESS" and act.progress_note == "Đã làm 5 buổi"
    page = as_user(client, cast.secretary).get(reverse("commitments:cell", args=[cast.tree.cell.pk])).content.decode()
    assert "0/1" in page


def test_exemplary_registration_reaches_the_led_committee_only(client, cast, cycle):
    """A commune standing-committee member whose own cell lies in another commune."""
    leader_user = UserFactory(username="lanhdao")
    leader = MemberFactory(cell=cast.tree.gcell, user=leader_user)
    position_assign(user=leader_user, organization=cast.tree.commune, kind=PositionKind.STANDING_COMMITTEE)
    commitment = services.commitment_save(
        member=leader,
        cycle=cycle,
        content={**AREAS, "exemplary_registration": "Gương mẫu đi đầu trong cải cách hành chính"},
        actions=[action(cycle.year)],
        submit=True,
        by=leader_user,
    )
    assert list(commitment.exemplary_organizations.all()) == [cast.tree.commune]
    commune_reader = UserFactory(username="xauy")
    position_assign(user=commune_reader, organization=cast.tree.commune, kind=PositionKind.STANDING_COMMITTEE)
    client.force_login(commune_reader)
    resp = client.get(reverse("commitments:detail", args=[commitment.pk]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Gương mẫu đi đầu" in html and AREAS["political_ideology"] not in html
    assert client.get(reverse("commitments:print", args=[commitment.pk])).status_code == 403
    listing = client.get(reverse("commitments:exemplary", args=[cast.tree.commune.pk])).content.decode()
    assert leader.full_name in listing
    # The committee of the THPT school (not led by this member, not above the cell) sees nothing.
    client.force_login(cast.committee.user)
    assert client.get(reverse("commitments:detail", args=[commitment.pk])).status_code == 404


# --- the cell page ---------------------------------------------------------------------------------------

CELL = "commitments:cell"


@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary", 200), ("committee", 200), ("province", 200)]
    + [("member", 404), ("other_secretary", 404), ("inspector", 404), ("outsider", 404)],
)
def test_cell_page_scope(client, cast, cycle, who, status):
    assert as_user(client, getattr(cast, who)).get(reverse(CELL, args=[cast.tree.cell.pk])).status_code == status


def test_cell_page_of_a_non_cell_is_404(client, cast, cycle):
    assert as_user(client, cast.province).get(reverse(CELL, args=[cast.tree.committee.pk])).status_code == 404


def test_cell_page_counts_filter_and_exempt_members(client, cast, cycle):
    submit(cast, cycle)
    MemberFactory(cell=cast.tree.cell, full_name="Phạm Văn Miễn", status=MemberStatus.EXEMPT)
    resp = as_user(client, cast.secretary).get(reverse(CELL, args=[cast.tree.cell.pk]))
    summary = resp.context["summary"]
    assert summary.counted == 2 and summary.not_counted == 1
    assert summary.counts["SUBMITTED"] == 1 and summary.counts["NOT_STARTED"] == 1
    assert "Phạm Văn Miễn" in resp.content.decode()
    filtered = as_user(client, cast.secretary).get(reverse(CELL, args=[cast.tree.cell.pk]), {"trang-thai": "SUBMITTED"})
    assert [r.member.full_name for r in filtered.context["rows"]] == ["Trần Thị Bình"]


def test_bulk_acknowledge_from_the_cell_page(client, cast, cycle):
    a = submit(cast, cycle)
    url = reverse("commitments:cell_acknowledge", args=[cast.tree.cell.pk])
    assert as_user(client, cast.committee).post(url, {"ids": [a.pk]}).status_code == 403
    assert as_user(client, cast.other_secretary).post(url, {"ids": [a.pk]}).status_code == 404
    assert as_user(client, cast.secretary).post(url, {"ids": [a.pk]}).status_code == 302
    a.refresh_from_db()
    assert a.status == CommitmentStatus.ACKNOWLEDGED


def test_committee_sees_no_action_controls(client, cast, cycle):
    submit(cast, cycle)
    html = as_user(client, cast.committee).get(reverse(CELL, args=[cast.tree.cell.pk])).content.decode()
    assert 'name="ids"' not in html
    html = as_user(client, cast.secretary).get(reverse(CELL, args=[cast.tree.cell.pk])).content.decode()
    assert 'name="ids"' in html


def test_transferred_member_brings_the_commitment_to_the_new_cell(client, cast, cycle):
    submit(cast, cycle)
    member_transfer(member=cast.member.member, to_cell=cast.tree.cell2, on=dt.date.today())
    resp = as_user(client, cast.other_secretary).get(reverse(CELL, args=[cast.tree.cell2.pk]))
    states = {r.member.full_name: r.state for r in resp.context["rows"]}
    assert states["Trần Thị Bình"] == "SUBMITTED"
    old = as_user(client, cast.secretary).get(reverse(CELL, args=[cast.tree.cell.pk]))
    assert "Trần Thị Bình" not in [r.member.full_name for r in old.context["rows"]]


def _fill_cell(cast, cycle, n):
    for _ in range(n):
        m = MemberFactory(cell=cast.tree.cell)
        services.commitment_save(
            member=m, cycle=cycle, content=AREAS, actions=[action(cycle.year)], submit=True, by=cast.secretary.user
        )


def test_cell_page_query_count_does_not_grow_with_members(client, cast, cycle, django_assert_max_num_queries):
    c = as_user(client, cast.secretary)
    url = reverse(CELL, args=[cast.tree.cell.pk])
    c.get(url)  # warm the session
    _fill_cell(cast, cycle, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        c.get(url)
    _fill_cell(cast, cycle, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = c.get(url)
    assert len(resp.context["rows"]) == 34


# --- completeness for superior committees ------------------------------------------------------------------


def test_completeness_table_per_child_and_subtree(client, cast, cycle, django_assert_max_num_queries):
    submit(cast, cycle)
    services.commitment_acknowledge(
        commitment=submit(cast, cycle, who="other_secretary", exemplary_registration="x"), by=cast.secretary.user
    )
    c = as_user(client, cast.province)
    url = reverse("commitments:completeness", args=[cast.tree.province.pk])
    c.get(url)
    with django_assert_max_num_queries(12):
        resp = c.get(url)
    table = resp.context["table"]
    rows = {r["org"].name: r for r in table["rows"]}
    assert rows["Đảng bộ xã An Hòa"]["members"] == 3
    assert rows["Đảng bộ xã An Hòa"]["submitted"] == 2 and rows["Đảng bộ xã An Hòa"]["on_time"] == 2
    assert rows["Đảng bộ xã An Hòa"]["acknowledged"] == 1
    assert rows["Đảng bộ xã Minh Quang"]["members"] == 0
    assert table["total"]["members"] == 3 and table["total"]["on_time"] == 2
    assert "67 %" in resp.content.decode()


def test_completeness_query_count_is_constant_over_a_bigger_tree(client, cast, cycle, django_assert_max_num_queries):
    c = as_user(client, cast.province)
    url = reverse("commitments:completeness", args=[cast.tree.province.pk])
    c.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        c.get(url)
    for i in range(5):
        commune = make_org(f"Đảng bộ xã Mới {i}", OrgKind.COMMUNE, cast.tree.province)
        for j in range(3):
            cell = make_org(f"Chi bộ {i}-{j}", OrgKind.GRASSROOTS_CELL, commune)
            MemberFactory(cell=cell)
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = c.get(url)
    assert resp.context["table"]["total"]["members"] == 18


def test_late_submission_is_not_on_time(client, cast):
    from tests.commitments.conftest import ensure_indicators, open_cycle

    ensure_indicators()
    today = dt.date.today()
    cycle = open_cycle(cast.tree.province, today.year)
    cycle.deadline = today - dt.timedelta(days=1)
    cycle.opens_on = min(cycle.opens_on, cycle.deadline)
    cycle.save()
    submit(cast, cycle)
    resp = as_user(client, cast.committee).get(reverse("commitments:completeness", args=[cast.tree.committee.pk]))
    total = resp.context["table"]["total"]
    assert total["submitted"] == 1 and total["on_time"] == 0


@pytest.mark.parametrize(
    ("who", "status"), [("inspector", 404), ("member", 404), ("outsider", 404), ("committee", 404)]
)
def test_completeness_scope(client, cast, cycle, who, status):
    url = reverse("commitments:completeness", args=[cast.tree.commune.pk])
    assert as_user(client, getattr(cast, who)).get(url).status_code == status


# --- panels on the organisation pages ---------------------------------------------------------------------


def test_panels_on_cell_member_and_organization_pages(client, cast, cycle):
    submit(cast, cycle)
    c = as_user(client, cast.secretary)
    cell_page = c.get(reverse("organizations:cell", args=[cast.tree.cell.pk])).content.decode()
    assert reverse(CELL, args=[cast.tree.cell.pk]) in cell_page and 'data-count="SUBMITTED">1<' in cell_page
    member_page = c.get(reverse("organizations:member", args=[cast.member.member.pk])).content.decode()
    assert "Xem bản cam kết" in member_page
    own = as_user(client, cast.member).get(reverse("organizations:member", args=[cast.member.member.pk]))
    assert "Đã nộp" in own.content.decode()
    org_page = as_user(client, cast.province).get(reverse("organizations:detail", args=[cast.tree.province.pk]))
    assert reverse("commitments:completeness", args=[cast.tree.province.pk]) in org_page.content.decode()


def test_bulk_loaded_rows_without_first_submission_time_count_by_submission_time(client, cast, cycle):
    from django.utils import timezone

    Commitment.objects.create(
        member=cast.member.member, year=cycle.year, cycle=cycle, status="ACKNOWLEDGED", submitted_at=timezone.now()
    )
    resp = as_user(client, cast.committee).get(reverse("commitments:completeness", args=[cast.tree.committee.pk]))
    assert resp.context["table"]["total"]["on_time"] == 1
    cell = as_user(client, cast.secretary).get(reverse(CELL, args=[cast.tree.cell.pk]))
    assert cell.context["summary"].on_time == 1


def test_cell_progress_for_the_monthly_meeting(client, cast, cycle, django_assert_max_num_queries):
    commitment = submit(cast, cycle)
    services.commitment_action_record_progress(
        action=commitment.actions.get(), progress="DONE", note="Đủ 12 buổi", by=cast.member.user
    )
    url = reverse("commitments:cell_progress", args=[cast.tree.cell.pk])
    c = as_user(client, cast.secretary)
    c.get(url)
    with django_assert_max_num_queries(10):
        html = c.get(url).content.decode()
    assert "Đủ 12 buổi" in html and "Trần Thị Bình" in html
    for who in ("other_secretary", "member", "outsider"):
        assert as_user(client, getattr(cast, who)).get(url).status_code == 404


def test_nobody_acknowledges_their_own_commitment(client, cast, cycle):
    own = submit(cast, cycle, who="secretary", exemplary_registration="Nêu gương")
    url = reverse("commitments:acknowledge", args=[own.pk])
    assert as_user(client, cast.secretary).post(url).status_code == 403
    bulk = reverse("commitments:cell_acknowledge", args=[cast.tree.cell.pk])
    as_user(client, cast.secretary).post(bulk, {"ids": [own.pk]})
    own.refresh_from_db()
    assert own.status == CommitmentStatus.SUBMITTED
    # The standing committee above confirms the cell secretary's commitment.
    assert as_user(client, cast.committee).post(url).status_code == 302
    own.refresh_from_db()
    assert own.status == CommitmentStatus.ACKNOWLEDGED


def test_past_years_stay_reachable(client, cast, cycle):
    from tests.commitments.conftest import open_cycle

    past = open_cycle(cast.tree.province, cycle.year - 1)
    old = submit(cast, past)
    submit(cast, cycle)
    c = as_user(client, cast.secretary)
    url = reverse(CELL, args=[cast.tree.cell.pk])
    assert c.get(url).context["cycle"] == cycle
    resp = c.get(url, {"nam": past.year})
    assert resp.context["cycle"] == past
    assert [r.commitment for r in resp.context["rows"] if r.commitment] == [old]
    c.post(reverse("commitments:cell_acknowledge", args=[cast.tree.cell.pk]), {"ids": [old.pk], "nam": past.year})
    old.refresh_from_db()
    assert old.status == CommitmentStatus.ACKNOWLEDGED
    comp = as_user(client, cast.province).get(
        reverse("commitments:completeness", args=[cast.tree.province.pk]), {"nam": past.year}
    )
    assert comp.context["table"]["total"]["acknowledged"] == 1


def test_draft_actions_can_be_edited_and_deleted(client, cast, cycle):
    c = as_user(client, cast.member)
    c.post(MY, form_data(cycle.year, "draft"))
    act = Commitment.objects.get().actions.get()
    data = form_data(
        cycle.year,
        "draft",
        **{
            "actions-INITIAL_FORMS": "1",
            "actions-0-id": str(act.pk),
            "actions-0-commitment": str(act.commitment_id),
            "actions-1-description": "Đọc sách về Bác mỗi tháng",
            "actions-1-expected_result": "12 cuốn",
            "actions-1-due_on": f"{cycle.year}-11-30",
        },
    )
    assert c.post(MY, data).status_code == 302
    assert list(Commitment.objects.get().actions.values_list("description", flat=True)) == [
        "Tham gia dọn vệ sinh khu dân cư",
        "Đọc sách về Bác mỗi tháng",
    ]
    data["actions-INITIAL_FORMS"] = "2"
    data["actions-0-DELETE"] = "on"
    data["actions-1-id"] = str(Commitment.objects.get().actions.order_by("id").last().pk)
    data["actions-1-commitment"] = str(act.commitment_id)
    assert c.post(MY, data).status_code == 302
    assert list(Commitment.objects.get().actions.values_list("description", flat=True)) == ["Đọc sách về Bác mỗi tháng"]
