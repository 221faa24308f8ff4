"""One-time access codes: how a conversation that does not own a case proves it may.

Why: knowing a reference, an email or a phone number proves nothing (all of them travel in
letters, screenshots and forwarded mails). The secret is a 6-digit code we send to the
case's own email; only its salted scrypt hash is stored, for ten minutes, and it is
compared exactly and in constant time. Every code asked for and every wrong code is an
attempt; five attempts in thirty minutes, counted per asking identity and per reference,
lock that identity (or that reference) out until the window has passed. Attempts are kept
for references that do not exist too, so the answers never tell the two apart.

Everything works on the caller's session; the caller commits (``actions/store.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import AccessAttemptRow, AccessCodeRow, ChannelIdentityRow
from db.repository import ChannelIdentity

#: A code in a message: six digits standing alone.
CODE_IN_TEXT = re.compile(r"(?<!\d)\d{6}(?!\d)")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class Outcome(StrEnum):
    GRANTED = "granted"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class AccessLimits:
    code_ttl: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    lockout: timedelta = timedelta(minutes=30)


def code_in(text: str) -> str | None:
    """The code a message holds: exactly one standalone 6-digit group, else None."""
    found = CODE_IN_TEXT.findall(text)
    return found[0] if len(found) == 1 else None


def hash_code(code: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(code.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def code_matches(code: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    again = hash_code(code, bytes.fromhex(salt)).split("$")[2]
    return hmac.compare_digest(again, digest)


class AccessCodes:
    """The code store on one session (SQLite or PostgreSQL)."""

    def __init__(self, session: Session, limits: AccessLimits | None = None) -> None:
        self.session = session
        self.limits = limits or AccessLimits()

    def is_locked(self, identity: str, reference: str, now: datetime) -> bool:
        """Too many attempts lately by this identity, or at this reference."""
        since = now - self.limits.lockout
        for column, value in (
            (AccessAttemptRow.identity, identity),
            (AccessAttemptRow.case_reference, reference),
        ):
            stmt = select(func.count()).where(column == value, AccessAttemptRow.at > since)
            if self.session.execute(stmt).scalar_one() >= self.limits.max_attempts:
                return True
        return False

    def attempt(self, identity: str, reference: str, kind: str, now: datetime) -> None:
        self.session.add(
            AccessAttemptRow(at=now, identity=identity, case_reference=reference, kind=kind)
        )
        self.session.flush()

    def issue(self, identity: str, reference: str, now: datetime) -> str:
        """A fresh code for ``identity`` on ``reference`` (the old one is gone); an attempt."""
        self.attempt(identity, reference, "request", now)
        self._forget(identity, reference)
        code = f"{secrets.randbelow(10**6):06d}"
        self.session.add(
            AccessCodeRow(
                case_reference=reference, identity=identity, code_hash=hash_code(code),
                created_at=now, expires_at=now + self.limits.code_ttl,
            )
        )  # fmt: skip
        self.session.flush()
        return code

    def check(self, identity: str, reference: str, code: str, now: datetime) -> Outcome:
        """Whether ``code`` is the live code this identity was sent for ``reference``; a
        wrong one is an attempt, and the one that reaches the limit answers LOCKED."""
        if self.is_locked(identity, reference, now):
            return Outcome.LOCKED
        stmt = select(AccessCodeRow).where(
            AccessCodeRow.identity == identity,
            AccessCodeRow.case_reference == reference,
            AccessCodeRow.expires_at > now,
        )
        rows = self.session.execute(stmt).scalars().all()
        if any(code_matches(code, row.code_hash) for row in rows):
            self._forget(identity, reference)
            return Outcome.GRANTED
        self.attempt(identity, reference, "wrong_code", now)
        return Outcome.LOCKED if self.is_locked(identity, reference, now) else Outcome.WRONG

    def _forget(self, identity: str, reference: str) -> None:
        self.session.execute(
            delete(AccessCodeRow).where(
                AccessCodeRow.identity == identity, AccessCodeRow.case_reference == reference
            )
        )

    def forget_identity(self, identity: str) -> None:
        """Drop the codes and attempts of an identity (the customer's data is deleted)."""
        self.session.execute(delete(AccessCodeRow).where(AccessCodeRow.identity == identity))
        self.session.execute(delete(AccessAttemptRow).where(AccessAttemptRow.identity == identity))


def grant_identity(session: Session, identity: str, customer_id: int) -> None:
    """``identity`` proved it holds the customer's code: from now on it is theirs.

    The gateway records every message on its sender's customer, so an identity that asks
    for a code already has a customer of its own; linking would do nothing. The identity
    moves to the case's customer; what it had on its own stays on the old customer.
    """
    ident = ChannelIdentity.parse(identity)
    row = session.execute(
        select(ChannelIdentityRow).where(
            ChannelIdentityRow.channel == ident.channel,
            ChannelIdentityRow.external_id == ident.external_id,
        )
    ).scalar_one_or_none()
    if row is None:
        session.add(
            ChannelIdentityRow(
                customer_id=customer_id, channel=ident.channel, external_id=ident.external_id
            )
        )
    else:
        row.customer_id = customer_id
    session.flush()
