"""Read-side queries of the staff side: queue extras, chat feed, hand-off and escalation events.

Why apart from :mod:`db.repository`: these queries span cases, customers, transcript and
audit rows for lists and watchers, and return plain records; the repository maps one case
aggregate. Keeping them here means the staff service never touches ORM rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditRow, CaseRow, Customer, EscalationRow, TranscriptRow
from db.repository import CaseNotFound

#: Audit actions that open and close a hand-off of a customer's chat.
HANDOFF_ACTIONS = ("handoff_started", "handoff_ended")


@dataclass(frozen=True, slots=True)
class QueueExtra:
    """What the queue shows beside a case summary."""

    description: str
    customer_name: str | None
    company: str | None


@dataclass(frozen=True, slots=True)
class HandoffEvent:
    """The latest hand-off audit entry of one customer chat (``sender``)."""

    sender: str
    action: str
    at: datetime
    case_reference: str | None
    customer_id: int | None


@dataclass(frozen=True, slots=True)
class OpenEscalation:
    reference: str
    priority: int
    reason: str


class StaffReads:
    """Queries over one session; like the repository, it never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def last_customer_channel(self, customer_id: int) -> str | None:
        """The channel the customer wrote on last (``web``, ``telegram``), if any."""
        return self.session.execute(
            select(TranscriptRow.channel)
            .where(TranscriptRow.customer_id == customer_id, TranscriptRow.sender == "customer")
            .order_by(TranscriptRow.at.desc(), TranscriptRow.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    def messages(self, reference: str, after: int = 0, limit: int = 500) -> list[dict[str, Any]]:
        """Chat messages of the case and of its customer (the hub may store them case-less)."""
        row = self.session.execute(
            select(CaseRow.id, CaseRow.customer_id).where(CaseRow.reference == reference)
        ).first()
        if row is None:
            raise CaseNotFound(reference)
        case_id, customer_id = row
        cond = TranscriptRow.case_id == case_id
        if customer_id is not None:
            cond = cond | (TranscriptRow.customer_id == customer_id)
        stmt = (
            select(TranscriptRow)
            .where(cond, TranscriptRow.id > after)
            .order_by(TranscriptRow.id)
            .limit(limit)
        )
        return [
            {
                "id": m.id,
                "sender": m.sender,
                "channel": m.channel,
                "text": m.text,
                "at": m.at.isoformat(),
                "redacted": m.redacted,
            }
            for m in self.session.execute(stmt).scalars()
        ]

    def open_escalations(self, refs: list[str]) -> dict[str, list[tuple[str, datetime]]]:
        """Unresolved escalation reasons per case, oldest first."""
        out: dict[str, list[tuple[str, datetime]]] = {r: [] for r in refs}
        if not refs:
            return out
        rows = self.session.execute(
            select(CaseRow.reference, EscalationRow.reason, EscalationRow.at)
            .join(EscalationRow, EscalationRow.case_id == CaseRow.id)
            .where(CaseRow.reference.in_(refs), EscalationRow.resolved_at.is_(None))
            .order_by(EscalationRow.at)
        )
        for ref, reason, at in rows:
            out[ref].append((reason, at))
        return out

    def chat_waiting(self, refs: list[str]) -> set[str]:
        """Cases whose latest hand-off audit entry says the customer waits for a person."""
        latest: dict[str, str] = {}
        if not refs:
            return set()
        rows = self.session.execute(
            select(AuditRow.case_reference, AuditRow.action)
            .where(AuditRow.case_reference.in_(refs), AuditRow.action.in_(HANDOFF_ACTIONS))
            .order_by(AuditRow.id)
        )
        for ref, action in rows:
            latest[str(ref)] = action
        return {r for r, a in latest.items() if a == "handoff_started"}

    def queue_extras(self, refs: list[str]) -> dict[str, QueueExtra]:
        """Description and customer name/company of each case."""
        if not refs:
            return {}
        rows = self.session.execute(
            select(CaseRow.reference, CaseRow.description, Customer.name, Customer.company)
            .outerjoin(Customer, Customer.id == CaseRow.customer_id)
            .where(CaseRow.reference.in_(refs))
        )
        return {ref: QueueExtra(desc or "", name, company) for ref, desc, name, company in rows}

    def latest_handoff_events(self, since: datetime) -> list[HandoffEvent]:
        """Per customer chat, its latest hand-off start/end/timeout entry since ``since``."""
        rows = self.session.execute(
            select(AuditRow)
            .where(
                AuditRow.action.in_((*HANDOFF_ACTIONS, "handoff_timeout")),
                AuditRow.at >= since,
            )
            .order_by(AuditRow.id)
        ).scalars()
        latest: dict[str, HandoffEvent] = {}
        for row in rows:
            sender = (row.details or {}).get("sender")
            if isinstance(sender, str):
                latest[sender] = HandoffEvent(
                    sender, row.action, row.at, row.case_reference, row.customer_id
                )
        return list(latest.values())

    def unannounced_escalations(self, since: datetime) -> list[OpenEscalation]:
        """Open escalations raised since ``since`` whose case was not announced yet."""
        rows = [
            OpenEscalation(ref, priority, reason)
            for ref, priority, reason in self.session.execute(
                select(CaseRow.reference, CaseRow.priority, EscalationRow.reason)
                .join(EscalationRow, EscalationRow.case_id == CaseRow.id)
                .where(EscalationRow.resolved_at.is_(None), EscalationRow.at >= since)
            )
        ]
        if not rows:
            return []
        done = set(
            self.session.execute(
                select(AuditRow.case_reference).where(
                    AuditRow.action == "escalation_announced",
                    AuditRow.case_reference.in_([r.reference for r in rows]),
                )
            ).scalars()
        )
        return [r for r in rows if r.reference not in done]
