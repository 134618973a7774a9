"""A few SMTP connections used in parallel, each kept open for the whole run.

Submitting a message costs four round trips (MAIL, RCPT, DATA, body); a handful of connections
overlaps them. The threads only talk SMTP; the database stays in the caller's thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from django.core.mail import EmailMessage, get_connection


class SmtpPool:
    def __init__(self, size: int = 4):
        self.size = max(1, size)
        self._local = threading.local()
        self._opened: list = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="smtp")

    def __enter__(self) -> SmtpPool:
        return self

    def __exit__(self, *exc) -> None:
        self._executor.shutdown(wait=True)
        for connection in self._opened:
            # closing a broken connection must not hide the real error
            with contextlib.suppress(Exception):
                connection.close()

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = get_connection()
            connection.open()  # a failure here (server down) is raised for this slice
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def _send_slice(self, messages: Sequence[EmailMessage]) -> tuple[int, BaseException | None]:
        """Send in order; stop at the first refusal. Returns how many the server accepted."""
        done = 0
        try:
            connection = self._connection()
            for message in messages:
                connection.send_messages([message])  # raises unless the server accepted it
                done += 1
        except Exception as exc:  # noqa: BLE001 - handed back to the caller, who records and re-raises
            self._local.connection = None
            return done, exc
        return done, None

    def send(self, messages: Sequence[EmailMessage]) -> tuple[list[bool], BaseException | None]:
        """Send `messages` over the pool; return which were accepted, and the first error."""
        n = len(messages)
        step = -(-n // self.size) if n else 1
        slices = [(start, messages[start : start + step]) for start in range(0, n, step)]
        accepted = [False] * n
        error = None
        for (start, _part), (done, exc) in zip(
            slices, self._executor.map(lambda s: self._send_slice(s[1]), slices), strict=True
        ):
            for i in range(start, start + done):
                accepted[i] = True
            error = error or exc
        return accepted, error
