"""The standing cast: a small irregular tree and one user per role, so denial tests are cheap.

Đảng bộ tỉnh (province)              ← `province` (standing committee)
├── Đảng bộ xã An Hòa (commune)
│   └── Đảng bộ Trường THPT (grassroots committee)   ← `committee` (standing committee)
│       ├── Chi bộ Tổ 1 (cell)       ← `secretary` (cell secretary, also a member), `member`
│       └── Chi bộ Tổ 2 (cell)       ← `other_secretary`
└── Đảng bộ xã Minh Quang (commune)   ← `inspector` (inspection committee, elsewhere)
    └── Chi bộ Thôn Đông (grassroots cell)
`outsider`: an account with neither member record nor position.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from types import SimpleNamespace

import pytest

from organizations import services
from organizations.models import OrgKind, PositionKind
from tests.factories import MemberFactory, UserFactory, make_org


def _own_celery_queue() -> None:
    """One Celery queue per test process: parallel suites (xdist workers, other checkouts) share Redis,
    and a worker thread must never take a task written into another process's test database."""
    import os

    from config.celery import app

    app.conf.task_default_queue = f"tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    app.conf.task_routes = {}  # the per-kind queues (settings.CELERY_TASK_ROUTES) would be shared


_own_celery_queue()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """django-axes needs a request in authenticate(); only the lockout tests turn it back on.
    The activation throttle counts in the cache: each test gets its own key prefix.
    A fast hasher keeps the standing cast cheap (production keeps Django's default)."""
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The second factor is switched off like axes; tests/accounts turn it on (`two_factor` fixture)
    # and verify a real TOTP device for the committee pages they reach.
    settings.TWO_FACTOR_REQUIRED_POSITIONS = []
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = False
    # Activation throttle counters live in the cache (Redis, shared with the Celery broker: never
    # flush it); a fresh key prefix per test starts them at zero.
    import uuid

    settings.ACCOUNT_THROTTLE_PREFIX = f"acct-test-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _reference_data_and_language(request):
    """Transactional tests truncate every table, data-migration rows included: put them back.
    Also reset the active language, which a request in English leaves behind in the thread."""
    from django.utils import translation

    translation.activate("vi")
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
        from core.reference import reference_data_ensure

        reference_data_ensure()
    yield
    translation.activate("vi")


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames


@pytest.fixture
def tree(db):
    province = make_org("Đảng bộ tỉnh Hậu Giang", OrgKind.PROVINCE)
    commune = make_org("Đảng bộ xã An Hòa", OrgKind.COMMUNE, province)
    committee = make_org("Đảng bộ Trường THPT An Hòa", OrgKind.GRASSROOTS_COMMITTEE, commune)
    cell = make_org("Chi bộ Tổ 1", OrgKind.CELL, committee)
    cell2 = make_org("Chi bộ Tổ 2", OrgKind.CELL, committee)
    commune2 = make_org("Đảng bộ xã Minh Quang", OrgKind.COMMUNE, province)
    gcell = make_org("Chi bộ Thôn Đông", OrgKind.GRASSROOTS_CELL, commune2)
    return SimpleNamespace(
        province=province, commune=commune, committee=committee, cell=cell, cell2=cell2, commune2=commune2, gcell=gcell
    )


def _user_with(username, *, org=None, kind=None, member_cell=None, full_name=None):
    user = UserFactory(username=username)
    member = None
    if member_cell is not None:
        member = MemberFactory(cell=member_cell, user=user, **({"full_name": full_name} if full_name else {}))
    if org is not None:
        services.position_assign(user=user, organization=org, kind=kind, valid_from=dt.date(2020, 1, 1))
    return SimpleNamespace(user=user, member=member)


@pytest.fixture
def cast(tree):
    return SimpleNamespace(
        tree=tree,
        member=_user_with("dangvien", member_cell=tree.cell, full_name="Trần Thị Bình"),
        secretary=_user_with(
            "bithu", org=tree.cell, kind=PositionKind.CELL_SECRETARY, member_cell=tree.cell, full_name="Lê Văn An"
        ),
        other_secretary=_user_with("bithu2", org=tree.cell2, kind=PositionKind.CELL_SECRETARY, member_cell=tree.cell2),
        committee=_user_with("dangbo", org=tree.committee, kind=PositionKind.STANDING_COMMITTEE),
        inspector=_user_with("ubkt", org=tree.commune2, kind=PositionKind.INSPECTION),
        province=_user_with("tinhuy", org=tree.province, kind=PositionKind.STANDING_COMMITTEE),
        outsider=_user_with("ngoai"),
    )


@pytest.fixture
def celery_worker_thread(transactional_db, settings):
    """A real Celery worker (solo pool, in a thread) consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "make test sets REDIS_URL"
    app.conf.task_always_eager = False
    app.loader.import_default_modules()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker, _relay_thread():
        yield worker


@contextlib.contextmanager
def _relay_thread():
    """The outbox relay (what `manage.py outbox_relay` runs) in a thread: writes reach the worker."""
    import threading

    from core.outbox import outbox_relay_forever

    stop = threading.Event()
    thread = threading.Thread(target=outbox_relay_forever, kwargs={"stop": stop, "poll": 0.2}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)


from tests.rollups.conftest import cycles, populated, years  # noqa: E402, F401 - also used outside tests/rollups
