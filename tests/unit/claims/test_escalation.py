from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from claims.case import Case, DataLeak, LossItem, LossKind, Money
from claims.escalation import apply_signals, assess_escalation, detect_signals
from claims.policy import Policy

TABLE: list[tuple[dict[str, Any], str, list[str], int]] = [
    ({}, "", [], 0),
    ({"data_leak": DataLeak(10, ("id_number",))}, "", ["personal_data_leak"], 40),
    ({"data_leak": DataLeak(0)}, "", [], 0),
    ({"losses": [LossItem(LossKind.DIRECT, Money(Decimal(100000)))]}, "",
     ["loss_over_threshold"], 30),
    ({"losses": [LossItem(LossKind.DIRECT, Money(Decimal("99999.99")))]}, "", [], 0),
    ({"currency": "USD", "losses": [LossItem(LossKind.DIRECT, Money(Decimal(20000), "USD"))]},
     "", ["loss_over_threshold"], 30),
    ({}, "我要找律师起诉你们", ["litigation_mentioned"], 30),
    ({"mentions_litigation": True}, "", ["litigation_mentioned"], 30),
    ({}, "I will report you to the regulator", ["regulator_mentioned"], 30),
    ({"misunderstandings": 2}, "", ["repeated_misunderstanding"], 15),
    ({"misunderstandings": 1}, "", [], 0),
    ({}, "转人工", ["human_requested"], 20),
    ({"requested_human": True}, "", ["human_requested"], 20),
    ({}, "我父亲住院了，钱很急", ["vulnerable_customer"], 35),
    ({"data_leak": DataLeak(5), "mentions_regulator": True, "vulnerable": True,
      "requested_human": True}, "lawyer",
     ["personal_data_leak", "litigation_mentioned", "regulator_mentioned", "human_requested",
      "vulnerable_customer"], 100),
]


@pytest.mark.parametrize(("fields", "text", "rules", "priority"), TABLE)
def test_escalation_table(policy: Policy, fields: dict[str, Any], text: str, rules: list[str],
                          priority: int) -> None:
    result = assess_escalation(policy, Case(**fields), text=text)
    assert list(result.rules) == rules
    assert result.priority == priority
    assert result.escalate is bool(rules)
    assert all(f.zh and f.en for f in result.fired)


def test_texts_carry_details(policy: Policy) -> None:
    result = assess_escalation(policy, Case(
        data_leak=DataLeak(42), losses=[LossItem(LossKind.REFUND, Money(Decimal(200000)))]))
    assert result.fired[0].en == "personal data leaked (42 records)"
    # 200,000 claimed plus 42 leaked records at 10 + 20 CNY each
    assert result.fired[1].zh == (
        "索赔价值 201,260.00 CNY（含申报损失与泄露记录的估值）超过 100,000.00 CNY")
    assert result.to_dict()["rules"] == ["personal_data_leak", "loss_over_threshold"]


def test_signals(policy: Policy) -> None:
    assert detect_signals(policy, "I want a HUMAN agent, or my lawyer calls") == {
        "human", "litigation"}
    case = Case()
    assert apply_signals(policy, case, "我要向监管部门投诉") == {"regulator"}
    assert case.mentions_regulator and not case.mentions_litigation
