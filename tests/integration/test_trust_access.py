"""Issue 16, item 2, end to end through the gateway: a case is reached from another
conversation only with the one-time code mailed to the case's own address.

A stack of its own (the SMTP settings point at a real aiosmtpd server on loopback, passed
by ``extra_env``); the victim's case is stored the way the intake stores it, and everything
the other conversation does goes through the gateway's web chat, as a browser would.
Before the fix the email (or any 8 digits of the phone) in the message opened the status,
the resume copied the victim's details into the chat and the chat could rewrite them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from claims import lifecycle
from claims.case import Case
from db.engine import make_engine, make_session_factory
from db.uow import UnitOfWork
from tests.integration.stack import MODEL, Stack
from tests.mail_server import Inbox, smtp_server

VICTIM_EMAIL = "victim@example.com"
SENT = "we have emailed a 6-digit code"
LOCKED = "Too many attempts"


@pytest.fixture(scope="module")
def access(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, Inbox]]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first", pytrace=False)
    with smtp_server() as (inbox, env):
        running = Stack(workdir=tmp_path_factory.mktemp("access-stack"), extra_env=env)
        try:
            running.start()
            yield running, inbox
        finally:
            running.stop()


def sid() -> str:
    return uuid.uuid4().hex


def texts(messages: list[dict[str, object]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


def with_db(stack: Stack, fn: Any) -> Any:
    engine = make_engine(stack.env()["DATABASE_URL"])
    try:
        return fn(make_session_factory(engine))
    finally:
        engine.dispose()


def victim_draft(stack: Stack, name: str) -> str:
    """A draft of another customer (web session of their own), as the intake saves it."""
    told = Case(
        language="en", description=f"{name}'s payment system was down for 4 hours",
        customer_name=name, customer_email=VICTIM_EMAIL, customer_phone="13812345678",
    )  # fmt: skip
    owner = lifecycle.CustomerCaller(f"web:{sid()}")
    return str(with_db(stack, lambda f: lifecycle.save_draft(UnitOfWork(f), owner, told)))


def stored(stack: Stack, reference: str) -> Case:
    def read(factory: Any) -> Case:
        with UnitOfWork(factory) as uow:
            case = uow.cases.get(reference)
            assert case is not None
            return case

    return with_db(stack, read)  # type: ignore[no-any-return]


def owns(stack: Stack, session: str, reference: str) -> bool:
    def check(factory: Any) -> bool:
        with UnitOfWork(factory) as uow:
            try:
                lifecycle.check_owner(uow.cases, lifecycle.CustomerCaller(f"web:{session}"),
                                      reference)  # fmt: skip
            except (lifecycle.CaseNotFound, lifecycle.NotYourCase):
                return False
            return True

    return bool(with_db(stack, check))


def test_a_foreign_draft_cannot_be_read_or_written(access: tuple[Stack, Inbox]) -> None:
    stack, inbox = access
    reference = victim_draft(stack, "Mallory Victim")
    intruder = sid()
    phone_digits = "".join(str(n % 10) for n in range(1890)) + "12345678"
    for text in (
        f"I want to continue my claim {reference}, my email is {VICTIM_EMAIL}",
        f"status of {reference} please, phone {phone_digits}",
    ):
        reply = texts(stack.say(intruder, text))
        assert SENT in reply, reply
        assert "Mallory" not in reply and "payment system was down" not in reply
        reply = texts(stack.say(intruder, "thanks"))  # no code: the form gives up
        assert "Mallory" not in reply
    reply = texts(stack.say(intruder, "please change my email to evil@attacker.example"))
    assert "Mallory" not in reply
    case = stored(stack, reference)
    assert case.customer_email == VICTIM_EMAIL and case.customer_name == "Mallory Victim"
    assert not owns(stack, intruder, reference)
    slots = stack.tracker(f"web:{intruder}")["slots"]
    assert isinstance(slots, dict)
    assert slots.get("customer_email") != VICTIM_EMAIL and slots.get("case_reference") != reference
    assert len(inbox.wait_for(VICTIM_EMAIL, 2)) >= 2  # the owner was told each time


def test_the_mailed_code_opens_the_case_in_another_chat(access: tuple[Stack, Inbox]) -> None:
    stack, inbox = access
    reference = victim_draft(stack, "Olga Owner")
    before = len(inbox.to(VICTIM_EMAIL))
    other_device = sid()
    assert SENT in texts(stack.say(other_device, f"what is the status of {reference}?"))
    code = inbox.code_for(VICTIM_EMAIL, before + 1)
    reply = texts(stack.say(other_device, code))
    assert f"Case {reference}" in reply and "current stage" in reply, reply
    assert owns(stack, other_device, reference)


def test_wrong_codes_are_locked_out_after_five_attempts(access: tuple[Stack, Inbox]) -> None:
    stack, inbox = access
    reference = victim_draft(stack, "Vera Victim")
    before = len(inbox.to(VICTIM_EMAIL))
    guesser = sid()
    assert SENT in texts(stack.say(guesser, f"what is the status of {reference}?"))  # 1
    code = inbox.code_for(VICTIM_EMAIL, before + 1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(3):  # 2-4
        assert "not right" in texts(stack.say(guesser, wrong))
    assert LOCKED in texts(stack.say(guesser, wrong))  # 5
    assert LOCKED in texts(stack.say(guesser, f"what is the status of {reference}?"))
    assert not owns(stack, guesser, reference)


def test_an_enumeration_is_locked_out(access: tuple[Stack, Inbox]) -> None:
    stack, _ = access
    prober = sid()
    for n in range(5):
        reply = texts(stack.say(prober, f"what is the status of CLM-2026-{n + 100:06d}?"))
        assert SENT in reply, reply
        stack.say(prober, "ok")  # leaves the code form
    reply = texts(stack.say(prober, "what is the status of CLM-2026-000200?"))
    assert LOCKED in reply and SENT not in reply, reply
