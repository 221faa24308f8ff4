"""Who carries the blame: the company's share (0..1) and the rules that set it.

Seed 000 describes the company's own faults, customer faults (changed configuration,
unsupported hardware), third parties (payment gateway, network provider) and shared fault
by degree; seed 002 lists force majeure and maintenance among the causes. Shares are
policy values; explicit shares from an agreement or appraisal override them.
"""

from __future__ import annotations

from decimal import Decimal

from claims.case import LiabilityFacts, LiabilityResult, Reason, ThirdParty
from claims.policy import Bilingual, Policy

ZERO = Decimal(0)
ONE = Decimal(1)


def _pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.1')).normalize():f}"


def _reason(rule: str, text: Bilingual, **params: object) -> Reason:
    return Reason(rule, text.zh.format(**params), text.en.format(**params))


def assess_liability(policy: Policy, facts: LiabilityFacts) -> LiabilityResult:
    """Turn liability facts into shares for company, customer and third party."""
    lp = policy.liability
    reasons: list[Reason] = []

    if facts.company_share is not None:
        company = facts.company_share
        rest = ONE - company
        customer = facts.customer_share if facts.customer_share is not None else (
            rest - (facts.third_party_share or ZERO))
        third = facts.third_party_share if facts.third_party_share is not None else (
            rest - customer)
        reasons.append(_reason("explicit_share", lp.explicit, percent=_pct(company)))
        return LiabilityResult(company, max(customer, ZERO), max(third, ZERO), False,
                               tuple(reasons))

    exclusions = [k for k in ("force_majeure", "announced_maintenance") if getattr(facts, k)]
    if exclusions:
        for key in exclusions:
            reasons.append(_reason(key, lp.exclusions[key]))
        return LiabilityResult(ZERO, ZERO, ZERO, True, tuple(reasons))

    customer = ZERO
    if facts.customer_share is not None:
        customer = facts.customer_share
        reasons.append(_reason("explicit_customer_share", lp.explicit,
                               percent=_pct(ONE - customer)))
    else:
        for key, rule in lp.customer_rules.items():
            if getattr(facts, key):
                customer += rule.share
                reasons.append(_reason(key, rule.text, percent=_pct(rule.share)))
        customer = min(customer, lp.max_customer_share, ONE)

    third = ZERO
    if facts.third_party_share is not None:
        third = min(facts.third_party_share, ONE - customer)
    elif facts.third_party_involved:
        party = facts.third_party or ThirdParty.OTHER
        rate = lp.third_party_shares[party]
        third = (ONE - customer) * rate
        names = lp.third_party_names[party]
        reasons.append(Reason(
            f"third_party:{party.value}",
            lp.third_party_text.zh.format(party=names.zh, percent=_pct(rate)),
            lp.third_party_text.en.format(party=names.en, percent=_pct(rate)),
        ))

    company = max(ONE - customer - third, ZERO)
    if company > 0:
        reasons.append(_reason("company_fault", lp.company_default))
    return LiabilityResult(company, customer, third, False, tuple(reasons))
