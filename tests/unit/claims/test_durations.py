from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from claims.case import Case, Category, EvidenceKind, EvidenceRef, Money, Stage
from claims.durations import estimate_case_durations, estimate_durations
from claims.policy import Policy

TABLE: list[tuple[dict[str, Any], tuple[int, int], tuple[int, int] | None, list[str]]] = [
    ({}, (16, 93), (501, 1368), []),
    ({"stage": "negotiation"}, (4, 47), (489, 1322), []),
    ({"stage": "appraisal"}, (486, 1280), None, []),
    ({"stage": "litigation"}, (426, 1100), None, []),
    ({"stage": "enforcement"}, (61, 370), None, []),
    ({"stage": "rejected"}, (426, 1100), None, []),
    ({"stage": "reported", "category": "outage", "sla_credit_only": True}, (13, 51),
     (501, 1368), ["sla_fast_track"]),
    ({"stage": "proposal", "category": "service_interruption", "sla_credit_only": True},
     (4, 15), (492, 1332), ["sla_fast_track"]),
    ({"stage": "proposal", "category": "data_loss", "sla_credit_only": True},
     (7, 57), (492, 1332), []),
    ({"stage": "negotiation", "cross_border": True}, (6, 68), (734, 1981), ["cross_border"]),
    ({"stage": "negotiation", "parties": 4}, (5, 60), (636, 1718), ["extra_party"]),
    ({"stage": "negotiation", "amount": Money(Decimal(2_000_000))}, (6, 68), (704, 1798),
     ["amount"]),
    ({"stage": "negotiation", "amount": Money(Decimal(2_000_000), "USD")}, (4, 47),
     (489, 1322), []),
    ({"stage": "evidence_collection", "evidence_completeness": Decimal(0)}, (23, 125),
     (508, 1400), ["missing_evidence"]),
]


@pytest.mark.parametrize(("kwargs", "total", "disputed", "drivers"), TABLE)
def test_duration_table(policy: Policy, kwargs: dict[str, Any], total: tuple[int, int],
                        disputed: tuple[int, int] | None, drivers: list[str]) -> None:
    result = estimate_durations(policy, **kwargs)
    assert (result.low_days, result.high_days) == total
    got = None if result.disputed is None else (result.disputed.low_days,
                                               result.disputed.high_days)
    assert got == disputed
    assert [d.rule for d in result.drivers] == drivers
    assert result.expected.steps[-1].step == "payment"


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
