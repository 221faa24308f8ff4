"""The web channel's routes with a faked Rasa: widget files, chat, history, uploads, socket."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.hub import ConversationHub
from bot.settings import GatewaySettings
from claims.case import Case
from db.uow import UnitOfWork
from tests.bot.fake_telegram import PNG, FakeRasa

SESSION = "0f6c1e0a2b9d4c55"


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


def test_chat_strips_intent_injection_and_keeps_history(client: TestClient) -> None:
    response = client.post(f"/chat/{SESSION}/messages", json={"text": "/restart", "language": "en"})
    assert response.json()["messages"][0]["text"] == "echo: restart"
    rasa: FakeRasa = hub(client).rasa  # type: ignore[assignment]
    assert rasa.seen == [(f"web:{SESSION}", "restart", {"channel": "web", "language": "en"})]
    history = client.get(f"/chat/{SESSION}/history").json()
    assert [(m["sender"], m["text"]) for m in history["messages"]] == [
        ("customer", "/restart"), ("bot", "echo: restart")
    ]
    assert client.get("/chat/bad!id/history").status_code == 404


@pytest.mark.parametrize(("text", "status"), [("x" * 101, 413), ("  ", 422)])
def test_bad_messages_are_refused_politely(client: TestClient, text: str, status: int) -> None:
    response = client.post(f"/chat/{SESSION}/messages", json={"text": text})
    assert response.status_code == status
    assert response.json()["messages"][0]["text"]


def start_case(client: TestClient, session: str = SESSION) -> str:
    """A draft case for this session, as the intake would have saved it."""
    with UnitOfWork(hub(client).transcript.sessions) as uow:
        case = uow.cases.add(Case(language="en"), identity=f"web:{session}")
        uow.commit()
    return str(case.reference)


def test_screenshot_upload_is_kept_with_its_sha256(client: TestClient) -> None:
    start_case(client)
    response = client.post(
        f"/chat/{SESSION}/evidence",
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


def test_a_program_named_png_is_refused_clearly(client: TestClient) -> None:
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 500
    start_case(client)
    response = client.post(
        f"/chat/{SESSION}/evidence", files={"file": ("screenshot.png", elf, "image/png")},
        data={"language": "en"},
    )
    assert response.status_code == 415
    assert response.json()["evidence"] is None
    text = response.json()["messages"][0]["text"]
    assert "program" in text or "doesn't match" in text


def test_a_25_mb_file_is_too_large(client: TestClient) -> None:
    start_case(client)
    response = client.post(
        f"/chat/{SESSION}/evidence",
        files={"file": ("log.txt", b"a" * (25 * 1024 * 1024), "text/plain")},
        data={"language": "zh"},
    )
    assert response.status_code == 413
    assert "太大" in response.json()["messages"][0]["text"]


def test_socket_chat_buttons_and_agent_push(client: TestClient) -> None:
    rasa: FakeRasa = hub(client).rasa  # type: ignore[assignment]
    rasa.replies.append([{"text": "Submit?", "buttons": [{"title": "Yes", "payload": "/affirm"}]}])
    with client.websocket_connect(f"/ws/{SESSION}") as socket:
        assert socket.receive_json() == {"type": "hello", "mode": "bot"}
        socket.send_json({"type": "message", "text": "that's all", "language": "en"})
        frame = socket.receive_json()
        assert frame["type"] == "bot" and frame["buttons"][0]["payload"] == "/affirm"
        socket.send_json({"type": "button", "payload": "/affirm", "title": "Yes"})
        assert socket.receive_json()["text"] == "echo: /affirm"
        socket.send_text("not json")
        assert socket.receive_json() == {"type": "error", "code": "bad_frame"}
        client.portal.call(  # type: ignore[union-attr]
            hub(client).push_to_customer, f"web:{SESSION}", {"text": "Alice here", "agent": "alice"}
        )
        assert socket.receive_json() == {"type": "agent", "text": "Alice here", "agent": "alice"}
    history = client.get(f"/chat/{SESSION}/history").json()["messages"]
    assert history[-1] == {**history[-1], "sender": "agent", "text": "Alice here"}
