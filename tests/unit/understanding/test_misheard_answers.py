"""A statement that answers the pending question counts even when the classifier took it
for an FAQ; a real question is left to the FAQ."""

from __future__ import annotations

from typing import Any

import pytest

from claims.policy import Policy

from .conftest import run


@pytest.mark.parametrize(
    ("text", "requested", "expected"),
    [
        ("没有，我们没改过配置，也没有第三方", "customer_config_changed",
         {"customer_config_changed": False, "third_party_involved": False}),
        ("no, nothing changed on our side and no third party", "customer_config_changed",
         {"customer_config_changed": False, "third_party_involved": False}),
        ("有系统日志和截图", "evidence_items", {"evidence_items": ["system_logs", "screenshots"]}),
        ("we kept the server logs", "evidence_items", {"evidence_items": ["system_logs"]}),
        ("still down", "ended_at", {"ended_at": "ongoing"}),
        ("还没恢复", "ended_at", {"ended_at": "ongoing"}),
        ("我叫赵敏", "customer_name", {"customer_name": "赵敏"}),
    ],
)
def test_statement_answers_the_requested_slot(
    policy: Policy, text: str, requested: str, expected: dict[str, Any]
) -> None:
    assert run(policy, text, intent="faq/evidence_to_keep", requested=requested).updates == expected


@pytest.mark.parametrize(
    ("text", "requested"),
    [
        ("第三方造成的事故谁来赔？", "customer_config_changed"),
        ("what evidence should I keep", "evidence_items"),
        ("需要保留哪些日志吗", "evidence_items"),
        ("is a config change my fault", "customer_config_changed"),
    ],
)
def test_questions_are_left_to_the_faq(policy: Policy, text: str, requested: str) -> None:
    assert run(policy, text, intent="faq/evidence_to_keep", requested=requested).updates == {}


def test_facts_of_an_unheard_first_message_are_kept(policy: Policy) -> None:
    """An unheard message after the description still gives its times and money."""
    text = "昨天上午10点我们的会员系统宕机了，到中午12点才恢复，损失大约2万元"
    updates = run(policy, text, intent="nlu_fallback", slots={"description": "会员系统"}).updates
    assert updates["started_at"] == "2026-11-20T10:00:00+08:00"
    assert updates["ended_at"] == "2026-11-20T12:00:00+08:00"
    assert updates["revenue_lost"] == {"amount": "20000", "currency": "CNY"}
    assert "description" not in updates


def test_an_unheard_statement_that_names_an_incident_is_a_report(policy: Policy) -> None:
    updates = run(policy, "we were hacked last night", intent="nlu_fallback").updates
    assert updates["description"] == "we were hacked last night"
    assert updates["category"] == "security_breach"


@pytest.mark.parametrize("text", ["were we hacked?", "banana", "你好呀"])
def test_an_unheard_question_or_noise_is_not_a_report(policy: Policy, text: str) -> None:
    assert "description" not in run(policy, text, intent="nlu_fallback").updates
