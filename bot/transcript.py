"""The gateway's door to the case database: transcript, customers, hand-off mode.

Why here and not in the hub: these calls are synchronous SQLAlchemy units of work, kept in
one place so the async code runs them in a worker thread (``asyncio.to_thread``) and tests
can point them at a throw-away SQLite file.

The sender id (``web:<session>``, ``tg:<chat id>``) is the channel identity stored on the
customer, exactly as the action server stores it (``actions.store.identity_of``), so both
sides find the same customer and draft case.

Hand-off mode is persisted as audit entries (``handoff_started`` / ``handoff_ended`` with
``details.sender``) because the audit log is append-only and already says who did what and
when; :meth:`Transcript.modes` replays them at start-up. No new table is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from claims.lifecycle import CustomerCaller, current_case, record_message
from db.models import AuditRow, TranscriptRow
from db.uow import UnitOfWork

#: Channel names stored on transcript rows, by sender-id prefix.
CHANNELS = {"web": "web", "tg": "telegram"}
HANDOFF_ACTIONS = ("handoff_started", "handoff_ended")


def channel_of(sender: str) -> str:
    prefix = sender.split(":", 1)[0]
    return CHANNELS.get(prefix, prefix)


@dataclass(frozen=True, slots=True)
class HistoryItem:
    sender: str  # customer | bot | agent | system
    text: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"sender": self.sender, "text": self.text, "at": self.at.isoformat()}


class Transcript:
    """Synchronous case-store operations the channels need; call them off the event loop."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def record(self, sender: str, who: str, text: str, *, language: str = "zh") -> str | None:
        """Store one message (who: customer, bot, agent, system); returns the case ref."""
        return record_message(
            UnitOfWork(self.sessions), CustomerCaller(sender), who, channel_of(sender), text,
            language=language,
        )

    def known(self, sender: str) -> bool:
        """Whether this identity is a customer we have heard from."""
        with UnitOfWork(self.sessions) as uow:
            return uow.cases.customer_for_identity(sender) is not None

    def case_for(self, sender: str, *, language: str = "zh") -> str | None:
        """The case evidence from this sender belongs to (draft first, then open)."""
        with UnitOfWork(self.sessions) as uow:
            customer = uow.cases.customer_for_identity(sender)
            if customer is None:
                return None
            return current_case(uow.cases, customer.id)

    def history(self, sender: str, limit: int = 200) -> list[HistoryItem]:
        """The newest ``limit`` messages of this identity's customer, oldest first."""
        with UnitOfWork(self.sessions) as uow:
            customer = uow.cases.customer_for_identity(sender)
            if customer is None:
                return []
            stmt = (
                select(TranscriptRow)
                .where(TranscriptRow.customer_id == customer.id)
                .order_by(TranscriptRow.at.desc(), TranscriptRow.id.desc())
                .limit(limit)
            )
            rows = list(uow.session.execute(stmt).scalars())
            return [HistoryItem(r.sender, r.text, r.at) for r in reversed(rows)]

    def record_mode(self, sender: str, mode: str, *, actor: str, reason: str = "") -> None:
        """Persist a hand-off change as an audit entry (see module docstring)."""
        with UnitOfWork(self.sessions) as uow:
            customer = uow.cases.get_or_create_customer(sender)
            reference = current_case(uow.cases, customer.id)
            uow.cases.audit(
                "handoff_started" if mode == "human" else "handoff_ended",
                actor=actor,
                case_reference=reference,
                customer_id=customer.id,
                details={"sender": sender, "mode": mode, "reason": reason},
            )
            uow.commit()

    def modes(self) -> dict[str, str]:
        """Senders whose latest hand-off entry says a human has the chat."""
        result: dict[str, str] = {}
        with UnitOfWork(self.sessions) as uow:
            stmt = (
                select(AuditRow)
                .where(AuditRow.action.in_(HANDOFF_ACTIONS))
                .order_by(AuditRow.id)
            )
            for row in uow.session.execute(stmt).scalars():
                sender = (row.details or {}).get("sender")
                if isinstance(sender, str):
                    result[sender] = "human" if row.action == "handoff_started" else "bot"
        return {s: m for s, m in result.items() if m == "human"}
