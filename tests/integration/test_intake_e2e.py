"""End to end through the running gateway: a customer who gives details up front files a
claim in five messages or fewer, and the case in the database has the right facts."""

from __future__ import annotations

import os
import uuid
from decimal import Decimal
from typing import Any

import pytest

from db import references
from tests.integration.stack import Stack

pytestmark = pytest.mark.integration

REFERENCE = references.IN_TEXT


def case_message(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "case":
            return custom
    return None


def load_case(stack: Stack, reference: str) -> Any:
    os.environ["DATABASE_URL"] = stack.env()["DATABASE_URL"]
    from db.engine import make_engine, make_session_factory
    from db.uow import UnitOfWork

    engine = make_engine(stack.env()["DATABASE_URL"])
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            return uow.cases.get(reference), uow.cases.summary(reference), \
                uow.cases.latest_estimate(reference)
    finally:
        engine.dispose()


def converse(stack: Stack, turns: list[str]) -> tuple[list[list[dict[str, Any]]], str]:
    session = uuid.uuid4().hex
    replies = [stack.say(session, text) for text in turns]
    return replies, session


def test_english_outage_claim_in_five_messages(stack: Stack) -> None:
    replies, _ = converse(stack, [
        "Our payment API was down yesterday from 9am to 1pm, we lost about $12,000 in "
        "orders and 3000 customers were affected",
        "no, nothing changed on our side and no third party was involved",
        "we have system logs and screenshots",
        "John Smith, john.smith@example.com",
        "yes",
    ])
    payload = case_message(replies[-1])
    assert payload is not None, replies
    last = "\n".join(str(m.get("text", "")) for m in replies[-1])
    assert "from 1 to 5" in last and "didn't understand" not in last, last
    assert payload["category"] == "outage"
    assert payload["stage"] == "reported"
    assert Decimal(payload["estimate"]["compensation"]["expected"]["amount"]) > 0
    case, summary, estimate = load_case(stack, payload["reference"])
    assert summary.status == "open"
    assert case.category.value == "outage"
    assert "payment" in case.affected_systems
    assert case.downtime_hours() == Decimal("4")
    assert [(loss.amount.amount, loss.amount.currency) for loss in case.losses] == [
        (Decimal("12000.00"), "USD")
    ]
    assert case.customer_email == "john.smith@example.com"
    assert estimate is not None


def test_chinese_data_leak_claim_in_six_messages(stack: Stack) -> None:
    replies, _ = converse(stack, [
        "昨天上午10点我们的会员系统被黑了，5万名用户的手机号被泄露，到中午12点才修复，损失大约20万元",
        "昨天中午发现的",  # a leak asks when the customer learned of it
        "没有，我们没改过配置，也没有第三方",
        "有系统日志和泄露通知",
        "王小明，13800138000",
        "确认",
    ])
    texts = "\n".join(str(m.get("text", "")) for turn in replies for m in turn)
    assert "修改相关账户的密码" in texts  # urgent steps came first
    payload = case_message(replies[-1])
    assert payload is not None, replies
    last = "\n".join(str(m.get("text", "")) for m in replies[-1])
    assert "1到5分" in last and "没有理解" not in last, last
    assert payload["category"] == "security_breach"
    case, summary, _ = load_case(stack, payload["reference"])
    assert summary.escalated  # personal data leaked
    assert case.data_leak is not None and "phone_number" in case.data_leak.kinds
    assert case.downtime_hours() == Decimal("2")
    assert case.customer_phone == "13800138000"
    assert REFERENCE.fullmatch(payload["reference"])


def test_questions_about_my_claim_are_answered_from_the_case(stack: Stack) -> None:
    session = uuid.uuid4().hex
    first = stack.say(session, "Our order system was down yesterday from 10am to 2pm, no data "
                               "was leaked, and we lost about 30,000 yuan in orders")
    during = stack.say(session, "how much compensation could I get?")
    text = "\n".join(str(m.get("text", "")) for m in during)
    assert "Based on what you have told me so far" in text, during
    assert "Compensation estimate" in text and "30,000.00 CNY" in text, text
    assert during[-1] == first[-1]  # the form asks its pending question again
    for answer in ("no, nothing changed on our side and no third party was involved",
                   "we have system logs and screenshots", "Ann Lee, ann.lee@example.com"):
        stack.say(session, answer)
    payload = case_message(stack.say(session, "yes"))
    assert payload is not None
    after = stack.say(session, "how long will my claim take?")
    text = "\n".join(str(m.get("text", "")) for m in after)
    assert f"For your case {payload['reference']}" in text, after
    assert "Expected time to payment" in text, text
