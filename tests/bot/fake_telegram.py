"""A fake Telegram Bot API on loopback, for running the real bridge in tests.

Implements what the bridge uses: getMe, getUpdates (long poll over queued updates, with
offsets like Telegram: an update is re-served until a later offset acknowledges it),
sendMessage, sendChatAction, getFile + file download, setWebhook/deleteWebhook,
answerCallbackQuery, editMessageReplyMarkup. PTB posts form fields (JSON-encoded values)
or JSON; both are read. Runs uvicorn in a thread so sync and async tests can use it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from bot.rasa_client import RasaMaybeDelivered, RasaUnavailable
from tests.integration.stack import free_port

#: A 1x1 PNG: the smallest real screenshot.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


class FakeRasa:
    """Stands in for Rasa's REST channel: echoes (or returns queued ``replies``); can be
    ``down`` (connection refused) or ``broken`` (an unexpected exception)."""

    def __init__(self) -> None:
        self.down = False
        self.broken = False
        self.seen: list[tuple[str, str, dict[str, Any]]] = []
        self.replies: list[list[dict[str, Any]]] = []
        #: The idempotency key (``metadata.message_id``) of each message in ``seen``.
        self.keys: list[str] = []
        #: This many next messages are taken but their replies lost (a read timeout).
        self.lose_replies = 0

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable("connection refused")
        if self.broken:
            raise RuntimeError("boom")
        metadata = dict(metadata or {})
        self.keys.append(str(metadata.pop("message_id", "")))
        self.seen.append((sender, text, metadata))
        if self.lose_replies:
            self.lose_replies -= 1
            raise RasaMaybeDelivered("read timeout")
        if self.replies:
            return self.replies.pop(0)
        return [{"recipient_id": sender, "text": f"echo: {text}"}]

    async def replies_to(self, sender: str, key: str) -> list[dict[str, Any]] | None:
        """Like Rasa's tracker: the echo of the message that carried ``key``, if seen."""
        if self.down:
            raise RasaUnavailable("connection refused")
        for (seen_sender, text, _), seen_key in zip(self.seen, self.keys, strict=True):
            if seen_sender == sender and seen_key == key:
                return [{"recipient_id": sender, "text": f"echo: {text}"}]
        return None


BOT_USER = {"id": 999, "is_bot": True, "first_name": "ClaimBot", "username": "claim_bot"}


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-token"
    port: int = field(default_factory=free_port)
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    acknowledged: int = 0
    _next_update: int = 1000
    _next_message: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    # -- URLs for PTB --------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- test helpers ----------------------------------------------------------------------
    def _message(self, chat_id: int, **extra: Any) -> dict[str, Any]:
        """A message in ``chat_id``, by default a private chat with the user of that id;
        ``user_id=`` makes it a group chat message written by that user."""
        with self._lock:
            self._next_message += 1
            mid = self._next_message
        user_id = extra.pop("user_id", None)
        user = {"id": user_id or chat_id, "is_bot": False, "first_name": "Kim",
                "language_code": extra.pop("language_code", "en")}
        chat = ({"id": chat_id, "type": "private", "first_name": "Kim"} if user_id is None
                else {"id": chat_id, "type": "group", "title": "Claims"})
        return {"message_id": mid, "date": int(time.time()), "chat": chat, "from": user,
                **extra}

    def push_update(self, payload: dict[str, Any], update_id: int | None = None) -> int:
        """Queue an update (``update_id`` given: a re-delivery of the same id)."""
        with self._lock:
            if update_id is None:
                self._next_update += 1
                update_id = self._next_update
            self.updates.append({"update_id": update_id, **payload})
        return update_id

    def text(
        self, chat_id: int, text: str, *, language_code: str = "en", user_id: int | None = None
    ) -> int:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message = self._message(chat_id, text=text, language_code=language_code, user_id=user_id)
        if entities:
            message["entities"] = entities
        return self.push_update({"message": message})

    def add_file(self, file_id: str, name: str, data: bytes) -> None:
        self.files[file_id] = (name, data)

    def photo(self, chat_id: int, data: bytes, *, caption: str | None = None) -> int:
        self.add_file("photo-big", "photos/file_1.jpg", data)
        sizes = [
            {"file_id": "photo-small", "file_unique_id": "ps", "width": 90, "height": 90,
             "file_size": 100},
            {"file_id": "photo-big", "file_unique_id": "pb", "width": 800, "height": 600,
             "file_size": len(data)},
        ]
        extra: dict[str, Any] = {"photo": sizes}
        if caption:
            extra["caption"] = caption
        return self.push_update({"message": self._message(chat_id, **extra)})

    def document(self, chat_id: int, name: str, data: bytes, *, size: int | None = None) -> int:
        file_id = f"doc-{len(self.files)}"
        self.add_file(file_id, f"documents/{name}", data)
        doc = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
               "mime_type": "application/octet-stream", "file_size": size or len(data)}
        return self.push_update({"message": self._message(chat_id, document=doc)})

    def callback(self, chat_id: int, data: str, message_id: int = 1) -> int:
        message = self._message(chat_id, text="buttons")
        message["message_id"] = message_id
        message["from"] = BOT_USER
        query = {"id": f"cb{time.monotonic_ns()}", "chat_instance": "ci", "data": data,
                 "from": {"id": chat_id, "is_bot": False, "first_name": "Kim",
                          "language_code": "en"},
                 "message": message}
        return self.push_update({"callback_query": query})

    def texts_to(self, chat_id: int) -> list[str]:
        return [str(m["text"]) for m in list(self.sent) if m["chat_id"] == chat_id]

    def wait_for(self, predicate: Any, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out; sent so far: {self.sent}")

    # -- the server ------------------------------------------------------------------------
    def app(self) -> FastAPI:
        api = FastAPI()

        @api.get("/file/bot{token}/{path:path}")
        async def download(token: str, path: str) -> Response:
            for name, data in self.files.values():
                if name == path and token == self.token:
                    return Response(data, media_type="application/octet-stream")
            return Response(status_code=404)

        @api.post("/bot{token}/{method}")
        async def method(token: str, method: str, request: Request) -> JSONResponse:
            if token != self.token:
                return JSONResponse({"ok": False, "error_code": 401,
                                     "description": "Unauthorized"}, status_code=401)
            params = await _params(request)
            self.calls.append((method, params))
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                return JSONResponse({"ok": True, "result": True})
            result = handler(params)
            if hasattr(result, "__await__"):
                result = await result
            return JSONResponse({"ok": True, "result": result})

        return api

    def _m_getMe(self, params: dict[str, Any]) -> Any:  # noqa: N802 - Bot API names
        return BOT_USER

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:  # noqa: N802
        import asyncio

        offset = int(params.get("offset") or 0)
        if offset:
            self.acknowledged = max(self.acknowledged, offset)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                if offset:
                    # Telegram forgets acknowledged updates; re-deliveries keep their id.
                    self.updates = pending
            if pending or time.monotonic() >= deadline:
                return pending[: int(params.get("limit") or 100)]
            await asyncio.sleep(0.05)

    def _m_sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        with self._lock:
            self._next_message += 1
            mid = self._next_message
        record = {"chat_id": int(params["chat_id"]), "text": params.get("text", ""),
                  "reply_markup": params.get("reply_markup"), "message_id": mid}
        self.sent.append(record)
        return {"message_id": mid, "date": int(time.time()),
                "chat": {"id": record["chat_id"], "type": "private"},
                "from": BOT_USER, "text": record["text"]}

    def _m_getFile(self, params: dict[str, Any]) -> Any:  # noqa: N802
        file_id = str(params["file_id"])
        name, data = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                "file_path": name}

    def _m_setWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = dict(params)
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = {}
        return True

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return {"message_id": int(params.get("message_id") or 1), "date": int(time.time()),
                "chat": {"id": int(params.get("chat_id") or 0), "type": "private"},
                "from": BOT_USER, "text": "buttons"}

    def start(self) -> FakeTelegram:
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("fake Telegram did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)


async def _params(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        body = await request.body()
        return dict(json.loads(body)) if body else {}
    form = await request.form()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, str) and key in ("text", "caption"):
            params[key] = value
        elif isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
    return params
