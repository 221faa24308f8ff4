"""What leaked personal records are worth (seed 003: economic loss and distress).

The compensation estimate and the escalation rules both need this number, so it is
computed in one place: per-record figures for the case currency from the policy,
multiplied for sensitive kinds (seed 000 names name, ID number and bank card).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from claims.case import Case, Money
from claims.policy import Policy, Range3

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class LeakHead:
    """One head of leak compensation: per-record figures and the amounts at a share."""

    rule: str
    per_record: Range3
    low: Money
    expected: Money
    high: Money


def leak_heads(policy: Policy, case: Case, share: Decimal) -> tuple[LeakHead, ...] | None:
    """Economic loss and distress for the case's leak; None when the currency has no rates.

    An empty tuple means there is no leak to value.
    """
    leak = case.data_leak
    if leak is None or leak.records <= 0:
        return ()
    rates = policy.compensation.leak_rates.get(case.currency)
    if rates is None:
        return None
    sensitive = bool(set(leak.kinds) & policy.sensitive_kinds)
    mult = policy.compensation.sensitive_multiplier if sensitive else ONE
    count = Decimal(leak.records) * share
    heads = []
    for rule, rate in (("data_leak_economic", rates.economic),
                       ("data_leak_distress", rates.distress)):
        per = Range3(rate.low * mult, rate.expected * mult, rate.high * mult)
        heads.append(LeakHead(rule, per, case.money(per.low * count),
                              case.money(per.expected * count), case.money(per.high * count)))
    return tuple(heads)


def leak_value(policy: Policy, case: Case) -> Money:
    """The expected worth of the leak at full responsibility (zero without rates)."""
    total = Money.zero(case.currency)
    for head in leak_heads(policy, case, ONE) or ():
        total = total + head.expected
    return total.quantize()
