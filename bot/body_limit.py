"""Request body limits for every gateway endpoint, enforced before the body is read.

Why an ASGI middleware: FastAPI parses JSON and spools multipart uploads to disk before an
endpoint runs, so a check in the endpoint comes after a 1 GB body was taken. Here a
declared ``Content-Length`` over the limit is answered 413 at once, and a body without one
(chunked) is counted as it arrives and cut off at the limit. Uploads get their own limit
(the evidence limit plus room for the multipart envelope); everything else a small one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bot.evidence import human_size
from bot.messages import gateway_message

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Room for the multipart boundary, headers and the form's other fields.
MULTIPART_OVERHEAD = 64 * 1024


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body without a length goes over the limit."""


class BodyLimit:
    """``default`` bytes for every request; ``overrides`` maps a path pattern to bytes."""

    def __init__(
        self, app: ASGIApp, default: int, overrides: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.default = default
        self.overrides = [(re.compile(p), n) for p, n in (overrides or {}).items()]

    def limit_for(self, path: str) -> int:
        return next((n for p, n in self.overrides if p.fullmatch(path)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    """413 with the limit, in both languages (the language is not known yet)."""
    size = human_size(limit)
    zh, en = (gateway_message("body_too_large", lang, limit=size) for lang in ("zh", "en"))
    body = json.dumps(
        {
            "detail": en,
            "limit_bytes": limit,
            # The web widget shows ``messages``; the language is not known yet: both.
            "messages": [{"gateway": "body_too_large", "text": f"{zh}\n{en}"}],
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
