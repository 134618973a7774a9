"""The replica router against a real streaming replica (scripts/replica.sh: a second PostgreSQL
cluster on port 5433 fed by pg_basebackup -R). Skipped, saying why, only when it cannot start."""

from __future__ import annotations

import subprocess
import time
import types
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.db_router import PIN_COOKIE, REPLICA, read_alias, replica_reads
from organizations.models import Organization
from rollups.models import OrgRollup
from rollups.services import rollups_rebuild

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "replica.sh"


@pytest.fixture(scope="session")
def _replica_cluster():
    try:
        subprocess.run(["bash", str(SCRIPT), "start"], check=True, capture_output=True, text=True, timeout=1200)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or exc
        pytest.skip(f"the streaming replica (scripts/replica.sh, port 5433) could not start: {detail}")


@pytest.fixture
def replica(_replica_cluster, settings):
    """A "replica" alias on the standby, for the test database (replicated like every database)."""
    primary = connections["default"].settings_dict
    alias = {**primary, "HOST": "127.0.0.1", "PORT": "5433", "CONN_MAX_AGE": 0, "TEST": {"MIRROR": "default"}}
    connections.settings[REPLICA] = alias
    settings.DATABASES = {**settings.DATABASES, REPLICA: alias}
    settings.DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
    standby = connections[REPLICA]
    # Django's test case fences off aliases it does not list (and would flush a listed one, which a
    # read-only standby refuses). Nothing is written there: give this connection the real method.
    patched = BaseDatabaseWrapper.ensure_connection
    real = next(
        (c.cell_contents for c in patched.__closure__ or () if getattr(c.cell_contents, "__name__", "") == "ensure_connection"),
        patched,
    )
    standby.ensure_connection = types.MethodType(real, standby)
    yield standby
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _caught_up(replica, org_id: int, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with replica.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM rollups_orgrollup WHERE organization_id = %s", [org_id])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.2)
    pytest.fail("the replica did not receive the primary's rows within 180 s")


def test_it_is_a_real_read_only_standby(replica):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
        with pytest.raises(DatabaseError, match="read-only"):
            cursor.execute("CREATE TABLE replica_probe (id int)")


def test_dashboard_and_verify_read_from_the_replica(client, cast, replica):
    from reviews.services import cycle_create

    today = timezone.localdate()
    cycle_create(  # verify_rollups checks the years that have a cycle
        organization=cast.tree.province, year=today.year, self_assessment_deadline=today,
        meeting_deadline=today, decision_deadline=today,
    )
    rollups_rebuild(year=today.year)
    province = cast.tree.province
    _caught_up(replica, province.pk)
    client.force_login(cast.province.user)
    client.get(reverse("notifications:inbox"))  # session and scope cached outside the measured request
    url = reverse("rollups:dashboard", args=[province.pk])
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(url)
    assert response.status_code == 200 and province.name in response.content.decode()
    assert any("rollups_orgrollup" in q["sql"] for q in on_replica.captured_queries), "dashboard"
    with CaptureQueriesContext(replica) as on_replica:
        call_command("verify_rollups", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert any("rollups_orgrollup" in q["sql"] for q in on_replica.captured_queries)


def _org_replicated(replica, org_id: int, timeout: float = 180.0) -> None:
    """Streaming replication is asynchronous: wait until the standby has replayed the fixtures."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with replica.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM organizations_organization WHERE id = %s", [org_id])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.2)
    pytest.fail("the replica did not receive the primary's rows within 180 s")


def test_own_writes_are_read_back_from_the_primary(client, cast, replica):
    _org_replicated(replica, cast.tree.cell.pk)
    with replica_reads(fresh=True):  # a new unit of work (the fixtures wrote before it)
        assert read_alias() == REPLICA
        assert Organization.objects.all().db == REPLICA
        org = Organization.objects.get(pk=cast.tree.cell.pk)
        org.name = "Chi bộ Tổ 1 (đổi tên)"
        org.save()
        # the same request reads its own write from the primary, not the lagging standby
        assert read_alias() == "default"
        assert Organization.objects.get(pk=org.pk).name == "Chi bộ Tổ 1 (đổi tên)"
        assert OrgRollup.objects.all().db == "default"


def test_a_browser_that_wrote_stays_on_the_primary_for_a_while(client, cast, replica):
    from notifications.models import Notification

    note = Notification.objects.create(user=cast.province.user, title="Nhắc việc", link="/")
    client.force_login(cast.province.user)
    response = client.post(reverse("notifications:read", args=[note.pk]))
    assert PIN_COOKIE in response.cookies
    rollups_rebuild(year=timezone.localdate().year)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(reverse("rollups:dashboard", args=[cast.tree.province.pk])).status_code == 200
    assert on_replica.captured_queries == []
