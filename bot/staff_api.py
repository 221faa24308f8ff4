"""Staff API: agents list, read and work escalated cases and take over the customer's chat.

Everything under ``/api`` needs a staff token (see :mod:`bot.auth`); writes need a named
agent and land in the append-only audit log under ``agent:<name>``. Case data comes from
``db/`` (the case packet is the detail view, so agents and exports see the same thing);
stage moves go through ``claims`` transitions so the API cannot put a case where the
stage graph forbids. Talking to the customer goes through the channels' hub
(``app.state.hub``) when the gateway has one; without it, replies are still stored.

``staff_router(settings)`` is the one thing ``bot/app.py`` includes: API, console pages and
the hand-off timeout watcher (a lifespan task), with nothing done at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from fastapi import (
    APIRouter,
    Depends,
    FastAPI,
    HTTPException,
    Path,
    Query,
    Request,
    WebSocket,
    WebSocketDisconnect,
)
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import notifications as say
from bot.auth import AgentDirectory, Principal, authenticate, require_name, valid_agent_name
from bot.settings import GatewaySettings, get_settings
from claims.case import InvalidTransition, Stage, StageChange
from claims.errors import ClaimsValidationError
from claims.lifecycle import StaffCaller, move_stage
from claims.stages import TRANSITIONS, allowed_next
from db.evidence_store import EvidenceStore
from db.models import AuditRow, CaseRow, Customer, EscalationRow, TranscriptRow
from db.packet import case_packet, render_markdown
from db.privacy import delete_customer_data
from db.repository import CaseNotFound
from db.uow import UnitOfWork, retrying

log = logging.getLogger(__name__)
T = TypeVar("T")

REFERENCE_PATTERN = r"^CLM-\d{4}-\d{6}$"
Reference = Annotated[str, Path(pattern=REFERENCE_PATTERN, description="e.g. CLM-2026-000001")]
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
HANDOFF_ACTIONS = ("handoff_started", "handoff_ended")
#: Sender-id prefix → channel name stored on transcript rows (``tg:1`` is Telegram).
CHANNEL_OF_PREFIX = {"tg": "telegram", "telegram": "telegram", "web": "web"}
PRESENCE_SECONDS = 300
PREVIEW_MIMES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def utcnow() -> datetime:
    return datetime.now(UTC)


def channel_of(sender: str | None) -> str:
    prefix = (sender or "").split(":", 1)[0]
    return CHANNEL_OF_PREFIX.get(prefix, prefix or "staff")


# -- request bodies ----------------------------------------------------------------------


class StageIn(BaseModel):
    stage: Stage = Field(..., description="Target stage; must be allowed from the current one.")
    note: str = Field("", max_length=4000, description="Why; required for rejected/withdrawn.")
    notify: bool = Field(True, description="Tell the customer on their channel.")


class NoteIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=4000)
    for_customer: bool = Field(False, description="Also send it to the customer.")


class ReplyIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=4000)


class AssignIn(BaseModel):
    agent: str = Field(..., min_length=1, max_length=64)


class DeleteIn(BaseModel):
    confirm: str = Field(..., description="The case reference again, to avoid accidents.")


class CaseItem(BaseModel):
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


class CaseList(BaseModel):
    cases: list[CaseItem]
    count: int


class ActionResult(BaseModel):
    reference: str
    ok: bool = True
    assigned_agent: str | None = None
    stage: str | None = None
    delivered: bool | None = None


# -- context -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contact:
    """Where and how to reach the customer of a case."""

    reference: str
    sender: str | None
    language: str
    customer_id: int | None
    assigned: str | None
    stage: str


class StaffContext:
    """Settings, tokens, lazy database access and agent presence for the staff routes."""

    def __init__(
        self,
        settings: GatewaySettings,
        *,
        sessions: sessionmaker[Session] | None = None,
        store: EvidenceStore | None = None,
    ) -> None:
        self.settings = settings
        self.directory = AgentDirectory.from_settings(settings)
        self._sessions = sessions
        self._store = store
        self._lock = threading.Lock()
        self.presence: dict[str, float] = {}
        self.app: FastAPI | None = None

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The hub's session factory when the gateway has one, else our own (migrated)."""
        with self._lock:
            if self._sessions is None:
                hub = self.hub()
                found = getattr(getattr(hub, "transcript", None), "sessions", None)
                if isinstance(found, sessionmaker):
                    self._sessions = found
                else:
                    from db.engine import make_engine, make_session_factory
                    from db.migrate import upgrade

                    engine = make_engine()
                    upgrade(engine)
                    self._sessions = make_session_factory(engine)
            return self._sessions

    @property
    def store(self) -> EvidenceStore:
        if self._store is None:
            from db.settings import DbSettings

            db = DbSettings()
            self._store = EvidenceStore(db.evidence_dir, max_bytes=db.evidence_max_bytes)
        return self._store

    def hub(self) -> Any:
        return getattr(getattr(self.app, "state", None), "hub", None)

    def seen(self, principal: Principal) -> None:
        if principal.agent:
            self.presence[principal.agent] = time.monotonic()

    def online(self) -> list[str]:
        cutoff = time.monotonic() - PRESENCE_SECONDS
        return sorted(a for a, at in self.presence.items() if at >= cutoff)

    async def db(self, fn: Callable[[], T]) -> T:
        """Run blocking database work off the event loop; unknown case → 404, a value the
        domain refuses → 422 naming the field (never a 500)."""
        try:
            return await asyncio.to_thread(fn)
        except CaseNotFound as exc:
            raise HTTPException(status_code=404, detail=f"no case {exc.args[0]}") from exc
        except ClaimsValidationError as exc:
            log.warning("case data refused: %s", exc)
            raise HTTPException(
                status_code=422, detail={"field": exc.field, "problem": exc.message}
            ) from exc


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
            last = uow.session.execute(
                select(TranscriptRow.channel)
                .where(
                    TranscriptRow.customer_id == summary.customer_id,
                    TranscriptRow.sender == "customer",
                )
                .order_by(TranscriptRow.at.desc(), TranscriptRow.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            if last is not None:
                for identity in reversed(identities):
                    if channel_of(identity) == last:
                        sender = identity
                        break
    return Contact(
        reference, sender, summary.language, summary.customer_id, summary.assigned_agent,
        summary.stage,
    )  # fmt: skip


def messages_of(
    uow: UnitOfWork, reference: str, after: int = 0, limit: int = 500
) -> list[dict[str, Any]]:
    """Chat messages of the case and of its customer (the hub may store them case-less)."""
    row = uow.session.execute(
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
        for m in uow.session.execute(stmt).scalars()
    ]


def _open_escalations(uow: UnitOfWork, refs: list[str]) -> dict[str, list[tuple[str, datetime]]]:
    out: dict[str, list[tuple[str, datetime]]] = {r: [] for r in refs}
    if not refs:
        return out
    rows = uow.session.execute(
        select(CaseRow.reference, EscalationRow.reason, EscalationRow.at)
        .join(EscalationRow, EscalationRow.case_id == CaseRow.id)
        .where(CaseRow.reference.in_(refs), EscalationRow.resolved_at.is_(None))
        .order_by(EscalationRow.at)
    )
    for ref, reason, at in rows:
        out[ref].append((reason, at))
    return out


def _chat_waiting(uow: UnitOfWork, refs: list[str]) -> set[str]:
    """Cases whose latest hand-off audit entry says the customer waits for a person."""
    latest: dict[str, str] = {}
    if not refs:
        return set()
    rows = uow.session.execute(
        select(AuditRow.case_reference, AuditRow.action)
        .where(AuditRow.case_reference.in_(refs), AuditRow.action.in_(HANDOFF_ACTIONS))
        .order_by(AuditRow.id)
    )
    for ref, action in rows:
        latest[str(ref)] = action
    return {r for r, a in latest.items() if a == "handoff_started"}


def list_queue(uow: UnitOfWork, *, now: datetime, **filters: Any) -> list[CaseItem]:
    """Filtered cases, most urgent first: priority, then who has waited longest."""
    summaries = uow.cases.list_cases(now=now, **filters)
    refs = [s.reference for s in summaries]
    escalations = _open_escalations(uow, refs)
    waiting = _chat_waiting(uow, refs)
    extra: dict[str, tuple[str, str | None, str | None]] = {}
    if refs:
        for ref, desc, name, company in uow.session.execute(
            select(CaseRow.reference, CaseRow.description, Customer.name, Customer.company)
            .outerjoin(Customer, Customer.id == CaseRow.customer_id)
            .where(CaseRow.reference.in_(refs))
        ):
            extra[ref] = (desc or "", name, company)
    items = []
    for s in summaries:
        open_esc = escalations.get(s.reference, [])
        since = open_esc[0][1] if open_esc else s.created_at
        desc, name, company = extra.get(s.reference, ("", None, None))
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
                customer_name=name,
                company=company,
                summary=desc[:160],
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
        "chat_waiting": reference in _chat_waiting(uow, [reference]),
    }
    packet["assigned_agent"] = summary.assigned_agent
    packet["allowed_stages"] = sorted(s.value for s in allowed_next(Stage(summary.stage)))
    packet["notes"] = [
        {"at": a["at"], "actor": a["actor"], **a["details"]}
        for a in packet["audit"]
        if a["action"] == "staff_note"
    ]
    return packet


# -- the watcher: no agent within HANDOFF_TIMEOUT_SECONDS ----------------------------------


class HandoffWatcher:
    """Tells a customer nobody is free when a hand-off waits too long; announces escalations.

    Why polling the database: the hand-off start is an audit entry written by whichever
    process saw it (hub, action server), and the database survives a gateway restart, so
    a timer held only in memory would be lost. A marker audit entry makes each notice
    happen once.
    """

    def __init__(self, ctx: StaffContext) -> None:
        self.ctx = ctx
        self.timeout = timedelta(seconds=ctx.settings.handoff_timeout_seconds)
        self.window = timedelta(minutes=15)
        self.started = utcnow()

    def _due(self, now: datetime) -> list[dict[str, Any]]:
        with UnitOfWork(self.ctx.sessions) as uow:
            rows = uow.session.execute(
                select(AuditRow)
                .where(
                    AuditRow.action.in_((*HANDOFF_ACTIONS, "handoff_timeout")),
                    AuditRow.at >= now - self.timeout - self.window,
                )
                .order_by(AuditRow.id)
            ).scalars()
            latest: dict[str, AuditRow] = {}
            for row in rows:
                sender = (row.details or {}).get("sender")
                if isinstance(sender, str):
                    latest[sender] = row
            due = []
            for sender, row in latest.items():
                if row.action != "handoff_started" or row.at > now - self.timeout:
                    continue
                ref = row.case_reference
                summary = uow.cases.summary(ref) if ref else None
                if summary is not None and summary.assigned_agent:
                    continue
                language = summary.language if summary else None
                if language is None and row.customer_id is not None:
                    customer = uow.cases.get_customer(row.customer_id)
                    language = customer.preferred_language if customer else "zh"
                uow.cases.audit(
                    "handoff_timeout",
                    actor="system",
                    case_reference=ref,
                    customer_id=row.customer_id,
                    details={"sender": sender, "waited_seconds": self.timeout.total_seconds()},
                )
                due.append({"sender": sender, "reference": ref, "language": language or "zh"})
            uow.commit()
            return due

    def _new_escalations(self, now: datetime) -> list[tuple[str, int, str]]:
        with UnitOfWork(self.ctx.sessions) as uow:
            rows = list(
                uow.session.execute(
                    select(CaseRow.reference, CaseRow.priority, EscalationRow.reason)
                    .join(EscalationRow, EscalationRow.case_id == CaseRow.id)
                    .where(
                        EscalationRow.resolved_at.is_(None),
                        EscalationRow.at >= self.started - self.window,
                    )
                )
            )
            refs = [r[0] for r in rows]
            done = set(
                uow.session.execute(
                    select(AuditRow.case_reference).where(
                        AuditRow.action == "escalation_announced",
                        AuditRow.case_reference.in_(refs),
                    )
                ).scalars()
            ) if refs else set()  # fmt: skip
            out: list[tuple[str, int, str]] = []
            for ref, priority, reason in rows:
                if ref in done or any(o[0] == ref for o in out):
                    continue
                uow.cases.audit("escalation_announced", actor="system", case_reference=ref,
                                details={"reason": reason})  # fmt: skip
                out.append((ref, priority, reason))
            uow.commit()
            return out

    async def scan_once(self, now: datetime | None = None) -> int:
        """One pass; returns how many customers were told that nobody is free."""
        now = now or utcnow()
        due = await asyncio.to_thread(self._due, now)
        hub = self.ctx.hub()
        for item in due:
            text = say.no_agent_message(item["reference"], item["language"])
            await say.set_mode(hub, item["sender"], "bot", None)
            await say.push(hub, item["sender"], text)
            if item["reference"]:
                await asyncio.to_thread(
                    _store, self.ctx, item["reference"], "system", item["sender"], text
                )
        settings = self.ctx.settings
        if settings.telegram_bot_token and settings.staff_telegram_chat_id:
            for ref, priority, reason in await asyncio.to_thread(self._new_escalations, now):
                await say.announce_escalation(
                    settings.telegram_bot_token.get_secret_value(),
                    settings.staff_telegram_chat_id,
                    reference=ref, priority=priority, reason=reason,
                    console_url=settings.staff_console_url,
                )  # fmt: skip
        return len(due)

    async def run(self) -> None:
        interval = max(0.5, min(5.0, self.timeout.total_seconds() / 4))
        while True:
            try:
                await self.scan_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep watching; one bad pass must not stop notices
                log.exception("hand-off watcher pass failed")
            await asyncio.sleep(interval)


def _store(ctx: StaffContext, reference: str, who: str, sender: str | None, text: str) -> None:
    with UnitOfWork(ctx.sessions) as uow:
        uow.cases.append_message(reference, who, channel_of(sender), text)
        uow.commit()


# -- routes ------------------------------------------------------------------------------


def _who(request: Request) -> Principal:
    """The caller, authenticated by the router-level dependency of :func:`build_api`."""
    found = getattr(request.state, "staff_principal", None)
    if not isinstance(found, Principal):
        raise HTTPException(status_code=401, detail="staff token required")
    return found


Who = Annotated[Principal, Depends(_who)]


def build_api(ctx: StaffContext) -> tuple[APIRouter, APIRouter]:
    """The JSON API under ``/api``, and its WebSocket (authenticated inside the socket)."""

    def principal(request: Request) -> None:
        ctx.app = request.app
        who = authenticate(request, ctx.directory)
        ctx.seen(who)
        request.state.staff_principal = who

    router = APIRouter(prefix="/api", tags=["staff"], dependencies=[Depends(principal)])
    sockets = APIRouter(prefix="/api")

    def agent_of(who: Principal) -> tuple[str, str]:
        name = require_name(who)
        return name, f"agent:{name}"

    @router.get("/me", summary="Who the token belongs to")
    async def me(
        who: Who,
    ) -> dict[str, Any]:
        return {"agent": who.agent, "via": who.via}

    @router.get("/stages", summary="The claim stage graph")
    async def stages(
        who: Who,
    ) -> dict[str, Any]:
        return {
            "stages": [s.value for s in Stage],
            "transitions": {s.value: sorted(t.value for t in TRANSITIONS[s]) for s in Stage},
            "labels": say.STAGE_LABELS,
        }

    @router.get("/presence", summary="Agents on duty and the queue (for wait estimates)")
    async def presence(
        who: Who,
    ) -> dict[str, Any]:
        def count() -> int:
            with UnitOfWork(ctx.sessions) as uow:
                return len(uow.cases.list_cases(escalated=True, unassigned=True, limit=1000))

        queue = await ctx.db(count)
        online = ctx.online()
        wait = None if not online else max(2, math.ceil(queue / len(online)) * 5)
        return {"agents_online": online, "queue": queue, "expected_wait_minutes": wait}

    @router.get("/cases", response_model=CaseList, summary="List and filter cases")
    async def list_cases(
        who: Who,
        stage: Annotated[list[Stage] | None, Query()] = None,
        category: Annotated[list[str] | None, Query(max_length=40)] = None,
        status: Annotated[Literal["draft", "open", "closed"] | None, Query()] = None,
        priority: Annotated[int | None, Query(ge=0, le=100)] = None,
        min_priority: Annotated[int | None, Query(ge=0, le=100)] = None,
        escalated: bool | None = None,
        assigned: Annotated[
            str | None, Query(max_length=64, description="agent name, 'me' or 'none'")
        ] = None,
        language: Literal["zh", "en"] | None = None,
        min_age_hours: Annotated[float | None, Query(ge=0, le=24 * 3650)] = None,
        max_age_hours: Annotated[float | None, Query(ge=0, le=24 * 3650)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> Any:
        filters: dict[str, Any] = {
            "stage": [s.value for s in stage] if stage else None,
            "category": category or None,
            "status": status,
            "priority": priority,
            "min_priority": min_priority,
            "escalated": escalated,
            "language": language,
            "limit": limit,
            "offset": offset,
        }
        if assigned == "none":
            filters["unassigned"] = True
        elif assigned == "me":
            filters["assigned_agent"] = require_name(who)
        elif assigned:
            filters["assigned_agent"] = assigned
        if min_age_hours is not None:
            filters["older_than"] = timedelta(hours=min_age_hours)
        if max_age_hours is not None:
            filters["newer_than"] = timedelta(hours=max_age_hours)

        def run() -> list[CaseItem]:
            with UnitOfWork(ctx.sessions) as uow:
                return list_queue(uow, now=utcnow(), **filters)

        items = await ctx.db(run)
        return CaseList(cases=items, count=len(items))

    @router.get("/cases/{reference}", summary="Everything about a case (the case packet)")
    async def get_case(
        who: Who,
        reference: Reference,
    ) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            with UnitOfWork(ctx.sessions) as uow:
                return case_detail(uow, reference)

        return await ctx.db(run)

    @router.get("/cases/{reference}/messages", summary="Chat messages after an id")
    async def get_messages(
        who: Who,
        reference: Reference,
        after: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        def run() -> list[dict[str, Any]]:
            with UnitOfWork(ctx.sessions) as uow:
                return messages_of(uow, reference, after)

        return {"messages": await ctx.db(run)}

    async def take(reference: str, agent: str, actor: str, *, target: str | None = None) -> Contact:
        """Assign to ``target`` (default: the caller) unless someone else holds the case."""
        owner = target or agent

        def run() -> Contact:
            with UnitOfWork(ctx.sessions) as uow:
                contact = contact_of(uow, reference)
                if contact.assigned and contact.assigned not in (agent, owner):
                    raise HTTPException(
                        status_code=409,
                        detail=f"{reference} is claimed by {contact.assigned}",
                    )
                if contact.assigned != owner:
                    uow.cases.assign(reference, owner, actor=actor)
                    uow.commit()
                return contact

        return await ctx.db(run)

    async def join_chat(contact: Contact, agent: str) -> bool:
        hub = ctx.hub()
        await say.set_mode(hub, contact.sender, "human", agent)
        text = say.say("agent_joined", contact.language, agent=agent)
        delivered = await say.push(hub, contact.sender, text, agent=agent)
        await ctx.db(lambda: _store(ctx, contact.reference, "system", contact.sender, text))
        return delivered

    @router.post("/cases/{reference}/claim", response_model=ActionResult,
                 summary="Take the case and (by default) the customer's chat")  # fmt: skip
    async def claim(
        who: Who,
        reference: Reference,
        takeover: bool = True,
    ) -> ActionResult:
        agent, actor = agent_of(who)
        contact = await take(reference, agent, actor)
        delivered = None
        if takeover and contact.assigned != agent:
            delivered = await join_chat(contact, agent)
        elif takeover:
            await say.set_mode(ctx.hub(), contact.sender, "human", agent)
        return ActionResult(reference=reference, assigned_agent=agent, delivered=delivered)

    @router.post("/cases/{reference}/assign", response_model=ActionResult,
                 summary="Give an unclaimed (or your own) case to an agent")  # fmt: skip
    async def assign(
        who: Who,
        reference: Reference,
        body: AssignIn,
    ) -> ActionResult:
        agent, actor = agent_of(who)
        target = valid_agent_name(body.agent)
        if target is None:
            raise HTTPException(status_code=422, detail="invalid agent name")
        await take(reference, agent, actor, target=target)
        return ActionResult(reference=reference, assigned_agent=target)

    @router.post("/cases/{reference}/release", response_model=ActionResult,
                 summary="Put your case back in the queue")  # fmt: skip
    async def release(
        who: Who,
        reference: Reference,
    ) -> ActionResult:
        agent, actor = agent_of(who)

        def run() -> None:
            with UnitOfWork(ctx.sessions) as uow:
                contact = contact_of(uow, reference)
                if contact.assigned is None:
                    raise HTTPException(status_code=409, detail=f"{reference} is not claimed")
                if contact.assigned != agent:
                    raise HTTPException(
                        status_code=403,
                        detail=f"{reference} is claimed by {contact.assigned}, not {agent}",
                    )
                uow.cases.assign(reference, None, actor=actor)
                uow.commit()

        await ctx.db(run)
        return ActionResult(reference=reference, assigned_agent=None)

    @router.post(
        "/cases/{reference}/stage",
        response_model=ActionResult,
        summary="Move the case to another stage (claims transitions)",
        responses={422: {"description": "Transition not allowed; body lists `allowed`."}},
    )
    async def change_stage(
        who: Who,
        reference: Reference,
        body: StageIn,
    ) -> Any:
        agent, actor = agent_of(who)
        now = utcnow()

        def move() -> StageChange:
            return move_stage(UnitOfWork(ctx.sessions), StaffCaller(actor), reference,
                              body.stage, body.note, now)  # fmt: skip

        try:
            await ctx.db(lambda: retrying(move, what=f"stage move of {reference}"))
        except InvalidTransition as exc:
            return JSONResponse(
                status_code=422,
                content={
                    "detail": str(exc),
                    "current": exc.current.value,
                    "allowed": [s.value for s in exc.allowed],
                },
            )
        except ValueError as exc:

            def allowed() -> list[str]:
                with UnitOfWork(ctx.sessions) as uow:
                    c = contact_of(uow, reference)
                    return sorted(s.value for s in allowed_next(Stage(c.stage)))

            return JSONResponse(
                status_code=422, content={"detail": str(exc), "allowed": await ctx.db(allowed)}
            )
        delivered = None
        if body.notify:
            contact = await ctx.db(lambda: _contact(ctx, reference))
            text = say.stage_message(reference, body.stage.value, body.note, contact.language)
            delivered = await say.push(ctx.hub(), contact.sender, text, agent=agent)
            await ctx.db(lambda: _store(ctx, reference, "system", contact.sender, text))
        return ActionResult(reference=reference, stage=body.stage.value, delivered=delivered)

    @router.post("/cases/{reference}/notes", response_model=ActionResult,
                 summary="Add a note; optionally send it to the customer")  # fmt: skip
    async def add_note(
        who: Who,
        reference: Reference,
        body: NoteIn,
    ) -> ActionResult:
        agent, actor = agent_of(who)

        def run() -> Contact:
            with UnitOfWork(ctx.sessions) as uow:
                contact = contact_of(uow, reference)
                uow.cases.audit(
                    "staff_note", actor=actor, case_reference=reference,
                    customer_id=contact.customer_id,
                    details={"text": body.text, "for_customer": body.for_customer},
                )  # fmt: skip
                uow.commit()
                return contact

        contact = await ctx.db(run)
        delivered = None
        if body.for_customer:
            text = say.say("note", contact.language, reference=reference, note=body.text)
            delivered = await say.push(ctx.hub(), contact.sender, text, agent=agent)
            await ctx.db(lambda: _store(ctx, reference, "agent", contact.sender, text))
        return ActionResult(reference=reference, delivered=delivered)

    async def reply_to(reference: str, agent: str, actor: str, text: str) -> ActionResult:
        contact = await take(reference, agent, actor)
        if contact.assigned != agent:
            await say.set_mode(ctx.hub(), contact.sender, "human", agent)
        await ctx.db(lambda: _store(ctx, reference, "agent", contact.sender, text))
        delivered = await say.push(ctx.hub(), contact.sender, text, agent=agent)
        return ActionResult(reference=reference, assigned_agent=agent, delivered=delivered)

    @router.post(
        "/cases/{reference}/reply",
        response_model=ActionResult,
        summary="Write to the customer in their chat (claims the case if free)",
    )
    async def reply(
        who: Who,
        reference: Reference,
        body: ReplyIn,
    ) -> ActionResult:
        agent, actor = agent_of(who)
        return await reply_to(reference, agent, actor, body.text)

    @router.post("/cases/{reference}/handback", response_model=ActionResult,
                 summary="Give the chat back to the bot")  # fmt: skip
    async def handback(
        who: Who,
        reference: Reference,
    ) -> ActionResult:
        agent, actor = agent_of(who)

        def run() -> Contact:
            with UnitOfWork(ctx.sessions) as uow:
                contact = contact_of(uow, reference)
                if contact.assigned and contact.assigned != agent:
                    raise HTTPException(
                        status_code=403, detail=f"{reference} is claimed by {contact.assigned}"
                    )
                uow.cases.resolve_escalations(reference, actor=actor)
                uow.cases.audit("handed_back", actor=actor, case_reference=reference,
                                customer_id=contact.customer_id,
                                details={"sender": contact.sender})  # fmt: skip
                uow.commit()
                return contact

        contact = await ctx.db(run)
        hub = ctx.hub()
        text = say.say("handed_back", contact.language)
        delivered = await say.push(hub, contact.sender, text, agent=agent)
        await say.set_mode(hub, contact.sender, "bot", None)
        await ctx.db(lambda: _store(ctx, reference, "system", contact.sender, text))
        return ActionResult(
            reference=reference, assigned_agent=contact.assigned, delivered=delivered
        )

    @router.get(
        "/cases/{reference}/evidence/{sha256}",
        summary="Download an evidence file of the case",
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}}},
    )
    async def evidence(
        who: Who,
        reference: Reference,
        sha256: Sha256,
        inline: bool = False,
    ) -> Response:
        def run() -> tuple[bytes, str, str]:
            with UnitOfWork(ctx.sessions) as uow:
                record = next(
                    (e for e in uow.cases.evidence(reference) if e.sha256 == sha256), None
                )
                if record is None:
                    raise HTTPException(status_code=404, detail="no such evidence on this case")
                try:
                    with ctx.store.open(sha256) as fh:
                        data = fh.read()
                except FileNotFoundError as exc:
                    raise HTTPException(status_code=410, detail="file was deleted") from exc
                if not inline:
                    uow.cases.audit(
                        "evidence_downloaded", actor=who.actor,
                        case_reference=reference, details={"sha256": sha256},
                    )  # fmt: skip
                    uow.commit()
                name = record.original_name or record.stored_name or sha256
                return data, record.mime or "application/octet-stream", name

        data, mime, name = await ctx.db(run)
        show = inline and mime in PREVIEW_MIMES
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
        disposition = "inline" if show else "attachment"
        return Response(
            content=data,
            media_type=mime if show else "application/octet-stream",
            headers={
                "Content-Disposition": f'{disposition}; filename="{ascii_name}"',
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
                "Cache-Control": "private, no-store",
            },
        )

    @router.get(
        "/cases/{reference}/export",
        summary="Download the case (JSON or Markdown)",
        responses={200: {"content": {"application/json": {}, "text/markdown": {}}}},
    )
    async def export(
        who: Who,
        reference: Reference,
        format: Literal["json", "markdown"] = "json",
        lang: Literal["zh", "en"] = "en",
    ) -> Response:
        def run() -> dict[str, Any]:
            with UnitOfWork(ctx.sessions) as uow:
                packet = case_packet(uow, reference)
                uow.cases.audit("case_exported", actor=who.actor, case_reference=reference,
                                details={"format": format})  # fmt: skip
                uow.commit()
                return packet

        packet = await ctx.db(run)
        if format == "markdown":
            return PlainTextResponse(
                render_markdown(packet, lang),
                media_type="text/markdown; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{reference}.md"'},
            )
        return Response(
            json.dumps(packet, ensure_ascii=False, indent=2),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{reference}.json"'},
        )

    @router.post(
        "/cases/{reference}/customer-data/delete",
        summary="Erase the customer's personal data (keeps anonymised case rows)",
    )
    async def delete_data(
        who: Who,
        reference: Reference,
        body: DeleteIn,
    ) -> dict[str, Any]:
        agent, actor = agent_of(who)
        if body.confirm != reference:
            raise HTTPException(status_code=400, detail="confirm must repeat the case reference")

        def run() -> dict[str, Any]:
            with UnitOfWork(ctx.sessions) as uow:
                contact = contact_of(uow, reference)
                if contact.customer_id is None:
                    raise HTTPException(status_code=404, detail="no customer on this case")
                done = delete_customer_data(uow, contact.customer_id, actor, store=ctx.store)
                uow.cases.audit("customer_data_erased", actor=actor, case_reference=reference,
                                customer_id=contact.customer_id, details=done)  # fmt: skip
                uow.commit()
                return done

        return await ctx.db(run)

    @sockets.websocket("/cases/{reference}/chat")
    async def chat(websocket: WebSocket, reference: str) -> None:
        await chat_socket(ctx, websocket, reference, reply_to)

    return router, sockets


def _contact(ctx: StaffContext, reference: str) -> Contact:
    with UnitOfWork(ctx.sessions) as uow:
        return contact_of(uow, reference)


async def chat_socket(
    ctx: StaffContext,
    websocket: WebSocket,
    reference: str,
    reply_to: Callable[[str, str, str, str], Any],
) -> None:
    """Live chat for the console: new messages are pushed; ``{"type": "reply"}`` sends one.

    Why poll the transcript as well as listening to the hub: the transcript is the record
    both sides write, so the panel shows exactly what was stored, in order, also when the
    hub is absent or a message came in through another gateway process.
    """
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host", "")
    if origin and origin.split("://", 1)[-1] != host:
        await websocket.close(code=4403)
        return
    try:
        ctx.app = websocket.app
        who = authenticate(websocket, ctx.directory)
    except HTTPException:
        await websocket.close(code=4401)
        return
    if not who.agent:
        await websocket.close(code=4400)
        return
    try:
        contact = await ctx.db(lambda: _contact(ctx, reference))
    except HTTPException:
        await websocket.close(code=4404)
        return
    await websocket.accept()
    ctx.seen(who)
    wake: asyncio.Queue[Any] = asyncio.Queue()
    hub = ctx.hub()
    unsubscribe: Any = None
    if hub is not None and contact.sender and hasattr(hub, "subscribe_agent"):
        with contextlib.suppress(Exception):
            unsubscribe = await say._maybe_await(hub.subscribe_agent(contact.sender, wake))
    agent = who.agent
    last = int(websocket.query_params.get("after", "0") or 0)

    async def reader() -> None:
        while True:
            data = await websocket.receive_json()
            text = str(data.get("text", "")).strip() if isinstance(data, dict) else ""
            if data.get("type") == "reply" and 0 < len(text) <= 4000:
                try:
                    await reply_to(reference, agent, f"agent:{agent}", text)
                except HTTPException as exc:
                    await websocket.send_json({"type": "error", "detail": exc.detail})
                wake.put_nowait("reply")

    task = asyncio.create_task(reader())
    try:
        while not task.done():

            def poll(after: int = last) -> list[dict[str, Any]]:
                with UnitOfWork(ctx.sessions) as uow:
                    return messages_of(uow, reference, after)

            for message in await ctx.db(poll):
                await websocket.send_json({"type": "message", **message})
                last = max(last, int(message["id"]))
            ctx.seen(who)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.get(), timeout=1.0)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        if callable(unsubscribe):
            with contextlib.suppress(Exception):
                await say._maybe_await(unsubscribe())
        elif hub is not None and hasattr(hub, "unsubscribe_agent"):
            with contextlib.suppress(Exception):
                await say._maybe_await(hub.unsubscribe_agent(contact.sender, wake))


def staff_router(
    settings: GatewaySettings | None = None,
    *,
    sessions: sessionmaker[Session] | None = None,
    store: EvidenceStore | None = None,
    watch: bool = True,
) -> APIRouter:
    """API + console + hand-off watcher, as one router for ``app.include_router``."""
    from bot.staff_console import build_console

    ctx = StaffContext(settings or get_settings(), sessions=sessions, store=store)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx.app = app
        app.state.staff = ctx
        task = asyncio.create_task(HandoffWatcher(ctx).run()) if watch else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    router = APIRouter(lifespan=lifespan)
    api, sockets = build_api(ctx)
    router.include_router(api)
    router.include_router(sockets)
    router.include_router(build_console(ctx))
    return router


__all__ = ["HandoffWatcher", "StaffContext", "staff_router"]
