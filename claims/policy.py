"""The claims policy: all numbers and zh/en texts the rules use, loaded from YAML.

Contracts differ between companies, so nothing that a contract could change is hard-coded.
The file is validated on load and turned into frozen, typed objects. Loading is explicit
(``load_policy``) and the result is passed into every rule; nothing happens at import time.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from claims.case import (
    Category,
    EvidenceKind,
    LossKind,
    Money,
    ThirdParty,
    to_decimal,
)
from claims.sources import NumberSource, SourceError, trace_numbers
from claims.stages import Stage

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.yaml")
ENV_VAR = "CLAIMS_POLICY_FILE"

#: Keys the code looks up; the policy file must define each of them.
LINE_RULES = frozenset(
    {
        "sla_uptime_credit",
        "sla_hourly_credit",
        "free_service_days",
        "direct_loss",
        "downtime_revenue",
        "staff_idle",
        "indirect_loss",
        "handling_costs",
        "regulatory_fine",
        "data_leak_economic",
        "data_leak_distress",
        "data_leak_no_rate",
        "recall_extra",
    }
)
TEXT_KEYS = frozenset(
    {
        "estimate_title", "low", "expected", "high", "cap", "capped", "no_cap", "liability",
        "company_share", "lines", "not_in_total", "assumptions", "sensitivities", "remedies",
        "durations_title", "total_time", "if_disputed", "drivers", "days", "payment",
        "category", "confidence", "unknown_category", "evidence_title", "evidence_missing",
        "evidence_present", "escalation_title", "priority", "no_escalation", "policy_version",
        "faq_case_header", "faq_draft_header", "faq_case_finished", "general_information_notice",
        "methods", "recommended", "separate_heads", "no_payment", "time_to_decision",
        "only_if_disputed", "only_if_unpaid", "possible_extra",
    }
)
ASSUMPTION_KEYS = frozenset(
    {
        "no_monthly_fee", "no_downtime", "uptime_from_downtime", "downtime_not_double_counted",
        "sla_not_owed", "excluded", "leak_currency", "cap_from_fee", "cap_default",
        "no_monthly_fee_recall", "force_majeure",
    }
)
SENSITIVITY_KEYS = frozenset(
    {
        "add_proof", "give_monthly_fee", "give_times", "give_hourly_revenue",
        "liability_dispute", "cap_binds", "exclusion_contested",
    }
)
DURATION_TEXT_KEYS = frozenset(
    {"amount", "extra_party", "missing_evidence", "cross_border", "sla_fast_track", "terminal",
     "force_majeure", "excluded"}
)
ESCALATION_RULES = frozenset(
    {
        "personal_data_leak", "loss_over_threshold", "litigation_mentioned",
        "regulator_mentioned", "repeated_misunderstanding", "human_requested",
        "vulnerable_customer",
    }
)
#: Every reason a case can be escalated for: the rules above, and the action server's reason
#: when the customer asks for a person in the chat (``actions/account.py``).
CUSTOMER_REQUESTED_HUMAN = "customer_requested_human"
ESCALATION_REASONS = ESCALATION_RULES | {CUSTOMER_REQUESTED_HUMAN}
ESCALATION_KEYWORD_KINDS = frozenset({"litigation", "regulator", "human", "vulnerable"})
CUSTOMER_RULES = frozenset({"customer_config_changed", "unsupported_hardware",
                            "customer_ignored_notice"})
EXCLUSIONS = frozenset({"force_majeure", "announced_maintenance"})
METHOD_KEYS = frozenset({"sla_credit", "actual_loss", "free_service"})
REMEDY_KEYS = frozenset(
    {"cash", "service_credit", "service_extension", "free_upgrade", "data_recovery",
     "renewal_discount", "technical_support"}
)
DURATION_STAGES = (
    Stage.REPORTED, Stage.EVIDENCE_COLLECTION, Stage.INVESTIGATION, Stage.PROPOSAL,
    Stage.NEGOTIATION, Stage.APPRAISAL, Stage.LITIGATION, Stage.ENFORCEMENT,
)


class PolicyError(ValueError):
    """The policy file is invalid; the message names the offending key path."""


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A zh/en text pair, optionally a ``str.format`` template."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def format(self, language: str, **params: Any) -> str:
        return self.get(language).format(**params)


@dataclass(frozen=True, slots=True)
class Range3:
    """A low / expected / high triple of non-negative Decimals, ordered."""

    low: Decimal
    expected: Decimal
    high: Decimal


@dataclass(frozen=True, slots=True)
class DayRange:
    """A range of calendar days, ``0 <= low <= high``."""

    low: int
    high: int


@dataclass(frozen=True, slots=True)
class SubTypePolicy:
    key: str
    name: Bilingual
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CategoryPolicy:
    category: Category
    name: Bilingual
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]
    sub_types: Mapping[str, SubTypePolicy]
    required_evidence: tuple[EvidenceKind, ...]
    optional_evidence: tuple[EvidenceKind, ...]
    remedies: tuple[str, ...]
    #: Words that settle the category on their own ("SLA", "召回"): they outweigh the
    #: generic words of another category ("down" in an SLA claim).
    decisive: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomerRule:
    share: Decimal
    text: Bilingual


@dataclass(frozen=True, slots=True)
class Exclusion:
    """What one exclusion does, stated explicitly: ``excludes`` means nothing is owed."""

    excludes: bool
    text: Bilingual


@dataclass(frozen=True, slots=True)
class LiabilityPolicy:
    customer_rules: Mapping[str, CustomerRule]
    max_customer_share: Decimal
    third_party_shares: Mapping[ThirdParty, Decimal]
    third_party_text: Bilingual
    third_party_names: Mapping[ThirdParty, Bilingual]
    company_default: Bilingual
    company_rest: Bilingual
    explicit: Bilingual
    exclusions: Mapping[str, Exclusion]


@dataclass(frozen=True, slots=True)
class SlaTier:
    below: Decimal
    credit: Decimal


@dataclass(frozen=True, slots=True)
class LeakRates:
    """Per-record economic loss and distress in one currency."""

    economic: Range3
    distress: Range3


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on inputs, checked by ``claims.validation`` before any arithmetic."""

    max_amount: Decimal
    max_downtime_hours: int
    max_records: int
    max_parties: int
    max_people: int


@dataclass(frozen=True, slots=True)
class CompensationPolicy:
    month_hours: int
    interruption_categories: frozenset[Category]
    sla_min_company_share: Decimal
    uptime_tiers: tuple[SlaTier, ...]
    hourly_credit_rate: Decimal
    max_credit: Decimal
    free_days_per_day: int
    proof_factors: Mapping[str, Range3]
    indirect_proven: Range3
    indirect_unproven: Range3
    indirect_cap_ratio: Decimal
    leak_rates: Mapping[str, LeakRates]
    sensitive_multiplier: Decimal
    recall_extra: Range3
    cap_months: int
    cap_default: Money | None


@dataclass(frozen=True, slots=True)
class AmountThreshold:
    at_least: Decimal
    multiplier: Decimal


@dataclass(frozen=True, slots=True)
class DurationPolicy:
    stages: Mapping[Stage, DayRange]
    payment: DayRange
    sla_payment: DayRange
    fast_track_categories: frozenset[Category]
    force_majeure_extra: DayRange
    amount_thresholds: tuple[AmountThreshold, ...]
    amount_stages: frozenset[Stage]
    extra_party_per: Decimal
    extra_party_stages: frozenset[Stage]
    missing_evidence_max_extra: Decimal
    missing_evidence_stages: frozenset[Stage]
    cross_border_multiplier: Decimal
    cross_border_stages: frozenset[Stage]


@dataclass(frozen=True, slots=True)
class EscalationRule:
    weight: int
    escalate: bool


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    loss_thresholds: Mapping[str, Decimal]
    misunderstanding_limit: int
    rules: Mapping[str, EscalationRule]
    keywords: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Policy:
    """The whole validated policy; pass it to every rule function."""

    version: str
    currency: str
    categories: Mapping[Category, CategoryPolicy]
    sensitive_kinds: frozenset[str]
    data_kind_names: Mapping[str, Bilingual]
    liability: LiabilityPolicy
    compensation: CompensationPolicy
    limits: Limits
    durations: DurationPolicy
    escalation: EscalationPolicy
    stage_names: Mapping[Stage, Bilingual]
    evidence_names: Mapping[EvidenceKind, Bilingual]
    reason_names: Mapping[str, Bilingual]
    loss_names: Mapping[LossKind, Bilingual]
    remedies: Mapping[str, Bilingual]
    lines: Mapping[str, Bilingual]
    texts: Mapping[str, Bilingual]
    notice: Bilingual
    assumptions: Mapping[str, Bilingual]
    sensitivities: Mapping[str, Bilingual]
    durations_text: Mapping[str, Bilingual]
    escalation_text: Mapping[str, Bilingual]
    methods: Mapping[str, Bilingual]
    number_sources: tuple[NumberSource, ...] = ()
    source: str = ""
    #: Names of the affected-system codes the NLU normalises to ("payment", "order_system").
    system_names: Mapping[str, Bilingual] = field(default_factory=dict)

    def text(self, key: str, language: str) -> str:
        return self.texts[key].get(language)

    def category_name(self, category: Category | None, language: str) -> str:
        if category is None:
            return self.text("unknown_category", language)
        return self.categories[category].name.get(language)


# --- reading helpers -------------------------------------------------------------------


def _fail(path: str, message: str) -> PolicyError:
    return PolicyError(f"{path}: {message}")


def _map(data: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise _fail(path, f"expected a mapping, got {type(data).__name__}")
    return data


def _get(data: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in data:
        raise _fail(f"{path}.{key}" if path else key, "missing")
    return data[key]


def _dec(value: Any, path: str, *, maximum: Decimal | None = None) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        result = to_decimal(value)
    except (TypeError, ValueError) as exc:
        raise _fail(path, f"not a number: {value!r}") from exc
    if result < 0:
        raise _fail(path, f"must not be negative, got {result}")
    if maximum is not None and result > maximum:
        raise _fail(path, f"must be at most {maximum}, got {result}")
    return result


def _int(value: Any, path: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, f"expected a whole number, got {value!r}")
    if value < minimum:
        raise _fail(path, f"must be at least {minimum}, got {value}")
    return value


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
        raise _fail(path, f"expected a non-empty string, got {value!r}")
    return str(value)


def _strs(value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(path, "expected a list")
    return tuple(_str(v, f"{path}[{i}]") for i, v in enumerate(value))


def _bi(value: Any, path: str) -> Bilingual:
    data = _map(value, path)
    return Bilingual(_str(_get(data, "zh", path), f"{path}.zh"),
                     _str(_get(data, "en", path), f"{path}.en"))


def _bi_map(value: Any, path: str, required: frozenset[str] | None = None) -> dict[str, Bilingual]:
    data = _map(value, path)
    result = {str(k): _bi(v, f"{path}.{k}") for k, v in data.items()}
    if required is not None:
        missing = sorted(required - result.keys())
        if missing:
            raise _fail(path, f"missing keys: {', '.join(missing)}")
    return result


def _enum_key(enum: Any, key: Any, path: str, what: str) -> Any:
    try:
        return enum(key)
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise _fail(path, f"unknown {what} {key!r} (known: {known})") from None


def _range3(value: Any, path: str, *, maximum: Decimal | None = None) -> Range3:
    data = _map(value, path)
    low = _dec(_get(data, "low", path), f"{path}.low", maximum=maximum)
    exp = _dec(_get(data, "expected", path), f"{path}.expected", maximum=maximum)
    high = _dec(_get(data, "high", path), f"{path}.high", maximum=maximum)
    if not low <= exp <= high:
        raise _fail(path, "must satisfy low <= expected <= high")
    return Range3(low, exp, high)


def _days(value: Any, path: str) -> DayRange:
    data = _map(value, path)
    low = _int(_get(data, "low", path), f"{path}.low")
    high = _int(_get(data, "high", path), f"{path}.high", minimum=1)
    if low > high:
        raise _fail(path, f"low ({low}) is greater than high ({high})")
    return DayRange(low, high)


def _stage_set(value: Any, path: str) -> frozenset[Stage]:
    return frozenset(_enum_key(Stage, s, path, "stage") for s in _strs(value, path))


ONE = Decimal(1)


# --- sections ------------------------------------------------------------------------


def _categories(value: Any) -> dict[Category, CategoryPolicy]:
    data = _map(value, "categories")
    result: dict[Category, CategoryPolicy] = {}
    for key, raw in data.items():
        path = f"categories.{key}"
        cat = _enum_key(Category, key, path, "category")
        body = _map(raw, path)
        kw = _map(_get(body, "keywords", path), f"{path}.keywords")
        subs: dict[str, SubTypePolicy] = {}
        for skey, sraw in _map(body.get("sub_types", {}), f"{path}.sub_types").items():
            spath = f"{path}.sub_types.{skey}"
            sbody = _map(sraw, spath)
            subs[str(skey)] = SubTypePolicy(
                str(skey),
                _bi(_get(sbody, "name", spath), f"{spath}.name"),
                tuple(k.lower() for k in _strs(sbody.get("keywords", []), f"{spath}.keywords")),
            )
        ev = _map(_get(body, "evidence", path), f"{path}.evidence")
        required = tuple(
            _enum_key(EvidenceKind, k, f"{path}.evidence.required", "evidence kind")
            for k in _strs(_get(ev, "required", f"{path}.evidence"), f"{path}.evidence.required")
        )
        optional = tuple(
            _enum_key(EvidenceKind, k, f"{path}.evidence.optional", "evidence kind")
            for k in _strs(ev.get("optional", []), f"{path}.evidence.optional")
        )
        remedies = _strs(_get(body, "remedies", path), f"{path}.remedies")
        for r in remedies:
            if r not in REMEDY_KEYS:
                raise _fail(f"{path}.remedies", f"unknown remedy {r!r}")
        result[cat] = CategoryPolicy(
            cat,
            _bi(_get(body, "name", path), f"{path}.name"),
            tuple(k.lower() for k in _strs(kw.get("zh", []), f"{path}.keywords.zh")),
            tuple(k.lower() for k in _strs(kw.get("en", []), f"{path}.keywords.en")),
            subs,
            required,
            optional,
            remedies,
            tuple(k.lower() for k in _strs(kw.get("decisive", []), f"{path}.keywords.decisive")),
        )
    missing = [c.value for c in Category if c not in result]
    if missing:
        raise _fail("categories", f"missing categories: {', '.join(missing)}")
    return result


def _liability(value: Any) -> LiabilityPolicy:
    p = "liability"
    data = _map(value, p)
    rules: dict[str, CustomerRule] = {}
    for key, raw in _map(_get(data, "customer_rules", p), f"{p}.customer_rules").items():
        rp = f"{p}.customer_rules.{key}"
        if key not in CUSTOMER_RULES:
            raise _fail(rp, f"unknown customer rule (known: {', '.join(sorted(CUSTOMER_RULES))})")
        body = _map(raw, rp)
        rules[key] = CustomerRule(_dec(_get(body, "share", rp), f"{rp}.share", maximum=ONE),
                                  _bi(body, rp))
    missing = sorted(CUSTOMER_RULES - rules.keys())
    if missing:
        raise _fail(f"{p}.customer_rules", f"missing keys: {', '.join(missing)}")
    tps = {
        _enum_key(ThirdParty, k, f"{p}.third_party_shares", "third party"):
            _dec(v, f"{p}.third_party_shares.{k}", maximum=ONE)
        for k, v in _map(_get(data, "third_party_shares", p), f"{p}.third_party_shares").items()
    }
    names = {
        _enum_key(ThirdParty, k, f"{p}.third_party_names", "third party"): v
        for k, v in _bi_map(_get(data, "third_party_names", p), f"{p}.third_party_names").items()
    }
    for party in ThirdParty:
        if party not in tps or party not in names:
            raise _fail(p, f"third party {party.value!r} needs a share and a name")
    return LiabilityPolicy(
        rules,
        _dec(_get(data, "max_customer_share", p), f"{p}.max_customer_share", maximum=ONE),
        tps,
        _bi(_get(data, "third_party_text", p), f"{p}.third_party_text"),
        names,
        _bi(_get(data, "company_default", p), f"{p}.company_default"),
        _bi(_get(data, "company_rest", p), f"{p}.company_rest"),
        _bi(_get(data, "explicit", p), f"{p}.explicit"),
        _exclusions(_get(data, "exclusions", p), f"{p}.exclusions"),
    )


def _exclusions(value: Any, path: str) -> dict[str, Exclusion]:
    """Each exclusion must say whether it cancels compensation; nothing is implied."""
    data = _map(value, path)
    result: dict[str, Exclusion] = {}
    for key in sorted(EXCLUSIONS):
        kp = f"{path}.{key}"
        body = _map(_get(data, key, path), kp)
        flag = _get(body, "excludes", kp)
        if not isinstance(flag, bool):
            raise _fail(f"{kp}.excludes", f"expected true or false, got {flag!r}")
        result[key] = Exclusion(flag, _bi(body, kp))
    return result


def _compensation(value: Any) -> CompensationPolicy:
    p = "compensation"
    data = _map(value, p)
    sla = _map(_get(data, "sla", p), f"{p}.sla")
    tiers: list[SlaTier] = []
    for i, raw in enumerate(_get(sla, "uptime_tiers", f"{p}.sla") or []):
        tp = f"{p}.sla.uptime_tiers[{i}]"
        body = _map(raw, tp)
        tiers.append(SlaTier(_dec(_get(body, "below", tp), f"{tp}.below", maximum=Decimal(100)),
                             _dec(_get(body, "credit", tp), f"{tp}.credit")))
    tiers.sort(key=lambda t: t.below, reverse=True)
    for hi, lo in zip(tiers, tiers[1:], strict=False):
        if lo.credit < hi.credit:
            raise _fail(f"{p}.sla.uptime_tiers", "a lower uptime must not give a smaller credit")
    proof = _map(_get(data, "proof_factors", p), f"{p}.proof_factors")
    factors = {k: _range3(proof.get(k), f"{p}.proof_factors.{k}", maximum=ONE)
               for k in ("proven", "unproven", "computed")}
    ind = _map(_get(data, "indirect", p), f"{p}.indirect")
    leak = _map(_get(data, "data_leak", p), f"{p}.data_leak")
    rates = _map(_get(leak, "per_record", f"{p}.data_leak"), f"{p}.data_leak.per_record")
    recall = _map(_get(data, "recall", p), f"{p}.recall")
    cap = _map(_get(data, "cap", p), f"{p}.cap")
    cap_default: Money | None = None
    if cap.get("default") is not None:
        body = _map(cap["default"], f"{p}.cap.default")
        cap_default = Money(_dec(_get(body, "amount", f"{p}.cap.default"), f"{p}.cap.default"),
                            _str(body.get("currency", "CNY"), f"{p}.cap.default.currency"))
    return CompensationPolicy(
        month_hours=_int(_get(data, "month_hours", p), f"{p}.month_hours", minimum=1),
        interruption_categories=frozenset(
            _enum_key(Category, c, f"{p}.interruption_categories", "category")
            for c in _strs(_get(data, "interruption_categories", p),
                           f"{p}.interruption_categories")),
        sla_min_company_share=_dec(_get(sla, "min_company_share", f"{p}.sla"),
                                   f"{p}.sla.min_company_share", maximum=ONE),
        uptime_tiers=tuple(tiers),
        hourly_credit_rate=_dec(_get(sla, "hourly_credit_rate", f"{p}.sla"),
                                f"{p}.sla.hourly_credit_rate"),
        max_credit=_dec(_get(sla, "max_credit", f"{p}.sla"), f"{p}.sla.max_credit"),
        free_days_per_day=_int(_get(data, "free_days_per_day", p), f"{p}.free_days_per_day"),
        proof_factors=factors,
        indirect_proven=_range3(_get(ind, "proven", f"{p}.indirect"), f"{p}.indirect.proven",
                                maximum=ONE),
        indirect_unproven=_range3(_get(ind, "unproven", f"{p}.indirect"),
                                  f"{p}.indirect.unproven", maximum=ONE),
        indirect_cap_ratio=_dec(_get(ind, "cap_ratio_of_direct", f"{p}.indirect"),
                                f"{p}.indirect.cap_ratio_of_direct"),
        leak_rates={Money(Decimal(0), str(cur)).currency: _leak_rates(
            body, f"{p}.data_leak.per_record.{cur}") for cur, body in rates.items()},
        sensitive_multiplier=_dec(_get(leak, "sensitive_multiplier", f"{p}.data_leak"),
                                  f"{p}.data_leak.sensitive_multiplier"),
        recall_extra=_range3(_get(recall, "extra_of_monthly_fee", f"{p}.recall"),
                             f"{p}.recall.extra_of_monthly_fee"),
        cap_months=_int(_get(cap, "months_of_fee", f"{p}.cap"), f"{p}.cap.months_of_fee"),
        cap_default=cap_default,
    )


def _leak_rates(value: Any, path: str) -> LeakRates:
    body = _map(value, path)
    return LeakRates(_range3(_get(body, "economic", path), f"{path}.economic"),
                     _range3(_get(body, "distress", path), f"{path}.distress"))


def _limits(value: Any) -> Limits:
    p = "limits"
    data = _map(value, p)
    return Limits(
        max_amount=_dec(_get(data, "max_amount", p), f"{p}.max_amount"),
        max_downtime_hours=_int(_get(data, "max_downtime_hours", p),
                                f"{p}.max_downtime_hours", minimum=1),
        max_records=_int(_get(data, "max_records", p), f"{p}.max_records", minimum=1),
        max_parties=_int(_get(data, "max_parties", p), f"{p}.max_parties", minimum=2),
        max_people=_int(_get(data, "max_people", p), f"{p}.max_people", minimum=1),
    )


def _durations(value: Any) -> DurationPolicy:
    p = "durations"
    data = _map(value, p)
    stages_raw = _map(_get(data, "stages", p), f"{p}.stages")
    stages = {
        _enum_key(Stage, k, f"{p}.stages", "stage"): _days(v, f"{p}.stages.{k}")
        for k, v in stages_raw.items()
    }
    missing = [s.value for s in DURATION_STAGES if s not in stages]
    if missing:
        raise _fail(f"{p}.stages", f"missing stages: {', '.join(missing)}")
    fast = _map(data.get("sla_fast_track", {"categories": []}), f"{p}.sla_fast_track")
    drivers = _map(_get(data, "drivers", p), f"{p}.drivers")
    dp = f"{p}.drivers"
    amount = _map(_get(drivers, "amount", dp), f"{dp}.amount")
    thresholds = []
    for i, raw in enumerate(_get(amount, "thresholds", f"{dp}.amount") or []):
        tp = f"{dp}.amount.thresholds[{i}]"
        body = _map(raw, tp)
        thresholds.append(AmountThreshold(_dec(_get(body, "at_least", tp), f"{tp}.at_least"),
                                          _dec(_get(body, "multiplier", tp), f"{tp}.multiplier")))
    thresholds.sort(key=lambda t: t.at_least)
    for t in thresholds:
        if t.multiplier < 1:
            raise _fail(f"{dp}.amount.thresholds", "multipliers must be at least 1")
    party = _map(_get(drivers, "extra_party", dp), f"{dp}.extra_party")
    evid = _map(_get(drivers, "missing_evidence", dp), f"{dp}.missing_evidence")
    cross = _map(_get(drivers, "cross_border", dp), f"{dp}.cross_border")
    cross_mult = _dec(_get(cross, "multiplier", f"{dp}.cross_border"),
                      f"{dp}.cross_border.multiplier")
    if cross_mult < 1:
        raise _fail(f"{dp}.cross_border.multiplier", "must be at least 1")
    return DurationPolicy(
        stages=stages,
        payment=_days(_get(data, "payment", p), f"{p}.payment"),
        sla_payment=_days(_get(data, "sla_payment", p), f"{p}.sla_payment"),
        fast_track_categories=frozenset(
            _enum_key(Category, c, f"{p}.sla_fast_track.categories", "category")
            for c in _strs(fast.get("categories", []), f"{p}.sla_fast_track.categories")
        ),
        force_majeure_extra=_days(_get(data, "force_majeure_extra_days", p),
                                  f"{p}.force_majeure_extra_days"),
        amount_thresholds=tuple(thresholds),
        amount_stages=_stage_set(_get(amount, "stages", f"{dp}.amount"), f"{dp}.amount.stages"),
        extra_party_per=_dec(_get(party, "per_party", f"{dp}.extra_party"),
                             f"{dp}.extra_party.per_party"),
        extra_party_stages=_stage_set(_get(party, "stages", f"{dp}.extra_party"),
                                      f"{dp}.extra_party.stages"),
        missing_evidence_max_extra=_dec(_get(evid, "max_extra", f"{dp}.missing_evidence"),
                                        f"{dp}.missing_evidence.max_extra"),
        missing_evidence_stages=_stage_set(_get(evid, "stages", f"{dp}.missing_evidence"),
                                           f"{dp}.missing_evidence.stages"),
        cross_border_multiplier=cross_mult,
        cross_border_stages=_stage_set(_get(cross, "stages", f"{dp}.cross_border"),
                                       f"{dp}.cross_border.stages"),
    )


def _escalation(value: Any) -> EscalationPolicy:
    p = "escalation"
    data = _map(value, p)
    thresholds = {
        Money(Decimal(0), str(k)).currency: _dec(v, f"{p}.loss_thresholds.{k}")
        for k, v in _map(_get(data, "loss_thresholds", p), f"{p}.loss_thresholds").items()
    }
    rules: dict[str, EscalationRule] = {}
    for key, raw in _map(_get(data, "rules", p), f"{p}.rules").items():
        rp = f"{p}.rules.{key}"
        if key not in ESCALATION_RULES:
            known = ", ".join(sorted(ESCALATION_RULES))
            raise _fail(rp, f"unknown escalation rule (known: {known})")
        body = _map(raw, rp)
        rules[key] = EscalationRule(_int(_get(body, "weight", rp), f"{rp}.weight"),
                                    bool(body.get("escalate", True)))
    missing = sorted(ESCALATION_RULES - rules.keys())
    if missing:
        raise _fail(f"{p}.rules", f"missing keys: {', '.join(missing)}")
    kw = _map(_get(data, "keywords", p), f"{p}.keywords")
    keywords = {k: tuple(w.lower() for w in _strs(kw.get(k, []), f"{p}.keywords.{k}"))
                for k in ESCALATION_KEYWORD_KINDS}
    return EscalationPolicy(
        thresholds,
        _int(_get(data, "misunderstanding_limit", p), f"{p}.misunderstanding_limit", minimum=1),
        rules,
        keywords,
    )


def _enum_names(root: Mapping[str, Any], key: str, enum: Any, what: str, plural: str) -> Any:
    """``key``: a name pair for every member of ``enum`` (a missing one is an error)."""
    names = {
        _enum_key(enum, k, key, what): v for k, v in _bi_map(_get(root, key, ""), key).items()
    }
    missing = [m.value for m in enum if m not in names]
    if missing:
        raise _fail(key, f"missing {plural}: {', '.join(missing)}")
    return names


def parse_policy(data: Any, source: str = "<dict>") -> Policy:
    """Validate a parsed YAML document and build the :class:`Policy`."""
    root = _map(data, "policy")
    stage_names = _enum_names(root, "stage_names", Stage, "stage", "stages")
    evidence_names = _enum_names(root, "evidence_names", EvidenceKind, "evidence kind", "kinds")
    loss_names = _enum_names(root, "loss_names", LossKind, "loss kind", "kinds")
    personal = _map(_get(root, "personal_data", ""), "personal_data")
    policy = Policy(
        version=_str(_get(root, "version", ""), "version"),
        currency=Money(Decimal(0), _str(root.get("currency", "CNY"), "currency")).currency,
        categories=_categories(_get(root, "categories", "")),
        sensitive_kinds=frozenset(_strs(personal.get("sensitive_kinds", []),
                                        "personal_data.sensitive_kinds")),
        data_kind_names=_bi_map(personal.get("names", {}), "personal_data.names"),
        liability=_liability(_get(root, "liability", "")),
        compensation=_compensation(_get(root, "compensation", "")),
        limits=_limits(_get(root, "limits", "")),
        durations=_durations(_get(root, "durations", "")),
        escalation=_escalation(_get(root, "escalation", "")),
        stage_names=stage_names,
        evidence_names=evidence_names,
        reason_names=_bi_map(_get(root, "reason_names", ""), "reason_names", ESCALATION_REASONS),
        loss_names=loss_names,
        remedies=_bi_map(_get(root, "remedies", ""), "remedies", REMEDY_KEYS),
        lines=_bi_map(_get(root, "lines", ""), "lines", LINE_RULES),
        texts=_bi_map(_get(root, "texts", ""), "texts", TEXT_KEYS),
        notice=_bi(_get(root, "notice", ""), "notice"),
        assumptions=_bi_map(_get(root, "assumptions", ""), "assumptions", ASSUMPTION_KEYS),
        sensitivities=_bi_map(_get(root, "sensitivities", ""), "sensitivities",
                              SENSITIVITY_KEYS),
        durations_text=_bi_map(_get(root, "durations_text", ""), "durations_text",
                               DURATION_TEXT_KEYS),
        escalation_text=_bi_map(_get(root, "escalation_text", ""), "escalation_text",
                                ESCALATION_RULES),
        methods=_bi_map(_get(root, "methods", ""), "methods", METHOD_KEYS),
        source=source,
        system_names=_bi_map(root.get("system_names", {}), "system_names"),
    )
    try:
        traced = tuple(trace_numbers(root))
    except SourceError as exc:
        raise PolicyError(str(exc)) from None
    return dataclasses.replace(policy, number_sources=traced)


def policy_path(path: Path | str | None = None) -> Path:
    """The file to load: ``path``, else ``$CLAIMS_POLICY_FILE``, else the shipped default."""
    if path is not None:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_POLICY_PATH


def load_policy(path: Path | str | None = None) -> Policy:
    """Read and validate a policy file; raises :class:`PolicyError` with the key path."""
    file = policy_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{file}: cannot read policy file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{file}: not valid YAML: {exc}") from exc
    try:
        return parse_policy(data, str(file))
    except PolicyError as exc:
        raise PolicyError(f"{file}: {exc}") from exc


@functools.cache
def default_policy() -> Policy:
    """The shipped policy, loaded on first use and then shared (it is immutable)."""
    return load_policy(DEFAULT_POLICY_PATH)
