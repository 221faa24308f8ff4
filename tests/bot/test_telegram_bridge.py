"""The real PTB bridge against a fake Telegram Bot API on loopback (Rasa faked in-process).

Covers text, commands, buttons, photo and document evidence, duplicate and re-delivered
updates across a restart, a Rasa outage and an unexpected error. The full stack with the
real Rasa is in tests/integration/test_telegram_bridge.py.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from bot.evidence import EvidenceIntake
from bot.hub import ConversationHub, HubConfig
from bot.settings import GatewaySettings
from bot.telegram_bridge import TelegramBridge, TelegramInbox
from bot.transcript import Transcript
from db.engine import make_engine, make_session_factory
from db.evidence_store import EvidenceStore
from db.migrate import upgrade
from db.uow import UnitOfWork
from tests.bot.fake_telegram import PNG, FakeRasa, FakeTelegram

CHAT = 4242
SENDER = f"tg:{CHAT}"


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'claims.db'}")
    upgrade(engine)
    return make_session_factory(engine)


class Gateway:
    """Hub + bridge as the gateway builds them; ``restart`` keeps the databases."""

    def __init__(self, telegram: FakeTelegram, sessions: sessionmaker[Session], tmp: Path):
        self.rasa = FakeRasa()
        self.telegram = telegram
        self.sessions = sessions
        self.tmp = tmp
        self.hub: ConversationHub | None = None
        self.bridge: TelegramBridge | None = None

    def settings(self) -> GatewaySettings:
        settings = GatewaySettings()
        settings.telegram_bot_token = SecretStr(self.telegram.token)
        settings.telegram_api_url = self.telegram.api_url
        settings.telegram_file_url = self.telegram.file_url
        settings.telegram_inbox_path = str(self.tmp / "telegram_inbox.db")
        settings.telegram_poll_timeout = 1
        settings.telegram_webhook_url = None
        return settings

    async def start(self) -> None:
        transcript = Transcript(self.sessions)
        store = EvidenceStore(self.tmp / "evidence", 20 * 1024 * 1024)
        self.hub = ConversationHub(
            self.rasa, transcript, HubConfig(retry_seconds=0.1),
            evidence=EvidenceIntake(store, self.sessions, transcript),
        )
        await self.hub.start()
        self.bridge = TelegramBridge(self.settings(), self.hub)
        await self.bridge.start()

    async def stop(self) -> None:
        assert self.bridge is not None and self.hub is not None
        await self.bridge.stop()
        await self.hub.stop()


@pytest.fixture
async def gateway(
    telegram: FakeTelegram, sessions: sessionmaker[Session], tmp_path: Path
) -> AsyncIterator[Gateway]:
    gw = Gateway(telegram, sessions, tmp_path)
    await gw.start()
    yield gw
    if gw.bridge is not None and gw.bridge.application.running:
        await gw.stop()


async def wait_until(predicate: Callable[[], Any], timeout: float = 15) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_text_reaches_rasa_and_the_answer_comes_back(
    gateway: Gateway, telegram: FakeTelegram, sessions: sessionmaker[Session]
) -> None:
    telegram.text(CHAT, '/greet{"x": 1}')  # an unknown command is plain text for Rasa
    telegram.text(CHAT, "Our payment API was down for 3 hours")
    await wait_until(lambda: len(telegram.texts_to(CHAT)) >= 2)
    assert gateway.rasa.seen[0][:2] == (SENDER, 'greet{"x": 1}')
    assert gateway.rasa.seen[1] == (
        SENDER, "Our payment API was down for 3 hours", {"channel": "telegram"}
    )
    assert telegram.texts_to(CHAT)[-1] == "echo: Our payment API was down for 3 hours"
    assert any(method == "sendChatAction" for method, _ in telegram.calls)
    history = Transcript(sessions).history(SENDER)
    assert [h.sender for h in history] == ["customer", "bot", "customer", "bot"]
    with UnitOfWork(sessions) as uow:
        customer = uow.cases.customer_for_identity(SENDER)
    assert customer is not None and SENDER in customer.identities


async def test_commands_become_plain_requests_in_the_chats_language(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    telegram.text(CHAT, "/start", language_code="zh-hans")
    await wait_until(lambda: len(gateway.rasa.seen) == 1)
    telegram.text(CHAT, "/lang en")
    await wait_until(lambda: len(gateway.rasa.seen) == 2)
    for command in ("/status", "/cancel", "/human"):
        telegram.text(CHAT, command)
    await wait_until(lambda: len(gateway.rasa.seen) == 5)
    assert [t for _, t, _ in gateway.rasa.seen] == [
        "你好", "please answer in English", "What is the status of my claim?",
        "I want to cancel my claim", "I want to talk to a human",
    ]
    assert gateway.rasa.seen[1][2]["language"] == "en"


async def test_buttons_are_inline_keyboards_and_only_offered_payloads_pass(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    gateway.rasa.replies.append([{"text": "Submit?", "buttons": [
        {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]}])
    telegram.text(CHAT, "done")
    await wait_until(lambda: telegram.texts_to(CHAT))
    keyboard = telegram.sent[-1]["reply_markup"]["inline_keyboard"]
    assert [[b["text"], b["callback_data"]] for row in keyboard for b in row] == [
        ["Yes", "b:0"], ["No", "b:1"]
    ]
    telegram.callback(CHAT, "b:1")
    telegram.callback(CHAT, "b:7")  # never offered: ignored
    await wait_until(lambda: len(gateway.rasa.seen) == 2)
    await asyncio.sleep(0.3)
    assert [t for _, t, _ in gateway.rasa.seen] == ["done", "/deny"]
    assert any(m == "answerCallbackQuery" for m, _ in telegram.calls)
    assert any(m == "editMessageReplyMarkup" for m, _ in telegram.calls)


async def test_photo_and_document_land_in_the_case_with_their_sha256(
    gateway: Gateway, telegram: FakeTelegram, sessions: sessionmaker[Session]
) -> None:
    log = b"2024-05-01 09:00:01 ERROR payment gateway timeout\n" * 20
    telegram.photo(CHAT, PNG)
    await wait_until(lambda: len(gateway.rasa.seen) == 1)
    telegram.document(CHAT, "server.log", log)
    await wait_until(lambda: len(gateway.rasa.seen) == 2)
    telegram.document(CHAT, "huge.pdf", b"%PDF-1.4", size=25 * 1024 * 1024)
    await wait_until(lambda: any("too large" in t for t in telegram.texts_to(CHAT)))
    with UnitOfWork(sessions) as uow:
        customer = uow.cases.customer_for_identity(SENDER)
        assert customer is not None
        [reference] = uow.cases.cases_of_customer(customer.id)
        evidence = uow.cases.evidence(reference)
    assert {(e.sha256, e.kind, e.channel) for e in evidence} == {
        (hashlib.sha256(PNG).hexdigest(), "screenshots", "telegram"),
        (hashlib.sha256(log).hexdigest(), "system_logs", "telegram"),
    }
    assert gateway.rasa.seen[1][1] == "I uploaded evidence: server.log"
    assert gateway.rasa.seen[1][2]["evidence"][0]["sha256"] == hashlib.sha256(log).hexdigest()
    assert any(reference in t for t in telegram.texts_to(CHAT))
    downloads = [p for m, p in telegram.calls if m == "getFile"]
    assert [p["file_id"] for p in downloads] == ["photo-big", "doc-1"]  # not the 25 MB one


async def test_a_renamed_program_is_refused_with_a_reason(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    telegram.document(CHAT, "screenshot.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 200)
    await wait_until(lambda: telegram.texts_to(CHAT))
    assert "program" in telegram.texts_to(CHAT)[0] or "match" in telegram.texts_to(CHAT)[0]
    assert gateway.rasa.seen == []


async def test_duplicated_update_is_handled_once_even_after_a_restart(
    gateway: Gateway, telegram: FakeTelegram, tmp_path: Path
) -> None:
    update_id = telegram.text(CHAT, "first")
    telegram.push_update(dict(telegram.updates[-1]), update_id=update_id)  # same id again
    await wait_until(lambda: telegram.texts_to(CHAT))
    await asyncio.sleep(0.5)
    assert [t for _, t, _ in gateway.rasa.seen] == ["first"]

    await gateway.stop()
    # Telegram re-delivers what it believes unconfirmed; the new process must drop it.
    telegram.push_update({"message": {**telegram._message(CHAT, text="first")}},
                         update_id=update_id)
    telegram.text(CHAT, "second")
    await gateway.start()
    await wait_until(lambda: len(gateway.rasa.seen) == 2)
    await asyncio.sleep(0.5)
    assert [t for _, t, _ in gateway.rasa.seen] == ["first", "second"]
    assert TelegramInbox(tmp_path / "telegram_inbox.db").status(update_id) == "done"


async def test_rasa_outage_gets_an_apology_then_the_answer(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    gateway.rasa.down = True
    telegram.text(CHAT, "my database lost a day of orders")
    await wait_until(lambda: telegram.texts_to(CHAT))
    assert telegram.texts_to(CHAT)[0].startswith("Sorry, the assistant can't reply right now")
    gateway.rasa.down = False
    await wait_until(lambda: len(telegram.texts_to(CHAT)) == 2)
    assert telegram.texts_to(CHAT)[1] == "echo: my database lost a day of orders"


async def test_an_unexpected_error_is_logged_and_apologised_for(
    gateway: Gateway, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.rasa.broken = True
    telegram.text(CHAT, "hello?")
    await wait_until(lambda: telegram.texts_to(CHAT))
    assert telegram.texts_to(CHAT)[0].startswith("Sorry, something went wrong")
    assert "Telegram update failed" in caplog.text


async def test_agent_messages_are_pushed_into_the_chat(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    assert gateway.hub is not None
    await gateway.hub.set_mode(SENDER, "human", agent="alice")
    assert await gateway.hub.push_to_customer(SENDER, {"text": "Hi, Alice here", "agent": "alice"})
    await wait_until(lambda: len(telegram.texts_to(CHAT)) == 2)
    assert telegram.texts_to(CHAT)[1] == "alice: Hi, Alice here"
    telegram.text(CHAT, "thanks Alice")
    await asyncio.sleep(0.5)
    assert gateway.rasa.seen == []  # a human has the chat


GROUP = -100777
ALICE, BOB = 1001, 1002


async def test_in_a_group_each_user_is_their_own_customer_and_replies_go_to_the_group(
    gateway: Gateway, telegram: FakeTelegram, sessions: sessionmaker[Session]
) -> None:
    telegram.text(GROUP, "my API is down", user_id=ALICE)
    await wait_until(lambda: len(telegram.texts_to(GROUP)) >= 1)
    telegram.text(GROUP, "what did Alice say?", user_id=BOB)
    await wait_until(lambda: len(telegram.texts_to(GROUP)) >= 2)
    assert [seen[0] for seen in gateway.rasa.seen] == [f"tg:{ALICE}", f"tg:{BOB}"]
    assert telegram.texts_to(GROUP) == ["echo: my API is down", "echo: what did Alice say?"]
    assert [h.text for h in Transcript(sessions).history(f"tg:{BOB}")] == [
        "what did Alice say?", "echo: what did Alice say?",
    ]  # fmt: skip
    with UnitOfWork(sessions) as uow:
        assert uow.cases.customer_for_identity(f"tg:{GROUP}") is None
        alice = uow.cases.customer_for_identity(f"tg:{ALICE}")
        bob = uow.cases.customer_for_identity(f"tg:{BOB}")
    assert alice is not None and bob is not None and alice.id != bob.id


async def test_an_agent_reply_reaches_the_group_the_user_wrote_from_after_a_restart(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    telegram.text(GROUP, "I need a person", user_id=ALICE)
    await wait_until(lambda: len(telegram.texts_to(GROUP)) >= 1)
    await gateway.stop()
    await gateway.start()
    assert gateway.hub is not None
    assert await gateway.hub.push_to_customer(f"tg:{ALICE}", {"text": "Hi", "agent": "alice"})
    await wait_until(lambda: len(telegram.texts_to(GROUP)) >= 2)
    assert telegram.texts_to(GROUP)[-1] == "alice: Hi"
    assert telegram.texts_to(ALICE) == []
