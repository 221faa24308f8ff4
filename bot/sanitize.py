"""What the gateway does to customer text before Rasa sees it.

Rasa treats text starting with `/` as a literal intent (`/greet{"x":1}`), which would let a
customer set any intent and entity. Channels must never allow that, so a leading slash is
removed; control characters are dropped; overlong messages are refused, not truncated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_LEADING_SLASHES = re.compile(r"^[\s/]+")


@dataclass(frozen=True)
class CleanText:
    text: str
    problem: str | None = None  # "empty" | "too_long"


def clean_customer_text(raw: str, max_chars: int) -> CleanText:
    """Return the text Rasa may see, or the reason it must be refused."""
    text = "".join(
        ch for ch in raw if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    ).strip()
    if len(text) > max_chars:
        return CleanText(text="", problem="too_long")
    text = _LEADING_SLASHES.sub("", text)
    if not text:
        return CleanText(text="", problem="empty")
    return CleanText(text=text)
