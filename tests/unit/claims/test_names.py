"""Every code of every kind has a zh and an en name, in one home (claims/names.py).

Customers once saw two names for four stages (the policy's and the gateway's own list);
now the policy file holds the only names, and the bot, the staff notifications, the case
packet and the staff console read them through :class:`claims.names.Names`.
"""

from __future__ import annotations

import re

import pytest

from claims.case import Category, EvidenceKind, LossKind
from claims.names import CODES, KINDS, Names
from claims.policy import ESCALATION_RULES, Policy, PolicyError, load_policy, parse_policy
from claims.stages import Stage

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def names(policy: Policy) -> Names:
    return Names(policy)


def test_codes_cover_every_enum_and_reason() -> None:
    assert set(CODES["stage"]) == {s.value for s in Stage}
    assert set(CODES["category"]) == {c.value for c in Category}
    assert set(CODES["evidence"]) == {e.value for e in EvidenceKind}
    assert set(CODES["loss"]) == {k.value for k in LossKind}
    assert set(CODES["reason"]) == ESCALATION_RULES | {"customer_requested_human"}
    assert set(KINDS) == set(CODES)


@pytest.mark.parametrize("kind", KINDS)
def test_every_code_has_both_names(names: Names, kind: str) -> None:
    for code in CODES[kind]:  # type: ignore[index]
        pair = names.both(kind, code)  # type: ignore[arg-type]
        assert pair is not None, f"{kind} {code} has no name"
        assert pair.zh.strip() and pair.en.strip(), f"{kind} {code}: empty name"
        assert CJK.search(pair.zh), f"{kind} {code}: zh name {pair.zh!r} is not Chinese"
        for name in (pair.zh, pair.en):
            assert "_" not in name, f"{kind} {code}: {name!r} reads like a code"


def test_names_are_what_customers_were_shown_by_the_policy(names: Names) -> None:
    # the four stages that had two names: the policy's (fuller) names won
    assert names.stage("investigation", "zh") == "调查评估"
    assert names.stage("proposal", "zh") == "方案制定与审批"
    assert names.stage("negotiation", "zh") == "协商"
    assert names.stage("litigation", "en") == "Litigation / arbitration"
    assert names.category("security_breach", "en") == "Security breach / data leak"
    assert names.category(None, "en") == names.policy.text("unknown_category", "en")
    assert names.reason("customer_requested_human") == "customer asked for a person"
    assert names.evidence("contract_sla", "zh") == "合同与 SLA 条款"
    assert names.loss("lost_orders", "en") == "lost orders"
    assert list(names.stages("en")) == [s.value for s in Stage]


def test_an_unknown_code_reads_as_words(names: Names) -> None:
    assert names.reason("old_rule_from_2025", "en") == "old rule from 2025"


def test_a_policy_without_a_loss_name_is_refused() -> None:
    import yaml

    from claims.policy import DEFAULT_POLICY_PATH

    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text("utf-8"))
    del data["loss_names"]["churn"]
    with pytest.raises(PolicyError, match="loss_names: missing kinds: churn"):
        parse_policy(data)
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text("utf-8"))
    del data["reason_names"]["customer_requested_human"]
    with pytest.raises(PolicyError, match="reason_names: missing keys"):
        parse_policy(data)
    assert load_policy().loss_names
