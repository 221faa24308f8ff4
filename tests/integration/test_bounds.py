"""Bounded input on the real gateway (issue 16 item 4).

Findings reproduced here: a body is read (or an upload spooled) whole before any size
check; a message padded with megabytes of zero-width characters is stored raw; an upload
from a brand-new session id creates a draft case; nothing limits how fast one customer or
one address may send.

A stack of its own with small rate limits, so these tests never throttle the loopback
address the other integration tests share.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.bot.fake_telegram import PNG
from tests.integration.stack import Stack
from tests.integration.test_delivery import own_stack
from tests.integration.test_faults import with_db

pytestmark = pytest.mark.integration

MAX_CHARS = 2000


@pytest.fixture(scope="module")
def bounded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    env = {
        "RATE_CUSTOMER_PER_MINUTE": "6", "RATE_CUSTOMER_BURST": "5",
        "RATE_IP_PER_MINUTE": "40", "EVIDENCE_MAX_BYTES": str(1024 * 1024),
    }
    yield from own_stack(tmp_path_factory, "bounds", env)


def sid() -> str:
    return uuid.uuid4().hex


def answer_to_declared_body(stack: Stack, path: str, declared: int, kind: str) -> bytes:
    """Send only the headers and 1 KB of a body declared ``declared`` bytes long; return
    what the gateway says before the rest arrives (nothing if it waits for the body)."""
    token = stack.token(sid())
    with socket.create_connection(("127.0.0.1", stack.gateway_port), timeout=20) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
            f"X-Chat-Session: {token}\r\nContent-Length: {declared}\r\n\r\n"
        )
        sock.sendall(head.encode() + b"x" * 1024)
        answer = b""
        try:
            while chunk := sock.recv(4096):  # until the gateway closes the connection
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return answer


@pytest.mark.parametrize("path", ["/chat/messages", "/chat/evidence"])
def test_an_oversized_body_is_refused_before_it_is_read(bounded: Stack, path: str) -> None:
    kind = "application/json" if path.endswith("messages") else "multipart/form-data; boundary=b"
    answer = answer_to_declared_body(bounded, path, 200 * 1024 * 1024, kind)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"too large" in answer


def test_zero_width_padding_is_refused_and_only_clean_text_is_stored(bounded: Stack) -> None:
    from db.models import TranscriptRow

    padded = "\u200b" * (MAX_CHARS * 5) + "hello"  # 10,000 invisible characters
    response = post(bounded, sid(), {"text": padded})
    assert response.status_code == 413
    assert response.json()["messages"][0]["gateway"] == "too_long"
    session = sid()
    post(bounded, session, {"text": "\u200bhel\u200blo\u200b there"})
    longest = with_db(
        bounded, lambda uow: uow.session.execute(
            select(func.max(func.length(TranscriptRow.text))).where(
                TranscriptRow.sender == "customer"
            )
        ).scalar_one(),
    )
    assert longest <= MAX_CHARS
    texts = with_db(bounded, lambda uow: _customer_texts(uow, bounded.sender(session)))
    assert texts == ["hello there"]


def post(stack: Stack, session: str, body: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{stack.gateway_url}/chat/messages", json=body,
        headers=stack.session_headers(session), timeout=60,
    )


def _customer_texts(uow: Any, sender: str) -> list[str]:
    from db.models import TranscriptRow

    customer = uow.cases.customer_for_identity(sender)
    stmt = select(TranscriptRow.text).where(
        TranscriptRow.customer_id == customer.id, TranscriptRow.sender == "customer"
    )
    return [str(t) for t in uow.session.execute(stmt).scalars()]


def test_uploads_from_new_session_ids_create_no_cases(bounded: Stack) -> None:
    from db.models import CaseRow

    def cases(uow: Any) -> int:
        return int(uow.session.execute(select(func.count(CaseRow.id))).scalar_one())

    before = with_db(bounded, cases)
    statuses = []
    for _ in range(3):
        response = httpx.post(
            f"{bounded.gateway_url}/chat/evidence", headers=bounded.session_headers(sid()),
            files={"file": ("screen.png", PNG, "image/png")}, data={"language": "en"},
            timeout=60,
        )
        statuses.append(response.status_code)
    assert statuses == [409, 409, 409]
    assert "what happened" in response.json()["messages"][0]["text"]
    assert with_db(bounded, cases) == before


def test_one_customer_sending_too_fast_is_told_to_slow_down(bounded: Stack) -> None:
    session = sid()
    answers = [post(bounded, session, {"text": " ", "language": "zh"}) for _ in range(8)]
    # The burst is 5; refusals are cheap, they never reach Rasa.
    response = next((a for a in answers if a.status_code == 429), None)
    assert response is not None, [a.status_code for a in answers]
    slow = response.json()["messages"][0]
    assert slow["gateway"] == "slow_down" and "秒后再试" in slow["text"]
    assert int(response.headers["Retry-After"]) >= 1


def test_one_address_rotating_session_ids_is_told_to_slow_down(bounded: Stack) -> None:
    # The address may make 40 requests at once; each of these asks for a new session.
    answers = [httpx.post(f"{bounded.gateway_url}/chat/session", timeout=60) for _ in range(60)]
    response = next((a for a in answers if a.status_code == 429), None)
    assert response is not None, [a.status_code for a in answers]
    assert "try again in" in response.json()["messages"][0]["text"]
    assert int(response.headers["Retry-After"]) >= 1
