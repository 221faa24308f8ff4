"""How long each remaining stage takes and the total time until the money arrives.

Seed 000 gives the orders of magnitude (negotiation days to weeks, appraisal months,
litigation a year or more, enforcement further months) and the drivers (attitudes,
complexity, appraisal and court workload); seed 002 says an agreed SLA credit is paid
within 3 working days. Ranges and multipliers are policy; results are calendar days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from claims.case import Case, Category, Money, Reason
from claims.policy import DayRange, Policy
from claims.stages import DISPUTE_PATH, HAPPY_PATH, TERMINAL, Stage

PAYMENT = "payment"


@dataclass(frozen=True, slots=True)
class StepDuration:
    """One step on the way to payment: a stage or the final payment."""

    step: str
    low_days: int
    high_days: int
    zh: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "low_days": self.low_days, "high_days": self.high_days,
                "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Scenario:
    """A path from the current stage to payment with its total range."""

    name: str
    steps: tuple[StepDuration, ...]

    @property
    def low_days(self) -> int:
        return sum(s.low_days for s in self.steps)

    @property
    def high_days(self) -> int:
        return sum(s.high_days for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "low_days": self.low_days, "high_days": self.high_days,
                "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True, slots=True)
class DurationEstimate:
    """Expected time to payment from ``stage``; ``disputed`` is the court route, if open."""

    policy_version: str
    stage: Stage
    finished: bool
    expected: Scenario
    disputed: Scenario | None
    drivers: tuple[Reason, ...]

    @property
    def low_days(self) -> int:
        return self.expected.low_days

    @property
    def high_days(self) -> int:
        return self.expected.high_days

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_version": self.policy_version,
            "stage": self.stage.value,
            "finished": self.finished,
            "low_days": self.low_days,
            "high_days": self.high_days,
            "expected": self.expected.to_dict(),
            "disputed": None if self.disputed is None else self.disputed.to_dict(),
            "drivers": [d.to_dict() for d in self.drivers],
        }


def _remaining(path: tuple[Stage, ...], stage: Stage) -> list[Stage]:
    start = path.index(stage)
    return [s for s in path[start:] if s not in TERMINAL]


def estimate_durations(
    policy: Policy,
    *,
    stage: Stage | str = Stage.REPORTED,
    category: Category | str | None = None,
    amount: Money | None = None,
    parties: int = 2,
    evidence_completeness: Decimal = Decimal(1),
    cross_border: bool = False,
    sla_credit_only: bool = False,
) -> DurationEstimate:
    """Ranges per remaining stage, adjusted by the drivers, plus the payment itself."""
    dp = policy.durations
    stage = Stage(stage)
    cat = None if category is None else Category(category)
    texts = policy.durations_text
    drivers: list[Reason] = []
    multipliers: dict[Stage, Decimal] = dict.fromkeys(Stage, Decimal(1))

    def driver(key: str, factor: Decimal, stages: frozenset[Stage], **params: Any) -> None:
        if factor == 1:
            return
        for s in stages:
            multipliers[s] *= factor
        t = texts[key]
        drivers.append(Reason(key, t.zh.format(**params), t.en.format(**params)))

    if amount is not None and amount.currency == policy.currency:
        factor = Decimal(1)
        for threshold in dp.amount_thresholds:
            if amount.amount >= threshold.at_least:
                factor = threshold.multiplier
        driver("amount", factor, dp.amount_stages)
    driver("extra_party", 1 + dp.extra_party_per * max(0, parties - 2), dp.extra_party_stages,
           parties=parties)
    completeness = min(max(Decimal(evidence_completeness), Decimal(0)), Decimal(1))
    driver("missing_evidence", 1 + dp.missing_evidence_max_extra * (1 - completeness),
           dp.missing_evidence_stages, percent=int(completeness * 100))
    if cross_border:
        driver("cross_border", dp.cross_border_multiplier, dp.cross_border_stages)

    def step(s: Stage) -> StepDuration:
        base: DayRange = dp.stages[s]
        m = multipliers[s]
        low = math.ceil(base.low * m)
        high = max(math.ceil(base.high * m), low, 1)
        name = policy.stage_names[s]
        return StepDuration(s.value, low, high, name.zh, name.en)

    pay_name = policy.texts["payment"]
    payment = StepDuration(PAYMENT, dp.payment.low, max(dp.payment.high, 1),
                           pay_name.zh, pay_name.en)

    if stage in TERMINAL:
        end = texts["terminal"]
        done = (Reason("terminal", end.zh, end.en),)
        return DurationEstimate(policy.version, stage, True, Scenario("finished", ()), None, done)

    fast = (sla_credit_only and cat in dp.fast_track_categories
            and stage in HAPPY_PATH
            and HAPPY_PATH.index(stage) <= HAPPY_PATH.index(Stage.PROPOSAL))
    if fast:
        ft = texts["sla_fast_track"]
        drivers.append(Reason("sla_fast_track", ft.zh, ft.en))

    disputed: Scenario | None
    if stage == Stage.REJECTED:
        route = [Stage.LITIGATION, Stage.ENFORCEMENT]
        expected = Scenario("disputed", (*[step(s) for s in route], payment))
        disputed = None
    elif stage in HAPPY_PATH:
        happy = [s for s in _remaining(HAPPY_PATH, stage)
                 if not (fast and s in dp.fast_track_skip)]
        expected = Scenario("settled", (*[step(s) for s in happy], payment))
        court = _remaining(DISPUTE_PATH, stage)
        disputed = Scenario("disputed", (*[step(s) for s in court], payment))
    else:
        route = _remaining(DISPUTE_PATH, stage)
        expected = Scenario("disputed", (*[step(s) for s in route], payment))
        disputed = None
    return DurationEstimate(policy.version, stage, False, expected, disputed, tuple(drivers))


def estimate_case_durations(
    policy: Policy,
    case: Case,
    *,
    amount: Money | None = None,
    sla_credit_only: bool = False,
) -> DurationEstimate:
    """Durations for a case: its stage, parties, cross-border flag and evidence."""
    from claims.evidence import evidence_checklist
    from claims.losses import summarize_losses

    if amount is None:
        amount = summarize_losses(case).claimed_total()
    return estimate_durations(
        policy,
        stage=case.stage,
        category=case.category,
        amount=amount,
        parties=case.parties,
        evidence_completeness=evidence_checklist(policy, case).completeness,
        cross_border=case.cross_border,
        sla_credit_only=sla_credit_only,
    )
