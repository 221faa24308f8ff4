"""The foundation end to end: real Rasa + action server + gateway, both languages."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.integration.stack import Stack

pytestmark = pytest.mark.integration

CJK = re.compile(r"[\u4e00-\u9fff]")


def texts(messages: list[dict[str, object]]) -> str:
    return "\n".join(str(m.get("text", "")) for m in messages)


def session() -> str:
    return uuid.uuid4().hex


def test_chinese_customer_gets_chinese_replies(stack: Stack) -> None:
    reply = texts(stack.say(session(), "你好"))
    assert CJK.search(reply), reply


def test_english_customer_gets_english_replies(stack: Stack) -> None:
    reply = texts(stack.say(session(), "hello"))
    assert reply and not CJK.search(reply), reply


def test_language_follows_each_message(stack: Stack) -> None:
    sid = session()
    assert CJK.search(texts(stack.say(sid, "你好")))
    assert not CJK.search(texts(stack.say(sid, "hi there, are you a bot?")))


def test_explicit_language_request_sticks(stack: Stack) -> None:
    sid = session()
    stack.say(sid, "please answer in English")
    reply = texts(stack.say(sid, "你好"))
    assert reply and not CJK.search(reply), reply
    assert stack.tracker(stack.sender(sid))["slots"]["language_preference"] == "en"  # type: ignore[index]


def test_gateway_channel_direct_answers_in_each_language(stack: Stack) -> None:
    zh = stack.rasa_message(session(), "你好")
    en = stack.rasa_message(session(), "hello")
    assert CJK.search(texts(zh))
    assert texts(en) and not CJK.search(texts(en))


def test_injected_intent_is_plain_text(stack: Stack) -> None:
    sid = session()
    stack.say(sid, '/greet{"x":1}')
    latest = stack.tracker(stack.sender(sid))["latest_message"]
    assert latest["text"] == 'greet{"x":1}'  # type: ignore[index]
    assert all(e.get("entity") != "x" for e in latest.get("entities", []))  # type: ignore[union-attr]


def test_http_api_needs_the_token(stack: Stack) -> None:
    response = httpx.get(f"{stack.rasa_url}/conversations/someone/tracker", timeout=30)
    assert response.status_code == 401


@pytest.mark.parametrize(("text", "status"), [("x" * 10_000, 413), ("   ", 422), ("\x00\x07", 422)])
def test_gateway_refuses_bad_messages_politely(stack: Stack, text: str, status: int) -> None:
    sid = session()
    response = httpx.post(
        f"{stack.gateway_url}/chat/messages", json={"text": text},
        headers=stack.session_headers(sid), timeout=30,
    )  # fmt: skip
    assert response.status_code == status
    assert response.json()["messages"][0]["text"]


def test_conversation_survives_restart_of_every_process(stack: Stack) -> None:
    sid = session()
    stack.say(sid, "please answer in English")
    before = stack.tracker(stack.sender(sid))
    stack.restart()
    after = stack.tracker(stack.sender(sid))
    assert after["slots"]["language_preference"] == "en"  # type: ignore[index]
    user_texts = [e.get("text") for e in after["events"] if e["event"] == "user"]  # type: ignore[union-attr, index]
    assert "please answer in English" in user_texts
    assert len(after["events"]) >= len(before["events"])  # type: ignore[arg-type]
    reply = texts(stack.say(sid, "你好"))
    assert reply and not CJK.search(reply), reply
