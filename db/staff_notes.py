"""Agents' notes on a case, kept where a customer's deletion can blank them.

They used to be audit details, and the audit log is append-only (a trigger forbids
updates), so "delete my data" left every note about the person. Now the text lives in
``staff_notes``; the audit entry ``staff_note`` only says that note ``id`` was written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import CaseRow, StaffNoteRow
from db.repository import CaseNotFound


def _case_id(session: Session, reference: str) -> int:
    found = session.execute(select(CaseRow.id).where(CaseRow.reference == reference)).first()
    if found is None:
        raise CaseNotFound(reference)
    return int(found[0])


def add_note(
    session: Session, reference: str, actor: str, text: str, *, for_customer: bool
) -> int:
    row = StaffNoteRow(
        case_id=_case_id(session, reference), actor=actor, text=text, for_customer=for_customer
    )
    session.add(row)
    session.flush()
    return int(row.id)


def notes_of(session: Session, reference: str) -> list[dict[str, Any]]:
    """Oldest first: ``{"at", "actor", "text", "for_customer"}``."""
    stmt = (
        select(StaffNoteRow)
        .join(CaseRow, CaseRow.id == StaffNoteRow.case_id)
        .where(CaseRow.reference == reference)
        .order_by(StaffNoteRow.at, StaffNoteRow.id)
    )
    return [
        {"at": n.at.isoformat(), "actor": n.actor, "text": n.text, "for_customer": n.for_customer}
        for n in session.execute(stmt).scalars()
    ]


def blank_notes(session: Session, case_ids: list[int]) -> None:
    """Deletion and retention: the notes stay as "a note was written", without words."""
    if case_ids:
        session.execute(
            update(StaffNoteRow).where(StaffNoteRow.case_id.in_(case_ids)).values(text="")
        )
