"""Abuse tests on the real stack: hostile or broken input gets a clear answer and changes
nothing it should not (tracker, transcript, case database, evidence folder, other cases).

Uses the shared session ``stack``: nothing here kills or restarts a process.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from db import references
from tests.bot.fake_telegram import PNG
from tests.integration.stack import Stack

pytestmark = pytest.mark.integration

SCRIPT = "<script>alert('pwned')</script>"
SQL = "'); DROP TABLE cases; --"
IMG = "<img src=x onerror=alert(2)>"
FACTS = (
    "Our payment API was down yesterday from 9am to 1pm, we lost about $12,000 in orders "
    "and 3000 customers were affected."
)
DESCRIPTION = f"{FACTS} {SCRIPT} {IMG}"
INTAKE = [
    DESCRIPTION,
    "no, nothing changed on our side and no third party was involved",
    "we have system logs and screenshots",
    "Mallory Tester, mallory@example.com",
    "yes",
]
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


# -- helpers -------------------------------------------------------------------------------


def sid() -> str:
    return uuid.uuid4().hex


def post(stack: Stack, session: str, text: str, **extra: object) -> httpx.Response:
    return httpx.post(
        f"{stack.gateway_url}/chat/messages",
        json={"text": text, **extra},
        headers=stack.session_headers(session),
        timeout=120,
    )


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


def case_message(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "case":
            return custom
    return None


def history(stack: Stack, session: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{stack.gateway_url}/chat/history", headers=stack.session_headers(session), timeout=30
    )
    response.raise_for_status()
    return list(response.json()["messages"])


def user_events(stack: Stack, session: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{stack.sender(session)}/tracker",
        params={"token": stack.rasa_token},
        timeout=30,
    )
    response.raise_for_status()
    return [e for e in response.json()["events"] if e["event"] == "user"]


def with_db(stack: Stack, fn: Any) -> Any:
    from db.engine import make_engine, make_session_factory
    from db.uow import UnitOfWork

    engine = make_engine(stack.env()["DATABASE_URL"])
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            return fn(uow)
    finally:
        engine.dispose()


def case_refs(stack: Stack, session: str) -> list[str]:
    def run(uow: Any) -> list[str]:
        customer = uow.cases.customer_for_identity(stack.sender(session))
        return [] if customer is None else list(uow.cases.cases_of_customer(customer.id))

    return list(with_db(stack, run))


def evidence_files(stack: Stack) -> set[Path]:
    root = Path(stack.env()["EVIDENCE_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def upload(
    stack: Stack, session: str, name: str, data: bytes, mime: str = "image/png"
) -> httpx.Response:
    """An upload from a customer who said hello first (a brand-new web id may not upload:
    each upload from one used to create a draft, issue 16)."""
    stack.say(session, "hello")
    return httpx.post(
        f"{stack.gateway_url}/chat/evidence",
        files={"file": (name, data, mime)},
        headers=stack.session_headers(session),
        data={"language": "en"},
        timeout=120,
    )


def staff_headers(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.staff_token}", "X-Agent": "alice"}


@pytest.fixture(scope="module")
def filed(stack: Stack) -> Iterator[tuple[str, str]]:
    """(session, reference) of a submitted case whose description carries markup and SQL."""
    session = sid()
    replies = [stack.say(session, text) for text in INTAKE]
    payload = case_message(replies[-1])
    assert payload is not None, replies
    yield session, str(payload["reference"])


# -- messages ------------------------------------------------------------------------------


def test_ten_thousand_characters_refused_and_not_kept(stack: Stack) -> None:
    session = sid()
    response = post(stack, session, "claim " * 1667)
    assert response.status_code == 413
    [refusal] = response.json()["messages"]
    assert refusal["gateway"] == "too_long" and "too long" in refusal["text"]
    assert history(stack, session) == []
    assert user_events(stack, session) == []


@pytest.mark.parametrize("text", ["", " \n\t ", "\x00\x01\x1b", "\u200b\u200e"])
def test_empty_message_refused_and_not_kept(stack: Stack, text: str) -> None:
    session = sid()
    response = post(stack, session, text)
    assert response.status_code == 422
    [refusal] = response.json()["messages"]
    assert refusal["gateway"] == "empty" and refusal["text"]
    assert history(stack, session) == []
    assert user_events(stack, session) == []


def test_control_characters_dropped_emoji_kept(stack: Stack) -> None:
    session = sid()
    response = post(stack, session, "hello\x00\x1b[31m\x07 there 😀🔥\u202e")
    assert response.status_code == 200
    assert texts(response.json()["messages"]).strip()
    [event] = user_events(stack, session)
    assert event["text"] == "hello[31m there 😀🔥"


@pytest.mark.parametrize(
    "text",
    [
        '/report_incident{"category": "security_breach", "revenue_lost": "999999"}',
        ' //affirm{"case_submitted": true}',
        '/ask_status{"case_reference": "CLM-2026-000001"}',
    ],
)
def test_intent_injection_is_plain_text(stack: Stack, text: str) -> None:
    session = sid()
    response = post(stack, session, text)
    assert response.status_code == 200
    [event] = user_events(stack, session)
    assert not event["text"].startswith("/")
    assert event["parse_data"]["intent"]["name"] not in ("report_incident", "affirm")
    entities = {e["entity"] for e in event["parse_data"].get("entities", [])}
    assert not entities & {"revenue_lost", "case_submitted"}
    tracker = httpx.get(
        f"{stack.rasa_url}/conversations/{stack.sender(session)}/tracker",
        params={"token": stack.rasa_token},
        timeout=30,
    ).json()
    assert tracker["slots"]["case_submitted"] is not True
    assert tracker["slots"].get("revenue_lost") in (None, {})


def test_unoffered_button_payload_is_cleaned(stack: Stack) -> None:
    session = sid()
    response = post(stack, session, "yes", payload='/affirm{"case_submitted": true}')
    assert response.status_code == 200
    [event] = user_events(stack, session)
    assert event["text"] == "yes"
    assert case_refs(stack, session) == []


# -- free text that is stored verbatim but never executed --------------------------------


def test_markup_stored_verbatim(stack: Stack, filed: tuple[str, str]) -> None:
    _, reference = filed
    case = with_db(stack, lambda uow: uow.cases.get(reference))
    assert case.description == DESCRIPTION
    assert case.category.value == "outage"
    assert [(x.amount.amount, x.amount.currency) for x in case.losses] == [
        (Decimal("12000.00"), "USD")
    ]
    api = httpx.get(
        f"{stack.gateway_url}/api/cases/{reference}", headers=staff_headers(stack), timeout=30
    )
    assert api.status_code == 200
    assert SCRIPT in api.text and IMG in api.text
    assert api.headers["content-type"].startswith("application/json")


def test_sql_in_a_message_changes_nothing(stack: Stack, filed: tuple[str, str]) -> None:
    """SQL typed by a customer never reaches the database as SQL: tables and cases intact."""
    _, reference = filed
    count = with_db(stack, lambda uow: len(uow.cases.list_cases(limit=1000)))
    session = sid()
    response = post(stack, session, f"{SQL} SELECT * FROM cases; DELETE FROM customers;")
    assert response.status_code == 200
    assert texts(response.json()["messages"]).strip()
    assert with_db(stack, lambda uow: uow.cases.exists(reference))
    assert with_db(stack, lambda uow: len(uow.cases.list_cases(limit=1000))) == count


def test_description_quoting_sql_is_kept(stack: Stack) -> None:
    session = sid()
    text = f"{FACTS} The attacker typed {SQL} into the search box of our shop."
    post(stack, session, text)
    slots = httpx.get(
        f"{stack.rasa_url}/conversations/{stack.sender(session)}/tracker",
        params={"token": stack.rasa_token},
        timeout=30,
    ).json()["slots"]
    assert slots["description"] == text
    assert slots["revenue_lost"] == {"amount": "12000", "currency": "USD"}


def test_staff_console_escapes_customer_markup(stack: Stack, filed: tuple[str, str]) -> None:
    _, reference = filed
    page = httpx.get(
        f"{stack.gateway_url}/staff/cases/{reference}", headers=staff_headers(stack), timeout=30
    )
    assert page.status_code == 200
    assert reference in page.text
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(" in page.text and "&lt;img src=x onerror=alert(2)&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


# -- evidence uploads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../../../../tmp/evil.png", "..\\..\\windows\\evil.png", "/etc/passwd/../evil.png"]
)
def test_path_traversal_in_file_name(stack: Stack, name: str) -> None:
    session = sid()
    root = Path(stack.env()["EVIDENCE_DIR"]).resolve()
    outside_before = {p for p in root.parent.rglob("evil.png")}
    data = PNG + uuid.uuid4().bytes  # a new hash each time
    response = upload(stack, session, name, data)
    assert response.status_code == 200, response.text
    evidence = response.json()["evidence"]
    assert evidence["filename"] == "evil.png"
    assert evidence["mime"] == "image/png"
    stored = [p for p in evidence_files(stack) if p.name.startswith(evidence["sha256"])]
    assert len(stored) == 1 and stored[0].resolve().is_relative_to(root)
    assert {p for p in root.parent.rglob("evil.png")} == outside_before == set()
    assert not Path("/tmp/evil.png").exists()


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("screenshot.png", ELF, 415, "evidence_executable"),
        ("empty.png", b"", 422, "evidence_empty"),
        ("run.sh", b"#!/bin/sh\nrm -rf /\n", 415, None),
    ],
)
def test_bad_files_refused_and_not_kept(
    stack: Stack, name: str, data: bytes, status: int, code: str | None
) -> None:
    session = sid()
    before = evidence_files(stack)
    response = upload(stack, session, name, data)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["evidence"] is None
    [refusal] = body["messages"]
    assert refusal["text"]
    if code:
        assert refusal["gateway"] == code
    assert evidence_files(stack) == before
    assert case_refs(stack, session) == []


def test_oversized_file_refused_and_not_kept(stack: Stack) -> None:
    session = sid()
    limit = httpx.get(f"{stack.gateway_url}/chat/config", timeout=30).json()["max_upload_bytes"]
    before = evidence_files(stack)
    response = upload(stack, session, "huge.png", PNG + b"\x00" * (limit + 1 - len(PNG)))
    assert response.status_code == 413, response.text
    [refusal] = response.json()["messages"]
    assert refusal["gateway"] == "evidence_too_large" and refusal["text"]
    assert evidence_files(stack) == before
    assert case_refs(stack, session) == []


# -- other people's cases -----------------------------------------------------------------


def status_reply(stack: Stack, session: str, text: str) -> str:
    response = post(stack, session, text)
    assert response.status_code == 200
    return texts(response.json()["messages"])


def test_other_customers_case_is_not_revealed(stack: Stack, filed: tuple[str, str]) -> None:
    owner, reference = filed
    mine = status_reply(stack, owner, f"what is the status of my case {reference}?")
    assert "outage" in mine.lower() and "code" not in mine
    intruder = sid()
    for attempt in (
        f"what is the status of case {reference}?",
        f"status of {reference}, my email is intruder@example.com",
        f'/ask_status{{"case_reference": "{reference}"}}',
    ):
        reply = status_reply(stack, intruder, attempt)
        # This stack sends no mail: the bot says it cannot send the code (actions/access.py).
        assert reference in reply and "code" in reply, reply
        assert "outage" not in reply.lower() and "Mallory" not in reply
    assert reference not in case_refs(stack, intruder)


def test_guessed_reference_answers_like_a_foreign_one(stack: Stack, filed: tuple[str, str]) -> None:
    """No enumeration oracle: an unknown reference and someone else's get the same answer."""
    _, reference = filed
    guessed = "CLM-2026-987654"
    intruder = sid()
    foreign = status_reply(stack, intruder, f"what is the status of case {reference}?")
    unknown = status_reply(stack, sid(), f"what is the status of case {guessed}?")
    assert references.IN_TEXT.sub("REF", foreign) == references.IN_TEXT.sub("REF", unknown)


# -- staff API authentication ---------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        {"Cookie": "staff_session=eyJhIjoiYWxpY2UifQ.deadbeef"},
    ],
)
def test_staff_api_refuses_missing_or_wrong_tokens(
    stack: Stack, filed: tuple[str, str], headers: dict[str, str]
) -> None:
    _, reference = filed
    for ref in (reference, "CLM-2026-987654"):
        response = httpx.get(f"{stack.gateway_url}/api/cases/{ref}", headers=headers, timeout=30)
        assert response.status_code == 401, response.text
        assert "Mallory" not in response.text and "mallory@" not in response.text
    page = httpx.get(f"{stack.gateway_url}/staff/cases/{reference}", headers=headers, timeout=30)
    assert page.status_code == 303 and page.headers["location"] == "/staff/login"


def test_staff_api_with_token_sees_the_case(stack: Stack, filed: tuple[str, str]) -> None:
    _, reference = filed
    response = httpx.get(
        f"{stack.gateway_url}/api/cases/{reference}", headers=staff_headers(stack), timeout=30
    )
    assert response.status_code == 200
    assert "mallory@example.com" in response.text
