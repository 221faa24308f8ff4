from __future__ import annotations

from decimal import Decimal

import pytest

from claims.case import (
    Case,
    Category,
    DataLeak,
    EvidenceKind,
    EvidenceRef,
    LossItem,
    LossKind,
    Money,
)
from claims.evidence import evidence_checklist
from claims.policy import Policy

E = EvidenceKind
REQUIRED = [
    (Category.OUTAGE, [E.SYSTEM_LOGS, E.SCREENSHOTS, E.CONTRACT_SLA, E.REVENUE_RECORDS]),
    (Category.DATA_LOSS, [E.SYSTEM_LOGS, E.SCREENSHOTS, E.CONTRACT_SLA]),
    (Category.SECURITY_BREACH, [E.SYSTEM_LOGS, E.BREACH_NOTICE, E.SCREENSHOTS, E.CONTRACT_SLA]),
    (Category.FUNCTIONAL_DEFECT, [E.SCREENSHOTS, E.SYSTEM_LOGS, E.CONTRACT_SLA]),
    (Category.TRANSMISSION_FAILURE, [E.SYSTEM_LOGS, E.SCREENSHOTS, E.CONTRACT_SLA]),
    (Category.SERVICE_INTERRUPTION, [E.CONTRACT_SLA, E.SYSTEM_LOGS, E.SCREENSHOTS]),
    (Category.RELEASE_RECALL, [E.SCREENSHOTS, E.CONTRACT_SLA, E.CHAT_RECORDS]),
    (None, [E.SYSTEM_LOGS, E.SCREENSHOTS, E.CONTRACT_SLA]),
]


@pytest.mark.parametrize(("category", "required"), REQUIRED)
def test_required_per_category(policy: Policy, category: Category | None,
                               required: list[EvidenceKind]) -> None:
    checklist = evidence_checklist(policy, Case(category=category))
    assert list(checklist.required) == required
    assert list(checklist.missing) == required
    assert checklist.completeness == Decimal(0)


def test_missing_and_completeness(policy: Policy) -> None:
    case = Case(category=Category.OUTAGE, evidence=[
        EvidenceRef(E.SYSTEM_LOGS), EvidenceRef(E.CHAT_RECORDS)])
    checklist = evidence_checklist(policy, case)
    assert checklist.missing == (E.SCREENSHOTS, E.CONTRACT_SLA, E.REVENUE_RECORDS)
    assert checklist.present == (E.SYSTEM_LOGS, E.CHAT_RECORDS)
    assert checklist.completeness == Decimal("0.25")
    assert checklist.to_dict()["missing"] == ["screenshots", "contract_sla", "revenue_records"]
    names = checklist.names(policy, "zh", checklist.missing)
    assert names == ["截图", "合同与 SLA 条款", "营收记录"]


def test_case_facts_add_requirements(policy: Policy) -> None:
    case = Case(category=Category.DATA_LOSS, data_leak=DataLeak(5),
                losses=[LossItem(LossKind.LOST_ORDERS, Money(Decimal(1))),
                        LossItem(LossKind.REFUND, Money(Decimal(1)))],
                hourly_revenue=Money(Decimal(10)))
    checklist = evidence_checklist(policy, case)
    assert checklist.required[3:] == (E.BREACH_NOTICE, E.ORDER_RECORDS, E.BANK_STATEMENTS,
                                      E.REVENUE_RECORDS)
    assert E.REVENUE_RECORDS not in checklist.optional


def test_complete(policy: Policy) -> None:
    case = Case(category=Category.DATA_LOSS, evidence=[
        EvidenceRef(k) for k in (E.SYSTEM_LOGS, E.SCREENSHOTS, E.CONTRACT_SLA)])
    checklist = evidence_checklist(policy, case)
    assert checklist.complete and checklist.completeness == Decimal(1)
