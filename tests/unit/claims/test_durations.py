from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from claims.case import Case, Category, EvidenceKind, EvidenceRef, Money, Stage
from claims.durations import estimate_case_durations, estimate_durations
from claims.policy import Policy

# kwargs, expected total, court route (None: no talks left to fail), drivers, conditional steps
APPRAISAL, ENFORCEMENT = ("appraisal", 60, 180), ("enforcement", 60, 365)
TABLE: list[tuple[dict[str, Any], tuple[int, int], tuple[int, int] | None, list[str],
                  list[tuple[str, int, int]]]] = [
    ({}, (16, 93), (381, 823), [], [APPRAISAL, ENFORCEMENT]),
    ({"stage": "negotiation"}, (4, 47), (369, 777), [], [APPRAISAL, ENFORCEMENT]),
    # 000: appraisal is followed by talks, not automatically by court and enforcement
    ({"stage": "appraisal"}, (64, 227), (426, 915), [], [ENFORCEMENT]),
    ({"stage": "litigation"}, (366, 735), None, [], [ENFORCEMENT]),
    ({"stage": "enforcement"}, (61, 370), None, [], []),
    ({"stage": "rejected"}, (366, 735), None, [], [ENFORCEMENT]),
    # 002 §五: a contract credit is paid within 3 working days of the interruption
    ({"stage": "reported", "category": "outage", "sla_credit_only": True}, (1, 5),
     (381, 823), ["sla_fast_track"], [APPRAISAL, ENFORCEMENT]),
    ({"stage": "proposal", "category": "service_interruption", "sla_credit_only": True},
     (1, 5), (372, 787), ["sla_fast_track"], [APPRAISAL, ENFORCEMENT]),
    ({"stage": "proposal", "category": "data_loss", "sla_credit_only": True},
     (7, 57), (372, 787), [], [APPRAISAL, ENFORCEMENT]),
    ({"stage": "negotiation", "cross_border": True}, (6, 68), (554, 1163), ["cross_border"],
     [("appraisal", 90, 270), ("enforcement", 90, 548)]),
    ({"stage": "negotiation", "parties": 4}, (5, 60), (480, 1009), ["extra_party"],
     [("appraisal", 78, 234), ("enforcement", 78, 475)]),
    ({"stage": "negotiation", "amount": Money(Decimal(2_000_000))}, (6, 68), (554, 1163),
     ["amount"], [("appraisal", 90, 270), ENFORCEMENT]),
    ({"stage": "negotiation", "amount": Money(Decimal(2_000_000), "USD")}, (4, 47),
     (369, 777), [], [APPRAISAL, ENFORCEMENT]),
    ({"stage": "evidence_collection", "evidence_completeness": Decimal(0)}, (23, 125),
     (388, 855), ["missing_evidence"], [APPRAISAL, ENFORCEMENT]),
    # 002 §五: force majeure extends the payment deadline (by 5–30 days, a house value)
    ({"force_majeure": True}, (21, 123), (386, 853), ["force_majeure"],
     [APPRAISAL, ENFORCEMENT]),
]


@pytest.mark.parametrize(("kwargs", "total", "disputed", "drivers", "conditional"), TABLE)
def test_duration_table(policy: Policy, kwargs: dict[str, Any], total: tuple[int, int],
                        disputed: tuple[int, int] | None, drivers: list[str],
                        conditional: list[tuple[str, int, int]]) -> None:
    result = estimate_durations(policy, **kwargs)
    assert (result.low_days, result.high_days) == total
    got = None if result.disputed is None else (result.disputed.low_days,
                                               result.disputed.high_days)
    assert got == disputed
    assert [d.rule for d in result.drivers] == drivers
    assert result.expected.steps[-1].step == "payment"
    assert [(c.step, c.low_days, c.high_days) for c in result.conditional] == conditional
    assert not result.no_payment


def test_steps_from_negotiation(policy: Policy) -> None:
    result = estimate_durations(policy, stage=Stage.NEGOTIATION)
    assert [(s.step, s.low_days, s.high_days) for s in result.expected.steps] == [
        ("negotiation", 3, 42), ("payment", 1, 5)]
    assert result.expected.steps[0].zh == "协商"


@pytest.mark.parametrize("stage", ["compensated", "closed", "withdrawn"])
def test_finished_cases(policy: Policy, stage: str) -> None:
    result = estimate_durations(policy, stage=stage)
    assert result.finished and result.low_days == 0 and result.high_days == 0
    assert result.disputed is None


def test_case_durations_use_case_facts(policy: Policy) -> None:
    case = Case(category=Category.OUTAGE, stage=Stage.EVIDENCE_COLLECTION, cross_border=True,
                evidence=[EvidenceRef(EvidenceKind.SYSTEM_LOGS),
                          EvidenceRef(EvidenceKind.SCREENSHOTS)])
    result = estimate_case_durations(policy, case)
    # half the four required kinds are present
    assert [d.rule for d in result.drivers] == ["missing_evidence", "cross_border"]
    assert result.drivers[0].en.startswith("evidence is 50% complete")
    assert result.to_dict()["expected"]["steps"][0] == {
        "step": "evidence_collection", "low_days": 7, "high_days": 32,
        "zh": "收集证据", "en": "Evidence collection"}
