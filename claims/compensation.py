"""Compensation estimate: low / expected / high, each line with its rule and reason.

Seed 002 gives three ways to compensate an interruption: a credit for its length, the
direct economic loss, or free service time. They are alternatives (``METHODS``): each
method that applies is an option with its own total, the one worth most is recommended,
and only its lines count. Data-leak items (003) and the extra compensation after a recall
(004) are separate heads of loss added to whichever method is chosen. Losses are taken at
the company's share of fault (000), the total at most the contract cap (000). Every line
text is formatted from the same rounded numbers the arithmetic uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from claims.case import Case, Category, LiabilityResult, Money, Reason
from claims.formatting import number, percent, percents, round_hours
from claims.leak import leak_heads
from claims.liability import assess_liability
from claims.losses import Claimed, LossSummary, summarize_losses
from claims.policy import Bilingual, Policy, Range3
from claims.validation import validate_case

ZERO = Decimal(0)
LEVELS = ("low", "expected", "high")
#: The alternative methods (002 §三), in order of preference when two are worth the same.
METHODS = ("sla_credit", "actual_loss", "free_service")
SEPARATE = "separate"
Levels = tuple[Money, Money, Money]


@dataclass(frozen=True, slots=True)
class LineItem:
    """One rule's contribution; ``in_total`` is True for the recommended method's lines
    and for separate heads of loss."""

    rule: str
    remedy: str
    low: Money
    expected: Money
    high: Money
    in_total: bool
    zh: str
    en: str
    method: str = SEPARATE

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "remedy": self.remedy, "method": self.method,
            "low": self.low.to_dict(), "expected": self.expected.to_dict(),
            "high": self.high.to_dict(), "in_total": self.in_total,
            "zh": self.zh, "en": self.en,
        }


@dataclass(frozen=True, slots=True)
class MethodOption:
    """One alternative way to compensate, with what it is worth on its own."""

    method: str
    low: Money
    expected: Money
    high: Money
    recommended: bool
    zh: str
    en: str

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "low": self.low.to_dict(),
                "expected": self.expected.to_dict(), "high": self.high.to_dict(),
                "recommended": self.recommended, "zh": self.zh, "en": self.en}


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
    options: tuple[MethodOption, ...] = ()
    recommended: str | None = None

    def is_sla_credit_only(self) -> bool:
        """True when the recommended method is the contract credit and nothing else is
        owed, so the credit is paid on the contract's deadline without talks."""
        if self.recommended != "sla_credit":
            return False
        extra = [x for x in self.lines if x.method == SEPARATE and not x.expected.is_zero()]
        return not extra

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
            "recommended": self.recommended,
            "options": [o.to_dict() for o in self.options],
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

    def __init__(self, policy: Policy, case: Case, share: Decimal) -> None:
        self.policy = policy
        self.case = case
        self.share = share
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

    def line(self, rule: str, remedy: str, method: str, amounts: Levels,
             **params: Any) -> Levels:
        low, exp, high = (a.quantize() for a in amounts)
        text = self.policy.lines[rule]
        self.lines.append(LineItem(rule, remedy, low, exp, high, False,
                                   text.zh.format(**params), text.en.format(**params), method))
        return low, exp, high


def _levels(fn: Callable[[str], Money]) -> Levels:
    return fn("low"), fn("expected"), fn("high")


def _factor(r: Range3, level: str) -> Decimal:
    value: Decimal = getattr(r, level)
    return value


def _range_text(r: Range3) -> str:
    return percents(r.low, r.expected, r.high)


# --- method 1: a credit for the length of the interruption (002 §三) ---------------------


def _credit_owed(b: _Builder, hours: Decimal | None) -> bool:
    """The time-based methods need a fee, a known interruption and enough company fault."""
    case, comp = b.case, b.policy.compensation
    fee = case.monthly_fee
    if fee is None or fee.is_zero() or (hours is None and case.monthly_uptime is None):
        return False
    if b.share < comp.sla_min_company_share:
        b.assume("sla_not_owed")
        return False
    return True


def _uptime(b: _Builder, hours: Decimal | None) -> Decimal:
    if b.case.monthly_uptime is not None:
        return b.case.monthly_uptime
    assert hours is not None
    b.assume("uptime_from_downtime")
    raw = Decimal(100) * (1 - hours / Decimal(b.policy.compensation.month_hours))
    return max(ZERO, round_hours(raw))


def _sla(b: _Builder, hours: Decimal | None) -> None:
    comp = b.policy.compensation
    fee = b.case.monthly_fee
    assert fee is not None
    uptime = _uptime(b, hours)
    tier, below = ZERO, Decimal(100)
    for t in comp.uptime_tiers:  # sorted by `below`, highest first
        if uptime < t.below:
            tier, below = t.credit, t.below
    hourly = ZERO if hours is None else hours * comp.hourly_credit_rate
    rate = min(max(tier, hourly), comp.max_credit)
    if rate <= 0:
        return
    amount = fee * rate
    if tier >= hourly:
        b.line("sla_uptime_credit", "service_credit", "sla_credit", (amount, amount, amount),
               uptime=number(uptime), below=number(below), fee=str(fee), percent=percent(rate))
    else:
        b.line("sla_hourly_credit", "service_credit", "sla_credit", (amount, amount, amount),
               hours=number(hours or ZERO), fee=str(fee), rate=percent(comp.hourly_credit_rate),
               percent=percent(rate), max=percent(comp.max_credit))


# --- method 3: free service time (002 §三) -------------------------------------------------


def _free_days(b: _Builder, hours: Decimal | None) -> None:
    fee, comp = b.case.monthly_fee, b.policy.compensation
    if fee is None or hours is None or hours <= 0 or comp.free_days_per_day == 0:
        return
    days = math.ceil(hours / Decimal(24))
    free = days * comp.free_days_per_day
    month_days = Decimal(comp.month_hours) / Decimal(24)
    value = fee * (Decimal(free) / month_days)
    b.line("free_service_days", "service_extension", "free_service", (value, value, value),
           days=days, free=free, fee=str(fee), month_days=number(month_days))


# --- method 2: the actual losses (000, 001) ----------------------------------------------


def _claimed(b: _Builder, rule: str, c: Claimed, **extra: Any) -> Levels:
    comp = b.policy.compensation
    pf, uf = comp.proof_factors["proven"], comp.proof_factors["unproven"]
    unproven = c.total - c.proven
    amounts = _levels(lambda lv: (c.proven * _factor(pf, lv)
                                  + unproven * _factor(uf, lv)) * b.share)
    return b.line(rule, "cash", "actual_loss", amounts, claimed=str(c.total),
                  proven=str(c.proven), share=percent(b.share), pf=_range_text(pf),
                  uf=_range_text(uf), **extra)


def _computed(b: _Builder, rule: str, base: Money, **params: Any) -> Levels:
    cf = b.policy.compensation.proof_factors["computed"]
    amounts = _levels(lambda lv: base * (_factor(cf, lv) * b.share))
    return b.line(rule, "cash", "actual_loss", amounts, base=str(base.quantize()),
                  cf=_range_text(cf), share=percent(b.share), **params)


def _direct(b: _Builder, losses: LossSummary, hours: Decimal | None) -> list[Levels]:
    """Direct, downtime and idle-staff lines; returns them for the indirect cap."""
    case = b.case
    out: list[Levels] = []
    d = losses.groups["direct"]
    if not d.total.is_zero():
        out.append(_claimed(b, "direct_loss", d))
    if hours is not None and case.hourly_revenue is not None:
        if losses.downtime_revenue is None:
            b.assume("downtime_not_double_counted")
        else:
            out.append(_computed(b, "downtime_revenue", case.hourly_revenue * hours,
                                 hours=number(hours), rate=str(case.hourly_revenue)))
    if losses.staff_idle is not None and case.hourly_staff_cost is not None and hours:
        out.append(_computed(b, "staff_idle", case.hourly_staff_cost * (hours * case.people_idle),
                             people=case.people_idle, hours=number(hours),
                             rate=str(case.hourly_staff_cost)))
    return out


def _indirect(b: _Builder, losses: LossSummary, direct: list[Levels]) -> None:
    """Documented indirect loss counts on its own (001 puts churn among the losses);
    undocumented indirect loss counts at most a share of the direct losses (000)."""
    ind = losses.groups["indirect"]
    if ind.total.is_zero():
        return
    comp, zero = b.policy.compensation, Money.zero(b.case.currency)
    unproven = ind.total - ind.proven
    amounts = []
    for i, lv in enumerate(LEVELS):
        base = sum((row[i] for row in direct), zero)
        guess = (unproven * (_factor(comp.indirect_unproven, lv) * b.share)).min(
            base * comp.indirect_cap_ratio)
        amounts.append(ind.proven * (_factor(comp.indirect_proven, lv) * b.share) + guess)
    pf, uf = comp.indirect_proven, comp.indirect_unproven
    b.line("indirect_loss", "cash", "actual_loss", (amounts[0], amounts[1], amounts[2]),
           claimed=str(ind.total), proven=str(ind.proven), share=percent(b.share),
           pf=_range_text(pf), uf=_range_text(uf), cap=percent(comp.indirect_cap_ratio))


def _costs(b: _Builder, losses: LossSummary) -> None:
    for group, rule in (("costs", "handling_costs"), ("fines", "regulatory_fine")):
        c = losses.groups[group]
        if not c.total.is_zero():
            _claimed(b, rule, c)


# --- separate heads of loss (003, 004) ---------------------------------------------------


def _data_leak(b: _Builder) -> None:
    leak = b.case.data_leak
    if leak is None or leak.records <= 0:
        return
    heads = leak_heads(b.policy, b.case, b.share)
    if heads is None:
        b.assume("leak_currency")
        zero = Money.zero(b.case.currency)
        b.line("data_leak_no_rate", "cash", SEPARATE, (zero, zero, zero),
               records=leak.records, currency=b.case.currency)
        return
    names = b.policy.data_kind_names
    kinds = {lang: ("、" if lang == "zh" else ", ").join(
        names[k].get(lang) if k in names else k for k in leak.kinds) or "-"
        for lang in ("zh", "en")}
    for head in heads:
        text = b.policy.lines[head.rule]
        per = head.per_record
        params: dict[str, Any] = dict(
            records=leak.records, share=percent(b.share),
            low=str(b.case.money(per.low)), expected=str(b.case.money(per.expected)),
            high=str(b.case.money(per.high)))
        low, exp, high = (a.quantize() for a in (head.low, head.expected, head.high))
        b.lines.append(LineItem(head.rule, "cash", low, exp, high, False,
                                text.zh.format(kinds=kinds["zh"], **params),
                                text.en.format(kinds=kinds["en"], **params)))


def _recall(b: _Builder) -> None:
    fee = b.case.monthly_fee
    if b.case.category != Category.RELEASE_RECALL:
        return
    if fee is None:
        b.assume("no_monthly_fee_recall")
        return
    r = b.policy.compensation.recall_extra
    amounts = _levels(lambda lv: fee * (_factor(r, lv) * b.share))
    b.line("recall_extra", "cash", SEPARATE, amounts, fee=str(fee), low=percent(r.low),
           expected=percent(r.expected), high=percent(r.high), share=percent(b.share))


# --- alternatives, totals and notes --------------------------------------------------------


def _sum(lines: list[LineItem], currency: str) -> Levels:
    zero = Money.zero(currency)
    low, exp, high = (sum((getattr(x, lv) for x in lines), zero) for lv in LEVELS)
    return low, exp, high


def _options(policy: Policy, lines: list[LineItem], currency: str) -> list[MethodOption]:
    """Each method that produced a line, its own total, and the one to recommend: the
    highest expected amount, then the highest high, then the order of ``METHODS``."""
    sums = {m: _sum([x for x in lines if x.method == m], currency)
            for m in METHODS if any(x.method == m for x in lines)}
    if not sums:
        return []
    best = max(sums, key=lambda m: (sums[m][1].amount, sums[m][2].amount, -METHODS.index(m)))
    return [MethodOption(m, sums[m][0].quantize(), sums[m][1].quantize(),
                         sums[m][2].quantize(), m == best,
                         policy.methods[m].zh, policy.methods[m].en) for m in sums]


def _cap(b: _Builder) -> Money | None:
    case, comp = b.case, b.policy.compensation
    if case.contract_cap is not None:
        return case.contract_cap
    if case.monthly_fee is not None and not case.monthly_fee.is_zero() and comp.cap_months > 0:
        b.assume("cap_from_fee", months=comp.cap_months)
        return case.monthly_fee * comp.cap_months
    if comp.cap_default is not None and comp.cap_default.currency == case.currency:
        b.assume("cap_default")
        return comp.cap_default
    return None


def _facts_notes(b: _Builder, liab: LiabilityResult, hours: Decimal | None) -> bool:
    """Notes on missing facts; returns whether the time-based methods apply at all."""
    case, comp = b.case, b.policy.compensation
    interruption = case.category is None or case.category in comp.interruption_categories
    if interruption and case.monthly_fee is None:
        b.assume("no_monthly_fee")
        b.sensitive("give_monthly_fee")
    if interruption and hours is None:
        b.assume("no_downtime")
        b.sensitive("give_times")
    if liab.excluded:
        b.assume("excluded")
        b.sensitive("exclusion_contested")
    elif case.liability.force_majeure:
        b.assume("force_majeure")
    return interruption


def _run_rules(b: _Builder, losses: LossSummary, hours: Decimal | None,
               interruption: bool) -> None:
    if interruption and _credit_owed(b, hours):
        _sla(b, hours)
        _free_days(b, hours)
    direct = _direct(b, losses, hours)
    _indirect(b, losses, direct)
    _costs(b, losses)
    _data_leak(b)
    _recall(b)


def _sensitivities(b: _Builder, losses: LossSummary, liab: LiabilityResult,
                   hours: Decimal | None, interruption: bool) -> None:
    case = b.case
    if any(not g.unproven.is_zero() for g in losses.groups.values()):
        b.sensitive("add_proof")
    if interruption and hours is not None and case.hourly_revenue is None and not case.losses:
        b.sensitive("give_hourly_revenue")
    if not liab.excluded and (liab.customer_share > 0 or liab.third_party_share > 0):
        b.sensitive("liability_dispute")


def estimate_compensation(
    policy: Policy,
    case: Case,
    *,
    liability: LiabilityResult | None = None,
    now: datetime | None = None,
) -> Estimate:
    """Estimate what the company would likely pay for ``case`` under ``policy``.

    Raises :class:`claims.errors.ClaimsValidationError` for out-of-bounds input.
    ``liability`` defaults to :func:`assess_liability` on the case facts; ``now`` closes an
    outage that has not been restored yet.
    """
    validate_case(policy, case, now)
    liab = liability or assess_liability(policy, case.liability)
    b = _Builder(policy, case, liab.company_share)
    losses = summarize_losses(case, now)
    hours = None if losses.downtime_hours is None else round_hours(losses.downtime_hours)
    interruption = _facts_notes(b, liab, hours)
    if not liab.excluded:
        _run_rules(b, losses, hours, interruption)
    options = _options(policy, b.lines, case.currency)
    recommended = next((o.method for o in options if o.recommended), None)
    lines = [LineItem(x.rule, x.remedy, x.low, x.expected, x.high,
                      x.method in (SEPARATE, recommended), x.zh, x.en, x.method)
             for x in b.lines]
    totals = _sum([x for x in lines if x.in_total], case.currency)
    cap = _cap(b)
    uncapped_high = totals[2]
    capped = cap is not None and uncapped_high > cap
    if cap is not None:
        totals = (totals[0].min(cap), totals[1].min(cap), totals[2].min(cap))
    _sensitivities(b, losses, liab, hours, interruption)
    if capped:
        b.sensitive("cap_binds")
    return Estimate(
        policy_version=policy.version,
        currency=case.currency,
        low=totals[0].quantize(),
        expected=totals[1].quantize(),
        high=totals[2].quantize(),
        uncapped_high=uncapped_high.quantize(),
        cap=None if cap is None else cap.quantize(),
        capped=capped,
        lines=tuple(lines),
        liability=liab,
        downtime_hours=hours,
        assumptions=tuple(b.assumptions),
        sensitivities=tuple(b.sensitivities),
        remedies=_remedies(policy, case, liab),
        notice=Reason("notice", policy.notice.zh, policy.notice.en),
        options=tuple(options),
        recommended=recommended,
    )


def _remedies(policy: Policy, case: Case, liab: LiabilityResult) -> tuple[Reason, ...]:
    """The category's remedies; none when an exclusion means nothing is owed."""
    if liab.excluded:
        return ()
    cat_policy = policy.categories.get(case.category) if case.category else None
    keys = list(cat_policy.remedies) if cat_policy else ["cash", "service_credit"]
    return tuple(Reason(k, policy.remedies[k].zh, policy.remedies[k].en) for k in keys)
