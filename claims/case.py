"""The claim case aggregate and its value objects.

These are plain dataclasses so that the db layer, the action server and the staff API
can map rows and JSON onto them without any framework. Money is ``Decimal`` with a
currency, times are timezone-aware, and ``Case.to_dict``/``Case.from_dict`` round-trip
through JSON-safe values (Decimal as string, datetimes as ISO 8601).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from claims.errors import ClaimsValidationError
from claims.stages import (
    NEEDS_REASON,
    InvalidTransition,
    Stage,
    allowed_next,
    check_transition,
)

T = TypeVar("T")
#: What a malformed JSON value can raise while it is converted.
CONVERSION_ERRORS = (ValueError, TypeError, KeyError, AttributeError, ArithmeticError)

__all__ = [
    "Case",
    "Category",
    "CurrencyMismatch",
    "DataLeak",
    "EvidenceKind",
    "EvidenceRef",
    "InvalidTransition",
    "Liability",
    "LiabilityFacts",
    "LiabilityResult",
    "LossItem",
    "LossKind",
    "Money",
    "Reason",
    "Stage",
    "StageChange",
    "ThirdParty",
    "TimelineEntry",
    "TimelineKind",
    "to_decimal",
]


class Category(StrEnum):
    """Incident categories; values match the NLU ``category`` entity after synonyms."""

    OUTAGE = "outage"
    DATA_LOSS = "data_loss"
    SECURITY_BREACH = "security_breach"
    FUNCTIONAL_DEFECT = "functional_defect"
    TRANSMISSION_FAILURE = "transmission_failure"
    SERVICE_INTERRUPTION = "service_interruption"
    RELEASE_RECALL = "release_recall"


class TimelineKind(StrEnum):
    """Moments of an incident that matter for downtime and notification duties."""

    STARTED = "started"
    DETECTED = "detected"
    REPORTED_TO_VENDOR = "reported_to_vendor"
    RESTORED = "restored"
    NOTIFIED = "notified"


class LossKind(StrEnum):
    """Kinds of loss; grouped into direct / indirect / costs by ``losses.py``."""

    DIRECT = "direct"
    LOST_ORDERS = "lost_orders"
    REFUND = "refund"
    RECOVERY_COST = "recovery_cost"
    INDIRECT = "indirect"
    LOST_OPPORTUNITY = "lost_opportunity"
    CHURN = "churn"
    DOWNTIME = "downtime"
    TIME_COST = "time_cost"
    LEGAL = "legal"
    INVESTIGATION = "investigation"
    REGULATORY_FINE = "regulatory_fine"
    OTHER = "other"


class EvidenceKind(StrEnum):
    """Kinds of evidence a customer can hand in."""

    SYSTEM_LOGS = "system_logs"
    SCREENSHOTS = "screenshots"
    ORDER_RECORDS = "order_records"
    REVENUE_RECORDS = "revenue_records"
    CONTRACT_SLA = "contract_sla"
    CHAT_RECORDS = "chat_records"
    BREACH_NOTICE = "breach_notice"
    BANK_STATEMENTS = "bank_statements"
    INCIDENT_REPORT = "incident_report"
    OTHER = "other"


class ThirdParty(StrEnum):
    """Outside parties that commonly cause or share an incident."""

    PAYMENT_GATEWAY = "payment_gateway"
    NETWORK_PROVIDER = "network_provider"
    CLOUD_PROVIDER = "cloud_provider"
    SOFTWARE_SUPPLIER = "software_supplier"
    OTHER = "other"


class CurrencyMismatch(ValueError):
    """Raised when money in two currencies is added or compared."""


def to_decimal(value: Any) -> Decimal:
    """Convert int/str/Decimal to Decimal; floats are refused because they lose cents."""
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"not a decimal amount: {value!r}") from exc
    elif isinstance(value, float):
        raise TypeError("use Decimal or str for money and rates, never float")
    else:
        raise TypeError(f"cannot convert {type(value).__name__} to Decimal")
    if not result.is_finite():
        raise ValueError(f"amount must be finite: {value!r}")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency; arithmetic across currencies raises."""

    amount: Decimal
    currency: str = "CNY"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        cur = str(self.currency).strip().upper()
        if len(cur) != 3 or not cur.isalpha():
            raise ValueError(f"currency must be an ISO 4217 code, got {self.currency!r}")
        object.__setattr__(self, "currency", cur)

    @classmethod
    def zero(cls, currency: str = "CNY") -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float | Money):
            raise TypeError("multiply Money by Decimal or int only")
        return Money(self.amount * to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def is_zero(self) -> bool:
        return self.amount == 0

    def quantize(self) -> Money:
        """Round half-up to cents, the unit payments are made in."""
        from decimal import ROUND_HALF_UP

        return Money(self.amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), self.currency)

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def max(self, other: Money) -> Money:
        return self if self >= other else other

    def __str__(self) -> str:
        return f"{self.quantize().amount:,} {self.currency}"

    def to_dict(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency}

    @classmethod
    def from_dict(cls, data: Any, currency: str = "CNY") -> Money:
        """Accept ``{"amount": "1.5", "currency": "CNY"}`` or a bare number/string."""
        if isinstance(data, Money):
            return data
        if isinstance(data, dict):
            return cls(to_decimal(data["amount"]), data.get("currency", currency))
        return cls(to_decimal(data), currency)


def _aware(at: datetime, what: str) -> datetime:
    if not isinstance(at, datetime):
        raise TypeError(f"{what} must be a datetime")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {at.isoformat()}")
    return at


def _parse_dt(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        return _aware(value, what)
    return _aware(datetime.fromisoformat(str(value)), what)


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule that fired, with its explanation in both languages."""

    rule: str
    zh: str = ""
    en: str = ""

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "zh": self.zh, "en": self.en}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reason:
        return cls(str(data["rule"]), str(data.get("zh", "")), str(data.get("en", "")))


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated moment of the incident; naive datetimes are refused."""

    kind: TimelineKind
    at: datetime
    source: str = "customer"
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", TimelineKind(self.kind))
        _aware(self.at, "timeline time")

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "at": self.at.isoformat(),
            "source": self.source,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimelineEntry:
        return cls(
            TimelineKind(data["kind"]),
            _parse_dt(data["at"], "timeline time"),
            str(data.get("source", "customer")),
            str(data.get("note", "")),
        )


@dataclass(frozen=True, slots=True)
class LossItem:
    """A loss the customer claims; ``proven`` means documents back the amount."""

    kind: LossKind
    amount: Money
    description: str = ""
    proven: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", LossKind(self.kind))
        if not isinstance(self.amount, Money):
            raise TypeError("LossItem.amount must be Money")
        if self.amount.amount < 0:
            raise ValueError("a loss cannot be negative")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "amount": self.amount.to_dict(),
            "description": self.description,
            "proven": self.proven,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], currency: str = "CNY") -> LossItem:
        return cls(
            LossKind(data["kind"]),
            Money.from_dict(data["amount"], currency),
            str(data.get("description", "")),
            bool(data.get("proven", False)),
        )


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A piece of evidence; the file itself lives in the evidence store, keyed by sha256."""

    kind: EvidenceKind
    description: str = ""
    sha256: str | None = None
    filename: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EvidenceKind(self.kind))
        if self.sha256 is not None:
            digest = self.sha256.lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError("sha256 must be 64 hex digits")
            object.__setattr__(self, "sha256", digest)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "description": self.description,
            "sha256": self.sha256,
            "filename": self.filename,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvidenceRef:
        return cls(
            EvidenceKind(data["kind"]),
            str(data.get("description", "")),
            data.get("sha256"),
            data.get("filename"),
        )


def _share(value: Any, what: str) -> Decimal | None:
    if value is None:
        return None
    share = to_decimal(value)
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError(f"{what} must be between 0 and 1, got {share}")
    return share


@dataclass(slots=True)
class LiabilityFacts:
    """What we know about who caused the incident; ``liability.py`` turns it into shares.

    Explicit shares (from an agreement or an appraisal) win over the rule defaults.
    """

    customer_config_changed: bool = False
    unsupported_hardware: bool = False
    customer_ignored_notice: bool = False
    third_party_involved: bool = False
    third_party: ThirdParty | None = None
    force_majeure: bool = False
    announced_maintenance: bool = False
    company_share: Decimal | None = None
    customer_share: Decimal | None = None
    third_party_share: Decimal | None = None

    def __post_init__(self) -> None:
        if self.third_party is not None:
            self.third_party = ThirdParty(self.third_party)
            self.third_party_involved = True
        self.company_share = _share(self.company_share, "company_share")
        self.customer_share = _share(self.customer_share, "customer_share")
        self.third_party_share = _share(self.third_party_share, "third_party_share")
        given = [s for s in (self.company_share, self.customer_share, self.third_party_share) if s]
        if sum(given, Decimal(0)) > 1:
            raise ValueError("explicit liability shares add up to more than 1")

    def to_dict(self) -> dict[str, Any]:
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)

        return {
            "customer_config_changed": self.customer_config_changed,
            "unsupported_hardware": self.unsupported_hardware,
            "customer_ignored_notice": self.customer_ignored_notice,
            "third_party_involved": self.third_party_involved,
            "third_party": None if self.third_party is None else self.third_party.value,
            "force_majeure": self.force_majeure,
            "announced_maintenance": self.announced_maintenance,
            "company_share": s(self.company_share),
            "customer_share": s(self.customer_share),
            "third_party_share": s(self.third_party_share),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> LiabilityFacts:
        data = data or {}
        return cls(
            customer_config_changed=bool(data.get("customer_config_changed", False)),
            unsupported_hardware=bool(data.get("unsupported_hardware", False)),
            customer_ignored_notice=bool(data.get("customer_ignored_notice", False)),
            third_party_involved=bool(data.get("third_party_involved", False)),
            third_party=data.get("third_party"),
            force_majeure=bool(data.get("force_majeure", False)),
            announced_maintenance=bool(data.get("announced_maintenance", False)),
            company_share=data.get("company_share"),
            customer_share=data.get("customer_share"),
            third_party_share=data.get("third_party_share"),
        )


#: Short alias: the input facts are what callers usually mean by "liability".
Liability = LiabilityFacts


@dataclass(frozen=True, slots=True)
class LiabilityResult:
    """The company's share of the blame (0..1) and the rules that set it."""

    company_share: Decimal
    customer_share: Decimal
    third_party_share: Decimal
    excluded: bool
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "company_share": str(self.company_share),
            "customer_share": str(self.customer_share),
            "third_party_share": str(self.third_party_share),
            "excluded": self.excluded,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class DataLeak:
    """Personal data exposed: how many records and which kinds (e.g. id_number)."""

    records: int
    kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if int(self.records) < 0:
            raise ValueError("records cannot be negative")
        object.__setattr__(self, "records", int(self.records))
        object.__setattr__(self, "kinds", tuple(str(k) for k in self.kinds))

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "kinds": list(self.kinds)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataLeak:
        return cls(int(data.get("records", 0)), tuple(data.get("kinds", ())))


@dataclass(frozen=True, slots=True)
class StageChange:
    """One entry of the stage history."""

    stage: Stage
    at: datetime
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "stage", Stage(self.stage))
        _aware(self.at, "stage change time")

    def to_dict(self) -> dict[str, str]:
        return {"stage": self.stage.value, "at": self.at.isoformat(), "note": self.note}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StageChange:
        return cls(
            Stage(data["stage"]),
            _parse_dt(data["at"], "stage change time"),
            str(data.get("note", "")),
        )


def _money_or_none(value: Any, currency: str) -> Money | None:
    return None if value is None else Money.from_dict(value, currency)


@dataclass(slots=True)
class Case:
    """A claim as collected by the intake; the input of every rule in ``claims``."""

    reference: str | None = None
    customer_name: str | None = None
    customer_company: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    language: str = "zh"
    category: Category | None = None
    sub_type: str | None = None
    description: str = ""
    affected_systems: list[str] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    losses: list[LossItem] = field(default_factory=list)
    evidence: list[EvidenceRef] = field(default_factory=list)
    liability: LiabilityFacts = field(default_factory=LiabilityFacts)
    data_leak: DataLeak | None = None
    stage: Stage = Stage.REPORTED
    stage_history: list[StageChange] = field(default_factory=list)
    currency: str = "CNY"
    monthly_fee: Money | None = None
    hourly_revenue: Money | None = None
    hourly_staff_cost: Money | None = None
    contract_cap: Money | None = None
    monthly_uptime: Decimal | None = None
    people_idle: int = 0
    customers_affected: int = 0
    cross_border: bool = False
    parties: int = 2
    priority: int = 0
    escalations: list[str] = field(default_factory=list)
    # Signals collected in the chat that drive escalation.
    mentions_litigation: bool = False
    mentions_regulator: bool = False
    requested_human: bool = False
    misunderstandings: int = 0
    vulnerable: bool = False

    def __post_init__(self) -> None:
        if self.language not in ("zh", "en"):
            raise ClaimsValidationError("language", f"must be zh or en, got {self.language!r}")
        if self.category is not None:
            raw_category: Any = self.category
            self.category = _read("category", lambda: Category(raw_category))
        self.stage = _read("stage", lambda: Stage(self.stage))
        self.currency = _read("currency", lambda: Money(Decimal(0), self.currency).currency)
        if self.monthly_uptime is not None:
            self.monthly_uptime = _read("monthly_uptime", lambda: to_decimal(self.monthly_uptime))
            if not Decimal(0) <= self.monthly_uptime <= Decimal(100):
                raise ClaimsValidationError("monthly_uptime", "is a percentage between 0 and 100")
        for name in ("people_idle", "customers_affected", "misunderstandings"):
            if getattr(self, name) < 0:
                raise ClaimsValidationError(name, "cannot be negative")
        if self.parties < 1:
            raise ClaimsValidationError("parties", f"must be at least 1, got {self.parties}")

    # -- derived facts -------------------------------------------------------------

    def times(self, kind: TimelineKind) -> list[datetime]:
        """All recorded times of one kind, oldest first."""
        return sorted(e.at for e in self.timeline if e.kind == kind)

    def first(self, kind: TimelineKind) -> datetime | None:
        found = self.times(kind)
        return found[0] if found else None

    def downtime(self, now: datetime | None = None) -> timedelta | None:
        """Total time between each ``started`` and the following ``restored``.

        Several outages add up. An outage still running counts up to ``now`` if given;
        without ``now`` (or without any start) the downtime is unknown: ``None``.
        """
        events = sorted(
            (e for e in self.timeline if e.kind in (TimelineKind.STARTED, TimelineKind.RESTORED)),
            key=lambda e: (e.at, e.kind != TimelineKind.STARTED),
        )
        if not any(e.kind == TimelineKind.STARTED for e in events):
            return None
        total = timedelta(0)
        open_at: datetime | None = None
        for entry in events:
            if entry.kind == TimelineKind.STARTED:
                if open_at is None:
                    open_at = entry.at
            elif open_at is not None:
                total += entry.at - open_at
                open_at = None
        if open_at is not None:
            if now is None:
                return None
            total += max(timedelta(0), _aware(now, "now") - open_at)
        return total

    def downtime_hours(self, now: datetime | None = None) -> Decimal | None:
        """Downtime in hours as a Decimal (to the second), for money rules."""
        span = self.downtime(now)
        if span is None:
            return None
        return Decimal(int(span.total_seconds())) / Decimal(3600)

    def evidence_kinds(self) -> set[EvidenceKind]:
        return {e.kind for e in self.evidence}

    def money(self, amount: Any) -> Money:
        """Money in the case currency."""
        return Money(to_decimal(amount), self.currency)

    # -- stage changes -------------------------------------------------------------

    def allowed_next(self) -> frozenset[Stage]:
        return allowed_next(self.stage)

    def move_to(self, stage: Stage | str, at: datetime, note: str = "") -> StageChange:
        """Move to ``stage`` if the graph allows it, recording when and why.

        Raises :class:`InvalidTransition` (with ``.allowed``) for a forbidden move and
        ``ValueError`` for a naive or backwards time, or a rejection without a reason.
        """
        target = Stage(stage)
        _aware(at, "stage change time")
        check_transition(self.stage, target)
        if target in NEEDS_REASON and not note.strip():
            raise ValueError(f"moving to {target.value} needs a reason")
        if self.stage_history and at < self.stage_history[-1].at:
            raise ValueError("stage change is earlier than the previous one")
        change = StageChange(target, at, note)
        self.stage = target
        self.stage_history.append(change)
        return change

    def entered_current_stage(self) -> datetime | None:
        """When the case entered its current stage, if recorded."""
        for change in reversed(self.stage_history):
            if change.stage == self.stage:
                return change.at
        return None

    # -- serialisation -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (Decimal as string, datetimes ISO 8601)."""

        def m(v: Money | None) -> dict[str, str] | None:
            return None if v is None else v.to_dict()

        return {
            "reference": self.reference,
            "customer": {
                "name": self.customer_name,
                "company": self.customer_company,
                "email": self.customer_email,
                "phone": self.customer_phone,
            },
            "language": self.language,
            "category": None if self.category is None else self.category.value,
            "sub_type": self.sub_type,
            "description": self.description,
            "affected_systems": list(self.affected_systems),
            "timeline": [e.to_dict() for e in self.timeline],
            "losses": [x.to_dict() for x in self.losses],
            "evidence": [e.to_dict() for e in self.evidence],
            "liability": self.liability.to_dict(),
            "data_leak": None if self.data_leak is None else self.data_leak.to_dict(),
            "stage": self.stage.value,
            "stage_history": [c.to_dict() for c in self.stage_history],
            "currency": self.currency,
            "monthly_fee": m(self.monthly_fee),
            "hourly_revenue": m(self.hourly_revenue),
            "hourly_staff_cost": m(self.hourly_staff_cost),
            "contract_cap": m(self.contract_cap),
            "monthly_uptime": None if self.monthly_uptime is None else str(self.monthly_uptime),
            "people_idle": self.people_idle,
            "customers_affected": self.customers_affected,
            "cross_border": self.cross_border,
            "parties": self.parties,
            "priority": self.priority,
            "escalations": list(self.escalations),
            "mentions_litigation": self.mentions_litigation,
            "mentions_regulator": self.mentions_regulator,
            "requested_human": self.requested_human,
            "misunderstandings": self.misunderstandings,
            "vulnerable": self.vulnerable,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Case:
        """Inverse of :meth:`to_dict`; also accepts flat ``customer_*`` keys.

        Anything malformed raises :class:`ClaimsValidationError` naming the field.
        """
        if not isinstance(data, dict):
            raise ClaimsValidationError("case",
                                        f"expected a JSON object, got {type(data).__name__}")
        currency = _read("currency",
                         lambda: Money(Decimal(0), str(data.get("currency", "CNY"))).currency)
        f = _Fields(data, currency)
        text, items, one, money = f.customer, f.items, f.one, f.money
        leak = data.get("data_leak")
        return _read("case", lambda: cls(
            reference=one("reference", _opt_str),
            customer_name=text("name"),
            customer_company=text("company"),
            customer_email=text("email"),
            customer_phone=text("phone"),
            language=str(data.get("language", "zh")),
            category=one("category", lambda v: None if v is None else Category(v)),
            sub_type=one("sub_type", _opt_str),
            description=str(data.get("description", "")),
            affected_systems=items("affected_systems", str),
            timeline=items("timeline", TimelineEntry.from_dict),
            losses=items("losses", lambda x: LossItem.from_dict(x, currency)),
            evidence=items("evidence", EvidenceRef.from_dict),
            liability=one("liability", LiabilityFacts.from_dict),
            data_leak=None if leak is None else one("data_leak", DataLeak.from_dict),
            stage=one("stage", Stage, "reported"),
            stage_history=items("stage_history", StageChange.from_dict),
            currency=currency,
            monthly_fee=money("monthly_fee"),
            hourly_revenue=money("hourly_revenue"),
            hourly_staff_cost=money("hourly_staff_cost"),
            contract_cap=money("contract_cap"),
            monthly_uptime=one("monthly_uptime",
                               lambda v: None if v is None else to_decimal(str(v))),
            people_idle=one("people_idle", _whole, 0),
            customers_affected=one("customers_affected", _whole, 0),
            cross_border=bool(data.get("cross_border", False)),
            parties=one("parties", _whole, 2),
            priority=one("priority", _whole, 0),
            escalations=items("escalations", str),
            mentions_litigation=bool(data.get("mentions_litigation", False)),
            mentions_regulator=bool(data.get("mentions_regulator", False)),
            requested_human=bool(data.get("requested_human", False)),
            misunderstandings=one("misunderstandings", _whole, 0),
            vulnerable=bool(data.get("vulnerable", False)),
        ))


class _Fields:
    """Reads the fields of a case dict, each conversion wrapped to name its field."""

    def __init__(self, data: dict[str, Any], currency: str) -> None:
        self.data = data
        self.currency = currency
        customer = data.get("customer") or {}
        if not isinstance(customer, dict):
            raise ClaimsValidationError("customer", "expected an object")
        self.customer_data: dict[str, Any] = customer

    def customer(self, key: str) -> str | None:
        value = self.customer_data.get(key, self.data.get(f"customer_{key}"))
        return None if value is None else str(value)

    def items(self, key: str, convert: Callable[[Any], T]) -> list[T]:
        raw = self.data.get(key, [])
        if not isinstance(raw, list):
            raise ClaimsValidationError(key, "expected a list")
        return [_read(f"{key}[{i}]", functools.partial(convert, v)) for i, v in enumerate(raw)]

    def one(self, key: str, convert: Callable[[Any], T], default: Any = None) -> T:
        return _read(key, functools.partial(convert, self.data.get(key, default)))

    def money(self, key: str) -> Money | None:
        return self.one(key, lambda v: _money_or_none(v, self.currency))


def _read(field: str, convert: Callable[[], T]) -> T:
    """Run one conversion; a malformed value becomes an error naming ``field``."""
    try:
        return convert()
    except ClaimsValidationError:
        raise
    except CONVERSION_ERRORS as exc:
        raise ClaimsValidationError(field, str(exc) or type(exc).__name__) from exc


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _whole(value: Any) -> int:
    """A whole number from JSON: ints (or integral strings), never bools or fractions."""
    if isinstance(value, bool):
        raise TypeError("expected a whole number, got a bool")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"expected a whole number, got {value}")
    return int(value)
