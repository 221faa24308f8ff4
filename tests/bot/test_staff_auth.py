"""Staff auth findings (issue 16 item 7), on the staff app with a real SQLite case store.

Placeholder tokens, an agent's name claimed with the shared token, a cookie without
``Secure``, unlimited login attempts, cross-origin writes carried by the cookie. The
start-up refusal is also checked on the real gateway process in
tests/integration/test_staff_auth.py.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.auth import AgentDirectory, WeakToken
from bot.settings import GatewaySettings
from db.evidence_store import EvidenceStore
from tests.bot.test_staff_api import ALICE, TOKEN, make_app, seed, sessions, store, template_db

__all__ = ["sessions", "store", "template_db"]  # fixtures shared with the API tests


@pytest.mark.parametrize("token", ["change-me", "", "short-token"])
def test_placeholder_empty_or_short_tokens_stop_the_start(token: str) -> None:
    settings = GatewaySettings(STAFF_API_TOKEN=token, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(WeakToken, match="STAFF_API_TOKEN is .*at least 16 characters"):
        AgentDirectory.from_settings(settings)


def test_a_weak_agent_token_stops_the_start() -> None:
    settings = GatewaySettings(  # type: ignore[call-arg]
        STAFF_API_TOKEN=TOKEN, STAFF_AGENTS="alice:abc", _env_file=None
    )
    with pytest.raises(WeakToken, match="the token of alice"):
        AgentDirectory.from_settings(settings)


def test_the_shared_token_cannot_claim_an_agents_name(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store)
    app, _ = make_app(sessions, store, agents=f"alice:{ALICE}")
    client = TestClient(app)
    shared_as_alice = {"Authorization": f"Bearer {TOKEN}", "X-Agent": "alice"}
    assert client.get("/api/me", headers=shared_as_alice).json()["agent"] is None
    assert client.post(f"/api/cases/{ref}/claim", headers=shared_as_alice).status_code == 400
    own = client.post(f"/api/cases/{ref}/claim", headers={"Authorization": f"Bearer {ALICE}"})
    assert own.json()["assigned_agent"] == "alice"


def login(client: TestClient, token: str = TOKEN, agent: str = "alice") -> str:
    response = client.post(
        "/staff/login", data={"token": token, "agent": agent}, follow_redirects=False
    )
    return str(response.headers["location"])


def test_the_console_cookie_is_secure_httponly_and_strict(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    app, _ = make_app(sessions, store)
    client = TestClient(app, base_url="https://testserver")
    response = client.post(
        "/staff/login", data={"token": TOKEN, "agent": "alice"}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_login_attempts_are_throttled(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    app, _ = make_app(sessions, store)
    client = TestClient(app, base_url="https://testserver")
    answers = [login(client, token=f"guess-{i}") for i in range(7)]
    assert answers[0] == "/staff/login?error=token"
    assert answers[-1].startswith("/staff/login?error=slow&wait=")
    page = client.get(answers[-1])
    assert "try again in" in page.text and "秒后再试" in page.text
    assert login(client).startswith("/staff/login?error=slow")  # even the right token waits


def test_cookie_writes_need_our_own_origin(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store)
    app, _ = make_app(sessions, store)
    client = TestClient(app, base_url="https://testserver")
    assert login(client) == "/staff"
    forged = client.post(f"/api/cases/{ref}/claim", headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    bare = client.post(f"/api/cases/{ref}/claim")  # neither Origin nor Referer
    assert bare.status_code == 403
    ours = client.post(
        f"/api/cases/{ref}/claim", headers={"Referer": "https://testserver/staff/cases/x"}
    )
    assert ours.json()["assigned_agent"] == "alice"
    assert client.get(f"/api/cases/{ref}").status_code == 200  # reads need no origin
