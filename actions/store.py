"""The action server's door to the case database (`db/`): one short unit of work per call."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from claims.case import Case
from claims.stages import Stage
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


def _keep_uploaded_files(uow: UnitOfWork, case: Case) -> None:
    """A case rebuilt from slots knows only described evidence; keep the uploaded files."""
    stored = uow.cases.get(case.reference) if case.reference else None
    if stored is None:
        return
    files = [e for e in stored.evidence if e.sha256]
    case.evidence = files + [e for e in case.evidence if not e.sha256]


def save_draft(sender_id: str, case: Case) -> str:
    """Create or update the customer's draft case; returns its reference."""
    with UnitOfWork(session_factory()) as uow:
        identity = identity_of(sender_id)
        known = uow.cases.summary(case.reference) if case.reference else None
        if known is not None and known.status == "draft":
            _keep_uploaded_files(uow, case)
            uow.cases.save(case)
        else:
            # No draft under that reference (e.g. the slot holds a submitted case looked up
            # earlier): never overwrite it; this is a new case.
            case.reference = None
            existing = uow.cases.find_draft_for_identity(identity)
            if existing is not None and existing.reference:
                case.reference = existing.reference
                _keep_uploaded_files(uow, case)
                uow.cases.save(case)
            else:
                uow.cases.add(case, identity=identity, status="draft")
                # The report that opened the draft was transcribed before the draft existed.
                assert case.reference is not None
                uow.cases.file_loose_messages(case.reference, identity)
        uow.commit()
    assert case.reference is not None
    return case.reference


def load_case(reference: str) -> Case | None:
    with UnitOfWork(session_factory()) as uow:
        return uow.cases.get(reference)


def draft_for(sender_id: str) -> Case | None:
    with UnitOfWork(session_factory()) as uow:
        return uow.cases.find_draft_for_identity(identity_of(sender_id))


def owns_case(sender_id: str, reference: str) -> bool:
    """Whether this channel identity belongs to the customer of the case."""
    with UnitOfWork(session_factory()) as uow:
        customer = uow.cases.customer_for_identity(identity_of(sender_id))
        return customer is not None and reference in uow.cases.cases_of_customer(customer.id)


def submit_case(
    sender_id: str,
    case: Case,
    *,
    estimate: dict[str, Any],
    policy_version: str,
    expected: Any,
    escalation_reasons: list[str],
) -> str:
    """Turn the draft into a submitted case with its estimate and escalations, atomically."""
    reference = save_draft(sender_id, case)
    with UnitOfWork(session_factory()) as uow:
        uow.cases.add_estimate(
            reference, policy_version=policy_version, amount=expected, payload=estimate
        )
        for reason in escalation_reasons:
            uow.cases.escalate(reference, reason=reason, actor="bot")
        uow.cases.set_status(reference, "open", actor="bot")
        uow.commit()
    return reference


def withdraw_draft(sender_id: str) -> str | None:
    """Mark the customer's draft as withdrawn (kept for the audit trail); its reference."""
    with UnitOfWork(session_factory()) as uow:
        case = uow.cases.find_draft_for_identity(identity_of(sender_id))
        if case is None or case.reference is None:
            return None
        # "withdrawn" is a stage (the case status becomes "closed"); cases.status only
        # allows draft/open/closed.
        case.move_to(Stage.WITHDRAWN, datetime.now(UTC), "withdrawn by the customer")
        uow.cases.save(case, actor="customer")
        uow.commit()
        return case.reference


def record_rating(reference: str, rating: int, comment: str) -> None:
    with UnitOfWork(session_factory()) as uow:
        uow.cases.record_csat(reference, rating, comment)
        uow.commit()


def case_status(reference: str) -> str | None:
    with UnitOfWork(session_factory()) as uow:
        summary = uow.cases.summary(reference)
        return None if summary is None else str(summary.status)


def link_identity(sender_id: str, reference: str) -> None:
    """Someone proved they own the case from another channel: remember this identity."""
    with UnitOfWork(session_factory()) as uow:
        summary = uow.cases.summary(reference)
        if summary is not None and summary.customer_id is not None:
            uow.cases.link_identity(summary.customer_id, identity_of(sender_id))
            uow.commit()


def escalate(reference: str, reason: str) -> None:
    with UnitOfWork(session_factory()) as uow:
        if uow.cases.exists(reference):
            uow.cases.escalate(reference, reason, actor="customer")
            uow.commit()


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
