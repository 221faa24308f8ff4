"""Only the gateway reaches Rasa and the action server (issue 16, "Transport and identity").

Before: Rasa's open REST channel took any ``sender`` from any caller
(``POST /webhooks/rest/webhook {"sender": "tg:123", "message": "/export_data"}`` answered with
that customer's data) and the action server ran any action for any caller. Now Rasa's only
channel (channels/gateway.py) wants the gateway's secret and the action server
(actions/server.py) wants Rasa's token. Each refusal has a control beside it: the same
request with the secret is served, so the test sees the check, not a dead endpoint.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.integration.stack import LOGS, RASA_WEBHOOK, SECRET_HEADER, Stack

pytestmark = pytest.mark.integration


def sender() -> str:
    return f"tg:{uuid.uuid4().int % 10**9}"


def user_texts(stack: Stack, who: str) -> list[object]:
    events = stack.tracker(who)["events"]
    return [e.get("text") for e in events if e.get("event") == "user"]  # type: ignore[union-attr]


def post_to_rasa(stack: Stack, who: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{stack.rasa_url}{RASA_WEBHOOK}",
        json={"sender": who, "message": "/export_data"},
        headers=headers, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    "headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}], ids=["none", "wrong", "empty"]
)
def test_rasa_refuses_a_message_without_the_gateway_secret(
    stack: Stack, headers: dict[str, str]
) -> None:
    who = sender()
    response = post_to_rasa(stack, who, headers)
    assert response.status_code == 401
    assert user_texts(stack, who) == []  # nothing reached the tracker


def test_rasa_takes_a_message_with_the_gateway_secret(stack: Stack) -> None:
    who = sender()
    response = post_to_rasa(stack, who, {SECRET_HEADER: stack.gateway_secret})
    assert response.status_code == 200
    assert user_texts(stack, who) == ["/export_data"]


def test_the_open_rest_channel_is_gone(stack: Stack) -> None:
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender(), "message": "hello"},
        headers={SECRET_HEADER: stack.gateway_secret}, timeout=60,
    )  # fmt: skip
    assert response.status_code == 404


def action_call(stack: Stack, params: dict[str, str]) -> httpx.Response:
    body = {
        "next_action": "action_that_does_not_exist",
        "sender_id": sender(),
        "tracker": {"sender_id": sender(), "slots": {}, "events": [], "latest_message": {}},
        "domain": {},
        "version": "3.6.21",
    }
    return httpx.post(f"{stack.actions_url}/webhook", json=body, params=params, timeout=30)


@pytest.mark.parametrize("params", [{}, {"token": "wrong"}], ids=["none", "wrong"])
def test_action_server_refuses_a_call_without_the_token(
    stack: Stack, params: dict[str, str]
) -> None:
    assert action_call(stack, params).status_code == 401
    assert httpx.get(f"{stack.actions_url}/actions", params=params, timeout=30).status_code == 401


def test_action_server_serves_a_call_with_the_token(stack: Stack) -> None:
    # Past the token check rasa-sdk itself answers: an unknown action is its 404.
    assert action_call(stack, {"token": stack.action_token}).status_code == 404
    listed = httpx.get(f"{stack.actions_url}/actions", params={"token": stack.action_token})
    assert listed.status_code == 200 and listed.json()
    assert httpx.get(f"{stack.actions_url}/health", timeout=30).status_code == 200


def test_the_gateway_path_still_reaches_rasa_and_the_actions(stack: Stack) -> None:
    replies = stack.say(uuid.uuid4().hex, "hello")
    assert any(m.get("text") for m in replies), replies


# -- the web identity is the gateway's ---------------------------------------------------------


def test_the_gateway_refuses_web_calls_without_a_session_it_issued(stack: Stack) -> None:
    made_up = {"X-Chat-Session": uuid.uuid4().hex}
    for headers in ({}, made_up):
        chat = httpx.post(f"{stack.gateway_url}/chat/messages", json={"text": "hi"},
                          headers=headers, timeout=30)  # fmt: skip
        history = httpx.get(f"{stack.gateway_url}/chat/history", headers=headers, timeout=30)
        assert chat.status_code == history.status_code == 401
        assert chat.json()["detail"]["error"] == "session_expired"
    # The browser-chosen id in the URL is no way in any more.
    old = httpx.post(f"{stack.gateway_url}/chat/{uuid.uuid4().hex}/messages",
                     json={"text": "hi"}, timeout=30)  # fmt: skip
    assert old.status_code in (404, 405)


def test_the_session_token_reaches_neither_rasa_nor_the_logs(stack: Stack) -> None:
    label = uuid.uuid4().hex
    stack.say(label, "hello")
    token, who = stack.token(label), stack.sender(label)
    assert who.startswith("web:") and token not in who
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{who}/tracker",
                        params={"token": stack.rasa_token}, timeout=30)  # fmt: skip
    assert "hello" in tracker.text and token not in tracker.text
    for name in ("gateway", "rasa", "actions"):
        assert token not in (LOGS / f"{name}.log").read_text(errors="replace")
