"""The grid's members are read with their facts by one fixed statement on PostgreSQL
(reviews.selectors.grid._members_sql). Its definition is the annotated queryset
(`members_with_facts_queryset`): for members with and without each fact, both agree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from commitments.models import Commitment, CommitmentStatus
from organizations.models import Position, PositionKind
from reviews.models import DisciplineRecord, ExemptionRecord, RemediationItem
from reviews.selectors import grid as g
from tests.commitments.conftest import open_cycle
from tests.factories import MemberFactory
from tests.reviews.helpers import members_of

pytestmark = pytest.mark.django_db
FACTS = ("open_shortcomings", "commitment_state", "is_leader", "has_discipline", "has_exemption")


def _facts(members) -> list[tuple]:
    return [(m.pk, *(getattr(m, name) for name in FACTS)) for m in members]


def _record_facts(cast, year: int) -> list:
    cell, committee = cast.tree.cell, cast.tree.committee
    a, b, c = (MemberFactory(cell=cell) for _ in range(3))
    for member, found, remedied in (
        (a, year - 1, None),
        (a, year - 2, None),
        (b, year - 1, dt.date(year, 3, 1)),
        (c, year, None),
    ):
        RemediationItem.objects.create(
            member=member,
            year_found=found,
            description="Hạn chế",
            owner=member,
            due_on=dt.date(year, 6, 30),
            remedied_on=remedied,
        )
    for member, counts in ((a, year), (b, year - 1)):
        DisciplineRecord.objects.create(
            member=member,
            kind="WARNING",
            decided_on=dt.date(counts, 5, 1),
            decision_number="1-QĐ",
            violation="Vi phạm",
            counts_for_year=counts,
            decided_by=committee,
        )
    for member, start, end in ((b, dt.date(year, 2, 1), None), (c, dt.date(year - 2, 1, 1), dt.date(year - 1, 12, 31))):
        ExemptionRecord.objects.create(
            member=member,
            kind="TEMPORARY",
            valid_from=start,
            valid_to=end,
            decision_number="2-QĐ",
            reason="Ốm dài ngày",
            decided_by=committee,
        )
    commitments = open_cycle(cast.tree.province, year)
    Commitment.objects.create(member=a, year=year, cycle=commitments, status=CommitmentStatus.SUBMITTED)
    Position.objects.filter(user=cast.secretary.user, organization=cell).update(valid_to=dt.date(2020, 12, 31))
    return [a, b, c]


def test_the_statement_gives_each_member_the_facts_its_queryset_defines(cast, cycle):
    cell, year = cast.tree.cell, cycle.year
    a, b, c = _record_facts(cast, year)
    raw = g._members_with_facts(cell=cell, year=year, ids=[])
    orm = list(g.members_with_facts_queryset(Q(cell=cell), cell, year))
    assert _facts(raw) == _facts(orm) and len(raw) == len(members_of(cell))
    by_id = {m.pk: m for m in raw}
    assert (by_id[a.pk].open_shortcomings, by_id[b.pk].open_shortcomings, by_id[c.pk].open_shortcomings) == (2, 0, 0)
    assert by_id[a.pk].commitment_state == CommitmentStatus.SUBMITTED and by_id[b.pk].commitment_state is None
    assert (by_id[a.pk].has_discipline, by_id[b.pk].has_discipline) == (True, False)
    assert (by_id[b.pk].has_exemption, by_id[c.pk].has_exemption) == (True, False)
    assert not any(m.is_leader for m in raw)  # the secretary's post ended long ago


def test_a_leader_in_post_and_members_read_by_id_only(cast, cycle):
    cell, year = cast.tree.cell, cycle.year
    Position.objects.create(
        user=cast.member.user, organization=cell, kind=PositionKind.ADMINISTRATOR, valid_from=dt.date(2020, 1, 1)
    )  # a post in the cell that is not a leader's
    raw = g._members_with_facts(cell=cell, year=year, ids=[])
    assert {m.pk for m in raw if m.is_leader} == {cast.secretary.member.pk}
    assert _facts(raw) == _facts(g.members_with_facts_queryset(Q(cell=cell), cell, year))
    elsewhere = members_of(cast.tree.cell2)[:2] if hasattr(cast.tree, "cell2") else []
    ids = [cast.member.member.pk, *(m.pk for m in elsewhere)]
    only = g._members_with_facts(cell=cell, year=year, ids=ids, in_cell=False)
    assert [m.pk for m in only] == [m.pk for m in g.members_with_facts_queryset(Q(pk__in=ids), cell, year)]
    assert _facts(only) == _facts(g.members_with_facts_queryset(Q(pk__in=ids), cell, year))
