"""Slots <-> Case, required_slots and the confirmation summary."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from claims.case import Category, LossKind, Money, ThirdParty, TimelineKind
from claims.policy import Policy
from understanding.case_slots import case_from_slots, slots_from_case
from understanding.slots import required_slots
from understanding.summary import summary_lines

from .conftest import NOW, cny

FULL: dict[str, Any] = {
    "description": "支付系统宕机",
    "category": "outage",
    "sub_type": "server_crash",
    "affected_systems": ["payment", "database"],
    "started_at": "2026-11-20T09:00:00+08:00",
    "ended_at": "2026-11-20T13:30:00+08:00",
    "detected_at": "2026-11-20T09:10:00+08:00",
    "data_leaked": True,
    "leaked_data_kinds": ["phone_number"],
    "leaked_records": 2000.0,
    "revenue_lost": cny("100000"),
    "recovery_cost": cny("20000"),
    "monthly_fee": cny("5000"),
    "people_idle": 12.0,
    "customers_affected": 3000.0,
    "customer_config_changed": True,
    "third_party_involved": True,
    "third_party": "payment_gateway",
    "evidence_items": ["system_logs", "screenshots"],
    "customer_name": "张三",
    "customer_company": "星辰科技",
    "customer_email": "zhang@example.com",
    "customer_phone": "13812345678",
    "customer_contact": "zhang@example.com",
    "case_reference": "CLM-2026-0001",
    "language": "zh",
}


def test_case_from_full_slots(policy: Policy) -> None:
    case = case_from_slots(FULL, policy, now=NOW)
    assert case.category == Category.OUTAGE
    assert case.reference == "CLM-2026-0001"
    assert case.downtime_hours() == Decimal("4.5")
    assert case.first(TimelineKind.DETECTED) is not None
    assert [(x.kind, x.amount) for x in case.losses] == [
        (LossKind.DIRECT, Money(Decimal(100000))),
        (LossKind.RECOVERY_COST, Money(Decimal(20000))),
    ]
    assert case.liability.third_party == ThirdParty.PAYMENT_GATEWAY
    assert case.liability.customer_config_changed is True
    assert case.data_leak is not None and case.data_leak.records == 2000
    assert [e.kind.value for e in case.evidence] == ["system_logs", "screenshots"]
    assert (case.customers_affected, case.people_idle) == (3000, 12)
    assert case.monthly_fee == Money(Decimal(5000))


def test_round_trip(policy: Policy) -> None:
    assert slots_from_case(case_from_slots(FULL, policy, now=NOW)) == FULL


def test_round_trip_ongoing_and_none_evidence(policy: Policy) -> None:
    slots = {"description": "x", "started_at": "2026-11-20T09:00:00+08:00", "ended_at": "ongoing",
             "evidence_items": ["none"], "language": "en"}  # fmt: skip
    case = case_from_slots(slots, policy, now=NOW)
    assert case.evidence == []
    assert case.downtime(NOW) is not None
    back = slots_from_case(case)
    assert back == {"description": "x", "started_at": "2026-11-20T09:00:00+08:00",
                    "ended_at": "ongoing", "language": "en"}  # fmt: skip


def test_draft_with_junk_values(policy: Policy) -> None:
    slots = {"category": "nope", "started_at": "yesterday", "revenue_lost": {"amount": "x"},
             "customers_affected": "many", "evidence_items": ["bogus"]}  # fmt: skip
    case = case_from_slots(slots, policy, now=NOW)
    assert (case.category, case.timeline, case.losses, case.evidence) == (None, [], [], [])
    assert case_from_slots({}, policy, now=NOW).description == ""


@pytest.mark.parametrize(
    ("form", "slots", "needed"),
    [
        ("incident_form", {}, ["description", "category", "affected_systems", "started_at",
                               "ended_at"]),
        ("incident_form", {"category": "security_breach"},
         ["description", "affected_systems", "started_at", "ended_at", "data_leaked"]),
        ("incident_form", {"category": "data_loss", "data_leaked": True, "description": "x",
                           "affected_systems": ["db"], "started_at": "t", "ended_at": "ongoing"},
         ["leaked_data_kinds", "leaked_records", "detected_at"]),
        ("incident_form", {"category": "security_breach", "data_leaked": False,
                           "description": "x", "affected_systems": ["db"], "started_at": "t",
                           "ended_at": "t"}, []),
        ("impact_form", {"revenue_lost": cny("0")}, []),
        ("liability_form", {"customer_config_changed": False},
         ["third_party_involved"]),
        ("evidence_form", {"evidence_items": []}, ["evidence_items"]),
        ("contact_form", {"customer_name": "张三"}, ["customer_contact"]),
        ("unknown_form", {}, []),
    ],
)  # fmt: skip
def test_required_slots(form: str, slots: dict[str, Any], needed: list[str]) -> None:
    assert required_slots(form, slots) == needed


def test_summary_zh(policy: Policy) -> None:
    lines = summary_lines(FULL, policy, "zh")
    assert (
        lines[0] == "事故类别：服务宕机 / 系统故障（服务器崩溃）"
    )
    assert "开始时间：2026-11-20 09:00" in lines
    assert "恢复时间：2026-11-20 13:30（停机 4小时30分钟）" in lines
    assert "数据泄露：是，约 2000 条（手机号）" in lines
    assert "营收损失：100,000 CNY" in lines
    assert "涉及第三方：是（" + policy.liability.third_party_names[
        ThirdParty.PAYMENT_GATEWAY].zh + "）" in lines  # fmt: skip
    assert "证据：系统日志、截图" in lines
    assert lines[-1] == "联系方式：张三、星辰科技、zhang@example.com"


def test_summary_en_partial(policy: Policy) -> None:
    slots = {"started_at": "2026-11-20T09:00:00+08:00", "ended_at": "ongoing",
             "evidence_items": ["none"], "customer_config_changed": False}  # fmt: skip
    assert summary_lines(slots, policy, "en") == [
        "start time: 2026-11-20 09:00",
        "restore time: still ongoing",
        "customer changed the configuration: no",
        "evidence: none yet",
    ]
