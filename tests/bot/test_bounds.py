"""Bounded input in the gateway process: body limits, per-sender rate, bounded state.

The same findings against the running gateway: tests/integration/test_bounds.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.body_limit import BodyLimit
from bot.hub import ConversationHub, HubConfig
from bot.sanitize import clean_customer_text
from bot.transcript import Transcript
from tests.bot import test_outbox
from tests.bot.fake_telegram import FakeRasa

sessions = test_outbox.sessions  # the fixture: a migrated SQLite case database


class Recorder:
    """An ASGI app that reads the whole body, as FastAPI would."""

    def __init__(self) -> None:
        self.read = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            self.read += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def call(limit: BodyLimit, path: str, chunks: list[bytes], length: int | None) -> int:
    headers = [] if length is None else [(b"content-length", str(length).encode())]
    scope = {"type": "http", "path": path, "headers": headers}
    queue = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await limit(scope, receive, send)
    return int(sent[0]["status"])


async def test_declared_and_streamed_bodies_are_cut_at_the_limit() -> None:
    app = Recorder()
    limit = BodyLimit(app, 100, {r"/chat/[^/]+/evidence": 1000})
    assert await call(limit, "/chat/x/messages", [b"a" * 50], 50) == 200
    assert await call(limit, "/chat/x/messages", [b"a"], 101) == 413  # not read at all
    assert app.read == 50
    assert await call(limit, "/chat/x/messages", [b"a" * 60] * 3, None) == 413  # chunked
    assert app.read == 50 + 60  # the chunk that crossed the limit never reached the app
    assert await call(limit, "/chat/x/evidence", [b"a" * 900], 900) == 200


def test_raw_size_is_capped_before_cleaning_and_shown_text_is_clean() -> None:
    assert clean_customer_text("\u200b" * 401 + "hi", 100).problem == "too_long"
    cleaned = clean_customer_text(" /he\u200bllo\x07 ", 100)
    assert (cleaned.text, cleaned.shown) == ("hello", "/hello")


async def test_a_customer_over_the_rate_is_told_when_to_come_back(
    sessions: sessionmaker[Session],
) -> None:
    rasa = FakeRasa()
    config = HubConfig(customer_per_minute=6, customer_burst=2)
    hub = ConversationHub(rasa, Transcript(sessions), config)
    answers = [await hub.handle_customer_text("tg:42", "hi", {"language": "en"}) for _ in "abc"]
    assert [a[0].get("gateway") for a in answers] == [None, None, "slow_down"]
    assert answers[2][0]["text"].endswith("please slow down and try again in 10 s.")
    assert len(rasa.seen) == 2
    assert (await hub.handle_customer_text("tg:43", "hello"))[0].get("gateway") is None


async def test_per_sender_state_is_bounded(sessions: sessionmaker[Session]) -> None:
    hub = ConversationHub(FakeRasa(), Transcript(sessions), HubConfig(max_conversations=3))
    await hub.set_mode("web:human001", "human", "alice")
    for i in range(6):
        hub.set_language(f"web:idle{i:04d}", "en")
    assert len(hub._conversations) == 3
    assert hub.human_senders() == ["web:human001"]  # a human's chat is never dropped
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    hub.subscribe_agent("web:x1234567", queue)()
    assert "web:x1234567" not in hub._agents


async def test_only_a_customer_we_heard_from_gets_a_draft_by_upload(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from bot.evidence import EvidenceIntake
    from db.evidence_store import EvidenceStore
    from tests.bot.fake_telegram import PNG

    transcript = Transcript(sessions)
    store = EvidenceStore(tmp_path / "evidence", 1024 * 1024)
    hub = ConversationHub(
        FakeRasa(), transcript, evidence=EvidenceIntake(store, sessions, transcript)
    )
    accepted, [refusal] = await hub.handle_customer_file(
        "web:new12345", PNG, "a.png", {"language": "en"}, require_case=True
    )
    assert accepted is None and refusal["gateway"] == "evidence_no_case"
    assert not transcript.known("web:new12345")  # no customer, no draft
    await hub.handle_customer_text("web:new12345", "our API was down", {"language": "en"})
    accepted, _ = await hub.handle_customer_file(
        "web:new12345", PNG, "a.png", {"language": "en"}, require_case=True
    )
    assert accepted is not None and accepted.reference.startswith("CLM-")
