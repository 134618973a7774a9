"""Real processes for the fault tests: Celery worker, beat and the outbox relay as subprocesses.

They run against the test database and this machine's Redis, on a queue of their own (so other
tests' workers never take their tasks), in their own process group so `kill -9` takes the whole
worker (main process and pool children) down at once, as a crash would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PROXY_PORT = int(os.environ.get("FAULT_PROXY_PORT", "8131"))


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Stack:
    def __init__(self, tmp_path: Path):
        self.queue = f"fault-{uuid.uuid4().hex[:8]}"
        self.redis_url = settings.REDIS_URL
        self.procs: list[subprocess.Popen] = []
        self.logs = tmp_path
        self.env_extra = {
            "JOB_HEARTBEAT_SECONDS": "1",
            "JOB_HEARTBEAT_STALE_SECONDS": "8",
            "ROLLUPS_SWEEP_GRACE_SECONDS": "8",
        }

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=_database_url(),
            REDIS_URL=self.redis_url,
            CELERY_QUEUE=self.queue,
            LOG_LEVEL="WARNING",
            REQUEST_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="config.settings",
            **self.env_extra,
        )
        env.pop("PYTEST_XDIST_WORKER", None)
        return env

    def start(self, kind: str) -> subprocess.Popen:
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        cmd = {
            "worker": [*celery, "worker", "-l", "warning", "--concurrency", "2", "--without-mingle",
                       "--without-gossip", "-n", f"{self.queue}-{len(self.procs)}@%h"],
            "beat": [*celery, "beat", "-l", "warning", "--pidfile=",
                     "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
            "relay": [sys.executable, "manage.py", "outbox_relay", "--poll", "0.5"],
        }[kind]
        log = open(self.logs / f"{kind}-{len(self.procs)}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        proc.kind = kind
        self.procs.append(proc)
        return proc

    def kill9(self, proc: subprocess.Popen) -> None:
        """A crash: SIGKILL to the process group (the worker and its pool children)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 15
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill9(proc)

    def wait_worker_ready(self, timeout: float = 60) -> None:
        from core.tasks import worker_ping

        token = uuid.uuid4().hex
        answer = worker_ping.apply_async(args=[token], queue=self.queue).get(timeout=timeout)
        assert answer == f"pong:{token}"

    def tail(self) -> str:
        out = []
        for path in sorted(self.logs.glob("*.log")):
            out.append(f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-25:]))
        return "\n".join(out)


@pytest.fixture
def stack(transactional_db, tmp_path):
    from config.celery import app

    app.conf.task_always_eager = False
    s = Stack(tmp_path)
    try:
        yield s
    finally:
        s.stop_all()


class TcpProxy:
    """127.0.0.1:PROXY_PORT → Redis: 'the broker' that the broker-down test takes away and brings back."""

    def __init__(self, target=("127.0.0.1", 6379), port: int = PROXY_PORT):
        self.target, self.port = target, port
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []

    def start(self) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.close()
        self.conns = []


@pytest.fixture
def proxy():
    p = TcpProxy()
    try:
        yield p
    finally:
        p.stop()
