"""Nothing lost, nothing twice (issue 16 item 6), on the hub with a fake Rasa.

The end-to-end version (50 customers, Rasa killed, gateway restarted) is
tests/integration/test_delivery.py; these pin each rule on its own.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.hub import ConversationHub, HubConfig
from bot.transcript import Transcript
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from tests.bot.fake_telegram import FakeRasa
from tests.bot.test_hub import Sink


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'claims.db'}")
    upgrade(engine)
    return make_session_factory(engine)


def hub_on(sessions: sessionmaker[Session], rasa: FakeRasa) -> ConversationHub:
    config = HubConfig(retry_seconds=0.02, recheck_seconds=0.0)
    return ConversationHub(rasa, Transcript(sessions), config)


async def until(condition: object, rounds: int = 500) -> None:
    for _ in range(rounds):  # generous: the machine may be busy
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.02)


def bot_lines(sessions: sessionmaker[Session], sender: str) -> list[str]:
    return [h.text for h in Transcript(sessions).history(sender) if h.sender == "bot"]


async def test_kept_messages_survive_a_gateway_restart(sessions: sessionmaker[Session]) -> None:
    rasa = FakeRasa()
    rasa.down = True
    first = hub_on(sessions, rasa)
    [kept] = await first.handle_customer_text("web:keep1234", "my API is down")
    assert kept["gateway"] == "rasa_down_queued"
    # The gateway goes away while Rasa is still down; a new one starts later.
    second = hub_on(sessions, rasa)
    rasa.down = False
    await second.start()
    page = Sink()
    second.subscribe_customer("web:keep1234", page)
    await until(lambda: second.pending("web:keep1234") == 0 and page.frames)
    await second.stop()
    assert [t for _, t, _ in rasa.seen] == ["my API is down"]
    assert [f["text"] for f in page.frames] == ["echo: my API is down"]
    assert bot_lines(sessions, "web:keep1234") == ["echo: my API is down"]


async def test_a_lost_reply_is_looked_up_not_resent(sessions: sessionmaker[Session]) -> None:
    rasa = FakeRasa()
    rasa.lose_replies = 1  # Rasa takes the message; its answer times out
    hub = hub_on(sessions, rasa)
    await hub.start()
    page = Sink()
    hub.subscribe_customer("web:slow1234", page)
    [later] = await hub.handle_customer_text("web:slow1234", "since 9:00")
    assert later["gateway"] == "rasa_down_queued"
    await until(lambda: hub.pending("web:slow1234") == 0 and page.frames)
    await hub.stop()
    assert [t for _, t, _ in rasa.seen] == ["since 9:00"]  # heard once
    assert [f["text"] for f in page.frames] == ["echo: since 9:00"]


async def test_a_message_rasa_never_got_is_resent_after_a_lost_reply(
    sessions: sessionmaker[Session],
) -> None:
    rasa = FakeRasa()
    rasa.lose_replies = 1
    hub = hub_on(sessions, rasa)
    await hub.handle_customer_text("web:lost1234", "first")
    rasa.seen.clear()  # as if Rasa had died before saving the turn
    rasa.keys.clear()
    await hub.retry_now()
    assert [t for _, t, _ in rasa.seen] == ["first"]
    assert hub.pending("web:lost1234") == 0


async def test_the_worker_restarts_after_an_error(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    rasa = FakeRasa()
    rasa.down = True
    hub = hub_on(sessions, rasa)
    await hub.handle_customer_text("web:boom1234", "hello")
    real = hub.outbox.senders
    calls = []

    def broken_once() -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real()

    hub.outbox.senders = broken_once  # type: ignore[method-assign]
    rasa.down = False
    with caplog.at_level(logging.ERROR, logger="bot.hub"):
        await hub.start()
        await until(lambda: hub.pending("web:boom1234") == 0)
        await hub.stop()
    assert "outbox worker failed" in caplog.text
    assert [t for _, t, _ in rasa.seen] == ["hello"]


async def test_per_sender_limit_counts_kept_messages(sessions: sessionmaker[Session]) -> None:
    rasa = FakeRasa()
    rasa.down = True
    hub = ConversationHub(rasa, Transcript(sessions), HubConfig(max_pending_per_sender=1))
    [kept] = await hub.handle_customer_text("tg:7", "one")
    [refused] = await hub.handle_customer_text("tg:7", "two")
    assert (kept["gateway"], refused["gateway"]) == ("rasa_down_queued", "rasa_down")
    assert hub.pending("tg:7") == 1
