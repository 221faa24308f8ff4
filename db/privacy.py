"""Customer data rights: export everything we hold, or delete the personal part of it.

Deletion keeps anonymised case rows (category, stage, amounts, times) for statistics, but
blanks every field that can identify the person, drops their channel identities, redacts
the transcript and removes evidence files no other case uses. Both are audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, or_, select

from db.evidence_store import EvidenceStore
from db.models import (
    CaseRow,
    CsatRow,
    Customer,
    EvidenceFileRow,
    EvidenceRow,
    TranscriptRow,
    utcnow,
)
from db.packet import case_packet
from db.repository import ChannelIdentity, IdentityLike
from db.staff_notes import blank_notes, notes_of

if TYPE_CHECKING:
    from db.uow import UnitOfWork

EXPORT_SCHEMA = "claim-customer-export/1"
REDACTED = "[redacted]"
#: Parts of the staff case packet that are about our work, not about the customer: the
#: audit trail (internal staff notes, agent names) and who was assigned when.
INTERNAL_PARTS = ("audit", "assignments")


def customer_view(uow: UnitOfWork, reference: str) -> dict[str, Any]:
    """A case packet as the customer may see it: without :data:`INTERNAL_PARTS`; notes
    written *for* the customer stay (they were sent to them anyway)."""
    packet = case_packet(uow, reference)
    view = {k: v for k, v in packet.items() if k not in INTERNAL_PARTS}
    view["notes_for_you"] = [
        {"at": n["at"], "text": n["text"]}
        for n in notes_of(uow.session, reference)
        if n["for_customer"]
    ]
    return view


def _customer_id(uow: UnitOfWork, customer: int | IdentityLike) -> int:
    if isinstance(customer, int):
        if uow.session.get(Customer, customer) is None:
            raise LookupError(f"no customer {customer}")
        return customer
    record = uow.cases.customer_for_identity(ChannelIdentity.parse(customer))
    if record is None:
        raise LookupError(f"no customer for {customer}")
    return record.id


def export_customer_data(
    uow: UnitOfWork, customer: int | IdentityLike, *, actor: str = "customer"
) -> dict[str, Any]:
    """Everything we hold about a customer (by id or channel identity), as JSON."""
    cid = _customer_id(uow, customer)
    record = uow.cases.get_customer(cid)
    assert record is not None
    refs = uow.cases.cases_of_customer(cid)
    loose = uow.session.execute(
        select(TranscriptRow)
        .where(TranscriptRow.customer_id == cid, TranscriptRow.case_id.is_(None))
        .order_by(TranscriptRow.at, TranscriptRow.id)
    ).scalars()
    uow.cases.audit("data_exported", actor=actor, customer_id=cid, details={"cases": refs})
    return {
        "schema": EXPORT_SCHEMA,
        "customer": {
            "id": record.id,
            "name": record.name,
            "company": record.company,
            "email": record.email,
            "phone": record.phone,
            "preferred_language": record.preferred_language,
            "channels": list(record.identities),
            "anonymised": record.anonymised,
        },
        "cases": [customer_view(uow, ref) for ref in refs],
        "messages_without_case": [
            {"sender": m.sender, "channel": m.channel, "text": m.text, "at": m.at.isoformat()}
            for m in loose
        ],
    }


def anonymise_cases(
    uow: UnitOfWork,
    cases: list[CaseRow],
    now: datetime,
    *,
    store: EvidenceStore | None = None,
    customer_id: int | None = None,
) -> tuple[int, list[str]]:
    """Blank what identifies a person on ``cases``, redact their messages (and, with
    ``customer_id``, that customer's loose ones) and drop files no other case uses;
    returns (messages redacted, file hashes removed). Shared by deletion and retention."""
    session = uow.session
    hashes: set[str] = set()
    for row in cases:
        hashes |= _blank_case(row, now)
    case_ids = [r.id for r in cases]
    mine: list[ColumnElement[bool]] = [TranscriptRow.case_id.in_(case_ids)] if case_ids else []
    if customer_id is not None:
        mine.append(TranscriptRow.customer_id == customer_id)
    redacted = 0
    if mine:
        for m in session.execute(select(TranscriptRow).where(or_(*mine))).scalars():
            m.text = REDACTED if m.text else ""
            m.redacted = True
            redacted += 1
    if case_ids:
        for c in session.execute(select(CsatRow).where(CsatRow.case_id.in_(case_ids))).scalars():
            c.comment = ""
    blank_notes(session, case_ids)
    session.flush()
    return redacted, _remove_unused_files(uow, hashes, store)


def _blank_case(row: CaseRow, now: datetime) -> set[str]:
    """Blank one case's personal fields; returns the hashes of its evidence files."""
    hashes: set[str] = set()
    row.description = ""
    row.sub_type = None
    row.anonymised_at = now
    row.updated_at = now
    for t in row.timeline:
        t.note = ""
    for x in row.losses:
        x.description = ""
    for s in row.stage_history:
        s.note = ""
    for ev in row.evidence:
        if ev.sha256:
            hashes.add(ev.sha256)
        ev.sha256 = None
        ev.original_name = None
        ev.description = ""
    if row.data_leak:
        row.data_leak = {"records": row.data_leak.get("records", 0), "kinds": []}
    return hashes


def _remove_unused_files(
    uow: UnitOfWork, hashes: set[str], store: EvidenceStore | None
) -> list[str]:
    session = uow.session
    removed: list[str] = []
    for digest in sorted(hashes):
        users = session.execute(
            select(EvidenceRow.id).where(EvidenceRow.sha256 == digest).limit(1)
        ).first()
        if users is not None:
            continue  # another case still relies on this file
        file_row = session.get(EvidenceFileRow, digest)
        if file_row is not None:
            session.delete(file_row)
        removed.append(digest)
    session.flush()
    if store is not None:
        for digest in removed:
            store.delete(digest)
    return removed


def delete_customer_data(
    uow: UnitOfWork,
    customer: int | IdentityLike,
    actor: str,
    *,
    store: EvidenceStore | None = None,
) -> dict[str, Any]:
    """Erase a customer's personal data; returns what was done (also in the audit log).

    Evidence files are deleted from ``store`` only after the database changes are
    flushed; if the unit of work is then not committed, the files are gone but the rows
    remain and point at missing files — so commit right after calling this.
    """
    cid = _customer_id(uow, customer)
    session = uow.session
    now = utcnow()
    person = session.get(Customer, cid)
    assert person is not None
    for attr in ("name", "company", "email", "phone"):
        setattr(person, attr, None)
    person.anonymised_at = now
    person.identities.clear()

    cases = list(session.execute(select(CaseRow).where(CaseRow.customer_id == cid)).scalars())
    redacted, removed = anonymise_cases(uow, cases, now, store=store, customer_id=cid)
    summary = {
        "cases_anonymised": [r.reference for r in cases],
        "messages_redacted": redacted,
        "files_removed": len(removed),
    }
    uow.cases.audit("customer_data_deleted", actor=actor, customer_id=cid, details=summary)
    return summary
