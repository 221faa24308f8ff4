"""The conversation hub without Rasa: routing, hand-off, transcript, outage queue."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.evidence import EvidenceIntake
from bot.hub import ConversationHub, HubConfig
from bot.transcript import Transcript
from claims.case import Case
from db.engine import make_engine, make_session_factory
from db.evidence_store import EvidenceStore
from db.migrate import upgrade
from db.uow import UnitOfWork
from tests.bot.fake_telegram import PNG, FakeRasa


class Sink:
    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    async def send_json(self, data: Any, mode: str = "text") -> None:
        self.frames.append(data)


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'claims.db'}")
    upgrade(engine)
    return make_session_factory(engine)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


def make_hub(sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path) -> ConversationHub:
    transcript = Transcript(sessions)
    store = EvidenceStore(tmp_path / "evidence", 1024 * 1024)
    return ConversationHub(
        rasa,
        transcript,
        HubConfig(max_message_chars=50, retry_seconds=0.05, max_pending_per_sender=2),
        evidence=EvidenceIntake(store, sessions, transcript),
    )


async def test_text_goes_to_rasa_with_metadata_and_is_transcribed(
    sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path
) -> None:
    hub = make_hub(sessions, rasa, tmp_path)
    reply = await hub.handle_customer_text("web:abc12345", "/greet{\"x\":1}", {"language": "en"})
    assert reply == [{"recipient_id": "web:abc12345", "text": 'echo: greet{"x":1}'}]
    assert rasa.seen == [("web:abc12345", 'greet{"x":1}', {"language": "en", "channel": "web"})]
    [key] = rasa.keys  # the idempotency key (bot/outbox.py)
    assert len(key) == 32 and hub.pending("web:abc12345") == 0
    history = Transcript(sessions).history("web:abc12345")
    assert [(h.sender, h.text) for h in history] == [
        ("customer", '/greet{"x":1}'),
        ("bot", 'echo: greet{"x":1}'),
    ]
    with UnitOfWork(sessions) as uow:
        customer = uow.cases.customer_for_identity("web:abc12345")
    assert customer is not None and customer.identities == ("web:abc12345",)


async def test_overlong_and_empty_text_are_refused_in_the_customers_language(
    sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path
) -> None:
    hub = make_hub(sessions, rasa, tmp_path)
    [too_long] = await hub.handle_customer_text("tg:1", "长" * 51)
    [empty] = await hub.handle_customer_text("tg:1", "  /  ", {"language": "en"})
    assert too_long["gateway"] == "too_long" and "50" in too_long["text"]
    assert "太长" in too_long["text"]
    assert empty["gateway"] == "empty" and empty["text"].startswith("I didn't")
    assert rasa.seen == []


async def test_button_payload_passes_only_when_offered(
    sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path
) -> None:
    hub = make_hub(sessions, rasa, tmp_path)
    rasa.replies.append(
        [{"text": "Submit?", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]
    )
    await hub.handle_customer_text("web:s1234567", "done")
    await hub.handle_customer_text("web:s1234567", "Yes", payload="/affirm")
    await hub.handle_customer_text("web:s1234567", "x", payload="/delete_data")
    assert [t for _, t, _ in rasa.seen] == ["done", "/affirm", "x"]
    assert hub.button("web:s1234567", 0) is None  # the echo offered no buttons


async def test_handoff_from_rasa_routes_to_agents_and_survives_restart(
    sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path
) -> None:
    hub = make_hub(sessions, rasa, tmp_path)
    await hub.start()
    feed: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    everything: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    hub.subscribe_agent("web:h1234567", feed)
    hub.subscribe_agent("*", everything)
    rasa.replies.append(
        [{"text": "A person will join."}, {"custom": {"type": "handoff", "reason": "asked"}}]
    )
    await hub.handle_customer_text("web:h1234567", "human please")
    assert hub.mode("web:h1234567") == "human"
    assert await hub.handle_customer_text("web:h1234567", "are you there?") == []
    assert [t for _, t, _ in rasa.seen] == ["human please"]
    events = [feed.get_nowait() for _ in range(feed.qsize())]
    assert [(e["type"], e.get("text")) for e in events] == [
        ("customer", "human please"),
        ("bot", "A person will join."),
        ("mode", None),
        ("customer", "are you there?"),
    ]
    assert everything.qsize() == 4
    await hub.stop()

    restarted = make_hub(sessions, rasa, tmp_path)
    await restarted.start()
    assert restarted.mode("web:h1234567") == "human"
    await restarted.set_mode("web:h1234567", "bot", agent="alice")
    await restarted.stop()
    again = make_hub(sessions, rasa, tmp_path)
    await again.start()
    assert again.mode("web:h1234567") == "bot"
    await again.stop()


async def test_agent_push_reaches_open_pages_and_channel_pushers(
    sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path
) -> None:
    hub = make_hub(sessions, rasa, tmp_path)
    page, other_page = Sink(), Sink()
    unsubscribe = hub.subscribe_customer("web:p1234567", page)
    hub.subscribe_customer("web:p1234567", other_page)
    unsubscribe()
    pushed: list[tuple[str, list[dict[str, Any]]]] = []

    async def telegram(sender: str, frames: list[dict[str, Any]]) -> None:
        pushed.append((sender, frames))

    hub.register_channel("tg", telegram)
    assert await hub.push_to_customer("web:p1234567", {"text": "Hi, I'm Alice", "agent": "alice"})
    assert await hub.push_to_customer("tg:42", {"text": "Hello from Alice"})
    assert not await hub.push_to_customer("web:nobody123", {"text": "kept for later"})
    assert page.frames == []
    assert other_page.frames == [{"type": "agent", "text": "Hi, I'm Alice", "agent": "alice"}]
    assert pushed == [("tg:42", [{"type": "agent", "text": "Hello from Alice"}])]
    later = Transcript(sessions).history("web:nobody123")
    assert [(h.sender, h.text) for h in later] == [("agent", "kept for later")]


async def test_rasa_outage_queues_and_pushes_the_answer_when_back(
    sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path
) -> None:
    hub = make_hub(sessions, rasa, tmp_path)
    await hub.start()
    page = Sink()
    hub.subscribe_customer("web:o1234567", page)
    rasa.down = True
    [first] = await hub.handle_customer_text("web:o1234567", "my API is down", {"language": "en"})
    [second] = await hub.handle_customer_text("web:o1234567", "since 9:00")
    [third] = await hub.handle_customer_text("web:o1234567", "hello?")
    assert first["gateway"] == second["gateway"] == "rasa_down_queued"
    assert third["gateway"] == "rasa_down"  # the queue is full: clearly refused
    assert hub.pending("web:o1234567") == 2
    rasa.down = False
    for _ in range(500):  # generous: the machine may be busy
        if not hub.pending("web:o1234567") and len(page.frames) == 2:
            break
        await asyncio.sleep(0.02)
    assert [t for _, t, _ in rasa.seen] == ["my API is down", "since 9:00"]
    assert [f["text"] for f in page.frames] == ["echo: my API is down", "echo: since 9:00"]
    assert all(f["type"] == "bot" for f in page.frames)
    await hub.stop()


async def test_evidence_lands_on_the_draft_case_and_rasa_hears_of_it(
    sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path
) -> None:
    hub = make_hub(sessions, rasa, tmp_path)
    with UnitOfWork(sessions) as uow:
        case = uow.cases.add(Case(language="en"), identity="web:e1234567")
        uow.commit()
    accepted, messages = await hub.handle_customer_file(
        "web:e1234567", PNG, "screen.png", {"language": "en"}
    )
    assert accepted is not None and accepted.reference == case.reference
    assert messages[0]["gateway"] == "evidence_received"
    assert accepted.stored.sha256[:12] in messages[0]["text"]
    assert messages[1]["text"] == "echo: I uploaded evidence: screen.png"
    _, told, metadata = rasa.seen[0]
    assert metadata["evidence"][0]["sha256"] == accepted.stored.sha256
    assert metadata["evidence"][0]["kind"] == "screenshots"
    with UnitOfWork(sessions) as uow:
        [record] = uow.cases.evidence(str(case.reference))
    assert record.sha256 == accepted.stored.sha256 and record.channel == "web"


async def test_refused_evidence_says_why_and_keeps_nothing(
    sessions: sessionmaker[Session], rasa: FakeRasa, tmp_path: Path
) -> None:
    hub = make_hub(sessions, rasa, tmp_path)
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
    accepted, [refusal] = await hub.handle_customer_file(
        "web:r1234567", elf, "screen.png", {"language": "en"}
    )
    assert accepted is None
    assert refusal["gateway"] in ("evidence_executable", "evidence_type_mismatch")
    accepted, [too_big] = await hub.handle_customer_file(
        "web:r1234567", b"a" * (1024 * 1024 + 1), "log.txt", {"language": "zh"}
    )
    assert accepted is None and too_big["gateway"] == "evidence_too_large"
    assert "1.0 MB" in too_big["text"] and "太大" in too_big["text"]
    assert rasa.seen == []
    assert not list((tmp_path / "evidence").rglob("*.*"))
