"""Repository: maps case-store rows to ``claims`` objects and back, inside one session.

A repository never commits; the :class:`db.uow.UnitOfWork` around it does. Cases come
back as :class:`claims.case.Case` (times in UTC); everything that is not part of the
``Case`` aggregate (transcript, evidence files, audit, escalations, assignments, CSAT,
estimates, customers) comes back as small frozen records defined here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from claims.case import Case, EvidenceRef, LossItem, Money, StageChange, TimelineEntry
from claims.lifecycle import CaseNotFound, StoredEvidence
from claims.status import CaseStatus, status_after_stage
from db.models import (
    STAGE_NAMES,
    AssignmentRow,
    AuditRow,
    CaseRow,
    ChannelIdentityRow,
    CsatRow,
    Customer,
    EscalationRow,
    EstimateRow,
    EvidenceFileRow,
    EvidenceRow,
    LossRow,
    StageHistoryRow,
    TimelineRow,
    TranscriptRow,
    utcnow,
)
from db.references import next_reference

__all__ = [
    "AssignmentRecord",
    "AuditEntry",
    "CaseNotFound",
    "CaseRepository",
    "CaseSummary",
    "ChannelIdentity",
    "CsatRecord",
    "CustomerRecord",
    "EscalationRecord",
    "EstimateRecord",
    "EvidenceRecord",
    "TranscriptMessage",
]

CENT = Decimal("0.01")
#: Case fields kept in the ``facts`` JSON column (rule inputs nobody filters on).
FACT_FIELDS = (
    "monthly_fee",
    "hourly_revenue",
    "hourly_staff_cost",
    "contract_cap",
    "monthly_uptime",
    "people_idle",
    "customers_affected",
    "cross_border",
    "parties",
    "mentions_litigation",
    "mentions_regulator",
    "requested_human",
    "misunderstandings",
    "vulnerable",
)
SENDERS = ("customer", "bot", "agent", "system")


@dataclass(frozen=True, slots=True)
class ChannelIdentity:
    """Who someone is on a channel, e.g. ``telegram:123456`` or ``web:<session id>``."""

    channel: str
    external_id: str

    @classmethod
    def parse(cls, value: ChannelIdentity | str | tuple[str, str]) -> ChannelIdentity:
        if isinstance(value, ChannelIdentity):
            return value
        if isinstance(value, tuple):
            return cls(str(value[0]), str(value[1]))
        channel, sep, external = str(value).partition(":")
        if not sep or not channel or not external:
            raise ValueError(f"channel identity must be 'channel:id', got {value!r}")
        return cls(channel, external)

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


IdentityLike = ChannelIdentity | str | tuple[str, str]


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: int
    name: str | None
    company: str | None
    email: str | None
    phone: str | None
    preferred_language: str
    identities: tuple[str, ...] = ()
    anonymised: bool = False


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One line of the staff case list."""

    reference: str
    category: str | None
    sub_type: str | None
    stage: str
    status: str
    priority: int
    language: str
    escalated: bool
    assigned_agent: str | None
    customer_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    stage_times: dict[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    id: int
    case_reference: str
    kind: str
    description: str
    sha256: str | None
    original_name: str | None
    stored_name: str | None
    size: int | None
    mime: str | None
    channel: str | None
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class TranscriptMessage:
    id: int
    case_reference: str | None
    customer_id: int | None
    sender: str
    channel: str
    text: str
    at: datetime
    redacted: bool


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    case_reference: str | None
    customer_id: int | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EscalationRecord:
    id: int
    reason: str
    actor: str
    at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    id: int
    agent: str
    actor: str
    at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class CsatRecord:
    id: int
    rating: int
    comment: str
    at: datetime


@dataclass(frozen=True, slots=True)
class EstimateRecord:
    id: int
    policy_version: str
    amount: Money | None
    payload: dict[str, Any]
    created_at: datetime


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _utc(at: datetime | None) -> datetime:
    if at is None:
        return utcnow()
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime refused")
    return at.astimezone(UTC)


def _customer_record(row: Customer) -> CustomerRecord:
    return CustomerRecord(
        id=row.id,
        name=row.name,
        company=row.company,
        email=row.email,
        phone=row.phone,
        preferred_language=row.preferred_language,
        identities=tuple(f"{i.channel}:{i.external_id}" for i in row.identities),
        anonymised=row.anonymised_at is not None,
    )


def _summary(row: CaseRow) -> CaseSummary:
    times = {s: getattr(row, f"{s}_at") for s in STAGE_NAMES if getattr(row, f"{s}_at")}
    return CaseSummary(
        reference=row.reference,
        category=row.category,
        sub_type=row.sub_type,
        stage=row.stage,
        status=row.status,
        priority=row.priority,
        language=row.language,
        escalated=row.escalated,
        assigned_agent=row.assigned_agent,
        customer_id=row.customer_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        stage_times=times,
    )


def _evidence_record(reference: str, row: EvidenceRow) -> EvidenceRecord:
    f = row.file
    return EvidenceRecord(
        id=row.id,
        case_reference=reference,
        kind=row.kind,
        description=row.description,
        sha256=row.sha256,
        original_name=row.original_name,
        stored_name=f.stored_name if f else None,
        size=f.size if f else None,
        mime=f.mime if f else None,
        channel=row.channel,
        uploaded_at=row.uploaded_at,
    )


def _audit_record(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        row.id, row.at, row.actor, row.action, row.case_reference, row.customer_id, row.details
    )


# -- row <-> Case -----------------------------------------------------------------------


def _timeline(rows: Iterable[TimelineRow]) -> list[TimelineEntry]:
    return [TimelineEntry(r.kind, r.at, r.source, r.note) for r in rows]  # type: ignore[arg-type]


def _losses(rows: Iterable[LossRow]) -> list[LossItem]:
    return [
        LossItem(r.kind, Money(r.amount, r.currency), r.description, r.proven)  # type: ignore[arg-type]
        for r in rows
    ]


def _evidence_refs(rows: Iterable[EvidenceRow]) -> list[EvidenceRef]:
    return [EvidenceRef(r.kind, r.description, r.sha256, r.original_name) for r in rows]  # type: ignore[arg-type]


def _history(rows: Iterable[StageHistoryRow]) -> list[StageChange]:
    return [StageChange(r.stage, r.at, r.note) for r in rows]  # type: ignore[arg-type]


def row_to_case(row: CaseRow) -> Case:
    """Build the ``Case`` aggregate from a loaded row (children must be loadable)."""
    cust = row.customer
    data: dict[str, Any] = {
        "reference": row.reference,
        "customer": {
            "name": cust.name if cust else None,
            "company": cust.company if cust else None,
            "email": cust.email if cust else None,
            "phone": cust.phone if cust else None,
        },
        "language": row.language,
        "category": row.category,
        "sub_type": row.sub_type,
        "description": row.description,
        "affected_systems": list(row.affected_systems or []),
        "liability": dict(row.liability or {}),
        "data_leak": row.data_leak,
        "stage": row.stage,
        "currency": row.currency,
        "priority": row.priority,
        "escalations": [e.reason for e in row.escalations if e.resolved_at is None],
    }
    data.update({k: v for k, v in (row.facts or {}).items() if k in FACT_FIELDS})
    case = Case.from_dict(data)
    case.timeline = _timeline(row.timeline)
    case.losses = _losses(row.losses)
    case.evidence = _evidence_refs(row.evidence)
    case.stage_history = _history(row.stage_history)
    return case


def _facts(case: Case) -> dict[str, Any]:
    full = case.to_dict()
    return {k: full[k] for k in FACT_FIELDS}


class CaseRepository:
    """Cases and everything around them, in one SQLAlchemy session (never commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        #: version of each case as handed out by get()/add(), for the optimistic check.
        self._seen: dict[str, int] = {}

    # -- loading ------------------------------------------------------------------

    def _select(self) -> Select[CaseRow]:
        return select(CaseRow).options(
            selectinload(CaseRow.customer),
            selectinload(CaseRow.timeline),
            selectinload(CaseRow.losses),
            selectinload(CaseRow.evidence),
            selectinload(CaseRow.stage_history),
            selectinload(CaseRow.escalations),
        )

    def _row(self, reference: str, *, lock: bool = False) -> CaseRow | None:
        stmt = self._select().where(CaseRow.reference == reference)
        if lock:
            if self.session.get_bind().dialect.name == "sqlite":
                # SQLite has no row locks: a no-op write takes the database write lock.
                self.session.execute(
                    update(CaseRow)
                    .where(CaseRow.reference == reference)
                    .values(id=CaseRow.id)
                    .execution_options(synchronize_session=False)
                )
            else:
                stmt = stmt.with_for_update(of=CaseRow)
        stmt = stmt.execution_options(populate_existing=True)
        return self.session.execute(stmt).scalars().first()

    def _require(self, reference: str) -> CaseRow:
        row = self._row(reference)
        if row is None:
            raise CaseNotFound(reference)
        return row

    def _hand_out(self, row: CaseRow | None) -> Case | None:
        if row is None:
            return None
        case = row_to_case(row)
        self._seen[row.reference] = row.version
        return case

    def get(self, reference: str) -> Case | None:
        """The case, or None. Times come back in UTC."""
        return self._hand_out(self._row(reference))

    def get_for_update(self, reference: str) -> Case | None:
        """Like :meth:`get` but locks the case until the unit of work ends."""
        return self._hand_out(self._row(reference, lock=True))

    def summary(self, reference: str) -> CaseSummary | None:
        """Status, assignment, version and stage times of one case."""
        row = self.session.execute(
            select(CaseRow).where(CaseRow.reference == reference)
        ).scalar_one_or_none()
        return None if row is None else _summary(row)

    def exists(self, reference: str) -> bool:
        stmt = select(func.count()).select_from(CaseRow).where(CaseRow.reference == reference)
        return bool(self.session.execute(stmt).scalar_one())

    def list_cases(
        self,
        *,
        stage: str | Sequence[str] | None = None,
        category: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        priority: int | None = None,
        min_priority: int | None = None,
        escalated: bool | None = None,
        assigned_agent: str | None = None,
        unassigned: bool = False,
        language: str | None = None,
        older_than: timedelta | None = None,
        newer_than: timedelta | None = None,
        now: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[CaseSummary]:
        """Filter cases for the staff console; highest priority, then oldest first.

        Age filters compare ``created_at`` with ``now`` (default: current time).
        """
        stmt = select(CaseRow)

        def any_of(col: Any, value: str | Sequence[str]) -> Any:
            values = [value] if isinstance(value, str) else list(value)
            return col.in_([str(v) for v in values])

        if stage is not None:
            stmt = stmt.where(any_of(CaseRow.stage, stage))
        if category is not None:
            stmt = stmt.where(any_of(CaseRow.category, category))
        if status is not None:
            stmt = stmt.where(any_of(CaseRow.status, status))
        if priority is not None:
            stmt = stmt.where(CaseRow.priority == priority)
        if min_priority is not None:
            stmt = stmt.where(CaseRow.priority >= min_priority)
        if escalated is not None:
            stmt = stmt.where(CaseRow.escalated.is_(escalated))
        if assigned_agent is not None:
            stmt = stmt.where(CaseRow.assigned_agent == assigned_agent)
        if unassigned:
            stmt = stmt.where(CaseRow.assigned_agent.is_(None))
        if language is not None:
            stmt = stmt.where(CaseRow.language == language)
        current = _utc(now)
        if older_than is not None:
            stmt = stmt.where(CaseRow.created_at <= current - older_than)
        if newer_than is not None:
            stmt = stmt.where(CaseRow.created_at >= current - newer_than)
        stmt = stmt.order_by(CaseRow.priority.desc(), CaseRow.created_at, CaseRow.id)
        rows = self.session.execute(stmt.limit(limit).offset(offset)).scalars()
        return [_summary(r) for r in rows]

    filter = list_cases

    # -- writing ------------------------------------------------------------------

    def add(
        self,
        case: Case,
        *,
        customer_id: int | None = None,
        identity: IdentityLike | None = None,
        status: str = CaseStatus.DRAFT,
        actor: str = "bot",
        at: datetime | None = None,
    ) -> Case:
        """Insert a new case; allocates ``case.reference`` when it is None.

        With ``identity`` the case is linked to that channel identity's customer (created
        when new), so :meth:`find_draft_for_identity` finds it after a restart.
        """
        created = _utc(at)
        if identity is not None and customer_id is None:
            customer_id = self.get_or_create_customer(identity, language=case.language).id
        if case.reference is None:
            case.reference = next_reference(self.session, created)
        status = CaseStatus(status).value
        row = CaseRow(
            reference=case.reference,
            customer_id=customer_id,
            status=status,
            created_at=created,
            updated_at=created,
            reported_at=created,
        )
        self.session.add(row)
        if customer_id is not None:
            row.customer = self.session.get(Customer, customer_id)
        self._apply(row, case, only_set_customer_fields=True)
        self.session.flush()
        self._seen[case.reference] = row.version
        self.audit(
            "case_created",
            actor=actor,
            case_reference=case.reference,
            customer_id=customer_id,
            details={"status": status, "category": row.category},
            at=created,
        )
        return case

    def save(self, case: Case, *, actor: str = "bot") -> None:
        """Write the aggregate back; raises ``StaleDataError`` at flush if someone else
        changed the case since it was loaded (see :func:`db.uow.update_case`)."""
        if case.reference is None:
            raise ValueError("save() needs a case with a reference; use add()")
        row = self.session.execute(
            select(CaseRow).where(CaseRow.reference == case.reference)
        ).scalar_one_or_none()
        if row is None:
            raise CaseNotFound(case.reference)
        seen = self._seen.get(case.reference)
        if seen is not None and row.version != seen:
            # Another writer committed after our get() and a later query in this session
            # refreshed the row: writing now would silently drop their change.
            raise StaleDataError(f"case {case.reference} changed (version {seen} -> {row.version})")
        before = row_to_case(row).to_dict()
        self._apply(row, case, only_set_customer_fields=False)
        after = case.to_dict()
        changed = sorted(k for k in after if before.get(k) != after[k])
        self.session.flush()
        self._seen[case.reference] = row.version
        self.audit(
            "case_updated",
            actor=actor,
            case_reference=case.reference,
            customer_id=row.customer_id,
            details={"changed": changed, "version": row.version},
        )

    def _apply(self, row: CaseRow, case: Case, *, only_set_customer_fields: bool) -> None:
        now = utcnow()
        cust_fields = {
            "name": case.customer_name,
            "company": case.customer_company,
            "email": case.customer_email,
            "phone": case.customer_phone,
        }
        if row.customer is None and any(v is not None for v in cust_fields.values()):
            row.customer = Customer(preferred_language=case.language)
        if row.customer is not None and row.customer.anonymised_at is None:
            for key, value in cust_fields.items():
                if value is not None or not only_set_customer_fields:
                    setattr(row.customer, key, value)
        row.language = case.language
        row.category = None if case.category is None else case.category.value
        row.sub_type = case.sub_type
        row.description = case.description
        row.status = status_after_stage(row.status, row.stage, case.stage).value
        row.stage = case.stage.value
        row.priority = case.priority
        row.currency = case.currency
        row.affected_systems = list(case.affected_systems)
        row.liability = case.liability.to_dict()
        row.data_leak = None if case.data_leak is None else case.data_leak.to_dict()
        row.facts = _facts(case)
        row.updated_at = now  # always written: the UPDATE carries the version check
        if _timeline(row.timeline) != case.timeline:
            row.timeline = [
                TimelineRow(position=i, kind=e.kind.value, at=e.at, source=e.source, note=e.note)
                for i, e in enumerate(case.timeline)
            ]
        if _losses(row.losses) != case.losses:
            row.losses = [
                LossRow(
                    position=i,
                    kind=x.kind.value,
                    amount=_cents(x.amount.amount),
                    currency=x.amount.currency,
                    description=x.description,
                    proven=x.proven,
                )
                for i, x in enumerate(case.losses)
            ]
        if _history(row.stage_history) != case.stage_history:
            row.stage_history = [
                StageHistoryRow(position=i, stage=c.stage.value, at=c.at, note=c.note)
                for i, c in enumerate(case.stage_history)
            ]
        for change in case.stage_history:
            setattr(row, f"{change.stage.value}_at", change.at)
        self._sync_evidence(row, case.evidence)
        self._sync_escalations(row, case.escalations, now)

    def _sync_evidence(self, row: CaseRow, refs: list[EvidenceRef]) -> None:
        """Keep rows (and their upload metadata) that still match; add/remove the rest."""
        wanted = list(refs)
        keep: list[EvidenceRow] = []
        for ev in row.evidence:
            ref = EvidenceRef(ev.kind, ev.description, ev.sha256, ev.original_name)  # type: ignore[arg-type]
            if ref in wanted:
                wanted.remove(ref)
                keep.append(ev)
        for ref in wanted:
            has_file = ref.sha256 is not None and (
                self.session.get(EvidenceFileRow, ref.sha256) is not None
            )
            keep.append(
                EvidenceRow(
                    kind=ref.kind.value,
                    description=ref.description,
                    sha256=ref.sha256 if has_file else None,
                    original_name=ref.filename,
                )
            )
        if keep != list(row.evidence):
            row.evidence = keep

    def _sync_escalations(self, row: CaseRow, reasons: list[str], now: datetime) -> None:
        open_rows = [e for e in row.escalations if e.resolved_at is None]
        open_reasons = [e.reason for e in open_rows]
        for e in open_rows:
            if e.reason not in reasons:
                e.resolved_at = now
        for reason in reasons:
            if reason not in open_reasons:
                row.escalations.append(EscalationRow(reason=reason, at=now))
        row.escalated = bool(reasons)

    def set_status(self, reference: str, status: str, *, actor: str) -> None:
        """``draft`` -> ``open`` when the customer submits; ``closed`` when done."""
        row = self._require(reference)
        old, row.status = row.status, CaseStatus(status).value
        row.updated_at = utcnow()
        self.session.flush()
        self.audit(
            "status_changed",
            actor=actor,
            case_reference=reference,
            details={"from": old, "to": row.status},
        )

    # -- customers ----------------------------------------------------------------

    def _identity_row(self, identity: IdentityLike) -> ChannelIdentityRow | None:
        ident = ChannelIdentity.parse(identity)
        stmt = select(ChannelIdentityRow).where(
            ChannelIdentityRow.channel == ident.channel,
            ChannelIdentityRow.external_id == ident.external_id,
        )
        return self.session.execute(stmt).scalar_one_or_none()

    def customer_for_identity(self, identity: IdentityLike) -> CustomerRecord | None:
        row = self._identity_row(identity)
        return None if row is None else _customer_record(row.customer)

    def get_customer(self, customer_id: int) -> CustomerRecord | None:
        row = self.session.get(Customer, customer_id)
        return None if row is None else _customer_record(row)

    def get_or_create_customer(
        self, identity: IdentityLike, *, language: str = "zh", name: str | None = None
    ) -> CustomerRecord:
        """The customer behind a channel identity, created on first contact."""
        found = self._identity_row(identity)
        if found is not None:
            return _customer_record(found.customer)
        ident = ChannelIdentity.parse(identity)
        customer = Customer(preferred_language=language, name=name)
        customer.identities.append(
            ChannelIdentityRow(channel=ident.channel, external_id=ident.external_id)
        )
        self.session.add(customer)
        self.session.flush()
        self.audit(
            "customer_created",
            actor="bot",
            customer_id=customer.id,
            details={"channel": ident.channel},
        )
        return _customer_record(customer)

    def link_identity(self, customer_id: int, identity: IdentityLike) -> None:
        """Attach another channel identity (e.g. the same person on web and Telegram)."""
        ident = ChannelIdentity.parse(identity)
        if self._identity_row(ident) is not None:
            return
        self.session.add(
            ChannelIdentityRow(
                customer_id=customer_id, channel=ident.channel, external_id=ident.external_id
            )
        )
        self.session.flush()

    def update_customer(self, customer_id: int, *, actor: str, **fields: Any) -> CustomerRecord:
        """Set name/company/email/phone/preferred_language of a customer."""
        allowed = {"name", "company", "email", "phone", "preferred_language"}
        unknown = set(fields) - allowed
        if unknown:
            raise TypeError(f"unknown customer fields: {sorted(unknown)}")
        row = self.session.get(Customer, customer_id)
        if row is None:
            raise LookupError(customer_id)
        for key, value in fields.items():
            setattr(row, key, value)
        self.session.flush()
        self.audit(
            "customer_updated",
            actor=actor,
            customer_id=customer_id,
            details={"changed": sorted(fields)},
        )
        return _customer_record(row)

    def cases_of_customer(self, customer_id: int) -> list[str]:
        stmt = select(CaseRow.reference).where(CaseRow.customer_id == customer_id)
        return list(self.session.execute(stmt.order_by(CaseRow.id)).scalars())

    def find_draft_for_identity(self, identity: IdentityLike) -> Case | None:
        """The newest unfinished (draft) case of whoever is behind this identity."""
        ident = self._identity_row(identity)
        if ident is None:
            return None
        stmt = (
            select(CaseRow.reference)
            .where(CaseRow.customer_id == ident.customer_id, CaseRow.status == CaseStatus.DRAFT)
            .order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
            .limit(1)
        )
        reference = self.session.execute(stmt).scalar_one_or_none()
        return None if reference is None else self.get(reference)

    # -- transcript ---------------------------------------------------------------

    def append_message(
        self,
        reference: str | None,
        sender: str,
        channel: str,
        text: str,
        *,
        at: datetime | None = None,
        customer_id: int | None = None,
    ) -> TranscriptMessage:
        """Add one chat message (sender: customer, bot, agent or system)."""
        if sender not in SENDERS:
            raise ValueError(f"sender must be one of {SENDERS}")
        case_id = None
        if reference is not None:
            case = self._require_light(reference)
            case_id = case.id
            customer_id = customer_id if customer_id is not None else case.customer_id
        row = TranscriptRow(
            case_id=case_id,
            customer_id=customer_id,
            sender=sender,
            channel=channel,
            text=text,
            at=_utc(at),
        )
        self.session.add(row)
        self.session.flush()
        return TranscriptMessage(
            row.id, reference, customer_id, sender, channel, text, row.at, False
        )

    def file_loose_messages(self, reference: str, identity: IdentityLike) -> int:
        """Put the customer's messages that belong to no case on their new case `reference`.

        The message that reports an incident is transcribed before the intake opens a draft
        for it; without this the staff would see every case start in mid-conversation.
        Only messages after the customer's last message on any case move, so talk around an
        earlier case stays where it was.
        """
        customer = self.customer_for_identity(identity)
        if customer is None:
            return 0
        case = self._require_light(reference)
        mine = TranscriptRow.customer_id == customer.id
        last_filed = select(func.max(TranscriptRow.id)).where(
            mine, TranscriptRow.case_id.is_not(None), TranscriptRow.case_id != case.id
        ).scalar_subquery()
        result = self.session.execute(
            update(TranscriptRow)
            .where(mine, TranscriptRow.case_id.is_(None),
                   TranscriptRow.id > func.coalesce(last_filed, 0))
            .values(case_id=case.id)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def transcript(self, reference: str) -> list[TranscriptMessage]:
        case = self._require_light(reference)
        stmt = (
            select(TranscriptRow)
            .where(TranscriptRow.case_id == case.id)
            .order_by(TranscriptRow.at, TranscriptRow.id)
        )
        return [
            TranscriptMessage(
                r.id, reference, r.customer_id, r.sender, r.channel, r.text, r.at, r.redacted
            )
            for r in self.session.execute(stmt).scalars()
        ]

    def _require_light(self, reference: str) -> CaseRow:
        row = self.session.execute(
            select(CaseRow).where(CaseRow.reference == reference)
        ).scalar_one_or_none()
        if row is None:
            raise CaseNotFound(reference)
        return row

    # -- evidence -----------------------------------------------------------------

    def add_evidence(
        self,
        reference: str,
        stored: StoredEvidence,
        *,
        kind: str = "other",
        description: str = "",
        channel: str | None = None,
        actor: str = "customer",
        at: datetime | None = None,
    ) -> EvidenceRecord:
        """Record a file kept by :class:`db.evidence_store.EvidenceStore` on a case."""
        case = self._require_light(reference)
        if self.session.get(EvidenceFileRow, stored.sha256) is None:
            self.session.add(
                EvidenceFileRow(
                    sha256=stored.sha256,
                    size=stored.size,
                    mime=stored.mime,
                    stored_name=stored.stored_name,
                    created_at=_utc(at),
                )
            )
            self.session.flush()
        row = EvidenceRow(
            case_id=case.id,
            kind=str(EvidenceRef(kind).kind.value),  # type: ignore[arg-type]
            description=description,
            sha256=stored.sha256,
            original_name=stored.original_name,
            channel=channel,
            uploaded_at=_utc(at),
        )
        self.session.add(row)
        case.updated_at = utcnow()
        self.session.flush()
        self.session.refresh(row)
        self.audit(
            "evidence_added",
            actor=actor,
            case_reference=reference,
            customer_id=case.customer_id,
            details={"sha256": stored.sha256, "mime": stored.mime, "size": stored.size},
        )
        return _evidence_record(reference, row)

    def evidence(self, reference: str) -> list[EvidenceRecord]:
        case = self._require_light(reference)
        stmt = select(EvidenceRow).where(EvidenceRow.case_id == case.id).order_by(EvidenceRow.id)
        return [_evidence_record(reference, r) for r in self.session.execute(stmt).scalars()]

    def evidence_file(self, sha256: str) -> EvidenceRecord | None:
        """Metadata of a stored file (first upload), for the staff API's download."""
        stmt = (
            select(EvidenceRow, CaseRow.reference)
            .join(CaseRow, CaseRow.id == EvidenceRow.case_id)
            .where(EvidenceRow.sha256 == sha256)
            .order_by(EvidenceRow.id)
            .limit(1)
        )
        found = self.session.execute(stmt).first()
        return None if found is None else _evidence_record(found[1], found[0])

    def evidence_users(self, sha256: str) -> int:
        """How many evidence rows point at this file."""
        stmt = select(func.count()).select_from(EvidenceRow).where(EvidenceRow.sha256 == sha256)
        return int(self.session.execute(stmt).scalar_one())

    # -- audit --------------------------------------------------------------------

    def audit(
        self,
        action: str,
        *,
        actor: str,
        case_reference: str | None = None,
        customer_id: int | None = None,
        details: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> AuditEntry:
        """Append to the audit log. There is deliberately no update or delete."""
        row = AuditRow(
            at=_utc(at),
            actor=actor,
            action=action,
            case_reference=case_reference,
            customer_id=customer_id,
            details=details or {},
        )
        self.session.add(row)
        self.session.flush()
        return _audit_record(row)

    def audit_trail(
        self, case_reference: str | None = None, *, customer_id: int | None = None
    ) -> list[AuditEntry]:
        stmt = select(AuditRow)
        if case_reference is not None:
            stmt = stmt.where(AuditRow.case_reference == case_reference)
        if customer_id is not None:
            stmt = stmt.where(AuditRow.customer_id == customer_id)
        rows = self.session.execute(stmt.order_by(AuditRow.id)).scalars()
        return [_audit_record(r) for r in rows]

    # -- escalations and assignments --------------------------------------------

    def escalate(
        self, reference: str, reason: str, *, actor: str = "bot", at: datetime | None = None
    ) -> EscalationRecord:
        """Hand the case to humans for ``reason`` (idempotent per open reason)."""
        row = self._require(reference)
        for e in row.escalations:
            if e.reason == reason and e.resolved_at is None:
                return EscalationRecord(e.id, e.reason, e.actor, e.at, None)
        esc = EscalationRow(reason=reason, actor=actor, at=_utc(at))
        row.escalations.append(esc)
        row.escalated = True
        row.updated_at = utcnow()
        self.session.flush()
        self.audit("escalated", actor=actor, case_reference=reference, details={"reason": reason})
        return EscalationRecord(esc.id, esc.reason, esc.actor, esc.at, None)

    def resolve_escalations(self, reference: str, *, actor: str) -> int:
        row = self._require(reference)
        now = utcnow()
        count = 0
        for e in row.escalations:
            if e.resolved_at is None:
                e.resolved_at = now
                count += 1
        row.escalated = False
        row.updated_at = now
        self.session.flush()
        self.audit("escalations_resolved", actor=actor, case_reference=reference)
        return count

    def escalations(self, reference: str) -> list[EscalationRecord]:
        row = self._require(reference)
        return [
            EscalationRecord(e.id, e.reason, e.actor, e.at, e.resolved_at) for e in row.escalations
        ]

    def assign(self, reference: str, agent: str | None, *, actor: str) -> None:
        """Give the case to ``agent`` (None: back to the queue); ends the previous one."""
        row = self._require_light(reference)
        now = utcnow()
        for a in row.assignments:
            if a.ended_at is None:
                a.ended_at = now
        if agent is not None:
            row.assignments.append(AssignmentRow(agent=agent, actor=actor, at=now))
        old, row.assigned_agent = row.assigned_agent, agent
        row.updated_at = now
        self.session.flush()
        self.audit(
            "assigned", actor=actor, case_reference=reference, details={"from": old, "to": agent}
        )

    def assignments(self, reference: str) -> list[AssignmentRecord]:
        row = self._require_light(reference)
        return [AssignmentRecord(a.id, a.agent, a.actor, a.at, a.ended_at) for a in row.assignments]

    # -- CSAT and estimates -------------------------------------------------------

    def record_csat(
        self, reference: str, rating: int, comment: str = "", *, at: datetime | None = None
    ) -> CsatRecord:
        if not 1 <= int(rating) <= 5:
            raise ValueError("rating must be 1..5")
        case = self._require_light(reference)
        row = CsatRow(case_id=case.id, rating=int(rating), comment=comment, at=_utc(at))
        self.session.add(row)
        self.session.flush()
        self.audit("csat", actor="customer", case_reference=reference, details={"rating": rating})
        return CsatRecord(row.id, row.rating, row.comment, row.at)

    def csat(self, reference: str) -> list[CsatRecord]:
        case = self._require_light(reference)
        stmt = select(CsatRow).where(CsatRow.case_id == case.id).order_by(CsatRow.id)
        return [
            CsatRecord(r.id, r.rating, r.comment, r.at)
            for r in self.session.execute(stmt).scalars()
        ]

    def add_estimate(
        self,
        reference: str,
        *,
        policy_version: str,
        amount: Money | None,
        payload: dict[str, Any],
        actor: str = "bot",
        at: datetime | None = None,
    ) -> EstimateRecord:
        """Keep an estimate with the policy version that made it (JSON-safe payload)."""
        case = self._require_light(reference)
        row = EstimateRow(
            case_id=case.id,
            policy_version=policy_version,
            amount=None if amount is None else _cents(amount.amount),
            currency=amount.currency if amount is not None else case.currency,
            payload=payload,
            created_at=_utc(at),
        )
        self.session.add(row)
        self.session.flush()
        self.audit(
            "estimate_added",
            actor=actor,
            case_reference=reference,
            details={"policy_version": policy_version},
        )
        return self._estimate(row)

    @staticmethod
    def _estimate(row: EstimateRow) -> EstimateRecord:
        amount = None if row.amount is None else Money(row.amount, row.currency)
        return EstimateRecord(row.id, row.policy_version, amount, row.payload, row.created_at)

    def latest_estimate(self, reference: str) -> EstimateRecord | None:
        case = self._require_light(reference)
        stmt = (
            select(EstimateRow)
            .where(EstimateRow.case_id == case.id)
            .order_by(EstimateRow.created_at.desc(), EstimateRow.id.desc())
            .limit(1)
        )
        row = self.session.execute(stmt).scalar_one_or_none()
        return None if row is None else self._estimate(row)
