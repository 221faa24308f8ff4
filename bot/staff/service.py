"""What staff can do with a case, without HTTP: read the queue and a case, claim, assign,
release, move the stage, note, reply, hand back, download evidence, export, erase.

Why a service apart from the API: the JSON API, the HTML console, the WebSocket chat and
the hand-off watcher all do these things; doing them here once keeps their rules (who may
take a case, what is audited under which actor, what the customer is told) in one place.
Reads and writes go through the unit of work (:mod:`db.uow`, :mod:`db.staff_reads`); stage
moves go through ``claims`` transitions. Blocking database calls are plain methods (run
them in a thread); methods that also talk to the customer's chat are ``async``.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from bot.staff.notify import Notifier, say, stage_message
from claims.case import Stage
from claims.lifecycle import StaffCaller, move_stage
from claims.names import Names
from claims.stages import allowed_next
from db.evidence_store import EvidenceStore
from db.packet import case_packet
from db.privacy import delete_customer_data
from db.repository import CaseNotFound
from db.staff_notes import add_note, notes_of
from db.staff_reads import StaffReads
from db.uow import UnitOfWork, retrying

#: Sender-id prefix → channel name stored on transcript rows (``tg:1`` is Telegram).
CHANNEL_OF_PREFIX = {"tg": "telegram", "telegram": "telegram", "web": "web"}
PRESENCE_SECONDS = 300


def utcnow() -> datetime:
    return datetime.now(UTC)


def channel_of(sender: str | None) -> str:
    prefix = (sender or "").split(":", 1)[0]
    return CHANNEL_OF_PREFIX.get(prefix, prefix or "staff")


def actor_of(agent: str) -> str:
    """The audit actor of an agent."""
    return f"agent:{agent}"


class StaffRefused(Exception):
    """The service will not do this; ``kind`` says why (the API maps it to a status)."""

    def __init__(
        self, kind: Literal["conflict", "forbidden", "not_found", "gone"], detail: str
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Contact:
    """Where and how to reach the customer of a case."""

    reference: str
    sender: str | None
    language: str
    customer_id: int | None
    assigned: str | None
    stage: str


class CaseItem(BaseModel):
    """One row of the staff queue."""

    reference: str
    category: str | None
    stage: str
    status: str
    priority: int
    language: str
    escalated: bool
    assigned_agent: str | None
    created_at: datetime
    updated_at: datetime
    waiting_since: datetime
    waiting_seconds: int
    escalation_reasons: list[str]
    customer_name: str | None
    company: str | None
    summary: str
    chat_waiting: bool


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    data: bytes
    mime: str
    name: str


class Presence:
    """Agents seen in the last :data:`PRESENCE_SECONDS` (for wait estimates)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}

    def seen(self, agent: str | None) -> None:
        if agent:
            with self._lock:
                self._seen[agent] = time.monotonic()

    def online(self) -> list[str]:
        cutoff = time.monotonic() - PRESENCE_SECONDS
        with self._lock:
            return sorted(a for a, at in self._seen.items() if at >= cutoff)


def contact_of(uow: UnitOfWork, reference: str) -> Contact:
    """The customer's most recently used channel identity (their chat), language, owner."""
    summary = uow.cases.summary(reference)
    if summary is None:
        raise CaseNotFound(reference)
    sender: str | None = None
    if summary.customer_id is not None:
        customer = uow.cases.get_customer(summary.customer_id)
        identities = list(customer.identities) if customer else []
        if identities:
            sender = identities[-1]
            last = StaffReads(uow.session).last_customer_channel(summary.customer_id)
            if last is not None:
                for identity in reversed(identities):
                    if channel_of(identity) == last:
                        sender = identity
                        break
    return Contact(
        reference, sender, summary.language, summary.customer_id, summary.assigned_agent,
        summary.stage,
    )  # fmt: skip


def list_queue(uow: UnitOfWork, *, now: datetime, **filters: Any) -> list[CaseItem]:
    """Filtered cases, most urgent first: priority, then who has waited longest."""
    summaries = uow.cases.list_cases(now=now, **filters)
    refs = [s.reference for s in summaries]
    reads = StaffReads(uow.session)
    escalations = reads.open_escalations(refs)
    waiting = reads.chat_waiting(refs)
    extras = reads.queue_extras(refs)
    items = []
    for s in summaries:
        open_esc = escalations.get(s.reference, [])
        since = open_esc[0][1] if open_esc else s.created_at
        extra = extras.get(s.reference)
        items.append(
            CaseItem(
                reference=s.reference,
                category=s.category,
                stage=s.stage,
                status=s.status,
                priority=s.priority,
                language=s.language,
                escalated=s.escalated,
                assigned_agent=s.assigned_agent,
                created_at=s.created_at,
                updated_at=s.updated_at,
                waiting_since=since,
                waiting_seconds=max(0, int((now - since).total_seconds())),
                escalation_reasons=sorted({r for r, _ in open_esc}),
                customer_name=extra.customer_name if extra else None,
                company=extra.company if extra else None,
                summary=(extra.description if extra else "")[:160],
                chat_waiting=s.reference in waiting,
            )
        )
    items.sort(key=lambda i: (-i.priority, not i.chat_waiting, i.waiting_since))
    return items


def case_detail(uow: UnitOfWork, reference: str) -> dict[str, Any]:
    """The case packet plus what the console needs to act: escalation, owner, next stages."""
    packet = case_packet(uow, reference)
    summary = uow.cases.summary(reference)
    assert summary is not None
    open_reasons = [e["reason"] for e in packet["escalations"] if e["resolved_at"] is None]
    packet["escalation"] = {
        "escalated": summary.escalated,
        "open_reasons": open_reasons,
        "chat_waiting": reference in StaffReads(uow.session).chat_waiting([reference]),
    }
    packet["assigned_agent"] = summary.assigned_agent
    packet["allowed_stages"] = sorted(s.value for s in allowed_next(Stage(summary.stage)))
    packet["notes"] = notes_of(uow.session, reference)
    return packet


class StaffService:
    """The staff side's use of the case store, the evidence store and the customer's chat."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        store: EvidenceStore,
        names: Names,
        notifier: Notifier,
    ) -> None:
        self.sessions = sessions
        self.store = store
        self.names = names
        self.notifier = notifier
        self.presence = Presence()

    # -- reads (blocking) -------------------------------------------------------------

    def contact(self, reference: str) -> Contact:
        with UnitOfWork(self.sessions) as uow:
            return contact_of(uow, reference)

    def messages(self, reference: str, after: int = 0) -> list[dict[str, Any]]:
        with UnitOfWork(self.sessions) as uow:
            return StaffReads(uow.session).messages(reference, after)

    def queue(self, **filters: Any) -> list[CaseItem]:
        with UnitOfWork(self.sessions) as uow:
            return list_queue(uow, now=utcnow(), **filters)

    def detail(self, reference: str) -> dict[str, Any]:
        with UnitOfWork(self.sessions) as uow:
            return case_detail(uow, reference)

    def allowed_stages(self, reference: str) -> list[str]:
        return sorted(s.value for s in allowed_next(Stage(self.contact(reference).stage)))

    def expected_wait(self) -> dict[str, Any]:
        """Agents on duty, the unclaimed escalated queue and a rough wait in minutes."""
        with UnitOfWork(self.sessions) as uow:
            queue = len(uow.cases.list_cases(escalated=True, unassigned=True, limit=1000))
        online = self.presence.online()
        wait = None if not online else max(2, math.ceil(queue / len(online)) * 5)
        return {"agents_online": online, "queue": queue, "expected_wait_minutes": wait}

    # -- writes (blocking) ------------------------------------------------------------

    def store_message(self, reference: str, who: str, sender: str | None, text: str) -> None:
        """Keep what the customer was sent in the case's transcript."""
        with UnitOfWork(self.sessions) as uow:
            uow.cases.append_message(reference, who, channel_of(sender), text)
            uow.commit()

    def take(self, reference: str, agent: str, *, target: str | None = None) -> Contact:
        """Assign to ``target`` (default: the caller) unless someone else holds the case."""
        owner = target or agent
        with UnitOfWork(self.sessions) as uow:
            contact = contact_of(uow, reference)
            if contact.assigned and contact.assigned not in (agent, owner):
                raise StaffRefused("conflict", f"{reference} is claimed by {contact.assigned}")
            if contact.assigned != owner:
                uow.cases.assign(reference, owner, actor=actor_of(agent))
                uow.commit()
            return contact

    def release(self, reference: str, agent: str) -> None:
        """Put the agent's own case back in the queue."""
        with UnitOfWork(self.sessions) as uow:
            contact = contact_of(uow, reference)
            if contact.assigned is None:
                raise StaffRefused("conflict", f"{reference} is not claimed")
            if contact.assigned != agent:
                raise StaffRefused(
                    "forbidden", f"{reference} is claimed by {contact.assigned}, not {agent}"
                )
            uow.cases.assign(reference, None, actor=actor_of(agent))
            uow.commit()

    def move_stage(self, reference: str, agent: str, stage: Stage, note: str) -> None:
        """Move the case (``claims.lifecycle`` decides); raises ``InvalidTransition``."""
        caller, now = StaffCaller(actor_of(agent)), utcnow()
        retrying(
            lambda: move_stage(UnitOfWork(self.sessions), caller, reference, stage, note, now),
            what=f"stage move of {reference}",
        )

    def add_note(self, reference: str, agent: str, text: str, for_customer: bool) -> Contact:
        with UnitOfWork(self.sessions) as uow:
            contact = contact_of(uow, reference)
            actor = actor_of(agent)
            note = add_note(uow.session, reference, actor, text, for_customer=for_customer)
            uow.cases.audit(
                "staff_note", actor=actor, case_reference=reference,
                customer_id=contact.customer_id,
                details={"note_id": note, "for_customer": for_customer},
            )  # fmt: skip
            uow.commit()
            return contact

    def hand_back_record(self, reference: str, agent: str) -> Contact:
        """Resolve the escalations and audit the hand-back (only the owner, if any)."""
        actor = actor_of(agent)
        with UnitOfWork(self.sessions) as uow:
            contact = contact_of(uow, reference)
            if contact.assigned and contact.assigned != agent:
                raise StaffRefused("forbidden", f"{reference} is claimed by {contact.assigned}")
            uow.cases.resolve_escalations(reference, actor=actor)
            uow.cases.audit("handed_back", actor=actor, case_reference=reference,
                            customer_id=contact.customer_id,
                            details={"sender": contact.sender})  # fmt: skip
            uow.commit()
            return contact

    def evidence_file(
        self, reference: str, sha256: str, actor: str, *, audit: bool
    ) -> EvidenceFile:
        """The bytes of one evidence file of the case; a download is audited."""
        with UnitOfWork(self.sessions) as uow:
            record = next((e for e in uow.cases.evidence(reference) if e.sha256 == sha256), None)
            if record is None:
                raise StaffRefused("not_found", "no such evidence on this case")
            try:
                with self.store.open(sha256) as fh:
                    data = fh.read()
            except FileNotFoundError as exc:
                raise StaffRefused("gone", "file was deleted") from exc
            if audit:
                uow.cases.audit(
                    "evidence_downloaded", actor=actor,
                    case_reference=reference, details={"sha256": sha256},
                )  # fmt: skip
                uow.commit()
            name = record.original_name or record.stored_name or sha256
            return EvidenceFile(data, record.mime or "application/octet-stream", name)

    def export(self, reference: str, actor: str, format: str) -> dict[str, Any]:
        """The case packet, audited as an export."""
        with UnitOfWork(self.sessions) as uow:
            packet = case_packet(uow, reference)
            uow.cases.audit("case_exported", actor=actor, case_reference=reference,
                            details={"format": format})  # fmt: skip
            uow.commit()
            return packet

    def erase_customer(self, reference: str, agent: str) -> dict[str, Any]:
        """Erase the case customer's personal data (keeps anonymised case rows)."""
        actor = actor_of(agent)
        with UnitOfWork(self.sessions) as uow:
            contact = contact_of(uow, reference)
            if contact.customer_id is None:
                raise StaffRefused("not_found", "no customer on this case")
            done = delete_customer_data(uow, contact.customer_id, actor, store=self.store)
            uow.cases.audit("customer_data_erased", actor=actor, case_reference=reference,
                            customer_id=contact.customer_id, details=done)  # fmt: skip
            uow.commit()
            return done

    # -- with the customer's chat (async; database work in a thread) -------------------

    async def _tell(self, contact: Contact, who: str, text: str, agent: str | None) -> bool:
        """Push ``text`` to the customer and keep it in the case's transcript."""
        delivered = await self.notifier.push(contact.sender, text, agent=agent)
        await asyncio.to_thread(self.store_message, contact.reference, who, contact.sender, text)
        return delivered

    async def join_chat(self, contact: Contact, agent: str) -> bool:
        await self.notifier.set_mode(contact.sender, "human", agent)
        text = say("agent_joined", contact.language, agent=agent)
        return await self._tell(contact, "system", text, agent)

    async def claim(self, reference: str, agent: str, *, takeover: bool) -> bool | None:
        """Take the case and (with ``takeover``) the chat; True if the customer was told."""
        contact = await asyncio.to_thread(self.take, reference, agent)
        if takeover and contact.assigned != agent:
            return await self.join_chat(contact, agent)
        if takeover:
            await self.notifier.set_mode(contact.sender, "human", agent)
        return None

    async def reply(self, reference: str, agent: str, text: str) -> bool:
        """Write to the customer in their chat, claiming the case if it is free."""
        contact = await asyncio.to_thread(self.take, reference, agent)
        if contact.assigned != agent:
            await self.notifier.set_mode(contact.sender, "human", agent)
        await asyncio.to_thread(self.store_message, reference, "agent", contact.sender, text)
        return await self.notifier.push(contact.sender, text, agent=agent)

    async def tell_stage(self, reference: str, stage: str, note: str, agent: str) -> bool:
        contact = await asyncio.to_thread(self.contact, reference)
        text = stage_message(self.names, reference, stage, note, contact.language)
        return await self._tell(contact, "system", text, agent)

    async def tell_note(self, contact: Contact, note: str, agent: str) -> bool:
        text = say("note", contact.language, reference=contact.reference, note=note)
        return await self._tell(contact, "agent", text, agent)

    async def hand_back(self, reference: str, agent: str) -> tuple[Contact, bool]:
        """Give the chat back to the bot and tell the customer; returns who held the case
        and whether the customer's chat took the message."""
        contact = await asyncio.to_thread(self.hand_back_record, reference, agent)
        text = say("handed_back", contact.language)
        delivered = await self.notifier.push(contact.sender, text, agent=agent)
        await self.notifier.set_mode(contact.sender, "bot", None)
        await asyncio.to_thread(self.store_message, reference, "system", contact.sender, text)
        return contact, delivered
