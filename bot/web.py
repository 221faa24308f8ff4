"""The web channel: demo page, embeddable widget, WebSocket chat, history and uploads.

Why both a WebSocket and plain HTTP: the socket lets an agent's reply (or a reply delayed
by a Rasa outage) appear in an open page without a reload; the HTTP endpoints keep simple
clients and tests working and serve the history a reloaded page shows.

Identity: the gateway issues the session (``POST /chat/session``, bot/web_sessions.py); the
widget keeps the token in localStorage and sends it in the ``X-Chat-Session`` header (HTTP)
or in the first WebSocket frame (``{"type": "auth", "token": ...}``), never in a URL, so
it stays out of access logs. An unknown or expired token gets 401 / close code 4401 with
``session_expired``, and the widget starts a new session. The sender id is the session's
``web:<id>``, derived from the stored HMAC, never from the token.
"""

from __future__ import annotations

import asyncio
import json
import logging
from importlib import resources
from typing import Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Request,
    UploadFile,
    WebSocket,
    WebSocketDisconnect,
)
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from bot.hub import ConversationHub
from bot.messages import gateway_message
from bot.rate_limit import RateLimiter
from bot.web_sessions import WebSessions

log = logging.getLogger(__name__)

router = APIRouter()

#: Where the widget sends its session token (HTTP); the WebSocket's first frame carries it.
SESSION_HEADER = "X-Chat-Session"
#: WebSocket close code for a refused session (4000-4999 are the application's).
SESSION_CLOSE_CODE = 4401
#: Seconds a new WebSocket may take to send its ``auth`` frame.
AUTH_FRAME_SECONDS = 10.0
#: HTTP status per gateway refusal, for the JSON endpoints.
STATUS = {
    "too_long": 413,
    "empty": 422,
    "rasa_down": 503,
    "rasa_down_queued": 503,
    "evidence_too_large": 413,
    "evidence_empty": 422,
    "evidence_executable": 415,
    "evidence_type_not_allowed": 415,
    "evidence_type_mismatch": 415,
    "evidence_no_case": 409,
    "slow_down": 429,
}
#: What the widget offers in its file picker; the server decides by content anyway.
ACCEPT = (
    ".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.log,.csv,.json,.eml,.docx,.xlsx,"
    "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv"
)
STATIC_TYPES = {
    "widget.js": "text/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
}


class ChatIn(BaseModel):
    text: str = Field(..., description="What the customer typed.")
    language: str | None = Field(None, description="zh or en when the customer toggled it.")
    payload: str | None = Field(None, description="Payload of a quick-reply button.")


class ChatOut(BaseModel):
    messages: list[dict[str, Any]]


def hub_of(app_state: Any) -> ConversationHub:
    hub: ConversationHub = app_state.hub
    return hub


def web_sessions_of(app_state: Any) -> WebSessions:
    sessions: WebSessions = app_state.web_sessions
    return sessions


def _language_hint(request: Request) -> str:
    accepted = request.headers.get("accept-language", "").lower()
    return "zh" if accepted.startswith("zh") else "en"


def _session_refusal(language: str) -> dict[str, Any]:
    text = gateway_message("session_expired", language)
    return {"error": "session_expired", "messages": [{"text": text, "gateway": "session_expired"}]}


async def customer_sender(request: Request) -> str:
    """The sender id of the session token in the request's header; 401 without a valid one."""
    token = request.headers.get(SESSION_HEADER)
    sender = await asyncio.to_thread(web_sessions_of(request.app.state).sender_for, token)
    if sender is None:
        raise HTTPException(status_code=401, detail=_session_refusal(_language_hint(request)))
    return sender


def _status(messages: list[dict[str, Any]]) -> int:
    codes = [STATUS.get(str(m.get("gateway")), 200) for m in messages if m.get("gateway")]
    return max(codes, default=200)


def _answer(body: dict[str, Any], status: int) -> JSONResponse:
    """The JSON answer; a 429 also says when to come back (``Retry-After``)."""
    headers = {}
    if status == 429:
        wait = next((m.get("retry_after") for m in body["messages"] if m.get("retry_after")), 1)
        headers["Retry-After"] = str(wait)
    return JSONResponse(body, status_code=status, headers=headers)


def client_address(request: Request) -> str:
    """The caller's address; behind a TLS proxy (``RATE_TRUST_FORWARDED_FOR``) the
    address the proxy put last into ``X-Forwarded-For``, since every request comes from it."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and getattr(request.app.state, "trust_forwarded_for", False):
        return forwarded.split(",")[-1].strip()
    return request.client.host if request.client else "unknown"


def _address_throttled(request: Request, language: str | None) -> JSONResponse | None:
    """Per-address limit (a sender rotating session ids still comes from one address)."""
    limiter: RateLimiter | None = getattr(request.app.state, "ip_limiter", None)
    address = client_address(request)
    wait = limiter.allow(address) if limiter is not None else 0
    if not wait:
        return None
    hub = hub_of(request.app.state)
    refusal = hub.refusal("slow_down", language or hub.config.default_language, seconds=wait)
    refusal["retry_after"] = wait
    return _answer({"messages": [refusal]}, 429)


def _metadata(language: str | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"channel": "web"}
    if language in ("zh", "en"):
        metadata["language"] = language
    return metadata


def _static(name: str) -> str:
    return resources.files("bot").joinpath(f"static/{name}").read_text("utf-8")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def demo_page() -> str:
    return _static("index.html")


@router.get("/widget.js", include_in_schema=False)
@router.get("/widget.css", include_in_schema=False)
async def widget_asset(request: Request) -> Response:
    name = request.url.path.rsplit("/", 1)[-1]
    return Response(
        _static(name),
        media_type=STATIC_TYPES[name],
        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    )


@router.get("/chat/config")
async def chat_config(request: Request) -> dict[str, Any]:
    """Limits the widget checks before sending (the server checks again)."""
    hub = hub_of(request.app.state)
    max_bytes = hub.evidence.max_bytes if hub.evidence else 0
    return {
        "max_message_chars": hub.config.max_message_chars,
        "max_upload_bytes": max_bytes,
        "accept": ACCEPT,
    }


@router.post("/chat/session", status_code=201, response_model=None)
async def new_session(request: Request) -> dict[str, Any] | JSONResponse:
    """A new chat session: the token to send as ``X-Chat-Session``, and when it expires.
    Counted against the address like a message: new sessions must not be free."""
    if (slow := _address_throttled(request, _language_hint(request))) is not None:
        return slow
    issued = await asyncio.to_thread(web_sessions_of(request.app.state).issue)
    return {"token": issued.token, "expires_at": issued.expires_at.isoformat()}


@router.post("/chat/messages", response_model=ChatOut)
async def chat(body: ChatIn, request: Request, sender: str = Depends(customer_sender)) -> Any:
    if (slow := _address_throttled(request, body.language)) is not None:
        return slow
    hub = hub_of(request.app.state)
    messages = await hub.handle_customer_text(
        sender, body.text, _metadata(body.language), payload=body.payload
    )
    status = _status(messages)
    if status != 200:
        return _answer({"messages": messages}, status)
    return {"messages": messages}


@router.get("/chat/history")
async def history(request: Request, sender: str = Depends(customer_sender)) -> dict[str, Any]:
    """The stored transcript of this session's customer, for a reloaded page."""
    hub = hub_of(request.app.state)
    items = await asyncio.to_thread(hub.transcript.history, sender)
    return {
        "messages": [i.to_json() for i in items],
        "mode": hub.mode(sender),
        "language": hub.language(sender),
    }


@router.post("/chat/evidence")
async def upload_evidence(
    request: Request,
    file: UploadFile = File(...),  # noqa: B008 - FastAPI's way to declare an upload
    language: str | None = Form(None),
    sender: str = Depends(customer_sender),
) -> JSONResponse:
    """One evidence file: kept by content hash, put on the case, then Rasa is told."""
    if (slow := _address_throttled(request, language)) is not None:
        return slow
    hub = hub_of(request.app.state)
    if hub.evidence is None:
        return JSONResponse({"messages": []}, status_code=503)
    # The body limit (bot/body_limit.py) already refused a body over the evidence limit
    # before it was spooled; read at most one byte more than allowed all the same.
    data = await file.read(hub.evidence.max_bytes + 1)
    accepted, messages = await hub.handle_customer_file(
        sender, data, file.filename, _metadata(language), require_case=True
    )
    body = {"evidence": accepted.to_json() if accepted else None, "messages": messages}
    return _answer(body, 200 if accepted else _status(messages))


async def _socket_sender(websocket: WebSocket) -> str | None:
    """The sender of the ``auth`` frame's token; None (refusal sent, socket closed) if bad."""
    try:
        frame = _parse(await asyncio.wait_for(websocket.receive_text(), AUTH_FRAME_SECONDS))
    except (TimeoutError, WebSocketDisconnect):
        frame = None
    token = frame.get("token") if frame and frame.get("type") == "auth" else None
    sessions = web_sessions_of(websocket.app.state)
    sender = await asyncio.to_thread(sessions.sender_for, str(token) if token else None)
    if sender is None:
        language = frame.get("language") if frame else None
        refusal = _session_refusal("zh" if language == "zh" else "en")["messages"][0]
        try:
            await websocket.send_json({"type": "error", "code": "session_expired", **refusal})
            await websocket.close(code=SESSION_CLOSE_CODE)
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went away first
    return sender


@router.websocket("/ws")
async def chat_socket(websocket: WebSocket) -> None:
    """First frame in: ``auth`` with the session token. Then frames in: ``message`` /
    ``button`` / ``ping``; out: ``bot``, ``agent``, ``mode``, ``error``, ``hello``, ``pong``."""
    await websocket.accept()
    sender = await _socket_sender(websocket)
    if sender is None:
        return
    hub = hub_of(websocket.app.state)
    unsubscribe = hub.subscribe_customer(sender, websocket)
    limit = hub.config.max_message_chars * 4 + 1024
    try:
        await websocket.send_json({"type": "hello", "mode": hub.mode(sender)})
        while True:
            raw = await websocket.receive_text()
            if len(raw) > limit:
                refusal = hub.refusal(
                    "too_long", hub.language(sender), limit=hub.config.max_message_chars
                )
                await websocket.send_json({"type": "error", "code": "too_long", **refusal})
                continue
            frame = _parse(raw)
            if frame is None:
                await websocket.send_json({"type": "error", "code": "bad_frame"})
                continue
            kind = frame.get("type")
            if kind == "ping":
                await websocket.send_json({"type": "pong"})
                continue
            if kind not in ("message", "button"):
                await websocket.send_json({"type": "error", "code": "bad_frame"})
                continue
            text = str(frame.get("text") or frame.get("title") or "")
            payload = str(frame["payload"]) if kind == "button" and frame.get("payload") else None
            language = frame.get("language")
            messages = await hub.handle_customer_text(
                sender, text, _metadata(language), payload=payload
            )
            for message in messages:
                if message.get("gateway"):
                    await websocket.send_json(
                        {"type": "error", "code": message["gateway"], "text": message["text"]}
                    )
                else:
                    await websocket.send_json({"type": "bot", **message})
    except WebSocketDisconnect:
        pass
    finally:
        unsubscribe()


def _parse(raw: str) -> dict[str, Any] | None:
    try:
        frame = json.loads(raw)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None

