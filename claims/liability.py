"""Who carries the blame: the company's share (0..1) and the rules that set it.

Seed 000 describes the company's own faults, customer faults (changed configuration,
unsupported hardware), third parties (payment gateway, network provider) and shared fault
by degree; seed 002 lists force majeure and maintenance among the causes. Shares are
policy values; explicit shares from an agreement or appraisal override them. What an
exclusion does is stated in the policy (``excludes``), never assumed here.
"""

from __future__ import annotations

from decimal import Decimal

from claims.case import LiabilityFacts, LiabilityResult, Reason, ThirdParty
from claims.formatting import percent, round_share
from claims.policy import Bilingual, Policy

ZERO = Decimal(0)
ONE = Decimal(1)


def _reason(rule: str, text: Bilingual, **params: object) -> Reason:
    return Reason(rule, text.zh.format(**params), text.en.format(**params))


def _explicit(policy: Policy, facts: LiabilityFacts, company: Decimal) -> LiabilityResult:
    company = round_share(company)
    rest = ONE - company
    third_in = None if facts.third_party_share is None else round_share(facts.third_party_share)
    customer = round_share(facts.customer_share) if facts.customer_share is not None else (
        rest - (third_in or ZERO))
    third = third_in if third_in is not None else rest - customer
    reason = _reason("explicit_share", policy.liability.explicit, percent=percent(company))
    return LiabilityResult(company, max(customer, ZERO), max(third, ZERO), False, (reason,))


def _customer(policy: Policy, facts: LiabilityFacts, reasons: list[Reason]) -> Decimal:
    lp = policy.liability
    if facts.customer_share is not None:
        customer = round_share(facts.customer_share)
        reasons.append(_reason("explicit_customer_share", lp.explicit,
                               percent=percent(ONE - customer)))
        return customer
    customer = ZERO
    for key, rule in lp.customer_rules.items():
        if getattr(facts, key):
            customer += rule.share
            reasons.append(_reason(key, rule.text, percent=percent(rule.share)))
    return round_share(min(customer, lp.max_customer_share, ONE))


def _third(policy: Policy, facts: LiabilityFacts, customer: Decimal,
           reasons: list[Reason]) -> Decimal:
    lp = policy.liability
    if facts.third_party_share is not None:
        return round_share(min(facts.third_party_share, ONE - customer))
    if not facts.third_party_involved:
        return ZERO
    party = facts.third_party or ThirdParty.OTHER
    rate = lp.third_party_shares[party]
    names = lp.third_party_names[party]
    reasons.append(Reason(
        f"third_party:{party.value}",
        lp.third_party_text.zh.format(party=names.zh, percent=percent(rate)),
        lp.third_party_text.en.format(party=names.en, percent=percent(rate)),
    ))
    return round_share((ONE - customer) * rate)


def assess_liability(policy: Policy, facts: LiabilityFacts) -> LiabilityResult:
    """Turn liability facts into shares for company, customer and third party."""
    lp = policy.liability
    if facts.company_share is not None:
        return _explicit(policy, facts, facts.company_share)
    reasons: list[Reason] = []
    flagged = [k for k in ("force_majeure", "announced_maintenance") if getattr(facts, k)]
    for key in flagged:
        reasons.append(_reason(key, lp.exclusions[key].text))
    if any(lp.exclusions[k].excludes for k in flagged):
        return LiabilityResult(ZERO, ZERO, ZERO, True, tuple(reasons))
    customer = _customer(policy, facts, reasons)
    third = _third(policy, facts, customer, reasons)
    company = max(ONE - customer - third, ZERO)
    if customer == 0 and third == 0:
        reasons.append(_reason("company_fault", lp.company_default))
    elif company > 0:
        reasons.append(_reason("company_rest", lp.company_rest, percent=percent(company)))
    return LiabilityResult(company, customer, third, False, tuple(reasons))
