"""The hand-off watcher: tells a customer nobody is free when a hand-off waits too long, and
announces new escalations to the staff Telegram group.

Why polling the database: the hand-off start is an audit entry written by whichever
process saw it (hub, action server), and the database survives a gateway restart, so a
timer held only in memory would be lost. A marker audit entry makes each notice happen
once. The loop is supervised: a failing pass is logged and the next one runs.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.staff.notify import announce_escalation, no_agent_message
from bot.staff.service import StaffService, utcnow
from db.staff_reads import StaffReads
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Announcer:
    """Where new escalations are announced (the staff Telegram group)."""

    bot_token: str
    chat_id: str
    console_url: str | None


@dataclass(frozen=True, slots=True)
class DueNotice:
    sender: str
    reference: str | None
    language: str


class HandoffWatcher:
    """One :meth:`scan_once` per interval; :meth:`run` keeps it going until cancelled."""

    def __init__(
        self,
        service: StaffService,
        timeout_seconds: float,
        announcer: Announcer | None = None,
    ) -> None:
        self.service = service
        self.timeout = timedelta(seconds=timeout_seconds)
        self.announcer = announcer
        self.window = timedelta(minutes=15)
        self.started = utcnow()

    def _due(self, now: datetime) -> list[DueNotice]:
        """Hand-offs started more than the timeout ago, unclaimed, not yet noticed."""
        with UnitOfWork(self.service.sessions) as uow:
            events = StaffReads(uow.session).latest_handoff_events(now - self.timeout - self.window)
            due = []
            for event in events:
                if event.action != "handoff_started" or event.at > now - self.timeout:
                    continue
                ref = event.case_reference
                summary = uow.cases.summary(ref) if ref else None
                if summary is not None and summary.assigned_agent:
                    continue
                language = summary.language if summary else None
                if language is None and event.customer_id is not None:
                    customer = uow.cases.get_customer(event.customer_id)
                    language = customer.preferred_language if customer else "zh"
                uow.cases.audit(
                    "handoff_timeout",
                    actor="system",
                    case_reference=ref,
                    customer_id=event.customer_id,
                    details={"sender": event.sender,
                             "waited_seconds": self.timeout.total_seconds()},
                )  # fmt: skip
                due.append(DueNotice(event.sender, ref, language or "zh"))
            uow.commit()
            return due

    def _new_escalations(self) -> list[tuple[str, int, str]]:
        """Open escalations not announced yet, one per case, each marked as announced."""
        with UnitOfWork(self.service.sessions) as uow:
            found = StaffReads(uow.session).unannounced_escalations(self.started - self.window)
            out: list[tuple[str, int, str]] = []
            for esc in found:
                if any(o[0] == esc.reference for o in out):
                    continue
                uow.cases.audit("escalation_announced", actor="system",
                                case_reference=esc.reference,
                                details={"reason": esc.reason})  # fmt: skip
                out.append((esc.reference, esc.priority, esc.reason))
            uow.commit()
            return out

    async def scan_once(self, now: datetime | None = None) -> int:
        """One pass; returns how many customers were told that nobody is free."""
        now = now or utcnow()
        due = await asyncio.to_thread(self._due, now)
        notifier = self.service.notifier
        for item in due:
            text = no_agent_message(item.reference, item.language)
            await notifier.set_mode(item.sender, "bot", None)
            await notifier.push(item.sender, text)
            if item.reference:
                await asyncio.to_thread(
                    self.service.store_message, item.reference, "system", item.sender, text
                )
        if self.announcer is not None:
            for ref, priority, reason in await asyncio.to_thread(self._new_escalations):
                await announce_escalation(
                    self.service.names, self.announcer.bot_token, self.announcer.chat_id,
                    reference=ref, priority=priority, reason=reason,
                    console_url=self.announcer.console_url,
                )  # fmt: skip
        return len(due)

    @property
    def interval(self) -> float:
        return max(0.5, min(5.0, self.timeout.total_seconds() / 4))

    async def run(self) -> None:
        """Scan until cancelled; a failing pass is logged and the next one still runs."""
        while True:
            try:
                await self.scan_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep watching; one bad pass must not stop notices
                log.exception("hand-off watcher pass failed")
            await asyncio.sleep(self.interval)
