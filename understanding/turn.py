"""One message being read: what came in, what is known, and the slot updates found so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from claims.policy import Policy
from understanding.clauses import nfkc
from understanding.language import detect_language
from understanding.slots import zone_named
from understanding.timeparse import (
    DEFAULT_TZ,
)

MAX_DESCRIPTION = 1000
#: Longer texts are cut before parsing: nobody states a fact after 4000 characters, and the
#: regexes must stay fast on pasted logs.
MAX_PARSE = 4000


@dataclass(frozen=True)
class IncomingMessage:
    """One user message as the action server sees it."""

    text: str
    intent: str | None
    entities: tuple[Mapping[str, Any], ...]
    requested_slot: str | None
    now: datetime
    tz: str = DEFAULT_TZ


@dataclass(frozen=True)
class Extraction:
    """Slot updates (only changed slots), problem codes and a correction note."""

    updates: dict[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    correction: str | None = None


def entity_values(message: IncomingMessage, name: str) -> list[str]:
    """The distinct values of the NLU entities called ``name``, in message order."""
    out: list[str] = []
    for ent in message.entities or ():
        try:
            if ent.get("entity") == name and ent.get("value") not in (None, ""):
                value = str(ent.get("value")).strip()
                if value and value not in out:
                    out.append(value)
        except AttributeError:
            continue
    return out


class Turn:
    """Mutable state of one extraction: updates so far and problems found."""

    def __init__(self, message: IncomingMessage, slots: Mapping[str, Any], policy: Policy):
        self.message = message
        self.slots = slots
        self.policy = policy
        self.zone = zone_named(message.tz or DEFAULT_TZ)
        self.now = message.now.astimezone(self.zone)
        raw = nfkc(message.text or "")
        self.is_payload = raw.lstrip().startswith("/")
        self.text = "" if self.is_payload else raw.strip()[:MAX_PARSE]
        self.original = "" if self.is_payload else (message.text or "").strip()
        self.requested = message.requested_slot
        self.intent = message.intent or None
        default_lang = slots.get("language") if slots.get("language") in ("zh", "en") else "zh"
        self.language = detect_language(self.text, default=str(default_lang))
        self.updates: dict[str, Any] = {}
        self.problems: list[str] = []
        # True when the classifier heard a question or small talk: only recognised facts
        # count then, never the catch-all "other" answers.
        self.strict = False

    def get(self, slot: str) -> Any:
        return self.updates[slot] if slot in self.updates else self.slots.get(slot)

    def problem(self, code: str) -> None:
        if code not in self.problems:
            self.problems.append(code)

    def result(self, correction: str | None = None) -> Extraction:
        changed = {k: v for k, v in self.updates.items() if self.slots.get(k) != v}
        return Extraction(changed, tuple(self.problems), correction if changed else None)
