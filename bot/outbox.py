"""The gateway's outbox: customer messages on their way to Rasa, in the case database.

Why a table and not a list in memory: a message the customer sent must reach Rasa even
when Rasa is down and the gateway restarts meanwhile (issue 16, "nothing lost"). Each
message is written here before it is sent and deleted once Rasa answered; the hub's
supervised worker sends what is left, per sender in order.

Why an idempotency key: when the reply never came back (a read timeout, Rasa killed after
it saved the turn) Rasa may or may not have the message. Such a row is ``uncertain``; the
key went along as ``metadata.message_id`` and Rasa keeps metadata on the user event, so
the worker looks the key up in the tracker and resends only when it is not there.

Synchronous SQLAlchemy like :mod:`bot.transcript`: the hub calls it off the event loop.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.rasa_client import KEY_FIELD
from db.models import OutboxRow


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One kept message; ``uncertain`` when Rasa may already have it."""

    key: str
    sender: str
    text: str
    metadata: dict[str, Any]
    language: str
    uncertain: bool
    #: When the reply to it went missing (only for ``uncertain``).
    failed_at: datetime | None = None


def new_key() -> str:
    return uuid.uuid4().hex


class Outbox:
    """Kept customer messages, oldest first per sender."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def add(self, sender: str, text: str, metadata: dict[str, Any], language: str) -> Outgoing:
        """Keep one message under a new key, also put into ``metadata`` (:data:`KEY_FIELD`)."""
        key = new_key()
        metadata = {**metadata, KEY_FIELD: key}
        with self.sessions() as session, session.begin():
            session.add(
                OutboxRow(key=key, sender=sender, text=text, meta=metadata, language=language)
            )
        return Outgoing(key, sender, text, metadata, language, uncertain=False)

    def done(self, key: str) -> None:
        """Rasa has it and answered: forget it."""
        with self.sessions() as session, session.begin():
            session.execute(delete(OutboxRow).where(OutboxRow.key == key))

    def failed(self, key: str, *, maybe_delivered: bool) -> None:
        """Sending failed; ``maybe_delivered`` when the request went out but no reply came
        back, so Rasa may have it: from then on the row is ``uncertain``."""
        values: dict[str, Any] = {"attempts": OutboxRow.attempts + 1}
        if maybe_delivered:
            values.update(state="uncertain", failed_at=datetime.now(UTC))
        with self.sessions() as session, session.begin():
            session.execute(update(OutboxRow).where(OutboxRow.key == key).values(**values))

    def count(self, sender: str) -> int:
        with self.sessions() as session:
            stmt = select(func.count(OutboxRow.id)).where(OutboxRow.sender == sender)
            return int(session.execute(stmt).scalar_one())

    def senders(self) -> list[str]:
        """Senders with kept messages, the one waiting longest first."""
        with self.sessions() as session:
            stmt = (
                select(OutboxRow.sender, func.min(OutboxRow.id).label("first"))
                .group_by(OutboxRow.sender)
                .order_by("first")
            )
            return [str(sender) for sender, _ in session.execute(stmt)]

    def of(self, sender: str) -> list[Outgoing]:
        with self.sessions() as session:
            stmt = select(OutboxRow).where(OutboxRow.sender == sender).order_by(OutboxRow.id)
            return [
                Outgoing(r.key, r.sender, r.text, dict(r.meta), r.language,
                         uncertain=r.state == "uncertain", failed_at=r.failed_at)
                for r in session.execute(stmt).scalars()
            ]

    def forget_sender(self, sender: str) -> int:
        """Privacy deletion: drop what this sender still had on its way."""
        with self.sessions() as session, session.begin():
            result = session.execute(delete(OutboxRow).where(OutboxRow.sender == sender))
            return int(getattr(result, "rowcount", 0) or 0)
