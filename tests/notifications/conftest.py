"""A commitment cycle and a review cycle over the standing cast, and a real SMTP server."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from commitments.models import Commitment, CommitmentCycle, CommitmentStatus
from organizations.models import MemberStatus, OrgKind, PositionKind
from organizations.services import position_assign
from reviews.models import GradingRegime, ReviewCycle
from tests.factories import MemberFactory, UserFactory, make_org

from .smtp import SmtpServer

YEAR = 2026
DEADLINE = dt.date(2026, 2, 28)
SITE = "https://tusoi.example.vn"


@pytest.fixture
def smtp(settings):
    """aiosmtpd on a free localhost port, wired in as Django's SMTP backend."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10
        settings.SITE_URL = SITE
        yield server.recorder


def _email(user, address: str) -> None:
    user.email = address
    user.save(update_fields=["email"])


@pytest.fixture
def people(cast):
    """The cast with addresses, plus members who must not be reminded.

    Tổ 1: dangvien (missing), bithu (missing), `done` (submitted), `exempt` (exempt).
    Tổ 2: bithu2 (missing), `no_account` (missing, email only, no user).
    Thôn Đông (grassroots cell): `village` (missing) and its secretary `bithucs`.
    Another province: `outside` (missing, but not in the cycle).
    """
    t = cast.tree
    for who in ("member", "secretary", "other_secretary", "committee", "inspector", "province", "outsider"):
        user = getattr(cast, who).user
        _email(user, f"{user.username}@example.vn")
    done = MemberFactory(cell=t.cell, full_name="Phạm Văn Xong", email="xong@example.vn")
    exempt = MemberFactory(cell=t.cell, full_name="Hoàng Văn Miễn", email="mien@example.vn", status=MemberStatus.EXEMPT)
    no_account = MemberFactory(cell=t.cell2, full_name="Vũ Thị Thư", email="thu@example.vn")
    village_user = UserFactory(username="bithucs", email="bithucs@example.vn")
    village_secretary = MemberFactory(cell=t.gcell, full_name="Đặng Văn Làng", user=village_user)
    position_assign(
        user=village_user, organization=t.gcell, kind=PositionKind.CELL_SECRETARY, valid_from=dt.date(2020, 1, 1)
    )
    other_province = make_org("Đảng bộ tỉnh Khác", OrgKind.PROVINCE)
    other_cell = make_org("Chi bộ Khác", OrgKind.GRASSROOTS_CELL, other_province)
    outside = MemberFactory(cell=other_cell, full_name="Ngô Văn Ngoài", email="ngoai@example.vn")
    return SimpleNamespace(
        **vars(cast), done=done, exempt=exempt, no_account=no_account, village=village_secretary, outside=outside,
        village_user=village_user,
    )  # fmt: skip


@pytest.fixture
def commitment_cycle(people):
    cycle = CommitmentCycle.objects.create(
        organization=people.tree.province, year=YEAR, opens_on=dt.date(2026, 1, 5), deadline=DEADLINE
    )
    Commitment.objects.create(
        member=people.done, year=YEAR, cycle=cycle, status=CommitmentStatus.SUBMITTED, submitted_at=timezone.now()
    )
    # a draft does not count as submitted
    Commitment.objects.create(member=people.member.member, year=YEAR, cycle=cycle, status=CommitmentStatus.DRAFT)
    return cycle


def _regime() -> GradingRegime:
    """The regimes come from a data migration, which a transactional test's flush wipes out."""
    from reviews.regimes import REGIMES

    row = REGIMES[-1]
    regime, _ = GradingRegime.objects.get_or_create(
        code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
    )
    return regime


@pytest.fixture
def review_cycle(people):
    return ReviewCycle.objects.create(
        organization=people.tree.province,
        year=YEAR,
        regime=_regime(),
        self_assessment_deadline=dt.date(2026, 12, 10),
        meeting_deadline=dt.date(2026, 12, 25),
        decision_deadline=dt.date(2027, 1, 15),
    )
