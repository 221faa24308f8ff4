from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from claims.case import LiabilityFacts
from claims.liability import assess_liability
from claims.policy import Policy

D = Decimal
CASES: list[tuple[dict[str, Any], str, str, str, bool, list[str]]] = [
    ({}, "1", "0", "0", False, ["company_fault"]),
    ({"customer_config_changed": True}, "0.3", "0.7", "0", False,
     ["customer_config_changed", "company_rest"]),
    ({"unsupported_hardware": True}, "0.5", "0.5", "0", False,
     ["unsupported_hardware", "company_rest"]),
    ({"customer_config_changed": True, "unsupported_hardware": True}, "0", "1", "0", False,
     ["customer_config_changed", "unsupported_hardware"]),
    ({"customer_ignored_notice": True}, "0.7", "0.3", "0", False,
     ["customer_ignored_notice", "company_rest"]),
    ({"third_party": "payment_gateway"}, "0.5", "0", "0.5", False,
     ["third_party:payment_gateway", "company_rest"]),
    ({"third_party": "network_provider", "customer_config_changed": True}, "0.15", "0.7",
     "0.15", False, ["customer_config_changed", "third_party:network_provider", "company_rest"]),
    ({"third_party": "cloud_provider"}, "0.7", "0", "0.3", False,
     ["third_party:cloud_provider", "company_rest"]),
    ({"third_party_involved": True}, "0.5", "0", "0.5", False,
     ["third_party:other", "company_rest"]),
    # 002 only extends the deadline under force majeure; the policy says it excludes nothing
    ({"force_majeure": True}, "1", "0", "0", False, ["force_majeure", "company_fault"]),
    ({"force_majeure": True, "customer_config_changed": True}, "0.3", "0.7", "0", False,
     ["force_majeure", "customer_config_changed", "company_rest"]),
    ({"announced_maintenance": True, "customer_config_changed": True}, "0", "0", "0", True,
     ["announced_maintenance"]),
    ({"company_share": D("0.4")}, "0.4", "0.6", "0", False, ["explicit_share"]),
    ({"company_share": D("0.4"), "third_party_share": D("0.1")}, "0.4", "0.5", "0.1", False,
     ["explicit_share"]),
    ({"customer_share": D("0.25")}, "0.75", "0.25", "0", False,
     ["explicit_customer_share", "company_rest"]),
    ({"company_share": D("0.2"), "force_majeure": True}, "0.2", "0.8", "0", False,
     ["explicit_share"]),
]


@pytest.mark.parametrize(("facts", "company", "customer", "third", "excluded", "rules"), CASES)
def test_liability_table(policy: Policy, facts: dict[str, Any], company: str, customer: str,
                         third: str, excluded: bool, rules: list[str]) -> None:
    result = assess_liability(policy, LiabilityFacts(**facts))
    assert result.company_share == D(company)
    assert result.customer_share == D(customer)
    assert result.third_party_share == D(third)
    assert result.excluded is excluded
    assert [r.rule for r in result.reasons] == rules
    assert all(r.zh and r.en for r in result.reasons)


def test_reason_texts_name_the_share(policy: Policy) -> None:
    result = assess_liability(policy, LiabilityFacts(customer_config_changed=True,
                                                     third_party="payment_gateway"))
    assert "70%" in result.reasons[0].en and "70%" in result.reasons[0].zh
    assert "payment gateway" in result.reasons[1].en and "支付接口" in result.reasons[1].zh
    assert result.to_dict()["company_share"] == "0.15"
