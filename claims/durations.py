"""How long each remaining stage takes and the total time until the money arrives.

Seed 000 gives the orders of magnitude (negotiation days to weeks, appraisal months,
litigation a year or more) and the drivers (attitudes, complexity, appraisal and court
workload), and makes appraisal (only when liability or the amount is disputed) and
enforcement (only when a judgment is not paid) conditional: they are listed as possible
extra steps, not summed. Seed 002 says an interruption credit is paid within 3 working
days of the interruption and that force majeure may extend the deadline. Ranges and
multipliers are policy; results are calendar days. One case gets one estimate: the
durations of a case are always derived from its compensation estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from claims.case import Case, Category, Money, Reason
from claims.compensation import Estimate, estimate_compensation
from claims.evidence import evidence_checklist
from claims.policy import DayRange, Policy
from claims.stages import CONDITIONAL, DECISION_PATH, DISPUTE_PATH, HAPPY_PATH, TERMINAL, Stage

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
    """Expected time to payment from ``stage``; ``disputed`` is the court route, if open.

    ``conditional`` are steps that may be added (appraisal, enforcement) with the condition
    in ``zh``/``en``; ``no_payment`` means an exclusion applies and ``expected`` ends at the
    decision.
    """

    policy_version: str
    stage: Stage
    finished: bool
    expected: Scenario
    disputed: Scenario | None
    drivers: tuple[Reason, ...]
    conditional: tuple[StepDuration, ...] = ()
    no_payment: bool = False

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
            "conditional": [c.to_dict() for c in self.conditional],
            "no_payment": self.no_payment,
            "drivers": [d.to_dict() for d in self.drivers],
        }


def _remaining(path: tuple[Stage, ...], stage: Stage) -> list[Stage]:
    if stage not in path:
        return []
    start = path.index(stage)
    return [s for s in path[start:] if s not in TERMINAL]


@dataclass(frozen=True, slots=True)
class _Facts:
    """What shapes the route: the case's stage and the estimate's conclusions."""

    stage: Stage
    category: Category | None
    sla_credit_only: bool
    excluded: bool


class _Steps:
    """Stage ranges with the drivers' multipliers applied."""

    def __init__(self, policy: Policy, multipliers: dict[Stage, Decimal],
                 force_majeure: bool) -> None:
        self.policy = policy
        self.multipliers = multipliers
        self.force_majeure = force_majeure

    def stage(self, s: Stage, condition: str | None = None) -> StepDuration:
        base: DayRange = self.policy.durations.stages[s]
        m = self.multipliers[s]
        low = math.ceil(base.low * m)
        high = max(math.ceil(base.high * m), low, 1)
        name = self.policy.stage_names[s]
        zh, en = name.zh, name.en
        if condition is not None:
            cond = self.policy.texts[condition]
            zh, en = f"{zh}（{cond.zh}）", f"{en} ({cond.en})"
        return StepDuration(s.value, low, high, zh, en)

    def payment(self, days: DayRange) -> StepDuration:
        low, high = days.low, max(days.high, 1)
        if self.force_majeure:
            extra = self.policy.durations.force_majeure_extra
            low, high = low + extra.low, high + extra.high
        name = self.policy.texts["payment"]
        return StepDuration(PAYMENT, low, high, name.zh, name.en)

    def route(self, name: str, stages: list[Stage], pay: bool = True) -> Scenario:
        steps = [self.stage(s) for s in stages]
        if pay:
            steps.append(self.payment(self.policy.durations.payment))
        return Scenario(name, tuple(steps))


def _multipliers(policy: Policy, amount: Money | None, parties: int,
                 completeness: Decimal, cross_border: bool,
                 drivers: list[Reason]) -> dict[Stage, Decimal]:
    dp, texts = policy.durations, policy.durations_text
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
    completeness = min(max(Decimal(completeness), Decimal(0)), Decimal(1))
    driver("missing_evidence", 1 + dp.missing_evidence_max_extra * (1 - completeness),
           dp.missing_evidence_stages, percent=int(completeness * 100))
    if cross_border:
        driver("cross_border", dp.cross_border_multiplier, dp.cross_border_stages)
    return multipliers


def _note(policy: Policy, drivers: list[Reason], key: str) -> None:
    t = policy.durations_text[key]
    drivers.append(Reason(key, t.zh, t.en))


def _routes(policy: Policy, steps: _Steps, f: _Facts, drivers: list[Reason]) -> DurationEstimate:
    """The expected route, the court route and the conditional extras from ``f.stage``."""
    stage = f.stage
    extras = [steps.stage(s, CONDITIONAL[s]) for s in (Stage.APPRAISAL, Stage.ENFORCEMENT)
              if s != stage]
    before = stage in DECISION_PATH
    court = steps.route("disputed", _remaining(DISPUTE_PATH, stage)) if stage in HAPPY_PATH \
        else None
    if f.excluded and before:
        _note(policy, drivers, "excluded")
        expected = steps.route("decision", _remaining(DECISION_PATH, stage), pay=False)
        return _result(policy, stage, expected, court, drivers, extras, no_payment=True)
    if (f.sla_credit_only and before and f.category in policy.durations.fast_track_categories):
        _note(policy, drivers, "sla_fast_track")
        fast = Scenario("sla_credit", (steps.payment(policy.durations.sla_payment),))
        return _result(policy, stage, fast, court, drivers, extras)
    if stage in HAPPY_PATH:
        expected = steps.route("settled", _remaining(HAPPY_PATH, stage))
    elif stage == Stage.APPRAISAL:
        expected = steps.route("settled", [Stage.APPRAISAL, Stage.NEGOTIATION])
        court = steps.route("disputed", [Stage.APPRAISAL, Stage.LITIGATION])
    elif stage == Stage.ENFORCEMENT:
        expected, extras = steps.route("disputed", [Stage.ENFORCEMENT]), []
    else:  # litigation, or a rejection fought in court
        expected = steps.route("disputed", [Stage.LITIGATION])
        extras = [x for x in extras if x.step == Stage.ENFORCEMENT.value]
    return _result(policy, stage, expected, court, drivers, extras)


def _result(policy: Policy, stage: Stage, expected: Scenario, court: Scenario | None,
            drivers: list[Reason], extras: list[StepDuration],
            no_payment: bool = False) -> DurationEstimate:
    return DurationEstimate(policy.version, stage, False, expected, court, tuple(drivers),
                            tuple(extras), no_payment)


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
    force_majeure: bool = False,
    excluded: bool = False,
) -> DurationEstimate:
    """Ranges per remaining stage, adjusted by the drivers, plus the payment itself."""
    stage = Stage(stage)
    if stage in TERMINAL:
        end = policy.durations_text["terminal"]
        done = (Reason("terminal", end.zh, end.en),)
        return DurationEstimate(policy.version, stage, True, Scenario("finished", ()), None, done)
    drivers: list[Reason] = []
    multipliers = _multipliers(policy, amount, parties, evidence_completeness, cross_border,
                               drivers)
    if force_majeure and not excluded:
        _note(policy, drivers, "force_majeure")
    steps = _Steps(policy, multipliers, force_majeure and not excluded)
    facts = _Facts(stage, None if category is None else Category(category), sla_credit_only,
                   excluded)
    return _routes(policy, steps, facts, drivers)


def estimate_case_durations(
    policy: Policy,
    case: Case,
    *,
    estimate: Estimate | None = None,
    now: datetime | None = None,
) -> DurationEstimate:
    """Durations for a case from its compensation estimate (computed when not given), its
    stage, parties, cross-border flag and evidence: the one timetable for the case."""
    if estimate is None:
        estimate = estimate_compensation(policy, case, now=now)
    return estimate_durations(
        policy,
        stage=case.stage,
        category=case.category,
        amount=estimate.expected,
        parties=case.parties,
        evidence_completeness=evidence_checklist(policy, case).completeness,
        cross_border=case.cross_border,
        sla_credit_only=estimate.is_sla_credit_only(),
        force_majeure=case.liability.force_majeure,
        excluded=estimate.liability.excluded,
    )
