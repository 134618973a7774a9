"""A real SMTP server on localhost (aiosmtpd) that records what it accepted (tests and bench)."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps accepted messages; refuses the next `refuse` ones with a 451."""

    def __init__(self, *, keep: bool = True):
        self.keep = keep
        self.accepted: list = []
        self.count = 0
        self.refused = 0
        self.refuse = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 Tam thoi khong nhan thu, thu lai sau"
            self.count += 1
            if self.keep:
                self.accepted.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address: str) -> list:
        return [msg for rcpts, msg in self.accepted if address in rcpts]


class SmtpServer:
    def __init__(self, *, keep: bool = True):
        self.recorder = Recorder(keep=keep)
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def body(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()
