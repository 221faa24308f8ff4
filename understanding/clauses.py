"""Splitting a message into clauses, and the small text tests every fact reader uses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from understanding.lexicons import NEG_BEFORE


def nfkc(text: str) -> str:
    """Full-width digits and punctuation as ASCII, so one pattern reads both."""
    return unicodedata.normalize("NFKC", text)


def merged(old: Any, new: Iterable[str]) -> list[str]:
    """A list slot with ``new`` items appended once each, in order."""
    out = [str(x) for x in old] if isinstance(old, list) else []
    for item in new:
        if item not in out:
            out.append(item)
    return out


def has(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` occurs anywhere in ``text``."""
    return pattern.search(text) is not None


# Clause splitting: coarse clauses keep ranges together ("from 9 to 1pm"); fine clauses
# also split at conjunctions so "lost 100k and spent 20k fixing it" gives two amounts.
# A comma between digits ("100,000") is a thousands separator, not a clause break.
_PUNCT = r"(?:(?<!\d),|,(?!\d{3}(?!\d))|[;!?。，；！？\n]|\.(?!\d))+"
COARSE = re.compile(_PUNCT)
# "and" before an ordinal lists things or days ("the 2nd and 3rd servers"): no clause break
THEN = re.compile(
    r"\band then\b|\band\b(?!\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b)|\bthen\b|"
    r"然后|然後|后来|後來|之后|之後",
    re.I,
)
FINE = re.compile(_PUNCT + r"|、|\band\b|\bplus\b|以及|另外|还有|還有|並且|并且|而且|同时")


def clauses(text: str, pattern: re.Pattern[str]) -> list[str]:
    """The non-empty parts of ``text`` between ``pattern`` matches."""
    return [c.strip() for c in pattern.split(text) if c and c.strip()]


def time_clauses(text: str) -> list[str]:
    """Coarse clauses, also split at "and"/"然后" unless they join a range ("between 9 and 11")."""
    out: list[str] = []
    for clause in clauses(text, COARSE):
        if re.search(r"\bbetween\b", clause, re.I):
            out.append(clause)
        else:
            out.extend(clauses(clause, THEN))
    return out


def is_junk(text: str) -> bool:
    """A keyboard held down or an injected intent: nothing a customer states.

    SQL is *not* junk: a customer may quote the attack that hit them, and it is stored
    through bound parameters like any other text.
    """
    stripped = text.strip()
    if len(set(stripped)) <= 3 and len(stripped) > 10:
        return True
    return bool(re.match(r"^/\w+\{", stripped))


def negated(text: str, start: int) -> bool:
    """Whether a negation ("没有", "not") comes shortly before position ``start``."""
    return has(NEG_BEFORE, text[max(0, start - 28) : start])
