"""The web channel's routes with a faked Rasa: widget files, chat, history, uploads, socket."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from bot.app import create_app
from bot.hub import ConversationHub
from bot.settings import GatewaySettings
from bot.web_sessions import WebSessions
from claims.case import Case
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import ChannelIdentityRow, WebSessionRow
from db.uow import UnitOfWork
from tests.bot.fake_telegram import PNG, FakeRasa

SESSION_HEADER = "X-Chat-Session"


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'claims.db'}")
    monkeypatch.setenv("EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.setenv("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    settings = GatewaySettings()
    settings.max_message_chars = 100
    with TestClient(create_app(settings)) as test_client:
        test_client.app.state.hub.rasa = FakeRasa()  # type: ignore[attr-defined]
        yield test_client


def hub(client: TestClient) -> ConversationHub:
    return client.app.state.hub  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def token(client: TestClient) -> str:
    """A session the gateway issued, as the widget gets it."""
    response = client.post("/chat/session")
    assert response.status_code == 201
    return str(response.json()["token"])


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {SESSION_HEADER: token}


@pytest.fixture
def sender(client: TestClient, token: str) -> str:
    found = client.app.state.web_sessions.sender_for(token)  # type: ignore[attr-defined]
    assert isinstance(found, str)
    return found


def test_demo_page_and_widget_assets_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<script src="/widget.js"' in page.text
    script = client.get("/widget.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "new WebSocket" in script.text and "localStorage" in script.text
    assert client.get("/widget.css").headers["content-type"].startswith("text/css")
    config = client.get("/chat/config").json()
    assert config["max_message_chars"] == 100
    assert config["max_upload_bytes"] == 20 * 1024 * 1024


def test_chat_strips_intent_injection_and_keeps_history(
    client: TestClient, auth: dict[str, str], sender: str
) -> None:
    response = client.post(
        "/chat/messages", json={"text": "/restart", "language": "en"}, headers=auth
    )
    assert response.json()["messages"][0]["text"] == "echo: restart"
    rasa: FakeRasa = hub(client).rasa  # type: ignore[assignment]
    assert rasa.seen == [(sender, "restart", {"channel": "web", "language": "en"})]
    history = client.get("/chat/history", headers=auth).json()
    assert [(m["sender"], m["text"]) for m in history["messages"]] == [
        ("customer", "/restart"), ("bot", "echo: restart")
    ]


@pytest.mark.parametrize(("text", "status"), [("x" * 101, 413), ("  ", 422)])
def test_bad_messages_are_refused_politely(
    client: TestClient, auth: dict[str, str], text: str, status: int
) -> None:
    response = client.post("/chat/messages", json={"text": text}, headers=auth)
    assert response.status_code == status
    assert response.json()["messages"][0]["text"]


def start_case(client: TestClient, sender: str) -> str:
    """A draft case for this session's customer, as the intake would have saved it."""
    with UnitOfWork(hub(client).transcript.sessions) as uow:
        case = uow.cases.add(Case(language="en"), identity=sender)
        uow.commit()
    return str(case.reference)


def test_screenshot_upload_is_kept_with_its_sha256(
    client: TestClient, auth: dict[str, str], sender: str
) -> None:
    start_case(client, sender)
    response = client.post(
        "/chat/evidence", headers=auth,
        files={"file": ("screenshot.png", PNG, "image/png")},
        data={"language": "en"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    digest = hashlib.sha256(PNG).hexdigest()
    assert body["evidence"]["sha256"] == digest and body["evidence"]["kind"] == "screenshots"
    assert body["messages"][1]["text"] == "echo: I uploaded evidence: screenshot.png"
    with UnitOfWork(hub(client).transcript.sessions) as uow:
        [record] = uow.cases.evidence(body["evidence"]["reference"])
    assert record.sha256 == digest and record.original_name == "screenshot.png"


def test_a_program_named_png_is_refused_clearly(
    client: TestClient, auth: dict[str, str], sender: str
) -> None:
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 500
    start_case(client, sender)
    response = client.post(
        "/chat/evidence", headers=auth, files={"file": ("screenshot.png", elf, "image/png")},
        data={"language": "en"},
    )
    assert response.status_code == 415
    assert response.json()["evidence"] is None
    text = response.json()["messages"][0]["text"]
    assert "program" in text or "doesn't match" in text


def test_a_25_mb_file_is_too_large(
    client: TestClient, auth: dict[str, str], sender: str
) -> None:
    start_case(client, sender)
    response = client.post(
        "/chat/evidence", headers=auth,
        files={"file": ("log.txt", b"a" * (25 * 1024 * 1024), "text/plain")},
        data={"language": "zh"},
    )
    assert response.status_code == 413
    assert "太大" in response.json()["messages"][0]["text"]


def test_socket_chat_buttons_and_agent_push(
    client: TestClient, token: str, auth: dict[str, str], sender: str
) -> None:
    rasa: FakeRasa = hub(client).rasa  # type: ignore[assignment]
    rasa.replies.append([{"text": "Submit?", "buttons": [{"title": "Yes", "payload": "/affirm"}]}])
    with client.websocket_connect("/ws") as socket:
        socket.send_json({"type": "auth", "token": token})
        assert socket.receive_json() == {"type": "hello", "mode": "bot"}
        socket.send_json({"type": "message", "text": "that's all", "language": "en"})
        frame = socket.receive_json()
        assert frame["type"] == "bot" and frame["buttons"][0]["payload"] == "/affirm"
        socket.send_json({"type": "button", "payload": "/affirm", "title": "Yes"})
        assert socket.receive_json()["text"] == "echo: /affirm"
        socket.send_text("not json")
        assert socket.receive_json() == {"type": "error", "code": "bad_frame"}
        client.portal.call(  # type: ignore[union-attr]
            hub(client).push_to_customer, sender, {"text": "Alice here", "agent": "alice"}
        )
        assert socket.receive_json() == {"type": "agent", "text": "Alice here", "agent": "alice"}
    history = client.get("/chat/history", headers=auth).json()["messages"]
    assert history[-1] == {**history[-1], "sender": "agent", "text": "Alice here"}


# -- the session is the gateway's, not the browser's (issue 16) ------------------------------


def refused(response: Any) -> bool:
    detail = response.json()["detail"]
    return response.status_code == 401 and detail["error"] == "session_expired" and bool(
        detail["messages"][0]["text"]
    )


@pytest.mark.parametrize("headers", [{}, {SESSION_HEADER: "0f6c1e0a2b9d4c55"},
                                     {SESSION_HEADER: "x" * 43}, {SESSION_HEADER: "bad token!"}])
def test_every_web_endpoint_refuses_a_session_it_did_not_issue(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert refused(client.post("/chat/messages", json={"text": "hi"}, headers=headers))
    assert refused(client.get("/chat/history", headers=headers))
    upload = client.post("/chat/evidence", headers=headers,
                         files={"file": ("s.png", PNG, "image/png")})
    assert refused(upload)
    assert hub(client).rasa.seen == []  # type: ignore[attr-defined]


def test_a_client_chosen_id_in_the_path_is_no_endpoint_any_more(client: TestClient) -> None:
    assert client.post("/chat/0f6c1e0a2b9d4c55/messages", json={"text": "hi"}).status_code in (
        404, 405
    )
    assert client.get("/chat/0f6c1e0a2b9d4c55/history").status_code == 404


def test_the_token_is_stored_only_as_an_hmac_and_never_is_the_sender(
    client: TestClient, token: str, auth: dict[str, str], sender: str
) -> None:
    client.post("/chat/messages", json={"text": "hello"}, headers=auth)
    assert re.fullmatch(r"web:[0-9a-f]{32}", sender) and token not in sender
    [(seen_sender, _, _)] = hub(client).rasa.seen  # type: ignore[attr-defined]
    assert seen_sender == sender
    with hub(client).transcript.sessions() as db:
        rows = db.execute(select(WebSessionRow.token_hmac, WebSessionRow.sender)).all()
        identities = db.scalars(select(ChannelIdentityRow.external_id)).all()
    assert [r.sender for r in rows] == [sender] and token not in rows[0].token_hmac
    assert all(token not in str(i) for i in identities)


def test_two_sessions_are_two_customers(client: TestClient) -> None:
    first, second = (client.post("/chat/session").json()["token"] for _ in range(2))
    assert first != second
    sessions = client.app.state.web_sessions  # type: ignore[attr-defined]
    assert sessions.sender_for(first) != sessions.sender_for(second)


def test_the_socket_wants_an_issued_token_in_its_first_frame(client: TestClient) -> None:
    for first in ({"type": "auth", "token": "made-up-token"}, {"type": "message", "text": "hi"}):
        with client.websocket_connect("/ws") as socket:
            socket.send_json(first)
            frame = socket.receive_json()
            assert frame["type"] == "error" and frame["code"] == "session_expired"
            with pytest.raises(WebSocketDisconnect) as closed:
                socket.receive_json()
            assert closed.value.code == 4401
    assert hub(client).rasa.seen == []  # type: ignore[attr-defined]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_session_expires_after_its_ttl_and_expired_rows_are_dropped(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'claims.db'}")
    upgrade(engine)
    clock = Clock()
    sessions = WebSessions(make_session_factory(engine), b"k" * 32, timedelta(hours=2), clock)
    issued = sessions.issue()
    assert sessions.sender_for(issued.token) == issued.sender
    assert issued.expires_at == clock.now + timedelta(hours=2)
    clock.now += timedelta(hours=2)
    assert sessions.sender_for(issued.token) is None
    later = sessions.issue()
    with make_session_factory(engine)() as db:
        assert db.scalars(select(WebSessionRow.sender)).all() == [later.sender]
    other_key = WebSessions(make_session_factory(engine), b"j" * 32, timedelta(hours=2), clock)
    assert other_key.sender_for(later.token) is None  # a new key ends every session
