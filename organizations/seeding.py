"""Fast, deterministic generation of a realistic province tree with members (demo and benchmarks).

Writes with bulk_create / COPY so that a million members load in minutes on two cores. Other apps
append to SEED_HOOKS (called with the SeedResult) to add their yearly data (cycles, commitments,
reviews) on top of the tree.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from core.bulk import skip_fk_triggers
from core.text import _word_key, ascii_fold

from . import demo_names as names
from .models import Member, MemberStatus, Organization, OrgKind, Position, PositionKind

DEMO_PASSWORD = "tusoi2026"  # noqa: S105 - demo accounts only, printed by `make run`


@dataclass
class SeedResult:
    provinces: list[Organization] = field(default_factory=list)
    cells: int = 0
    members: int = 0
    organizations: int = 0
    year: int = 2026
    seed: int = 1
    demo_users: dict[str, str] = field(default_factory=dict)  # username -> what it shows
    demo_cell_ids: set[int] = field(default_factory=set)  # left untouched by yearly seeds (demo journeys)
    central: Organization | None = None  # the national seed's root above the provinces
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, printed by seed_demo

    def cycle_owner(self, province: Organization) -> Organization:
        """Cycles live on the tree's root: the central node of a national seed, else the province."""
        return self.central or province


SEED_HOOKS: list[Callable[[SeedResult], None]] = []


@lru_cache(maxsize=4096)
def _wkey(word: str) -> tuple[str, str]:
    return _word_key(word)


@lru_cache(maxsize=4096)
def _fold(word: str) -> str:
    return ascii_fold(word)


def _sort_key(family: str, middle: str, given: str) -> str:
    keys = [_wkey(given), _wkey(middle), _wkey(family)]
    return ("00".join(k[0] for k in keys) + "000" + "".join(k[1] for k in keys))[:250]


class _TreeBuilder:
    """Builds Organization rows in memory with treebeard-encoded paths, then bulk-inserts them."""

    def __init__(self, valid_from: dt.date):
        self.rows: list[Organization] = []
        self.valid_from = valid_from
        self._children: dict[str, int] = {}
        self._codes = 0
        self._root = 1

    def add(self, parent: Organization | None, name: str, kind: str, root_step: int = 1) -> Organization:
        depth = 1 if parent is None else parent.depth + 1
        if parent is None:
            step = self._root = root_step
            parent_path = None
        else:
            step = self._children.get(parent.path, 0) + 1
            self._children[parent.path] = step
            parent.numchild = step
            parent_path = parent.path
        self._codes += 1
        org = Organization(
            name=name,
            kind=kind,
            code=f"{kind[:2]}{self._root:02d}-{self._codes:06d}",
            depth=depth,
            path=Organization._get_path(parent_path, depth, step),
            numchild=0,
            valid_from=self.valid_from,
        )
        self.rows.append(org)
        return org

    def save(self) -> None:
        Organization.objects.bulk_create(self.rows, batch_size=5000)


def _cell_sizes(rng: random.Random, total: int, mu: float = 2.85) -> list[int]:
    sizes, left = [], total
    while left > 0:
        size = min(left, max(3, int(rng.lognormvariate(mu, 0.45))))
        sizes.append(size)
        left -= size
    return sizes


def _build_province(
    tb: _TreeBuilder,
    rng: random.Random,
    index: int,
    members: int,
    central: Organization | None = None,
    mu: float = 2.85,
) -> tuple[Organization, list[tuple[Organization, int]]]:
    """Province → communes/bloc → grassroots (committees with cells, or grassroots cells) → cells."""
    province_name = names.PROVINCES[index % len(names.PROVINCES)]
    if index >= len(names.PROVINCES):
        province_name += f" {index // len(names.PROVINCES) + 1}"
    province = tb.add(central, f"Đảng bộ tỉnh {province_name}", OrgKind.PROVINCE, root_step=index + 1)
    sizes = _cell_sizes(rng, members, mu)
    cells: list[tuple[Organization, int]] = []
    bloc = tb.add(province, "Đảng bộ các cơ quan Đảng tỉnh", OrgKind.DISTRICT)
    parents = [bloc]
    n_communes = max(2, len(sizes) // 45)
    for i in range(n_communes):
        place = names.PLACE[i % len(names.PLACE)] + (f" {i // len(names.PLACE) + 1}" if i >= len(names.PLACE) else "")
        parents.append(tb.add(province, f"Đảng bộ {rng.choice(names.COMMUNE_PREFIX).lower()} {place}", OrgKind.COMMUNE))
    pos, unit = 0, 0
    while pos < len(sizes):
        parent = parents[unit % len(parents)]
        unit += 1
        if rng.random() < 0.45:  # a grassroots cell directly under the commune
            name = f"Chi bộ {rng.choice(names.CELL_UNITS)} {rng.choice(names.PLACE)} {unit}"
            cells.append((tb.add(parent, name, OrgKind.GRASSROOTS_CELL), sizes[pos]))
            pos += 1
            continue
        committee = tb.add(
            parent,
            f"Đảng bộ {rng.choice(names.GRASSROOTS_UNITS)} {rng.choice(names.PLACE)} {unit}",
            OrgKind.GRASSROOTS_COMMITTEE,
        )
        count = min(len(sizes) - pos, rng.randint(3, 12))
        holders = [committee]
        if count >= 8 and rng.random() < 0.3:  # an intermediate sub-committee (depth 5 cells)
            holders.append(
                tb.add(committee, f"Đảng bộ bộ phận {rng.choice(names.CELL_UNITS)} {unit}", OrgKind.SUB_COMMITTEE)
            )
        for j in range(count):
            holder = holders[j % len(holders)]
            name = f"Chi bộ {rng.choice(names.CELL_UNITS)} {j + 1}"
            cells.append((tb.add(holder, name, OrgKind.CELL), sizes[pos]))
            pos += 1
    return province, cells


def _member_rows(rng: random.Random, cells: list[tuple[Organization, int]], year: int, card_offset: int):
    today = dt.date(year, 11, 1)
    seq = card_offset
    for cell, size in cells:
        for _ in range(size):
            seq += 1
            female = rng.random() < 0.38
            family = rng.choices(names.FAMILY, names.FAMILY_WEIGHTS)[0]
            middle = rng.choice(names.MIDDLE_F if female else names.MIDDLE_M)
            given = rng.choice(names.GIVEN_F if female else names.GIVEN_M)
            born = dt.date(year - rng.randint(22, 75), rng.randint(1, 12), rng.randint(1, 28))
            roll = rng.random()
            if roll < 0.04:
                status, admitted = MemberStatus.PROBATIONARY, today - dt.timedelta(days=rng.randint(20, 360))
                full_on = None
            else:
                admitted = dt.date(
                    rng.randint(born.year + 18, min(year - 1, born.year + 55)), rng.randint(1, 12), rng.randint(1, 28)
                )
                full_on = admitted + dt.timedelta(days=365)
                status = MemberStatus.FULL
                if roll > 0.975:
                    status = MemberStatus.EXEMPT
                elif roll > 0.972:
                    status = MemberStatus.SUSPENDED
            full_name = f"{family} {middle} {given}"
            yield (
                full_name,
                _sort_key(family, middle, given),
                f"{_fold(family)} {_fold(middle)} {_fold(given)}",
                born,
                "F" if female else "M",
                admitted,
                full_on,
                status,
                f"{seq:010d}",
                cell.id,
            )


MEMBER_COLUMNS = (
    "full_name",
    "sort_key",
    "search_name",
    "date_of_birth",
    "sex",
    "admitted_on",
    "full_member_on",
    "status",
    "party_card_number",
    "cell_id",
)


def _insert_members(rows) -> None:
    if connection.vendor == "postgresql":
        cols = ", ".join(MEMBER_COLUMNS) + ", job_title, email"
        with connection.cursor() as cursor, cursor.copy(f"COPY organizations_member ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, "", ""))
        return
    batch = []
    for row in rows:
        batch.append(Member(**dict(zip(MEMBER_COLUMNS, row, strict=True))))
        if len(batch) >= 5000:
            Member.objects.bulk_create(batch)
            batch.clear()
    Member.objects.bulk_create(batch)


def _insert_memberships(first_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO organizations_membership (member_id, cell_id, kind, valid_from, note) "
            "SELECT id, cell_id, 'OFFICIAL', admitted_on, '' FROM organizations_member WHERE id > %s",
            [first_id],
        )


def _demo_users(result: SeedResult, cells: list[tuple[Organization, int]]) -> None:
    """The standing cast of demo logins on the first province."""
    User = get_user_model()
    province = result.provinces[0]
    sub_cells = [c for c, size in cells if c.kind == OrgKind.CELL and size >= 20]
    cell = sub_cells[0] if sub_cells else cells[0][0]
    gcell = next((c for c, _ in cells if c.kind == OrgKind.GRASSROOTS_CELL), cells[-1][0])
    committee = Organization.objects.get(path=cell.path[: -cell.steplen]) if cell.depth > 2 else province
    while committee.kind not in (OrgKind.GRASSROOTS_COMMITTEE,) and committee.depth > 2:
        committee = Organization.objects.get(path=committee.path[: -committee.steplen])
    commune = Organization.objects.get(path=cell.path[: len(province.path) + cell.steplen])
    other_commune = (
        Organization.objects.filter(depth=province.depth + 1, path__startswith=province.path, kind=OrgKind.COMMUNE)
        .exclude(pk=commune.pk)
        .order_by("path")
        .first()
    ) or commune
    members = list(Member.objects.filter(cell=cell).order_by("id")[:2])
    gmember = Member.objects.filter(cell=gcell).order_by("id").first()
    cast = [
        ("admin", None, None, None, "quản trị hệ thống", True),
        ("bithu", cell, PositionKind.CELL_SECRETARY, members[0], f"bí thư {cell.name}", False),
        ("dangvien", None, None, members[1] if len(members) > 1 else None, f"đảng viên {cell.name}", False),
        ("bithucs", gcell, PositionKind.CELL_SECRETARY, gmember, f"bí thư {gcell.name} (chi bộ cơ sở)", False),
        ("dangbo", committee, PositionKind.STANDING_COMMITTEE, None, f"thường vụ {committee.name}", False),
        ("xauy", commune, PositionKind.STANDING_COMMITTEE, None, f"thường vụ {commune.name}", False),
        ("ubkt", other_commune, PositionKind.INSPECTION, None, f"ủy ban kiểm tra {other_commune.name}", False),
        ("tinhuy", province, PositionKind.STANDING_COMMITTEE, None, f"thường vụ {province.name}", False),
        ("ubkttinh", province, PositionKind.INSPECTION, None, f"ủy ban kiểm tra {province.name}", False),
    ]
    if result.central is not None:
        cast.append(("trunguong", result.central, PositionKind.STANDING_COMMITTEE, None, "Ban Bí thư (trung ương)", False))
    result.demo_cell_ids = {cell.id, gcell.id}
    for username, org, kind, member, label, superuser in cast:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_staff=superuser, is_superuser=superuser, first_name=label)
            user.set_password(DEMO_PASSWORD)
            user.save()
        if member is not None and member.user_id is None:
            member.user = user
            member.email = f"{username}@tusoi.local"
            member.save(update_fields=["user", "email"])
            user.first_name = member.full_name
            user.save(update_fields=["first_name"])
        if org is not None:
            Position.objects.get_or_create(
                user=user, organization=org, kind=kind, defaults={"valid_from": dt.date(result.year - 1, 1, 1)}
            )
        result.demo_users[username] = label


NATIONAL_PROVINCES = 34  # provinces and cities after the 2025 reorganisation
NATIONAL_MU = 2.91  # lognormal cell sizes, mean ≈ 20 members: ≈ 270k cells for 5.5 M members


def seed_province_data(
    *, members: int, seed: int = 1, year: int | None = None, with_users: bool = True, national: bool = False
) -> SeedResult:
    """Create provinces (≤ 150k members each) with a realistic irregular tree and `members` members.

    `national` builds the whole country instead: one central node above 34 provinces sharing the
    members (≈ 5.5 M members in ≈ 270k cells at full scale); the year's cycles live on the central node.
    """
    year = year or dt.date.today().year
    rng = random.Random(seed)
    result = SeedResult(year=year, seed=seed)
    n_provinces = NATIONAL_PROVINCES if national else max(1, math.ceil(members / 150_000))
    started = time.monotonic()
    existing_roots = Organization.objects.filter(depth=1).count()
    tb = _TreeBuilder(valid_from=dt.date(2025, 7, 1))
    if national:
        if existing_roots:
            raise ValueError("A national seed needs an empty tree.")
        result.central = tb.add(None, "Ban Chấp hành Trung ương Đảng", OrgKind.CENTRAL)
    all_cells: list[tuple[Organization, int]] = []
    per = [members // n_provinces + (1 if i < members % n_provinces else 0) for i in range(n_provinces)]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            skip_fk_triggers()  # every key below was just generated from rows of this transaction
        for i, n in enumerate(per):
            province, cells = _build_province(
                tb, rng, existing_roots + i, n, result.central, NATIONAL_MU if national else 2.85
            )
            result.provinces.append(province)
            all_cells.extend(cells)
        tb.save()
        first_id = Member.objects.order_by("-id").values_list("id", flat=True).first() or 0
        card_offset = int(seed) * 10_000_000 + first_id
        _insert_members(_member_rows(rng, all_cells, year, card_offset))
        _insert_memberships(first_id)
    result.timings["tree and members"] = time.monotonic() - started
    result.cells = len(all_cells)
    result.organizations = len(tb.rows)
    result.members = Member.objects.filter(id__gt=first_id).count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE organizations_organization; ANALYZE organizations_member; ANALYZE organizations_membership"
            )
    if with_users and existing_roots == 0:
        started = time.monotonic()
        _demo_users(result, all_cells)
        result.timings["demo users"] = time.monotonic() - started
    for hook in SEED_HOOKS:
        started = time.monotonic()
        hook(result)
        result.timings[hook.__name__] = time.monotonic() - started
    if connection.vendor == "postgresql":
        # COPY leaves the planner without statistics; the roll-up rebuild needs them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result
