"""Compensation estimate: low / expected / high, each line with its rule and reason.

Rules come from the seeds via the policy: SLA credits per uptime tier and per hour and
free service days (002), direct loss at the company's share of fault and varied remedies
(000), downtime and idle staff (001), data-leak economic loss and distress (003), extra
compensation after a recall (004) and a contract cap (000). The estimate is not binding;
it carries the policy version that produced it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from claims.case import Case, Category, EvidenceKind, LiabilityResult, Money, Reason
from claims.liability import assess_liability
from claims.losses import LossSummary, summarize_losses
from claims.policy import Bilingual, Policy, Range3

ZERO = Decimal(0)
LEVELS = ("low", "expected", "high")
PROOF_EVIDENCE = frozenset(
    {EvidenceKind.ORDER_RECORDS, EvidenceKind.REVENUE_RECORDS, EvidenceKind.BANK_STATEMENTS}
)


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP).normalize():f}"


def _num(value: Decimal, places: str = "0.1") -> str:
    return f"{value.quantize(Decimal(places), rounding=ROUND_HALF_UP).normalize():f}"


@dataclass(frozen=True, slots=True)
class LineItem:
    """One rule's contribution; ``in_total`` is False for alternatives (free days)."""

    rule: str
    remedy: str
    low: Money
    expected: Money
    high: Money
    in_total: bool
    zh: str
    en: str

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "remedy": self.remedy,
            "low": self.low.to_dict(),
            "expected": self.expected.to_dict(),
            "high": self.high.to_dict(),
            "in_total": self.in_total,
            "zh": self.zh,
            "en": self.en,
        }


@dataclass(frozen=True, slots=True)
class Estimate:
    """The whole estimate; ``to_dict`` is what the bot and the staff API send."""

    policy_version: str
    currency: str
    low: Money
    expected: Money
    high: Money
    uncapped_high: Money
    cap: Money | None
    capped: bool
    lines: tuple[LineItem, ...]
    liability: LiabilityResult
    downtime_hours: Decimal | None
    assumptions: tuple[Reason, ...]
    sensitivities: tuple[Reason, ...]
    remedies: tuple[Reason, ...]
    notice: Reason

    def is_sla_credit_only(self) -> bool:
        """True when only contract-fixed SLA credits make up the total (fast payment)."""
        counted = [x for x in self.lines if x.in_total and not x.expected.is_zero()]
        return bool(counted) and all(x.rule.startswith("sla_") for x in counted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_version": self.policy_version,
            "currency": self.currency,
            "low": self.low.to_dict(),
            "expected": self.expected.to_dict(),
            "high": self.high.to_dict(),
            "uncapped_high": self.uncapped_high.to_dict(),
            "cap": None if self.cap is None else self.cap.to_dict(),
            "capped": self.capped,
            "lines": [x.to_dict() for x in self.lines],
            "liability": self.liability.to_dict(),
            "downtime_hours": None if self.downtime_hours is None else str(self.downtime_hours),
            "assumptions": [r.to_dict() for r in self.assumptions],
            "sensitivities": [r.to_dict() for r in self.sensitivities],
            "remedies": [r.to_dict() for r in self.remedies],
            "notice": self.notice.to_dict(),
        }


class _Builder:
    """Collects lines and notes while the rules run."""

    def __init__(self, policy: Policy, case: Case) -> None:
        self.policy = policy
        self.case = case
        self.lines: list[LineItem] = []
        self.assumptions: list[Reason] = []
        self.sensitivities: list[Reason] = []

    def note(self, bucket: list[Reason], table: dict[str, Bilingual] | Any, key: str,
             **params: Any) -> None:
        if any(r.rule == key for r in bucket):
            return
        text: Bilingual = table[key]
        bucket.append(Reason(key, text.zh.format(**params), text.en.format(**params)))

    def assume(self, key: str, **params: Any) -> None:
        self.note(self.assumptions, self.policy.assumptions, key, **params)

    def sensitive(self, key: str) -> None:
        self.note(self.sensitivities, self.policy.sensitivities, key)

    def line(self, rule: str, remedy: str, amounts: tuple[Money, Money, Money],
             in_total: bool = True, **params: Any) -> None:
        low, exp, high = (a.quantize() for a in amounts)
        text = self.policy.lines[rule]
        self.lines.append(LineItem(rule, remedy, low, exp, high, in_total,
                                   text.zh.format(**params), text.en.format(**params)))


def _levels(fn: Callable[[str], Money]) -> tuple[Money, Money, Money]:
    return fn("low"), fn("expected"), fn("high")


def _factor(r: Range3, level: str) -> Decimal:
    value: Decimal = getattr(r, level)
    return value


def _claimed_levels(policy: Policy, total: Money, proven: Money, share: Decimal,
                    proven_f: Range3 | None = None,
                    unproven_f: Range3 | None = None) -> tuple[Money, Money, Money]:
    pf = proven_f or policy.compensation.proof_factors["proven"]
    uf = unproven_f or policy.compensation.proof_factors["unproven"]
    unproven = total - proven
    return _levels(lambda lv: (proven * _factor(pf, lv) + unproven * _factor(uf, lv)) * share)


def _sla(b: _Builder, share: Decimal, hours: Decimal | None, excluded: bool) -> None:
    case, comp = b.case, b.policy.compensation
    fee = case.monthly_fee
    if fee is None or (hours is None and case.monthly_uptime is None):
        return
    if excluded:
        return
    if share < comp.sla_min_company_share:
        b.assume("sla_not_owed")
        return
    if case.monthly_uptime is not None:
        uptime = case.monthly_uptime
    else:
        assert hours is not None
        uptime = max(ZERO, Decimal(100) * (1 - hours / Decimal(comp.month_hours)))
        b.assume("uptime_from_downtime")
    tier = ZERO
    for t in comp.uptime_tiers:  # sorted by `below`, highest first
        if uptime < t.below:
            tier = t.credit
    hourly = ZERO if hours is None else hours * comp.hourly_credit_rate
    rate = min(max(tier, hourly), comp.max_credit)
    if rate <= 0:
        return
    amount = fee * rate
    if tier >= hourly:
        b.line("sla_uptime_credit", "service_credit", (amount, amount, amount),
               uptime=_num(uptime, "0.01"), fee=str(fee), percent=_pct(rate))
    else:
        b.line("sla_hourly_credit", "service_credit", (amount, amount, amount),
               hours=_num(hours or ZERO), fee=str(fee), rate=_pct(comp.hourly_credit_rate))


def _free_days(b: _Builder, hours: Decimal | None, excluded: bool) -> None:
    fee, comp = b.case.monthly_fee, b.policy.compensation
    if fee is None or hours is None or hours <= 0 or excluded or comp.free_days_per_day == 0:
        return
    days = math.ceil(hours / Decimal(24))
    free = days * comp.free_days_per_day
    value = fee * (Decimal(free) * 24 / Decimal(comp.month_hours))
    b.line("free_service_days", "service_extension", (value, value, value), in_total=False,
           days=days, free=free, value=str(value.quantize()))


def _direct(b: _Builder, losses: LossSummary, share: Decimal) -> list[tuple[Money, Money, Money]]:
    """Direct, downtime and idle-staff lines; returns them for the indirect cap."""
    policy, case = b.policy, b.case
    out: list[tuple[Money, Money, Money]] = []
    d = losses.groups["direct"]
    if not d.total.is_zero():
        amounts = _claimed_levels(policy, d.total, d.proven, share)
        b.line("direct_loss", "cash", amounts, claimed=str(d.total), proven=str(d.proven),
               share=_pct(share))
        out.append(amounts)
    computed = policy.compensation.proof_factors["computed"]
    hours = losses.downtime_hours
    if losses.downtime_revenue is not None and case.hourly_revenue is not None:
        rev = losses.downtime_revenue
        amounts = _levels(lambda lv: rev * (_factor(computed, lv) * share))
        b.line("downtime_revenue", "cash", amounts, hours=_num(hours or ZERO),
               rate=str(case.hourly_revenue), share=_pct(share))
        out.append(amounts)
    elif hours is not None and case.hourly_revenue is not None:
        b.assume("downtime_not_double_counted")
    if losses.staff_idle is not None and case.hourly_staff_cost is not None:
        idle = losses.staff_idle
        amounts = _levels(lambda lv: idle * (_factor(computed, lv) * share))
        b.line("staff_idle", "cash", amounts, people=case.people_idle,
               hours=_num(hours or ZERO), rate=str(case.hourly_staff_cost), share=_pct(share))
        out.append(amounts)
    return out


def _indirect(b: _Builder, losses: LossSummary, share: Decimal,
              direct: list[tuple[Money, Money, Money]]) -> None:
    ind = losses.groups["indirect"]
    if ind.total.is_zero():
        return
    comp = b.policy.compensation
    raw = _claimed_levels(b.policy, ind.total, ind.proven, share,
                          comp.indirect_proven, comp.indirect_unproven)
    zero = Money.zero(b.case.currency)
    capped = []
    for i, amount in enumerate(raw):
        base = sum((row[i] for row in direct), zero)
        capped.append(amount.min(base * comp.indirect_cap_ratio))
    b.line("indirect_loss", "cash", (capped[0], capped[1], capped[2]),
           claimed=str(ind.total), cap=_pct(comp.indirect_cap_ratio))


def _costs(b: _Builder, losses: LossSummary, share: Decimal) -> None:
    for group, rule in (("costs", "handling_costs"), ("fines", "regulatory_fine")):
        c = losses.groups[group]
        if c.total.is_zero():
            continue
        b.line(rule, "cash", _claimed_levels(b.policy, c.total, c.proven, share),
               claimed=str(c.total), share=_pct(share))


def _data_leak(b: _Builder, share: Decimal) -> None:
    leak, comp = b.case.data_leak, b.policy.compensation
    if leak is None or leak.records <= 0:
        return
    if b.case.currency != comp.leak_currency:
        b.assume("leak_currency")
        return
    mult = comp.sensitive_multiplier if set(leak.kinds) & b.policy.sensitive_kinds else Decimal(1)
    names = b.policy.data_kind_names
    kinds_zh = "、".join(names[k].zh if k in names else k for k in leak.kinds) or "-"
    kinds_en = ", ".join(names[k].en if k in names else k for k in leak.kinds) or "-"
    for rule, rate in (("data_leak_economic", comp.leak_economic),
                       ("data_leak_distress", comp.leak_distress)):
        per = Range3(rate.low * mult, rate.expected * mult, rate.high * mult)
        count = Decimal(leak.records) * share
        amounts = (b.case.money(per.low * count), b.case.money(per.expected * count),
                   b.case.money(per.high * count))
        text = b.policy.lines[rule]
        params: dict[str, Any] = dict(records=leak.records,
                                      low=str(Money(per.low, comp.leak_currency)),
                                      high=str(Money(per.high, comp.leak_currency)))
        low, exp, high = (a.quantize() for a in amounts)
        b.lines.append(LineItem(
            rule, "cash", low, exp, high, True,
            text.zh.format(kinds=kinds_zh, **params),
            text.en.format(kinds=kinds_en, **params),
        ))


def _recall(b: _Builder, share: Decimal) -> None:
    fee = b.case.monthly_fee
    if b.case.category != Category.RELEASE_RECALL or fee is None:
        return
    r = b.policy.compensation.recall_extra
    amounts = (fee * (r.low * share), fee * (r.expected * share), fee * (r.high * share))
    b.line("recall_extra", "cash", amounts,
           fee=str(fee), low=_pct(r.low), high=_pct(r.high))


def _cap(b: _Builder) -> Money | None:
    case, comp = b.case, b.policy.compensation
    if case.contract_cap is not None and case.contract_cap.currency == case.currency:
        return case.contract_cap
    if case.monthly_fee is not None and comp.cap_months > 0:
        b.assume("cap_from_fee", months=comp.cap_months)
        return case.monthly_fee * comp.cap_months
    if comp.cap_default is not None and comp.cap_default.currency == case.currency:
        b.assume("cap_default")
        return comp.cap_default
    return None


def estimate_compensation(
    policy: Policy,
    case: Case,
    *,
    liability: LiabilityResult | None = None,
    now: datetime | None = None,
) -> Estimate:
    """Estimate what the company would likely pay for ``case`` under ``policy``.

    ``liability`` defaults to :func:`assess_liability` on the case facts; ``now`` closes an
    outage that has not been restored yet.
    """
    liab = liability or assess_liability(policy, case.liability)
    share = liab.company_share
    b = _Builder(policy, case)
    losses = summarize_losses(case, now)
    hours = losses.downtime_hours

    if case.monthly_fee is None:
        b.assume("no_monthly_fee")
        b.sensitive("give_monthly_fee")
    if hours is None:
        b.assume("no_downtime")
        b.sensitive("give_times")
    if liab.excluded:
        b.assume("excluded")
        b.sensitive("exclusion_contested")

    _sla(b, share, hours, liab.excluded)
    _free_days(b, hours, liab.excluded)
    direct = _direct(b, losses, share)
    _indirect(b, losses, share, direct)
    _costs(b, losses, share)
    _data_leak(b, share)
    _recall(b, share)

    zero = Money.zero(case.currency)
    counted = [x for x in b.lines if x.in_total]
    totals = [sum((getattr(x, lv) for x in counted), zero) for lv in LEVELS]
    cap = _cap(b)
    uncapped_high = totals[2]
    if cap is not None:
        totals = [t.min(cap) for t in totals]
    capped = cap is not None and uncapped_high > cap

    unproven = any(not g.unproven.is_zero() for g in losses.groups.values())
    if unproven or (case.losses and not (case.evidence_kinds() & PROOF_EVIDENCE)):
        b.sensitive("add_proof")
    if hours is not None and case.hourly_revenue is None and not case.losses:
        b.sensitive("give_hourly_revenue")
    if not liab.excluded and (liab.customer_share > 0 or liab.third_party_share > 0):
        b.sensitive("liability_dispute")
    if capped:
        b.sensitive("cap_binds")

    cat_policy = policy.categories.get(case.category) if case.category else None
    remedy_keys = list(cat_policy.remedies) if cat_policy else ["cash", "service_credit"]
    remedies = tuple(Reason(k, policy.remedies[k].zh, policy.remedies[k].en)
                     for k in remedy_keys)
    return Estimate(
        policy_version=policy.version,
        currency=case.currency,
        low=totals[0].quantize(),
        expected=totals[1].quantize(),
        high=totals[2].quantize(),
        uncapped_high=uncapped_high.quantize(),
        cap=None if cap is None else cap.quantize(),
        capped=capped,
        lines=tuple(b.lines),
        liability=liab,
        downtime_hours=None if hours is None else hours.quantize(Decimal("0.01")),
        assumptions=tuple(b.assumptions),
        sensitivities=tuple(b.sensitivities),
        remedies=remedies,
        notice=Reason("notice", policy.notice.zh, policy.notice.en),
    )
