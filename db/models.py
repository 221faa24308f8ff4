"""SQLAlchemy 2 models of the case store.

Everything a case needs lives in its own table so agents can filter and report on it;
only rule inputs that no one queries (liability facts, data-leak facts, money rates) sit in
JSON columns. Datetimes are stored as UTC and always come back timezone-aware, also on
SQLite (which drops the offset). Money is ``Numeric(18, 2)`` plus a currency column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from claims.status import CaseStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Stage values with a timestamp column ``<stage>_at`` on ``cases``; a test checks that
#: this list equals ``claims.stages.Stage`` (kept literal so migrations stay static).
STAGE_NAMES: tuple[str, ...] = (
    "reported",
    "evidence_collection",
    "investigation",
    "proposal",
    "negotiation",
    "appraisal",
    "litigation",
    "enforcement",
    "compensated",
    "closed",
    "withdrawn",
    "rejected",
)

#: ``claims.status.CaseStatus`` values, as the ``cases.status`` check constraint lists them;
#: a test checks the two agree (kept literal so migrations stay static).
CASE_STATUSES: tuple[str, ...] = ("draft", "open", "closed")


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that refuses naive input and returns aware UTC values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused: {value.isoformat()}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


Amount = Numeric(18, 2)


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention (stable migration names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, Decimal: Amount}


class Customer(Base):
    """A person or company that claims; personal fields are blanked on deletion."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    preferred_language: Mapped[str] = mapped_column(String(2), default="zh")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    anonymised_at: Mapped[datetime | None]

    identities: Mapped[list[ChannelIdentityRow]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    cases: Mapped[list[CaseRow]] = relationship(back_populates="customer")

    __table_args__ = (CheckConstraint("preferred_language IN ('zh', 'en')", name="language"),)


class ChannelIdentityRow(Base):
    """How we recognise a customer on a channel: Telegram chat id, web session id."""

    __tablename__ = "channel_identities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="identities")

    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_channel_identity"),)


class CaseRow(Base):
    """One claim. ``version`` is the optimistic lock: concurrent writers never lose updates."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(2), default="zh")
    category: Mapped[str | None] = mapped_column(String(40), index=True)
    sub_type: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(40), default="reported", index=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.DRAFT.value, index=True)
    priority: Mapped[int] = mapped_column(Integer, default=0, index=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    escalated: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    assigned_agent: Mapped[str | None] = mapped_column(String(120), index=True)
    affected_systems: Mapped[list[str]] = mapped_column(JSON, default=list)
    liability: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    data_leak: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    anonymised_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    reported_at: Mapped[datetime | None]
    evidence_collection_at: Mapped[datetime | None]
    investigation_at: Mapped[datetime | None]
    proposal_at: Mapped[datetime | None]
    negotiation_at: Mapped[datetime | None]
    appraisal_at: Mapped[datetime | None]
    litigation_at: Mapped[datetime | None]
    enforcement_at: Mapped[datetime | None]
    compensated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    rejected_at: Mapped[datetime | None]

    customer: Mapped[Customer | None] = relationship(back_populates="cases")
    timeline: Mapped[list[TimelineRow]] = relationship(
        cascade="all, delete-orphan", order_by="TimelineRow.position"
    )
    losses: Mapped[list[LossRow]] = relationship(
        cascade="all, delete-orphan", order_by="LossRow.position"
    )
    evidence: Mapped[list[EvidenceRow]] = relationship(
        cascade="all, delete-orphan", order_by="EvidenceRow.id"
    )
    stage_history: Mapped[list[StageHistoryRow]] = relationship(
        cascade="all, delete-orphan", order_by="StageHistoryRow.position"
    )
    escalations: Mapped[list[EscalationRow]] = relationship(
        cascade="all, delete-orphan", order_by="EscalationRow.id"
    )
    assignments: Mapped[list[AssignmentRow]] = relationship(
        cascade="all, delete-orphan", order_by="AssignmentRow.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint("language IN ('zh', 'en')", name="language"),
    )


class TimelineRow(Base):
    """A dated moment of the incident (started, detected, reported, restored, notified)."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(40), default="customer")
    note: Mapped[str] = mapped_column(Text, default="")


class LossRow(Base):
    """A claimed loss; amount ``Numeric(18, 2)`` with its own currency."""

    __tablename__ = "loss_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Amount)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text, default="")
    proven: Mapped[bool] = mapped_column(Boolean, default=False)


class EvidenceFileRow(Base):
    """A file in the content-addressed store; shared by every evidence row with its hash."""

    __tablename__ = "evidence_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(120))
    stored_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceRow(Base):
    """A piece of evidence of one case: what it is, and optionally the uploaded file."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str | None] = mapped_column(
        ForeignKey("evidence_files.sha256", ondelete="RESTRICT"), index=True
    )
    original_name: Mapped[str | None] = mapped_column(String(255))
    channel: Mapped[str | None] = mapped_column(String(32))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    file: Mapped[EvidenceFileRow | None] = relationship(lazy="joined")


class EstimateRow(Base):
    """A compensation estimate, kept with the policy version that produced it."""

    __tablename__ = "estimates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    policy_version: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal | None] = mapped_column(Amount)
    currency: Mapped[str] = mapped_column(String(3))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TranscriptRow(Base):
    """One chat message (customer, bot or agent) on a channel."""

    __tablename__ = "transcript_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    sender: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        CheckConstraint("sender IN ('customer', 'bot', 'agent', 'system')", name="sender"),
    )


class StageHistoryRow(Base):
    """Every stage change with its time and reason."""

    __tablename__ = "stage_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")


class EscalationRow(Base):
    """A reason a case went to a human; ``resolved_at`` once handled."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(120), default="bot")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class AssignmentRow(Base):
    """Which agent had the case and when; the open one has ``ended_at`` NULL."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agent: Mapped[str] = mapped_column(String(120))
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class CsatRow(Base):
    """Customer satisfaction rating (1-5) after a conversation."""

    __tablename__ = "csat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)


class AuditRow(Base):
    """Append-only audit trail; no update/delete API, and a trigger forbids it on PostgreSQL.

    ``case_reference`` is a plain string (no foreign key) so the trail outlives any row.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80))
    case_reference: Mapped[str | None] = mapped_column(String(32), index=True)
    customer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StaffNoteRow(Base):
    """An agent's note on a case. A table of its own, not audit details, because a
    customer's deletion must be able to blank it (the audit log is append-only); the audit
    entry ``staff_note`` records only that a note was written (its id)."""

    __tablename__ = "staff_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text, default="")
    for_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxRow(Base):
    """A customer message on its way to Rasa, kept until Rasa has it (issue 16 item 6).

    Written before the gateway sends, deleted once Rasa answered, so neither a Rasa outage
    nor a gateway restart loses it. ``key`` travels in the message metadata
    (``message_id``) and lands in Rasa's tracker: before resending a message whose reply
    never came back (``uncertain``) the gateway looks for it there, so Rasa never hears a
    message twice. Rows are per channel identity (``sender``), sent in ``id`` order.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    sender: Mapped[str] = mapped_column(String(200), index=True)
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(2), default="zh")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    failed_at: Mapped[datetime | None]

    __table_args__ = (CheckConstraint("state IN ('pending', 'uncertain')", name="state"),)


class AccessCodeRow(Base):
    """A one-time code sent to a case's own email so another conversation may reach it.

    Only a salted scrypt hash is kept, with its expiry; a new request by the same identity
    for the same case replaces the old code. Plain strings, no foreign keys: the asking
    identity need not be a customer yet.
    """

    __tablename__ = "access_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_reference: Mapped[str] = mapped_column(String(32), index=True)
    identity: Mapped[str] = mapped_column(String(240), index=True)
    code_hash: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class AccessAttemptRow(Base):
    """One try at a case from a conversation that does not own it: a code asked for or a
    wrong code. The lockout counts these per identity and per reference (also for
    references that do not exist, so the answers never tell the two apart)."""

    __tablename__ = "access_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    identity: Mapped[str] = mapped_column(String(240), index=True)
    case_reference: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))


class WebSessionRow(Base):
    """A web chat session the gateway issued (bot/web_sessions.py).

    Only an HMAC of the bearer token is kept (``token_hmac``), so a copy of the database
    opens no chat; ``sender`` (``web:<id>``) is derived from that HMAC and is what Rasa, the
    transcript, exports and the console see, never the token.
    """

    __tablename__ = "web_sessions"

    token_hmac: Mapped[str] = mapped_column(String(64), primary_key=True)
    sender: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


Index("ix_cases_stage_category", CaseRow.stage, CaseRow.category)
