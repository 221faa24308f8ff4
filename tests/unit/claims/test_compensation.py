from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from claims.case import (
    Category,
    DataLeak,
    LiabilityFacts,
    LossItem,
    LossKind,
    Money,
)
from claims.compensation import estimate_compensation
from claims.policy import Policy

from .conftest import cny, outage_case


def loss(kind: str, amount: str, proven: bool = False) -> LossItem:
    return LossItem(LossKind(kind), cny(amount), proven=proven)


# name, case fields (hours first), expected (low, expected, high), {rule: expected amount}
# Interruption methods (credit, actual loss, free days) are alternatives: only the
# recommended one is in the total; every line is still listed.
TABLE: list[tuple[str, dict[str, Any], tuple[str, str, str], dict[str, str]]] = [
    ("outage with refunds and revenue: actual losses beat the credit",
     dict(hours=10, category=Category.OUTAGE, monthly_fee=cny(20000),
          hourly_revenue=cny(3000), losses=[loss("refund", "15000", True)]),
     ("27000.00", "39000.00", "45000.00"),
     {"sla_uptime_credit": "5000.00", "direct_loss": "15000.00", "downtime_revenue": "24000.00",
      "free_service_days": "666.67"}),
    ("40 hours: the 50% tier applies (uptime 94.44%)",
     dict(hours=40, category=Category.SERVICE_INTERRUPTION, monthly_fee=cny(10000)),
     ("5000.00", "5000.00", "5000.00"),
     {"sla_uptime_credit": "5000.00", "free_service_days": "666.67"}),
    ("60 hours: hourly credit beats the tier",
     dict(hours=60, category=Category.SERVICE_INTERRUPTION, monthly_fee=cny(10000)),
     ("6000.00", "6000.00", "6000.00"),
     {"sla_hourly_credit": "6000.00", "free_service_days": "1000.00"}),
    ("120 hours: credit limited to one month's fee",
     dict(hours=120, category=Category.SERVICE_INTERRUPTION, monthly_fee=cny(10000)),
     ("10000.00", "10000.00", "10000.00"),
     {"sla_hourly_credit": "10000.00", "free_service_days": "1666.67"}),
    ("half an hour: above every tier; a free day is worth more than the hourly credit",
     dict(hours=Decimal("0.5"), category=Category.OUTAGE, monthly_fee=cny(10000)),
     ("333.33", "333.33", "333.33"),
     {"sla_hourly_credit": "50.00", "free_service_days": "333.33"}),
    ("force majeure changes no amount (002 only extends the deadline)",
     dict(hours=10, category=Category.OUTAGE, monthly_fee=cny(10000),
          losses=[loss("lost_orders", "50000", True)],
          liability=LiabilityFacts(force_majeure=True)),
     ("40000.00", "50000.00", "50000.00"),
     {"sla_uptime_credit": "2500.00", "free_service_days": "333.33", "direct_loss": "50000.00"}),
    ("customer config: no SLA credit and no free days, direct loss at 30%",
     dict(hours=10, category=Category.OUTAGE, monthly_fee=cny(10000),
          losses=[loss("direct", "10000")],
          liability=LiabilityFacts(customer_config_changed=True)),
     ("900.00", "1800.00", "3000.00"),
     {"direct_loss": "1800.00"}),
    ("contract cap binds",
     dict(category=Category.DATA_LOSS, contract_cap=cny(5000),
          losses=[loss("recovery_cost", "100000", True)]),
     ("5000.00", "5000.00", "5000.00"),
     {"direct_loss": "100000.00"}),
    ("data leak of ordinary data",
     dict(category=Category.SECURITY_BREACH, data_leak=DataLeak(1000, ("phone_number",))),
     ("0.00", "30000.00", "150000.00"),
     {"data_leak_economic": "10000.00", "data_leak_distress": "20000.00"}),
    ("data leak of ID numbers doubles the rate",
     dict(category=Category.SECURITY_BREACH, data_leak=DataLeak(100, ("id_number",))),
     ("0.00", "6000.00", "30000.00"),
     {"data_leak_economic": "2000.00", "data_leak_distress": "4000.00"}),
    ("names are sensitive too (000)",
     dict(category=Category.SECURITY_BREACH, data_leak=DataLeak(100, ("name",))),
     ("0.00", "6000.00", "30000.00"),
     {"data_leak_economic": "2000.00", "data_leak_distress": "4000.00"}),
    ("data leak in US dollars uses the USD figures",
     dict(category=Category.SECURITY_BREACH, currency="USD", data_leak=DataLeak(100)),
     ("0.00", "450.00", "2100.00"),
     {"data_leak_economic": "150.00", "data_leak_distress": "300.00"}),
    ("data leak in a currency without figures is listed for staff",
     dict(category=Category.SECURITY_BREACH, currency="JPY", data_leak=DataLeak(100)),
     ("0.00", "0.00", "0.00"),
     {"data_leak_no_rate": "0.00"}),
    ("release recall",
     dict(category=Category.RELEASE_RECALL, monthly_fee=cny(8000)),
     ("800.00", "2000.00", "4000.00"),
     {"recall_extra": "2000.00"}),
    ("undocumented indirect loss capped against direct loss",
     dict(category=Category.FUNCTIONAL_DEFECT, losses=[loss("direct", "10000", True),
                                                      loss("churn", "50000")]),
     ("8000.00", "10000.00", "15000.00"),
     {"direct_loss": "10000.00", "indirect_loss": "0.00"}),
    ("documented churn counts without a direct loss (001)",
     dict(category=Category.FUNCTIONAL_DEFECT, losses=[loss("churn", "20000", True)]),
     ("0.00", "10000.00", "20000.00"),
     {"indirect_loss": "10000.00"}),
    ("idle staff",
     dict(hours=4, category=Category.OUTAGE, people_idle=5, hourly_staff_cost=cny(100)),
     ("1000.00", "1600.00", "2000.00"),
     {"staff_idle": "1600.00"}),
    ("legal costs and a fine",
     dict(category=Category.SECURITY_BREACH, losses=[loss("legal", "6000", True),
                                                    loss("regulatory_fine", "4000")]),
     ("6000.00", "8400.00", "10000.00"),
     {"handling_costs": "6000.00", "regulatory_fine": "2400.00"}),
    ("lost orders are not counted twice with hourly revenue",
     dict(hours=3, category=Category.TRANSMISSION_FAILURE, hourly_revenue=cny(1000),
          losses=[loss("lost_orders", "2000", True)]),
     ("1600.00", "2000.00", "2000.00"),
     {"direct_loss": "2000.00"}),
    ("a zero fee gives no credit and no zero cap: the proven loss is paid",
     dict(hours=10, category=Category.OUTAGE, monthly_fee=cny(0),
          losses=[loss("lost_orders", "50000", True)]),
     ("40000.00", "50000.00", "50000.00"),
     {"direct_loss": "50000.00"}),
]


@pytest.mark.parametrize(("name", "fields", "totals", "lines"), TABLE, ids=[t[0] for t in TABLE])
def test_estimate_table(policy: Policy, name: str, fields: dict[str, Any],
                        totals: tuple[str, str, str], lines: dict[str, str]) -> None:
    fields = dict(fields)
    case = outage_case(fields.pop("hours", None), **fields)
    est = estimate_compensation(policy, case)
    assert (str(est.low.amount), str(est.expected.amount), str(est.high.amount)) == totals
    assert {x.rule: str(x.expected.amount) for x in est.lines} == lines
    assert est.low <= est.expected <= est.high
    assert est.policy_version == policy.version


def test_cap_and_notes(policy: Policy) -> None:
    case = outage_case(None, category=Category.DATA_LOSS, contract_cap=cny(5000),
                       losses=[loss("recovery_cost", "100000", True)])
    est = estimate_compensation(policy, case)
    assert est.capped and est.cap == cny("5000.00") and est.uncapped_high == cny("100000.00")
    # all losses are proven, so more documents would not raise anything
    assert [s.rule for s in est.sensitivities] == ["give_monthly_fee", "give_times", "cap_binds"]
    assert [a.rule for a in est.assumptions] == ["no_monthly_fee", "no_downtime"]


def test_cap_defaults(policy: Policy) -> None:
    fee = outage_case(2, category=Category.OUTAGE, monthly_fee=cny(1000))
    assert estimate_compensation(policy, fee).cap == cny("12000.00")
    bare = outage_case(2, category=Category.OUTAGE)
    assert estimate_compensation(policy, bare).cap == cny("1000000.00")
    usd = outage_case(2, category=Category.OUTAGE, currency="USD")
    assert estimate_compensation(policy, usd).cap is None


def test_excluded_estimate_explains(policy: Policy) -> None:
    case = outage_case(10, category=Category.SERVICE_INTERRUPTION, monthly_fee=cny(10000),
                       liability=LiabilityFacts(announced_maintenance=True))
    est = estimate_compensation(policy, case)
    assert est.expected.is_zero() and est.lines == () and est.remedies == ()
    assert "excluded" in [a.rule for a in est.assumptions]
    assert "exclusion_contested" in [s.rule for s in est.sensitivities]


REMEDIES = [
    (Category.OUTAGE, ["cash", "service_credit", "service_extension", "technical_support"]),
    (Category.DATA_LOSS, ["data_recovery", "cash", "service_credit", "free_upgrade"]),
    (Category.SECURITY_BREACH, ["cash", "technical_support", "service_credit", "free_upgrade"]),
    (Category.FUNCTIONAL_DEFECT,
     ["free_upgrade", "service_extension", "cash", "technical_support"]),
    (Category.TRANSMISSION_FAILURE,
     ["service_credit", "cash", "technical_support", "free_upgrade"]),
    (Category.SERVICE_INTERRUPTION,
     ["service_credit", "service_extension", "cash", "renewal_discount"]),
    (Category.RELEASE_RECALL, ["free_upgrade", "cash", "service_extension", "renewal_discount"]),
    (None, ["cash", "service_credit"]),
]


@pytest.mark.parametrize(("category", "remedies"), REMEDIES)
def test_remedies_per_category(policy: Policy, category: Category | None,
                               remedies: list[str]) -> None:
    est = estimate_compensation(policy, outage_case(None, category=category))
    assert [r.rule for r in est.remedies] == remedies
    assert all(r.zh and r.en for r in est.remedies)


def test_estimate_to_dict_is_json_safe(policy: Policy) -> None:
    case = outage_case(10, category=Category.OUTAGE, monthly_fee=cny(20000),
                       hourly_revenue=cny(3000))
    data = json.loads(json.dumps(estimate_compensation(policy, case).to_dict()))
    # the credit (5,000) and the lost revenue (24,000) are alternatives, not a sum
    assert data["expected"] == {"amount": "24000.00", "currency": "CNY"}
    assert data["recommended"] == "actual_loss"
    assert data["policy_version"] == policy.version
    assert data["lines"][0]["rule"] == "sla_uptime_credit"
    assert data["notice"]["en"].startswith("This is a first estimate")


def test_sla_credit_only(policy: Policy) -> None:
    sla = outage_case(10, category=Category.SERVICE_INTERRUPTION, monthly_fee=cny(10000))
    assert estimate_compensation(policy, sla).is_sla_credit_only()
    small_loss = outage_case(10, category=Category.OUTAGE, monthly_fee=cny(10000),
                             losses=[loss("refund", "100")])
    assert estimate_compensation(policy, small_loss).is_sla_credit_only()  # credit is chosen
    leak = outage_case(10, category=Category.OUTAGE, monthly_fee=cny(10000),
                       data_leak=DataLeak(10))
    assert not estimate_compensation(policy, leak).is_sla_credit_only()  # a separate head


def test_money_stays_decimal(policy: Policy) -> None:
    case = outage_case(Decimal("1.5"), category=Category.OUTAGE, hourly_revenue=Money("333.33"))
    est = estimate_compensation(policy, case)
    assert isinstance(est.expected.amount, Decimal)
    assert est.expected == cny("400.00")  # 333.33 × 1.5 h × 0.8
