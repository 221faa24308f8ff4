"""The action server's door to the case database (`db/`): one short unit of work per call.

What may happen to a case is decided in `claims.lifecycle`; this module only names the
caller (the Rasa sender id as a channel identity) and hands the use case a unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from claims import lifecycle
from claims.case import Case, Money
from claims.status import CaseStatus
from db.access_codes import AccessCodes, Outcome, grant_identity
from db.engine import make_engine, make_session_factory
from db.evidence_store import EvidenceStore
from db.migrate import upgrade
from db.privacy import delete_customer_data, export_customer_data
from db.settings import DbSettings
from db.uow import UnitOfWork


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker[Session]:
    """Engine for DATABASE_URL, migrated to the newest schema on first use."""
    engine = make_engine(DbSettings().database_url)
    upgrade(engine)
    return make_session_factory(engine)


def channel_of(sender_id: str) -> str:
    return sender_id.split(":", 1)[0] if ":" in sender_id else "rest"


def identity_of(sender_id: str) -> str:
    """Channel identity as stored on the customer (`web:<session>`, `tg:<chat>`)."""
    return sender_id if ":" in sender_id else f"rest:{sender_id}"


def _uow() -> UnitOfWork:
    return UnitOfWork(session_factory())


def customer(sender_id: str) -> lifecycle.CustomerCaller:
    """The caller of a use case: the customer behind this Rasa sender id."""
    return lifecycle.CustomerCaller(identity_of(sender_id))


def save_draft(sender_id: str, case: Case) -> str:
    """Create or update the customer's draft case; returns its reference."""
    return lifecycle.save_draft(_uow(), customer(sender_id), case)


def load_case(reference: str) -> Case | None:
    with _uow() as uow:
        return uow.cases.get(reference)


def draft_for(sender_id: str) -> Case | None:
    with _uow() as uow:
        return uow.cases.find_draft_for_identity(identity_of(sender_id))


def owns_case(sender_id: str, reference: str) -> bool:
    """Whether this channel identity belongs to the customer of the case."""
    with _uow() as uow:
        try:
            lifecycle.check_owner(uow.cases, customer(sender_id), reference)
        except (lifecycle.CaseNotFound, lifecycle.NotYourCase):
            return False
        return True


def submit_case(
    sender_id: str,
    case: Case,
    *,
    estimate: dict[str, Any],
    policy_version: str,
    expected: Money | None,
    escalation_reasons: list[str],
) -> str:
    """Turn the draft into a submitted case with its estimate and escalations, atomically."""
    return lifecycle.submit(
        _uow(), customer(sender_id), case, estimate=estimate, policy_version=policy_version,
        expected=expected, escalation_reasons=escalation_reasons,
    )


def withdraw_draft(sender_id: str) -> str | None:
    """Mark the customer's draft as withdrawn (kept for the audit trail); its reference."""
    return lifecycle.withdraw(_uow(), customer(sender_id), datetime.now(UTC))


def record_rating(sender_id: str, reference: str, rating: int, comment: str) -> bool:
    """Keep the customer's rating on their case; a case of someone else is left alone."""
    try:
        lifecycle.rate(_uow(), customer(sender_id), reference, rating, comment)
    except (lifecycle.CaseNotFound, lifecycle.NotYourCase):
        return False
    return True


def case_status(reference: str) -> CaseStatus | None:
    with _uow() as uow:
        summary = uow.cases.summary(reference)
        return None if summary is None else CaseStatus(summary.status)


@dataclass(frozen=True, slots=True)
class CodeRequest:
    """What asking for a code gave: locked out, or a code and the case's own email
    (both None when there is no such case or it has no email: nothing is sent)."""

    locked: bool
    email: str | None = None
    code: str | None = None


def request_access_code(
    sender_id: str, reference: str, now: datetime | None = None
) -> CodeRequest:
    """A one-time code for this conversation on ``reference`` (an attempt, also for a
    reference that does not exist), unless it is locked out."""
    now = now or datetime.now(UTC)
    identity = identity_of(sender_id)
    with _uow() as uow:
        codes = AccessCodes(uow.session)
        if codes.is_locked(identity, reference, now):
            return CodeRequest(locked=True)
        code = codes.issue(identity, reference, now)
        case = uow.cases.get(reference)
        uow.commit()
    email = case.customer_email if case is not None else None
    return CodeRequest(locked=False, email=email or None, code=code if email else None)


def check_access_code(
    sender_id: str, reference: str, code: str, now: datetime | None = None
) -> Outcome:
    """Check the code this conversation typed; granted, the conversation owns the case."""
    now = now or datetime.now(UTC)
    identity = identity_of(sender_id)
    with _uow() as uow:
        outcome = AccessCodes(uow.session).check(identity, reference, code, now)
        summary = uow.cases.summary(reference)
        if outcome is Outcome.GRANTED and summary is not None and summary.customer_id:
            grant_identity(uow.session, identity, summary.customer_id)
            uow.cases.audit(
                "access_granted", actor="customer", case_reference=reference,
                customer_id=summary.customer_id, details={"identity": identity},
            )  # fmt: skip
        uow.commit()
    return outcome


def escalate(sender_id: str, reference: str, reason: str, *, actor: str = "customer") -> None:
    """Put the customer's case in the staff queue for ``reason``."""
    lifecycle.request_person(_uow(), customer(sender_id), reference, reason=reason, actor=actor)


def export_data(sender_id: str) -> dict[str, Any] | None:
    with UnitOfWork(session_factory()) as uow:
        customer = uow.cases.customer_for_identity(identity_of(sender_id))
        if customer is None:
            return None
        data = export_customer_data(uow, customer.id)
        uow.commit()
        return data


def delete_data(sender_id: str) -> bool:
    with UnitOfWork(session_factory()) as uow:
        customer = uow.cases.customer_for_identity(identity_of(sender_id))
        if customer is None:
            return False
        settings = DbSettings()
        delete_customer_data(
            uow, customer.id, actor="customer",
            store=EvidenceStore(settings.evidence_dir, settings.evidence_max_bytes),
        )
        uow.commit()
        return True
