"""What the staff side tells customers (and the staff Telegram group), in one place.

Every sentence a customer receives because an agent did something lives here in zh and en,
so a stage change, a note or a hand-back reads the same on Telegram and on the web. The
channels' hub does the delivery; this module only knows *what* to say and *to whom*, and
copes with the hub being absent (tests, a gateway started without channels) or being
synchronous or asynchronous.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

STAGE_LABELS: dict[str, dict[str, str]] = {
    "reported": {"zh": "已报案", "en": "reported"},
    "evidence_collection": {"zh": "收集证据", "en": "evidence collection"},
    "investigation": {"zh": "调查核实", "en": "investigation"},
    "proposal": {"zh": "赔偿方案", "en": "compensation proposal"},
    "negotiation": {"zh": "协商谈判", "en": "negotiation"},
    "appraisal": {"zh": "第三方鉴定", "en": "third-party appraisal"},
    "litigation": {"zh": "诉讼", "en": "litigation"},
    "enforcement": {"zh": "强制执行", "en": "enforcement"},
    "compensated": {"zh": "已赔付", "en": "compensated"},
    "closed": {"zh": "已结案", "en": "closed"},
    "withdrawn": {"zh": "已撤回", "en": "withdrawn"},
    "rejected": {"zh": "已拒赔", "en": "rejected"},
}

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

REASON_LABELS: dict[str, dict[str, str]] = {
    "customer_requested_human": {"zh": "客户要求人工", "en": "customer asked for a person"},
    "human_requested": {"zh": "客户要求人工", "en": "customer asked for a person"},
    "personal_data_leak": {"zh": "个人数据泄露", "en": "personal data leaked"},
    "loss_over_threshold": {"zh": "损失超过阈值", "en": "loss over threshold"},
    "litigation_mentioned": {"zh": "提到律师或诉讼", "en": "lawyer or lawsuit mentioned"},
    "regulator_mentioned": {"zh": "提到监管机构", "en": "regulator mentioned"},
    "repeated_misunderstanding": {"zh": "多次未能理解", "en": "repeated misunderstanding"},
    "vulnerable_customer": {"zh": "弱势客户", "en": "vulnerable customer"},
}


def lang_of(language: str | None) -> str:
    return "zh" if language == "zh" else "en"


def stage_label(stage: str, language: str | None) -> str:
    return STAGE_LABELS.get(stage, {}).get(lang_of(language), stage)


def reason_label(reason: str, language: str | None = "en") -> str:
    return REASON_LABELS.get(reason, {}).get(lang_of(language), reason.replace("_", " "))


def say(key: str, language: str | None, **values: object) -> str:
    """The sentence ``key`` in the customer's language (English when unknown)."""
    return SENTENCES[key][lang_of(language)].format(**values)


def stage_message(reference: str, stage: str, note: str, language: str | None) -> str:
    text = say("stage_changed", language, reference=reference, stage=stage_label(stage, language))
    if note.strip():
        text += ("" if lang_of(language) == "zh" else " ") + say(
            "stage_note", language, note=note.strip()
        )
    return text


def no_agent_message(reference: str | None, language: str | None) -> str:
    ref = f" {reference}" if reference else ""
    return say("no_agent", language, reference=ref)


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def push(hub: Any, sender: str | None, text: str, *, agent: str | None = None) -> bool:
    """Send ``text`` to the customer's channel through the hub; False when it could not.

    The caller stores the message in the transcript itself (with the case it is about).
    """
    if hub is None or not sender or not hasattr(hub, "push_to_customer"):
        return False
    message: dict[str, Any] = {"text": text}
    if agent:
        message["agent"] = agent
    kwargs: dict[str, Any] = {}
    with contextlib.suppress(TypeError, ValueError):
        if "record" in inspect.signature(hub.push_to_customer).parameters:
            kwargs["record"] = False  # the staff API stores it, under the right case
    try:
        result = await _maybe_await(hub.push_to_customer(sender, message, **kwargs))
    except Exception:  # a dead channel must not fail the agent's action
        log.exception("push to %s failed", sender)
        return False
    return result is not False


async def set_mode(hub: Any, sender: str | None, mode: str, agent: str | None) -> bool:
    """Switch who answers the customer (``human`` or ``bot``); False when no hub."""
    if hub is None or not sender or not hasattr(hub, "set_mode"):
        return False
    try:
        await _maybe_await(hub.set_mode(sender, mode, agent))
    except Exception:
        log.exception("set_mode %s %s failed", sender, mode)
        return False
    return True


async def announce_escalation(
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
            reason=reason_label(reason, lang))
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
