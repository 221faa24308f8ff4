"""Human-friendly case references ``CLM-<year>-<6 digits>``, unique under concurrency.

One counter row per year is bumped with a single atomic upsert (``INSERT ... ON CONFLICT
DO UPDATE ... RETURNING``), which both SQLite (>= 3.35) and PostgreSQL run as one write:
two writers can never read the same value.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import ReferenceCounter

REFERENCE_RE = re.compile(r"^CLM-(\d{4})-(\d{6,})$")


def format_reference(year: int, number: int) -> str:
    return f"CLM-{year:04d}-{number:06d}"


def is_reference(value: str) -> bool:
    """True if ``value`` looks like a case reference (case-sensitive)."""
    return REFERENCE_RE.match(value) is not None


def next_reference(session: Session, at: datetime | None = None) -> str:
    """Allocate the next reference of ``at``'s year (UTC) inside the session's transaction."""
    year = (at or datetime.now(UTC)).astimezone(UTC).year
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt: Insert = insert_fn(ReferenceCounter).values(year=year, last=1)
    stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=[ReferenceCounter.year],
        set_={"last": ReferenceCounter.last + 1},
    ).returning(ReferenceCounter.last)
    number = session.execute(stmt).scalar_one()
    return format_reference(year, int(number))
