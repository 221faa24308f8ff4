"""Case references ``CLM-<year>-<random part>``: the one home of their shape.

Why random: a sequential number (``CLM-2026-000123``) told anyone the references of every
other case, so "status of CLM-2026-000124" was a way to probe for cases. A new reference
carries six characters drawn with ``secrets`` from an alphabet without look-alikes (no 0/O,
1/I/L), about 8.9e8 per year; a collision is drawn again. References handed out before
(six or more digits) stay valid: every pattern here accepts both shapes.

The spaCy entity_ruler (``nlu/spacy_pipeline/patterns.py``) must use per-token patterns of
its own; ``tests/unit/test_references.py`` checks that it agrees with :data:`SUFFIX`.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CaseRow

#: Letters and digits nobody misreads: no 0/O, no 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_LENGTH = 6
#: What follows the year: an old sequential number or a new random part.
SUFFIX = rf"(?:\d{{6,}}|[{ALPHABET}]{{{RANDOM_LENGTH}}})"
#: A reference inside a message (search case-insensitively; upper-case what it finds).
IN_TEXT = re.compile(rf"(?<![0-9A-Za-z])CLM-\d{{4}}-{SUFFIX}(?![0-9A-Za-z])", re.IGNORECASE)
#: A whole value that is a reference, e.g. a path parameter (case-sensitive).
WHOLE = rf"^CLM-\d{{4}}-{SUFFIX}$"
REFERENCE_RE = re.compile(WHOLE)
#: How many fresh draws before giving up (a collision is ~1e-9 per draw).
MAX_DRAWS = 20


def find_reference(text: str) -> str | None:
    """The first case reference written in ``text``, upper-cased."""
    match = IN_TEXT.search(text)
    return match.group(0).upper() if match else None


def is_reference(value: str) -> bool:
    """True if ``value`` is a case reference (case-sensitive)."""
    return REFERENCE_RE.match(value) is not None


def random_reference(year: int) -> str:
    part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"CLM-{year:04d}-{part}"


def next_reference(session: Session, at: datetime | None = None) -> str:
    """A reference of ``at``'s year (UTC) that no case has yet.

    Two writers drawing the same value at the same instant is still caught by the unique
    constraint on ``cases.reference``; the check here makes a plain collision a redraw.
    """
    year = (at or datetime.now(UTC)).astimezone(UTC).year
    for _ in range(MAX_DRAWS):
        reference = random_reference(year)
        taken = session.execute(select(CaseRow.id).where(CaseRow.reference == reference))
        if taken.first() is None:
            return reference
    raise RuntimeError("could not draw a free case reference")
