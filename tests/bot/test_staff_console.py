"""Staff console pages: login cookie, escaping of customer text, the live chat socket."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.auth import COOKIE_NAME
from db.evidence_store import EvidenceStore
from tests.bot.test_staff_api import TOKEN, make_app, seed, sessions, store, template_db

__all__ = ["sessions", "store", "template_db"]  # fixtures shared with the API tests


@pytest.fixture
def client(sessions: sessionmaker[Session], store: EvidenceStore) -> TestClient:
    app, _ = make_app(sessions, store)
    return TestClient(app, base_url="https://testserver")  # the cookie is Secure


def login(client: TestClient, agent: str = "alice") -> None:
    response = client.post("/staff/login", data={"token": TOKEN, "agent": agent},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and TOKEN not in cookie


def test_pages_need_login(client: TestClient) -> None:
    response = client.get("/staff", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
    bad = client.post("/staff/login", data={"token": "nope", "agent": "a"}, follow_redirects=False)
    assert bad.headers["location"] == "/staff/login?error=token"
    assert COOKIE_NAME not in client.cookies


def test_tampered_cookie_is_refused(client: TestClient) -> None:
    login(client)
    value = client.cookies[COOKIE_NAME]
    client.cookies.set(COOKIE_NAME, value[:-2] + ("00" if value[-2:] != "00" else "11"))
    assert client.get("/api/me").status_code == 401


def test_queue_and_case_page_escape_customer_text(
    client: TestClient, sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store)
    login(client)
    queue = client.get("/staff")
    assert queue.status_code == 200
    assert ref in queue.text and "customer asked for a person" in queue.text
    assert "<script>alert(1)</script>" not in queue.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in queue.text
    page = client.get(f"/staff/cases/{ref}")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    for part in ("Timeline", "Losses", "1234.50 CNY", "Estimate", "800.00 CNY", "Evidence",
                 "Transcript", "Stage history", f"/api/cases/{ref}/evidence/"):  # fmt: skip
        assert part in page.text, part
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # the console's cookie works for the API, and writes are audited under the agent
    assert client.get("/api/me").json() == {"agent": "alice", "via": "cookie"}
    same_site = {"Origin": "https://testserver"}  # what a browser adds to the page's fetch
    claimed = client.post(f"/api/cases/{ref}/claim", headers=same_site)
    assert claimed.json()["assigned_agent"] == "alice"


def test_chat_socket_streams_messages_and_sends_replies(
    client: TestClient, sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store)
    login(client)
    # The cookie is Secure (wss:// in production); the test client only speaks ws://.
    cookie = {"Cookie": f"staff_session={client.cookies['staff_session']}"}
    with client.websocket_connect(f"/api/cases/{ref}/chat", headers=cookie) as ws:
        first = ws.receive_json()
        assert first["type"] == "message" and first["sender"] == "customer"
        assert ws.receive_json()["sender"] == "bot"
        ws.send_json({"type": "reply", "text": "Hello from alice"})
        seen = ws.receive_json()
        assert (seen["sender"], seen["text"]) == ("agent", "Hello from alice")


def test_chat_socket_refuses_without_login(
    client: TestClient, sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store)
    from starlette.websockets import WebSocketDisconnect

    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect(f"/api/cases/{ref}/chat") as ws,
    ):
        ws.receive_json()
