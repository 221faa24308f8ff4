"""Web chat sessions the gateway issues: the only thing that identifies a web customer.

Why: the widget used to pick its own session id and send it in every URL, so the id was a
never-expiring bearer secret that showed up in logs, exports and the console, and any
client could choose one. Now ``POST /chat/session`` hands out a random token
(``secrets.token_urlsafe(32)``); the case database keeps only ``HMAC(SESSION_HMAC_KEY,
token)`` with an expiry (``SESSION_TTL_HOURS``), and the sender id is ``web:<id>`` with the
id derived from that HMAC. So the token itself never reaches Rasa, the transcript, a log or
an export, and a copy of the database opens no chat.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import WebSessionRow, utcnow

#: Tokens are ``token_urlsafe(32)`` (43 characters); anything else is refused unread.
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
MAX_TOKEN_LENGTH = 128


def token_hmac(key: bytes, token: str) -> str:
    """What the database keeps of a token."""
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def sender_of(key: bytes, mac: str) -> str:
    """``web:<id>``: a second, labelled HMAC of the stored one (never the token)."""
    derived = hmac.new(key, b"sender|" + mac.encode(), hashlib.sha256)
    return f"web:{derived.hexdigest()[:32]}"


@dataclass(frozen=True, slots=True)
class IssuedSession:
    token: str
    sender: str
    expires_at: datetime


class WebSessions:
    """Issues tokens and turns a presented token into its sender id (or None)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        key: bytes,
        ttl: timedelta,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if not key:
            raise ValueError("a web session key is needed")
        self._sessions = sessions
        self._key = key
        self.ttl = ttl
        self._clock = clock

    def _mac(self, token: str) -> str:
        return token_hmac(self._key, token)

    def _sender_of(self, mac: str) -> str:
        return sender_of(self._key, mac)

    def issue(self) -> IssuedSession:
        """A new session; expired ones are dropped on the way, so the table stays bounded."""
        token = secrets.token_urlsafe(32)
        mac = self._mac(token)
        now = self._clock()
        row = WebSessionRow(
            token_hmac=mac,
            sender=self._sender_of(mac),
            created_at=now,
            expires_at=now + self.ttl,
        )
        with self._sessions.begin() as db:
            db.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
            db.add(row)
        return IssuedSession(token, row.sender, row.expires_at)

    def sender_for(self, token: str | None) -> str | None:
        """The sender id of a valid, unexpired token; None for anything else."""
        if not token or len(token) > MAX_TOKEN_LENGTH or not set(token) <= TOKEN_CHARS:
            return None
        with self._sessions() as db:
            row = db.scalars(
                select(WebSessionRow).where(WebSessionRow.token_hmac == self._mac(token))
            ).first()
        if row is None or row.expires_at <= self._clock():
            return None
        return row.sender
