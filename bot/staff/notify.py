"""What the staff side tells customers (and the staff Telegram group), and how it gets there.

Every sentence a customer receives because an agent did something lives here in zh and en,
so a stage change, a note or a hand-back reads the same on Telegram and on the web; the
names of stages and reasons come from :mod:`claims.names`, the one home of names. The
channels' hub does the delivery through the small :class:`CustomerChannels` protocol; a
staff side without a hub (tests, a gateway started without channels) still works, and a
dead channel never fails the agent's action.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Literal, Protocol

import httpx

from claims.names import Names

log = logging.getLogger(__name__)

Mode = Literal["bot", "human"]


class CustomerChannels(Protocol):
    """What the staff side needs from the channels' hub (:class:`bot.hub.ConversationHub`)."""

    async def push_to_customer(
        self, sender: str, message: dict[str, Any], *, record: bool = True
    ) -> bool: ...

    async def set_mode(self, sender: str, mode: Mode, agent: str | None = None) -> None: ...

    def subscribe_agent(
        self, sender: str, queue: asyncio.Queue[dict[str, Any]]
    ) -> Callable[[], None]: ...


SENTENCES: dict[str, dict[str, str]] = {
    "stage_changed": {
        "zh": "您的案件 {reference} 已进入新阶段：{stage}。",
        "en": "Your case {reference} has moved to a new stage: {stage}.",
    },
    "stage_note": {
        "zh": "说明：{note}",
        "en": "Note: {note}",
    },
    "note": {
        "zh": "关于案件 {reference}，客服给您留言：{note}",
        "en": "A message from our support team about case {reference}: {note}",
    },
    "agent_joined": {
        "zh": "客服 {agent} 已接入对话，接下来由人工为您服务。",
        "en": "{agent} from our support team has joined the chat and will help you from here.",
    },
    "handed_back": {
        "zh": "客服已结束人工对话，智能助手将继续为您服务。您可以继续补充情况，或询问案件进度。",
        "en": (
            "Our agent has finished; the assistant is back. "
            "You can add details or ask about your case's status."
        ),
    },
    "no_agent": {
        "zh": (
            "抱歉，目前没有客服能马上接入。您的案件{reference}仍在人工处理队列中，"
            "客服会尽快在这里回复您；在此期间，智能助手可以继续帮您。"
        ),
        "en": (
            "Sorry, no agent is free right now. Your case{reference} stays in the support "
            "queue and an agent will reply here as soon as possible; meanwhile the assistant "
            "can keep helping you."
        ),
    },
    "staff_escalation": {
        "zh": "新的升级案件 {reference}（优先级 {priority}）：{reason}",
        "en": "New escalated case {reference} (priority {priority}): {reason}",
    },
}


def lang_of(language: str | None) -> str:
    return "zh" if language == "zh" else "en"


def say(key: str, language: str | None, **values: object) -> str:
    """The sentence ``key`` in the customer's language (English when unknown)."""
    return SENTENCES[key][lang_of(language)].format(**values)


def stage_message(names: Names, reference: str, stage: str, note: str, language: str | None) -> str:
    stage_name = names.stage(stage, lang_of(language))
    text = say("stage_changed", language, reference=reference, stage=stage_name)
    if note.strip():
        text += ("" if lang_of(language) == "zh" else " ") + say(
            "stage_note", language, note=note.strip()
        )
    return text


def no_agent_message(reference: str | None, language: str | None) -> str:
    ref = f" {reference}" if reference else ""
    return say("no_agent", language, reference=ref)


class Notifier:
    """Delivers to one customer chat through the hub; False when it could not."""

    def __init__(self, channels: CustomerChannels | None) -> None:
        self.channels = channels

    async def push(self, sender: str | None, text: str, *, agent: str | None = None) -> bool:
        """Send ``text`` to the customer's channel; the caller stores it in the transcript
        itself (with the case it is about), so the hub is told not to record it."""
        if self.channels is None or not sender:
            return False
        message: dict[str, Any] = {"text": text}
        if agent:
            message["agent"] = agent
        try:
            result = await self.channels.push_to_customer(sender, message, record=False)
        except Exception:  # a dead channel must not fail the agent's action
            log.exception("push to %s failed", sender)
            return False
        return result is not False

    async def set_mode(self, sender: str | None, mode: Mode, agent: str | None) -> bool:
        """Switch who answers the customer (``human`` or ``bot``); False when no hub."""
        if self.channels is None or not sender:
            return False
        try:
            await self.channels.set_mode(sender, mode, agent)
        except Exception:
            log.exception("set_mode %s %s failed", sender, mode)
            return False
        return True

    def subscribe(
        self, sender: str | None, queue: asyncio.Queue[dict[str, Any]]
    ) -> Callable[[], None] | None:
        """Feed the hub's live events of ``sender`` into ``queue``; returns the unsubscribe."""
        if self.channels is None or not sender:
            return None
        try:
            return self.channels.subscribe_agent(sender, queue)
        except Exception:
            log.exception("subscribing to %s failed", sender)
            return None


async def announce_escalation(
    names: Names,
    bot_token: str,
    chat_id: str,
    *,
    reference: str,
    priority: int,
    reason: str,
    console_url: str | None,
    client: httpx.AsyncClient | None = None,
) -> bool:
    """Tell the staff Telegram group about a new escalation, with a button to claim it."""
    text = "\n".join(
        say("staff_escalation", lang, reference=reference, priority=priority,
            reason=names.reason(reason, lang))
        for lang in ("zh", "en")
    )  # fmt: skip
    payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if console_url:
        url = f"{console_url.rstrip('/')}/staff/cases/{reference}?claim=1"
        payload["reply_markup"] = {"inline_keyboard": [[{"text": "认领 / Claim", "url": url}]]}
    own = client is None
    http = client or httpx.AsyncClient(timeout=10)
    try:
        response = await http.post(
            f"https://api.telegram.org/bot{bot_token}/sendMessage", json=payload
        )
        return response.status_code == 200
    except httpx.HTTPError:
        log.warning("staff group announcement of %s failed", reference)
        return False
    finally:
        if own:
            await http.aclose()
