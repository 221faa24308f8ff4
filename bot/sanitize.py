"""What the gateway does to customer text before Rasa sees it.

Rasa treats text starting with `/` as a literal intent (`/greet{"x":1}`), which would let a
customer set any intent and entity. Channels must never allow that, so a leading slash is
removed; control characters are dropped; overlong messages are refused, not truncated.

Raw size is capped before cleaning (issue 16): a message padded with megabytes of
zero-width characters is refused without walking it, and what is stored (``shown``) is
the cleaned, bounded text, never the raw one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_LEADING_SLASHES = re.compile(r"^[\s/]+")
#: Raw characters allowed per character of the limit (room for combining marks and the
#: odd invisible character; beyond it the text is refused before it is cleaned).
RAW_FACTOR = 4


@dataclass(frozen=True)
class CleanText:
    text: str
    problem: str | None = None  # "empty" | "too_long"
    #: What may be stored and shown to agents: cleaned, bounded, leading slash kept.
    shown: str = ""


def clean_customer_text(raw: str, max_chars: int) -> CleanText:
    """Return the text Rasa may see, or the reason it must be refused."""
    if len(raw) > max_chars * RAW_FACTOR:
        return CleanText(text="", problem="too_long")
    shown = visible_text(raw)
    if len(shown) > max_chars:
        return CleanText(text="", problem="too_long")
    text = _LEADING_SLASHES.sub("", shown)
    if not text:
        return CleanText(text="", problem="empty")
    return CleanText(text=text, shown=shown)


def visible_text(raw: str) -> str:
    """``raw`` without control, format (zero-width) and surrogate characters, stripped."""
    return "".join(
        ch for ch in raw if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    ).strip()
