"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests of
the one-time access codes: the code is read from the mail, as a customer would."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


class Inbox:
    """Every mail the server accepted, in order."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.mails.append(mail)  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 OK"

    def clear(self) -> None:
        with self._arrived:
            self.mails.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mails if str(m["To"]).lower() == address.lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        """The mails to ``address`` once ``count`` arrived (the server runs in a thread)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.to(address)) >= count, timeout=timeout)
        return self.to(address)

    def code_for(self, address: str, count: int = 1) -> str:
        """The code in the newest of ``count`` mails to ``address``."""
        body = self.wait_for(address, count)[-1].get_body(("plain",))
        assert body is not None
        match = CODE.search(body.get_content())
        assert match, "no 6-digit code in the mail"
        return match.group(0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, dict[str, str]]]:
    """A running server, its inbox and the ``SMTP_*`` environment that points at it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                      "SMTP_FROM": "claims@example.invalid"}  # fmt: skip
    finally:
        controller.stop()
