"""Aggregates equal a fresh recount: full rebuild, incremental refresh, repeats, stale order, races."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from organizations import services as org_services
from organizations.models import Organization, OrgKind
from reviews.models import MemberReview
from rollups import services
from rollups.models import OrgRollup
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def row(org, year, stage="DECIDED"):
    return OrgRollup.objects.get(organization=org, year=year, stage=stage)


def all_orgs():
    return list(Organization.objects.all())


def test_rebuild_equals_recount_for_both_years(populated):
    years = populated.years
    services.rollups_rebuild()
    for year in (years.this, years.last):
        assert services.rollups_compare(year=year) == []
    province = row(populated.tree.province, years.this)
    assert province.members == 9 + 3  # 9 seeded + the cast's three members
    assert province.reviewed == MemberReview.objects.filter(year=years.this, status="DECIDED").count()
    assert province.cells == 3 and province.orgs == 6
    assert province.graded + sum(getattr(province, f"ng_{r.lower()}") for r in services.d.REASONS) == province.reviewed


def test_numbers_a_committee_expects(cast, cycles, years):
    """A hand-checked example: two decided GOOD members, one exempt, one flagged indicator 3."""
    tree = cast.tree
    for member, grade, reason, mask in (
        (cast.member.member, "GOOD", "", 0b100),
        (cast.secretary.member, "GOOD", "", 0),
        (cast.other_secretary.member, "", "EXEMPT", 0),
    ):
        MemberReview.objects.create(
            member=member,
            year=years.this,
            cycle=cycles[years.this].review,
            cell=member.cell,
            status="DECIDED",
            proposed_grade=grade,
            decided_grade=grade,
            not_graded_reason=reason,
            flagged_mask=mask,
        )
    services.rollups_rebuild(year=years.this)
    commune = row(tree.commune, years.this)
    assert (commune.members, commune.reviewed, commune.graded, commune.g_good, commune.ng_exempt) == (3, 3, 2, 2, 1)
    assert commune.ind_3 == 1 and commune.ind_1 == 0
    assert row(tree.cell2, years.this).g_good == 0
    assert row(tree.commune2, years.this).members == 0
    assert row(tree.province, years.this).cells == 3


def test_random_changes_refreshed_incrementally_match_recount(populated):
    years, changer = populated.years, populated.changer
    services.rollups_rebuild()
    rng = random.Random(2026)
    orgs = [o for o in all_orgs() if o.kind != OrgKind.PROVINCE]
    for step in range(40):
        year = rng.choice([years.this, years.last])
        touched = changer.any(orgs, year)
        for y in (years.this, years.last):  # a member status change counts in both years
            services.rollups_refresh(org_ids=touched, year=y)
            if step % 3 == 0:  # a task delivered twice
                services.rollups_refresh(org_ids=touched, year=y)
        if step % 10 == 9:
            for y in (years.this, years.last):
                assert services.rollups_compare(year=y) == [], f"step {step}"
    for y in (years.this, years.last):
        assert services.rollups_compare(year=y) == []


def test_stale_task_run_late_is_harmless(populated):
    """Task A (for change 1) runs after task B (for change 2): both recompute from source."""
    years, changer = populated.years, populated.changer
    services.rollups_rebuild()
    member = populated.cast.member.member
    changer.review(member, years.this)
    first = {member.cell_id}
    other = populated.cast.other_secretary.member
    changer.review(other, years.this)
    services.rollups_refresh(org_ids={other.cell_id}, year=years.this)
    services.rollups_refresh(org_ids=first, year=years.this)
    services.rollups_refresh(org_ids={other.cell_id}, year=years.this)
    assert services.rollups_compare(year=years.this) == []


def test_refresh_of_a_non_cell_organisation_grade(populated):
    years = populated.years
    services.rollups_rebuild()
    tree = populated.tree
    populated.changer.org_review(tree.committee, years.this)
    services.rollups_refresh(org_ids={tree.committee.id}, year=years.this)
    assert services.rollups_compare(year=years.this) == []


def test_past_year_uses_the_tree_and_snapshots_of_that_year(cast, cycles, years):
    """A cell closed last year drops out; a transfer this year leaves last year's counts alone."""
    tree = cast.tree
    closed = make_org("Chi bộ đã giải thể", OrgKind.CELL, tree.committee, valid_to=dt.date(years.last, 6, 30))
    MemberFactory(cell=closed)
    mover = cast.member.member
    MemberReview.objects.create(
        member=mover, year=years.last, cycle=cycles[years.last].review, cell=tree.cell, status="DECIDED",
        decided_grade="EXCELLENT",
    )  # fmt: skip
    org_services.member_transfer(member=mover, to_cell=tree.gcell, on=dt.date(years.this, 3, 1))
    services.rollups_rebuild()
    assert not OrgRollup.objects.filter(organization=closed, year=years.last).exists()
    assert row(tree.cell, years.last).g_excellent == 1
    assert row(tree.cell, years.last).members == 2  # both cast members were there on 31/12 last year
    assert row(tree.cell, years.this).members == 1
    assert row(tree.gcell, years.this).members == 1
    assert row(tree.committee, years.last).orgs == 2
    for year in (years.this, years.last):
        assert services.rollups_compare(year=year) == []


def test_portable_writer_equals_sql(populated):
    """The SQLite path (Python recount written as rows) gives the rows the SQL path gives."""
    year = populated.years.this
    services.rollups_rebuild(year=year)
    sql_rows = set(OrgRollup.objects.filter(year=year).values_list("organization_id", "stage", "members", "graded"))
    services._python_write_year(year)
    assert set(OrgRollup.objects.filter(year=year).values_list("organization_id", "stage", "members", "graded")) == (
        sql_rows
    )


def test_verify_command_reports_a_tampered_row(populated, capsys):
    year = populated.years.this
    call_command("rebuild_rollups", year=year)
    call_command("verify_rollups", year=year)
    OrgRollup.objects.filter(organization=populated.tree.commune, year=year).update(g_good=999)
    with pytest.raises(CommandError):
        call_command("verify_rollups", year=year)
    out = capsys.readouterr().out
    assert f"org={populated.tree.commune.pk}" in out and "g_good: stored=999" in out


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_racing_leave_correct_counts(populated):
    """Two tasks for different cells of one province run at the same time on two connections."""
    years, tree = populated.years, populated.tree
    services.rollups_rebuild()
    changer = populated.changer
    cells = [tree.cell, tree.gcell]
    barrier = threading.Barrier(2)
    errors = []

    def work(cell):
        try:
            barrier.wait(timeout=10)
            for member in cell.members.all()[:2]:
                changer.review(member, years.this)
            services.rollups_refresh(org_ids={cell.id}, year=years.this)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c,)) for c in cells]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    connection.close()
    assert services.rollups_compare(year=years.this) == []


@pytest.mark.django_db(transaction=True)
def test_rebuild_in_autocommit_drops_its_staging_tables_and_vacuums(populated):
    """As the task and the command run it: staging tables vanish at commit, VACUUM runs after."""
    years = populated.years
    services.rollups_rebuild()
    services.rollups_rebuild()  # a second run finds no leftover staging table
    for year in (years.this, years.last):
        assert services.rollups_compare(year=year) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.rollup_grp'), to_regclass('pg_temp.rollup_rv_grp')")
        assert cursor.fetchone() == (None, None)
