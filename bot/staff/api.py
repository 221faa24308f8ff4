"""Staff API: agents list, read and work escalated cases and take over the customer's chat.

Everything under ``/api`` needs a staff token (see :mod:`bot.auth`); writes need a named
agent and land in the append-only audit log under ``agent:<name>``. The handlers are thin:
they parse the request, call :class:`bot.staff.service.StaffService` and turn its refusals
into status codes (unknown case 404, a value the domain refuses 422, never a 500).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Any, Literal, TypeVar

from fastapi import (
    APIRouter,
    Depends,
    HTTPException,
    Path,
    Query,
    Request,
    WebSocket,
    WebSocketDisconnect,
)
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from bot.auth import AgentDirectory, Principal, authenticate, require_name, valid_agent_name
from bot.staff.downloads import is_csv, neutralise_csv, safe_download_name
from bot.staff.service import CaseItem, StaffRefused, StaffService
from claims.case import InvalidTransition, Stage
from claims.errors import ClaimsValidationError
from claims.stages import TRANSITIONS
from db import references
from db.packet import render_markdown
from db.repository import CaseNotFound

log = logging.getLogger(__name__)
T = TypeVar("T")

REFERENCE_PATTERN = references.WHOLE
Reference = Annotated[str, Path(pattern=REFERENCE_PATTERN, description="e.g. CLM-2026-7K3QX9")]
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
PREVIEW_MIMES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
REFUSAL_STATUS = {"conflict": 409, "forbidden": 403, "not_found": 404, "gone": 410}


# -- request and response bodies ---------------------------------------------------------


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


class CaseList(BaseModel):
    cases: list[CaseItem]
    count: int


class ActionResult(BaseModel):
    reference: str
    ok: bool = True
    assigned_agent: str | None = None
    stage: str | None = None
    delivered: bool | None = None


# -- plumbing ----------------------------------------------------------------------------


async def call(work: Awaitable[T]) -> T:
    """Await service work; unknown case → 404, a refusal → its status, a value the domain
    refuses → 422 naming the field."""
    try:
        return await work
    except CaseNotFound as exc:
        raise HTTPException(status_code=404, detail=f"no case {exc.args[0]}") from exc
    except StaffRefused as exc:
        raise HTTPException(status_code=REFUSAL_STATUS[exc.kind], detail=exc.detail) from exc
    except ClaimsValidationError as exc:
        log.warning("case data refused: %s", exc)
        raise HTTPException(
            status_code=422, detail={"field": exc.field, "problem": exc.message}
        ) from exc


async def blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking service work off the event loop, with :func:`call`'s error mapping."""
    return await call(asyncio.to_thread(fn, *args, **kwargs))


def _who(request: Request) -> Principal:
    """The caller, authenticated by the router-level dependency of :func:`build_api`."""
    found = getattr(request.state, "staff_principal", None)
    if not isinstance(found, Principal):
        raise HTTPException(status_code=401, detail="staff token required")
    return found


def _service(request: Request) -> StaffService:
    found = getattr(request.state, "staff_service", None)
    if not isinstance(found, StaffService):
        raise HTTPException(status_code=503, detail="staff service not configured")
    return found


Who = Annotated[Principal, Depends(_who)]
Svc = Annotated[StaffService, Depends(_service)]


# -- reads -------------------------------------------------------------------------------


async def me(who: Who) -> dict[str, Any]:
    return {"agent": who.agent, "via": who.via}


async def stages(who: Who, svc: Svc) -> dict[str, Any]:
    labels = {code: {lang: svc.names.stage(code, lang) for lang in ("zh", "en")}
              for code in svc.names.stages("en")}  # fmt: skip
    return {
        "stages": [s.value for s in Stage],
        "transitions": {s.value: sorted(t.value for t in TRANSITIONS[s]) for s in Stage},
        "labels": labels,
    }


async def presence(who: Who, svc: Svc) -> dict[str, Any]:
    return await blocking(svc.expected_wait)


async def list_cases(
    who: Who,
    svc: Svc,
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
    items = await blocking(svc.queue, **filters)
    return CaseList(cases=items, count=len(items))


async def get_case(who: Who, svc: Svc, reference: Reference) -> dict[str, Any]:
    return await blocking(svc.detail, reference)


async def get_messages(
    who: Who, svc: Svc, reference: Reference, after: Annotated[int, Query(ge=0)] = 0
) -> dict[str, Any]:
    return {"messages": await blocking(svc.messages, reference, after)}


# -- work on a case ----------------------------------------------------------------------


async def claim(who: Who, svc: Svc, reference: Reference, takeover: bool = True) -> ActionResult:
    agent = require_name(who)
    delivered = await call(svc.claim(reference, agent, takeover=takeover))
    return ActionResult(reference=reference, assigned_agent=agent, delivered=delivered)


async def assign(who: Who, svc: Svc, reference: Reference, body: AssignIn) -> ActionResult:
    agent = require_name(who)
    target = valid_agent_name(body.agent)
    if target is None:
        raise HTTPException(status_code=422, detail="invalid agent name")
    await blocking(svc.take, reference, agent, target=target)
    return ActionResult(reference=reference, assigned_agent=target)


async def release(who: Who, svc: Svc, reference: Reference) -> ActionResult:
    await blocking(svc.release, reference, require_name(who))
    return ActionResult(reference=reference, assigned_agent=None)


async def change_stage(who: Who, svc: Svc, reference: Reference, body: StageIn) -> Any:
    agent = require_name(who)
    try:
        await blocking(svc.move_stage, reference, agent, body.stage, body.note)
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
        allowed = await blocking(svc.allowed_stages, reference)
        return JSONResponse(status_code=422, content={"detail": str(exc), "allowed": allowed})
    delivered = None
    if body.notify:
        delivered = await call(svc.tell_stage(reference, body.stage.value, body.note, agent))
    return ActionResult(reference=reference, stage=body.stage.value, delivered=delivered)


async def add_note(who: Who, svc: Svc, reference: Reference, body: NoteIn) -> ActionResult:
    agent = require_name(who)
    contact = await blocking(svc.add_note, reference, agent, body.text, body.for_customer)
    delivered = None
    if body.for_customer:
        delivered = await call(svc.tell_note(contact, body.text, agent))
    return ActionResult(reference=reference, delivered=delivered)


async def reply(who: Who, svc: Svc, reference: Reference, body: ReplyIn) -> ActionResult:
    agent = require_name(who)
    delivered = await call(svc.reply(reference, agent, body.text))
    return ActionResult(reference=reference, assigned_agent=agent, delivered=delivered)


async def handback(who: Who, svc: Svc, reference: Reference) -> ActionResult:
    contact, delivered = await call(svc.hand_back(reference, require_name(who)))
    return ActionResult(reference=reference, assigned_agent=contact.assigned, delivered=delivered)


# -- files -------------------------------------------------------------------------------


async def evidence(
    who: Who, svc: Svc, reference: Reference, sha256: Sha256, inline: bool = False
) -> Response:
    file = await blocking(svc.evidence_file, reference, sha256, who.actor, audit=not inline)
    show = inline and file.mime in PREVIEW_MIMES
    disposition = "inline" if show else "attachment"
    data, changed = file.data, {}
    if not show and is_csv(file.name, file.mime):
        data, changed = neutralise_csv(file.data), {"X-Evidence-Changed": "csv-formulas"}
    return Response(
        content=data,
        media_type=file.mime if show else "application/octet-stream",
        headers={
            "Content-Disposition": f'{disposition}; filename="{safe_download_name(file.name)}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
            **changed,
        },
    )


async def export(
    who: Who,
    svc: Svc,
    reference: Reference,
    format: Literal["json", "markdown"] = "json",
    lang: Literal["zh", "en"] = "en",
) -> Response:
    packet = await blocking(svc.export, reference, who.actor, format)
    if format == "markdown":
        return PlainTextResponse(
            render_markdown(packet, lang, svc.names),
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{reference}.md"'},
        )
    return Response(
        json.dumps(packet, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{reference}.json"'},
    )


async def delete_data(who: Who, svc: Svc, reference: Reference, body: DeleteIn) -> dict[str, Any]:
    agent = require_name(who)
    if body.confirm != reference:
        raise HTTPException(status_code=400, detail="confirm must repeat the case reference")
    return await blocking(svc.erase_customer, reference, agent)


# -- the router --------------------------------------------------------------------------

CASE = "/cases/{reference}"
ACTION = {"response_model": ActionResult, "methods": ["POST"]}
#: path, handler, route options: the whole API surface in one table.
ROUTES: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
    ("/me", me, {"summary": "Who the token belongs to"}),
    ("/stages", stages, {"summary": "The claim stage graph"}),
    ("/presence", presence, {"summary": "Agents on duty and the queue (for wait estimates)"}),
    ("/cases", list_cases, {"response_model": CaseList, "summary": "List and filter cases"}),
    (CASE, get_case, {"summary": "Everything about a case (the case packet)"}),
    (f"{CASE}/messages", get_messages, {"summary": "Chat messages after an id"}),
    (f"{CASE}/claim", claim,
     {**ACTION, "summary": "Take the case and (by default) the customer's chat"}),
    (f"{CASE}/assign", assign,
     {**ACTION, "summary": "Give an unclaimed (or your own) case to an agent"}),
    (f"{CASE}/release", release, {**ACTION, "summary": "Put your case back in the queue"}),
    (f"{CASE}/stage", change_stage, {
        **ACTION, "summary": "Move the case to another stage (claims transitions)",
        "responses": {422: {"description": "Transition not allowed; body lists `allowed`."}},
    }),
    (f"{CASE}/notes", add_note,
     {**ACTION, "summary": "Add a note; optionally send it to the customer"}),
    (f"{CASE}/reply", reply,
     {**ACTION, "summary": "Write to the customer in their chat (claims the case if free)"}),
    (f"{CASE}/handback", handback, {**ACTION, "summary": "Give the chat back to the bot"}),
    (f"{CASE}/evidence/{{sha256}}", evidence, {
        "summary": "Download an evidence file of the case", "response_class": Response,
        "responses": {200: {"content": {"application/octet-stream": {}}}},
    }),
    (f"{CASE}/export", export, {
        "summary": "Download the case (JSON or Markdown)",
        "responses": {200: {"content": {"application/json": {}, "text/markdown": {}}}},
    }),
    (f"{CASE}/customer-data/delete", delete_data, {
        "methods": ["POST"],
        "summary": "Erase the customer's personal data (keeps anonymised case rows)",
    }),
]  # fmt: skip


def build_api(service: StaffService, directory: AgentDirectory) -> tuple[APIRouter, APIRouter]:
    """The JSON API under ``/api``, and its WebSocket (authenticated inside the socket)."""

    def principal(request: Request) -> None:
        who = authenticate(request, directory)
        service.presence.seen(who.agent)
        request.state.staff_principal = who
        request.state.staff_service = service

    router = APIRouter(prefix="/api", tags=["staff"], dependencies=[Depends(principal)])
    for path, handler, options in ROUTES:
        router.add_api_route(path, handler, **options)
    sockets = APIRouter(prefix="/api")

    @sockets.websocket("/cases/{reference}/chat")
    async def chat(websocket: WebSocket, reference: str) -> None:
        await chat_socket(service, directory, websocket, reference)

    return router, sockets


# -- the live chat panel -----------------------------------------------------------------


async def _accept(
    service: StaffService, directory: AgentDirectory, websocket: WebSocket, reference: str
) -> tuple[str, str | None] | None:
    """Check origin, token and case; returns the agent and the customer's chat, or None
    after closing the socket with the reason's code."""
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host", "")
    if origin and origin.split("://", 1)[-1] != host:
        await websocket.close(code=4403)
        return None
    try:
        who = authenticate(websocket, directory)
    except HTTPException:
        await websocket.close(code=4401)
        return None
    if not who.agent:
        await websocket.close(code=4400)
        return None
    try:
        contact = await blocking(service.contact, reference)
    except HTTPException:
        await websocket.close(code=4404)
        return None
    await websocket.accept()
    service.presence.seen(who.agent)
    return who.agent, contact.sender


async def chat_socket(
    service: StaffService, directory: AgentDirectory, websocket: WebSocket, reference: str
) -> None:
    """Live chat for the console: new messages are pushed; ``{"type": "reply"}`` sends one.

    Why poll the transcript as well as listening to the hub: the transcript is the record
    both sides write, so the panel shows exactly what was stored, in order, also when the
    hub is absent or a message came in through another gateway process.
    """
    accepted = await _accept(service, directory, websocket, reference)
    if accepted is None:
        return
    agent, sender = accepted
    wake: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    unsubscribe = service.notifier.subscribe(sender, wake)
    last = int(websocket.query_params.get("after", "0") or 0)

    async def reader() -> None:
        while True:
            data = await websocket.receive_json()
            text = str(data.get("text", "")).strip() if isinstance(data, dict) else ""
            if data.get("type") == "reply" and 0 < len(text) <= 4000:
                try:
                    await call(service.reply(reference, agent, text))
                except HTTPException as exc:
                    await websocket.send_json({"type": "error", "detail": exc.detail})
                wake.put_nowait({"type": "reply"})

    task = asyncio.create_task(reader())
    try:
        while not task.done():
            for message in await blocking(service.messages, reference, last):
                await websocket.send_json({"type": "message", **message})
                last = max(last, int(message["id"]))
            service.presence.seen(agent)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.get(), timeout=1.0)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        if unsubscribe is not None:
            with contextlib.suppress(Exception):
                unsubscribe()
