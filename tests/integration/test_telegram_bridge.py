"""The Telegram bridge in the real gateway process, with real Rasa, against a fake Bot API.

The gateway polls the fake server (PTB ``base_url``) on loopback. Covers a conversation,
a photo that lands in the case, a re-delivered update across a gateway restart, and a Rasa
outage (apology first, the answer once Rasa is back).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pytest

from tests.bot.fake_telegram import PNG, FakeTelegram
from tests.integration.stack import MODEL, Stack

pytestmark = pytest.mark.integration

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def tg_stack(
    telegram: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first", pytrace=False)
    workdir = tmp_path_factory.mktemp("tg-stack")
    running = Stack(workdir=workdir, extra_env={
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.api_url,
        "TELEGRAM_FILE_URL": telegram.file_url,
        "TELEGRAM_INBOX_PATH": str(workdir / "telegram_inbox.db"),
        "TELEGRAM_POLL_TIMEOUT": "1",
        "RASA_RETRY_SECONDS": "1",
    })
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_conversation_in_both_languages(tg_stack: Stack, telegram: FakeTelegram) -> None:
    telegram.text(101, "hello", language_code="en")
    telegram.wait_for(lambda: telegram.texts_to(101), timeout=60)
    assert not CJK.search(telegram.texts_to(101)[0])
    telegram.text(102, "你好", language_code="zh-hans")
    telegram.wait_for(lambda: telegram.texts_to(102), timeout=60)
    assert CJK.search(telegram.texts_to(102)[0])


def test_photo_lands_in_the_case(tg_stack: Stack, telegram: FakeTelegram) -> None:
    from db.engine import make_engine, make_session_factory
    from db.uow import UnitOfWork

    telegram.photo(103, PNG)
    telegram.wait_for(lambda: any("CLM-" in t for t in telegram.texts_to(103)), timeout=60)
    engine = make_engine(tg_stack.env()["DATABASE_URL"])
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            customer = uow.cases.customer_for_identity("tg:103")
            assert customer is not None
            shas = {
                e.sha256 for ref in uow.cases.cases_of_customer(customer.id)
                for e in uow.cases.evidence(ref)
            }
    finally:
        engine.dispose()
    assert hashlib.sha256(PNG).hexdigest() in shas


def test_redelivered_update_is_handled_once_after_a_gateway_restart(
    tg_stack: Stack, telegram: FakeTelegram
) -> None:
    update_id = telegram.text(104, "hello there")
    telegram.wait_for(lambda: telegram.texts_to(104), timeout=60)
    answered = len(telegram.texts_to(104))
    tg_stack.restart("gateway")
    telegram.push_update(
        {"message": telegram._message(104, text="hello there")}, update_id=update_id
    )
    telegram.text(104, "hi again")
    telegram.wait_for(lambda: len(telegram.texts_to(104)) > answered, timeout=60)
    tracker = tg_stack.tracker("tg:104")
    user_texts = [e.get("text") for e in tracker["events"] if e["event"] == "user"]  # type: ignore[union-attr, index]
    assert user_texts.count("hello there") == 1
    assert "hi again" in user_texts


def test_rasa_outage_apology_then_answer(tg_stack: Stack, telegram: FakeTelegram) -> None:
    tg_stack.stop("rasa")
    try:
        telegram.text(105, "hello, anyone?")
        telegram.wait_for(lambda: telegram.texts_to(105), timeout=60)
        assert telegram.texts_to(105)[0].startswith("Sorry, the assistant can't reply")
    finally:
        tg_stack.start("rasa")
    telegram.wait_for(lambda: len(telegram.texts_to(105)) >= 2, timeout=120)
    tracker = tg_stack.tracker("tg:105")
    user_texts = [e.get("text") for e in tracker["events"] if e["event"] == "user"]  # type: ignore[union-attr, index]
    assert user_texts == ["hello, anyone?"]
