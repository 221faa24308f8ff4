"""Fault tests on the real processes: kill -9 and restart each process mid-intake.

A separate stack (its own ports, tracker and case database) so killing processes never
disturbs the session ``stack`` the other integration tests share. Processes are killed by
process group: ``rasa_sdk`` and Sanic fork workers, and killing only the leader leaves the
worker serving.

What must hold (DESIGN.md: "a dropped chat or a restarted server resumes where it was"):
the draft case in the database is intact, the tracker (SQL tracker store) keeps its slots,
no customer message is lost from the transcript or tracker, and one message has one effect.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
import pytest

from db import references
from tests.integration.stack import MODEL, Stack

pytestmark = pytest.mark.integration

REFERENCE = references.IN_TEXT

TURNS = [
    "Our payment API was down yesterday from 9am to 1pm, we lost about $12,000 in "
    "orders and 3000 customers were affected",
    "no, nothing changed on our side and no third party was involved",
    "we have system logs and screenshots",
    "John Smith, john.smith@example.com",
    "yes",
]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of our own, because these tests kill its processes."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first", pytrace=False)
    running = Stack(
        workdir=tmp_path_factory.mktemp("faults"), extra_env={"RASA_RETRY_SECONDS": "0.5"}
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


# -- helpers -------------------------------------------------------------------------------


def kill9(stack: Stack, name: str) -> None:
    """SIGKILL the whole process group of ``name`` (no clean shutdown, like a crash)."""
    process = stack.processes.pop(name)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    # Wait until the port is really closed (forked workers die with the group).
    url = stack.health_urls()[name]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
        except httpx.HTTPError:
            return
        time.sleep(0.2)
    raise AssertionError(f"{name} still answers after SIGKILL")


@contextmanager
def down(stack: Stack, name: str) -> Iterator[None]:
    kill9(stack, name)
    try:
        yield
    finally:
        stack.start(name)


def post(stack: Stack, session: str, text: str, **extra: object) -> httpx.Response:
    return httpx.post(
        f"{stack.gateway_url}/chat/messages",
        json={"text": text, **extra},
        headers=stack.session_headers(session),
        timeout=120,
    )


def case_message(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "case":
            return custom
    return None


def with_db(stack: Stack, fn: Any) -> Any:
    from db.engine import make_engine, make_session_factory
    from db.uow import UnitOfWork

    engine = make_engine(stack.env()["DATABASE_URL"])
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            return fn(uow)
    finally:
        engine.dispose()


def draft_of(stack: Stack, session: str) -> Any:
    return with_db(stack, lambda uow: uow.cases.find_draft_for_identity(stack.sender(session)))


def cases_of(stack: Stack, session: str) -> list[tuple[str, str]]:
    """(reference, status) of every case of the customer behind this web session."""

    def run(uow: Any) -> list[tuple[str, str]]:
        customer = uow.cases.customer_for_identity(stack.sender(session))
        if customer is None:
            return []
        refs = uow.cases.cases_of_customer(customer.id)
        return [(ref, uow.cases.summary(ref).status) for ref in refs]

    return list(with_db(stack, run))


def load_case(stack: Stack, reference: str) -> Any:
    return with_db(stack, lambda uow: uow.cases.get(reference))


def losses(case: Any) -> list[tuple[Decimal, str]]:
    return [(loss.amount.amount, loss.amount.currency) for loss in case.losses]


def user_texts(stack: Stack, session: str) -> list[str]:
    events: list[dict[str, Any]] = stack.tracker(stack.sender(session))["events"]  # type: ignore[assignment]
    return [str(e.get("text")) for e in events if e["event"] == "user"]


def history(stack: Stack, session: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{stack.gateway_url}/chat/history", headers=stack.session_headers(session), timeout=30
    )
    response.raise_for_status()
    return list(response.json()["messages"])


def assert_outage_case(stack: Stack, reference: str) -> None:
    case = load_case(stack, reference)
    assert case is not None, reference
    assert case.category.value == "outage"
    assert "payment" in case.affected_systems
    assert case.downtime_hours() == Decimal("4")
    assert losses(case) == [(Decimal("12000.00"), "USD")]
    assert case.customer_email == "john.smith@example.com"


# -- action server ---------------------------------------------------------------------------


def test_action_server_killed_and_restarted_mid_intake(faulty: Stack) -> None:
    sid = uuid.uuid4().hex
    for text in TURNS[:2]:
        assert faulty.say(sid, text)
    draft = draft_of(faulty, sid)
    assert draft is not None and draft.reference
    assert losses(draft) == [(Decimal("12000.00"), "USD")]

    kill9(faulty, "actions")
    faulty.start("actions")

    after = draft_of(faulty, sid)
    assert after is not None and after.reference == draft.reference
    assert losses(after) == losses(draft)
    assert after.category == draft.category
    replies = [faulty.say(sid, text) for text in TURNS[2:]]
    payload = case_message(replies[-1])
    assert payload is not None, replies
    assert payload["reference"] == draft.reference
    assert_outage_case(faulty, draft.reference)
    assert cases_of(faulty, sid) == [(draft.reference, "open")]


def test_action_server_down_loses_no_message(faulty: Stack) -> None:
    sid = uuid.uuid4().hex
    assert faulty.say(sid, "hello")
    with down(faulty, "actions"):
        response = post(faulty, sid, TURNS[0])
        assert response.status_code == 200, response.text
        # Rasa stored the message in the tracker, the gateway in the transcript.
        assert user_texts(faulty, sid).count(TURNS[0]) == 1
        customer = [m["text"] for m in history(faulty, sid) if m["sender"] == "customer"]
        assert customer == ["hello", TURNS[0]]
    # Back up: the customer repeats the message and the intake goes on normally.
    faulty.say(sid, TURNS[0])
    for text in TURNS[1:4]:
        faulty.say(sid, text)
    payload = case_message(faulty.say(sid, TURNS[4]))
    assert payload is not None
    assert_outage_case(faulty, payload["reference"])


def test_customer_gets_an_answer_while_action_server_is_down(faulty: Stack) -> None:
    sid = uuid.uuid4().hex
    assert faulty.say(sid, "hello")
    with down(faulty, "actions"):
        response = post(faulty, sid, TURNS[0])
        assert response.status_code in (200, 503)
        messages = response.json()["messages"]
        assert any(str(m.get("text") or "").strip() for m in messages), messages


def test_greeting_answered_while_action_server_is_down(faulty: Stack) -> None:
    """Rasa's own behaviour: a turn that needs no custom action is still answered."""
    sid = uuid.uuid4().hex
    with down(faulty, "actions"):
        response = post(faulty, sid, "hello")
        assert response.status_code == 200
        assert any(str(m.get("text") or "").strip() for m in response.json()["messages"])


# -- Rasa -------------------------------------------------------------------------------------


def test_rasa_killed_mid_intake_keeps_slots_and_queued_message(faulty: Stack) -> None:
    sid = uuid.uuid4().hex
    for text in TURNS[:2]:
        faulty.say(sid, text)
    kept = ("category", "affected_systems", "started_at", "ended_at", "revenue_lost",
            "case_reference", "language")  # fmt: skip
    before = faulty.tracker(faulty.sender(sid))["slots"]
    assert all(before[k] is not None for k in kept), before  # type: ignore[index]

    kill9(faulty, "rasa")
    try:
        response = post(faulty, sid, TURNS[2])
        assert response.status_code == 503
        [refusal] = response.json()["messages"]
        assert refusal["gateway"] == "rasa_down_queued" and refusal["text"]
    finally:
        faulty.start("rasa")

    # The gateway's retry loop delivers the queued message once Rasa is back.
    deadline = time.monotonic() + 60
    while TURNS[2] not in user_texts(faulty, sid):
        assert time.monotonic() < deadline, "queued message never reached Rasa"
        time.sleep(0.5)
    time.sleep(1)
    after = faulty.tracker(faulty.sender(sid))
    assert {k: after["slots"][k] for k in kept} == {k: before[k] for k in kept}  # type: ignore[index]
    assert user_texts(faulty, sid).count(TURNS[2]) == 1
    said = [m["text"] for m in history(faulty, sid) if m["sender"] == "customer"]
    assert said == TURNS[:3]

    replies = [faulty.say(sid, text) for text in TURNS[3:]]
    payload = case_message(replies[-1])
    assert payload is not None, replies
    assert payload["reference"] == before["case_reference"]  # type: ignore[index]
    assert_outage_case(faulty, payload["reference"])


# -- gateway ----------------------------------------------------------------------------------


def test_gateway_killed_and_restarted_next_message_works(faulty: Stack) -> None:
    sid = uuid.uuid4().hex
    faulty.say(sid, TURNS[0])
    kill9(faulty, "gateway")
    faulty.start("gateway")
    reply = faulty.say(sid, TURNS[1])
    assert any(str(m.get("text") or "").strip() for m in reply), reply
    tracker = faulty.tracker(faulty.sender(sid))
    assert tracker["slots"]["category"] == "outage"  # type: ignore[index]
    assert tracker["slots"]["customer_config_changed"] is False  # type: ignore[index]
    said = [m["text"] for m in history(faulty, sid) if m["sender"] == "customer"]
    assert said == TURNS[:2]


# -- duplicates -------------------------------------------------------------------------------
# The web endpoint (bot/web.py ChatIn: text, language, payload) has no client message id:
# an extra ``client_message_id`` field is ignored, so a re-delivered message reaches Rasa
# again. These tests check what a duplicate does to the case.


def test_repeated_intake_message_does_not_double_the_losses(faulty: Stack) -> None:
    sid = uuid.uuid4().hex
    faulty.say(sid, TURNS[0], client_message_id="m-1")
    faulty.say(sid, TURNS[0], client_message_id="m-1")
    for text in TURNS[1:4]:
        faulty.say(sid, text)
    payload = case_message(faulty.say(sid, TURNS[4]))
    assert payload is not None
    assert_outage_case(faulty, payload["reference"])  # one 12,000 USD loss, not two


def test_confirmation_delivered_twice_files_one_case(faulty: Stack) -> None:
    sid = uuid.uuid4().hex
    for text in TURNS[:4]:
        faulty.say(sid, text)
    first = faulty.say(sid, TURNS[4], client_message_id="confirm-1")
    again = faulty.say(sid, TURNS[4], client_message_id="confirm-1")
    payload = case_message(first)
    assert payload is not None
    repeated = case_message(again)
    assert repeated is None or repeated["reference"] == payload["reference"]
    assert cases_of(faulty, sid) == [(payload["reference"], "open")]
