"""Sending a one-time access code by email: a thin adapter behind :class:`CodeMailer`.

Why a Protocol: the account actions only need "send this text to that address"; SMTP is
one way to do it (configured by ``SMTP_*``, ``db.settings.MailSettings``), and a test or
another transport can stand in without the actions knowing.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from functools import lru_cache
from typing import Protocol

from db.settings import MailSettings

#: Seconds to wait for the mail server: a slow server must not hang the chat for long.
SMTP_TIMEOUT = 15


class CodeMailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class SmtpMailer:
    """Plain SMTP, optionally STARTTLS and login, one connection per mail."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.from_
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.settings.host, self.settings.port, timeout=SMTP_TIMEOUT) as smtp:
            if self.settings.starttls:
                smtp.starttls()
            if self.settings.user:
                smtp.login(self.settings.user, self.settings.password)
            smtp.send_message(message)


@lru_cache(maxsize=1)
def code_mailer() -> CodeMailer | None:
    """The configured mailer, read from the environment on first use; None if unset."""
    settings = MailSettings()
    return SmtpMailer(settings) if settings.configured else None
