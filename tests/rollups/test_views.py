"""Dashboards: scoping for the whole cast, constant query counts, drill-down, exports."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from organizations.models import OrgKind, PositionKind
from reviews.models import MemberReview
from rollups import services
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(populated):
    services.rollups_rebuild()
    return populated


def get(client, user, name, org, **params):
    client.force_login(user)
    return client.get(reverse(name, kwargs={"org_id": org.pk}), params)


@pytest.mark.parametrize("name", ["rollups:dashboard", "rollups:xlsx", "rollups:print"])
def test_commune_inspector_cannot_open_another_communes_numbers(client, built, name):
    cast, tree = built.cast, built.tree
    assert get(client, cast.inspector.user, name, tree.commune2).status_code == 200
    assert get(client, cast.inspector.user, name, tree.commune).status_code == 404
    assert get(client, cast.inspector.user, name, tree.province).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("province", 200), ("committee", 404), ("outsider", 404), ("member", 404)])
def test_province_dashboard_scope(client, built, who, status):
    assert get(client, getattr(built.cast, who).user, "rollups:dashboard", built.tree.province).status_code == status


def test_anonymous_goes_to_login(client, built):
    resp = client.get(reverse("rollups:dashboard", kwargs={"org_id": built.tree.province.pk}))
    assert resp.status_code == 302 and "/dang-nhap/" in resp["Location"]


def test_province_dashboard_shows_totals_children_and_as_of(client, built):
    year = built.years.this
    resp = get(client, built.cast.province.user, "rollups:dashboard", built.tree.province, year=year, stage="DECIDED")
    html = resp.content.decode()
    board = resp.context["board"]
    assert board.total.members == 12
    assert [line.org.name for line in board.children] == ["Đảng bộ xã An Hòa", "Đảng bộ xã Minh Quang"]
    assert 'data-testid="heatmap"' in html and 'data-testid="completeness"' in html
    assert board.as_of is not None and "chưa tổng hợp" not in html
    assert "chart.umd.min.js" in html and "cdn" not in html.lower()


def test_dashboard_query_count_does_not_grow_with_the_tree(client, built, django_assert_max_num_queries):
    tree = built.tree
    for i in range(15):
        commune = make_org(f"Đảng bộ xã Thêm {i}", OrgKind.COMMUNE, tree.province)
        cell = make_org(f"Chi bộ Thôn {i}", OrgKind.GRASSROOTS_CELL, commune)
        for _ in range(3):
            MemberFactory(cell=cell)
    services.rollups_rebuild()
    client.force_login(built.cast.province.user)
    url = reverse("rollups:dashboard", kwargs={"org_id": tree.province.pk})
    # cold: session, user, scope (positions, member), the organisation with its ancestors, rows and
    # the results needing re-decision (one query), the children, the inbox badge; warm: see
    # tests/rollups/test_dashboard_cost.py
    with django_assert_max_num_queries(7):
        resp = client.get(url)
    assert len(resp.context["board"].children) == 17
    with django_assert_max_num_queries(9):  # + the cell's members list
        client.get(reverse("rollups:dashboard", kwargs={"org_id": tree.cell.pk}))
    with django_assert_max_num_queries(12):  # no inbox badge; + table B blocks, table C (3), summary (1)
        client.get(reverse("rollups:xlsx", kwargs={"org_id": tree.province.pk}))


def test_drill_down_to_cell_shows_members_to_a_covering_body(client, built):
    resp = get(client, built.cast.committee.user, "rollups:dashboard", built.tree.cell)
    html = resp.content.decode()
    assert 'data-testid="cell-members"' in html and "Trần Thị Bình" in html


def test_bodies_not_allowed_to_see_members_get_counts_only(client, built, monkeypatch):
    monkeypatch.setattr("rollups.selectors.MEMBER_READ_KINDS", frozenset({PositionKind.CELL_SECRETARY}))
    resp = get(client, built.cast.committee.user, "rollups:dashboard", built.tree.cell)
    html = resp.content.decode()
    assert 'data-testid="members-hidden"' in html and "Trần Thị Bình" not in html


def test_excel_export_has_the_summary_tables(client, built):
    year = built.years.this
    resp = get(client, built.cast.province.user, "rollups:xlsx", built.tree.province, year=year, stage="DECIDED")
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(resp.content))
    assert wb.sheetnames == ["Đảng viên", "Tổ chức đảng", "Lãnh đạo, quản lý", "Biểu hiện", "Báo cáo tóm tắt"]
    ws = wb["Đảng viên"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[1] == "Tổng cộng"]
    assert rows and rows[0][2] == 12
    names = [r[1] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert names == ["Đảng bộ xã An Hòa", "Đảng bộ xã Minh Quang"]


def test_printable_page_and_pdf(client, built):
    resp = get(client, built.cast.province.user, "rollups:print", built.tree.province)
    assert resp.status_code == 200 and "BIỂU TỔNG HỢP" in resp.content.decode()
    pdf = get(client, built.cast.province.user, "rollups:print", built.tree.province, pdf=1)
    if pdf.status_code == 202:  # rendered by the exports task (tests/rollups/test_pdf_task.py): run it
        from core.models import OutboxEvent
        from rollups.tasks import dashboard_pdf

        dashboard_pdf(**OutboxEvent.objects.get(payload__name="exports.dashboard_pdf").payload["kwargs"])
        pdf = get(client, built.cast.province.user, "rollups:print", built.tree.province, pdf=1)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_bad_year_and_stage_fall_back_to_defaults(client, built):
    resp = get(client, built.cast.province.user, "rollups:dashboard", built.tree.province, year="abc", stage="x")
    assert resp.status_code == 200 and resp.context["board"].year == built.years.this


def test_nav_home_redirects_to_own_dashboard_and_org_page_links_to_it(client, built):
    client.force_login(built.cast.inspector.user)
    resp = client.get(reverse("rollups:home"))
    assert resp["Location"] == reverse("rollups:dashboard", kwargs={"org_id": built.tree.commune2.pk})
    page = client.get(reverse("organizations:detail", kwargs={"pk": built.tree.commune2.pk})).content.decode()
    assert 'data-testid="rollup-link"' in page
    client.force_login(built.cast.member.user)
    assert client.get(reverse("rollups:home"))["Location"] == reverse("home")


def test_cached_children_fragment_follows_a_refresh(client, built):
    """The children table is cached under the node's as-of time, which a refresh below moves."""
    year, tree, cast = built.years.this, built.tree, built.cast
    client.force_login(cast.province.user)
    url = reverse("rollups:dashboard", kwargs={"org_id": tree.province.pk})
    client.get(url, {"year": year, "stage": "DECIDED"})
    MemberReview.objects.filter(member__cell=tree.gcell, year=year).update(
        status="DECIDED", decided_grade="NOT_COMPLETED", not_graded_reason=""
    )
    services.rollups_refresh(org_ids={tree.gcell.id}, year=year)
    resp = client.get(url, {"year": year, "stage": "DECIDED"})
    minh_quang = next(line for line in resp.context["board"].children if line.org == tree.commune2)
    assert minh_quang.get("g_not_completed") == 3
    assert ">100,0<" in resp.content.decode() or ">100.0<" in resp.content.decode()


def test_one_query_loader_gives_ancestors_root_first_and_both_years(client, built):
    tree = built.tree
    services.rollups_rebuild()
    resp = get(client, built.cast.province.user, "rollups:dashboard", tree.cell)
    assert [a.pk for a in resp.context["ancestors"]] == [tree.province.pk, tree.commune.pk, tree.committee.pk]
    board = resp.context["board"]
    assert board.org == tree.cell and board.total.row.organization_id == tree.cell.pk
    assert board.previous.row is not None and board.previous.row.year == board.year - 1
    client.force_login(built.cast.province.user)
    assert client.get(reverse("rollups:dashboard", kwargs={"org_id": 10**9})).status_code == 404


def test_organisation_page_reads_member_counts_from_the_rollups(client, built):
    from django.utils import timezone

    from rollups.models import OrgRollup

    tree = built.tree
    client.force_login(built.cast.province.user)
    url = reverse("organizations:detail", kwargs={"pk": tree.province.pk})
    rows = OrgRollup.objects.filter(year=timezone.localdate().year, stage="DECIDED")
    shown = client.get(url).context
    assert shown["total_members"] == rows.get(organization=tree.province).members
    assert {r["org"].pk: r["members"] for r in shown["children"]} == {
        c.pk: rows.get(organization=c).members for c in (tree.commune, tree.commune2)
    }
    # What the page shows is the precomputed row, not a scan of the subtree per request.
    rows.filter(organization=tree.province).update(members=4321)
    assert client.get(url).context["total_members"] == 4321


def test_organisation_page_counts_live_when_a_node_has_no_rollup_yet(client, built):
    tree = built.tree
    make_org("Đảng bộ xã Mới", OrgKind.COMMUNE, tree.province)  # created after the rebuild
    client.force_login(built.cast.province.user)
    shown = client.get(reverse("organizations:detail", kwargs={"pk": tree.province.pk})).context
    counts = {r["org"].name: r["members"] for r in shown["children"]}
    assert counts["Đảng bộ xã Mới"] == 0
    assert shown["total_members"] == sum(counts.values())


def test_statutory_report_tables_a_b_c_and_summary(client, built, django_assert_max_num_queries):
    """REFERENCE 7.1: table A split full / probationary, table B by blocks with "not graded",
    table C (leadership collectives and leaders), the narrative summary — in constant queries."""
    from organizations.models import Member, MemberStatus
    from reviews.models import OrgReview

    year, tree, cast = built.years.this, built.tree, built.cast
    Member.objects.filter(pk=cast.member.member.pk).update(status=MemberStatus.PROBATIONARY)
    MemberReview.objects.filter(member=cast.secretary.member, year=year).update(
        status="DECIDED", decided_grade="NOT_COMPLETED", not_graded_reason="", consider_removal=True
    )
    OrgReview.objects.filter(year=year).delete()
    OrgReview.objects.create(
        organization=tree.cell, year=year, cycle=built.changer.cycles[year].review, decided_grade="GOOD"
    )
    services.rollups_rebuild()
    client.force_login(cast.province.user)
    url = reverse("rollups:xlsx", kwargs={"org_id": tree.province.pk})
    with django_assert_max_num_queries(12):  # + table B blocks (1), table C (1 + 2), summary (1)
        resp = client.get(url, {"year": year, "stage": "DECIDED"})
    wb = load_workbook(BytesIO(resp.content))
    assert wb.sheetnames == ["Đảng viên", "Tổ chức đảng", "Lãnh đạo, quản lý", "Biểu hiện", "Báo cáo tóm tắt"]
    a = wb["Đảng viên"]
    header = next(r for r in a.iter_rows(values_only=True) if r and r[0] == "STT")
    assert header[2:7] == (
        "Tổng số đảng viên",
        "Trong đó: chính thức",
        "Trong đó: dự bị",
        "Số được xếp loại",
        "Số không xếp loại",
    )
    total = next(r for r in a.iter_rows(values_only=True) if r and r[1] == "Tổng cộng")
    assert total[2] == 12 and total[3] + total[4] == 12 and total[4] == 1
    b = [r for r in wb["Tổ chức đảng"].iter_rows(values_only=True) if r and r[0]]
    titles = [r[0] for r in b if isinstance(r[0], str) and r[0].startswith(("Tổ chức cơ sở", "Chi bộ trực thuộc"))]
    assert titles == [
        "Tổ chức cơ sở đảng (đảng bộ cơ sở, chi bộ cơ sở)",
        "Chi bộ trực thuộc đảng ủy cơ sở, đảng bộ bộ phận",
    ]
    block_totals = [r for r in wb["Tổ chức đảng"].iter_rows(values_only=True) if r and r[1] == "Tổng cộng"][1:]
    grassroots, subordinate = block_totals
    assert grassroots[2:5] == (2, 0, 2)  # the committee and the grassroots cell, neither graded
    assert subordinate[2:5] == (2, 1, 1) and subordinate[7] == 1  # Tổ 1 graded GOOD, Tổ 2 not graded
    c = [r for r in wb["Lãnh đạo, quản lý"].iter_rows(values_only=True) if r and r[1]]
    assert any(r[1] == "Bí thư chi bộ" and r[2] == 2 for r in c)  # both cell secretaries are members
    leaders_total = next(r for r in c if str(r[1]).startswith("Tổng số cán bộ lãnh đạo"))
    assert leaders_total[2] >= 1 and leaders_total[3 + 2 * 4] >= 1  # graded NOT_COMPLETED
    summary = "\n".join(str(r[0]) for r in wb["Báo cáo tóm tắt"].iter_rows(values_only=True) if r and r[0])
    assert "7. Xử lý đảng viên không hoàn thành nhiệm vụ" in summary
    assert "1 đảng viên hai năm liền — chi bộ xem xét đưa ra khỏi Đảng" in summary
    assert "chính thức 11, dự bị 1" in summary
