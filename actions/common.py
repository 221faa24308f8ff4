"""Small shared glue for actions: the policy, the message as `claims` sees it, responses.

Nothing here runs at import time; the policy is loaded on first use and kept.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

from claims.policy import Policy, load_policy
from db.references import find_reference
from understanding.turn import IncomingMessage


def mentioned_reference(tracker: Tracker) -> str | None:
    """The case reference in the latest message (entity or plain text), upper-cased."""
    entity = next(tracker.get_latest_entity_values("case_reference"), None)
    return find_reference(str(entity or (tracker.latest_message or {}).get("text") or ""))


@lru_cache(maxsize=1)
def policy() -> Policy:
    return load_policy()


def language_of(tracker: Tracker) -> str:
    return "en" if tracker.get_slot("language") == "en" else "zh"


def message_time(tracker: Tracker) -> datetime:
    """The time the customer sent the latest message (Rasa's event timestamp)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and event.get("timestamp"):
            return datetime.fromtimestamp(float(event["timestamp"]), tz=UTC)
    return datetime.now(UTC)


def incoming(tracker: Tracker) -> IncomingMessage:
    message = tracker.latest_message or {}
    return IncomingMessage(
        text=str(message.get("text") or ""),
        intent=(message.get("intent") or {}).get("name"),
        entities=tuple(message.get("entities") or ()),
        requested_slot=tracker.get_slot("requested_slot"),
        now=message_time(tracker),
        tz=tracker.get_slot("timezone") or "Asia/Shanghai",
    )


def render(domain: DomainDict, response: str, language: str, **values: Any) -> dict[str, Any]:
    """Pick the zh or en variation of a domain response ourselves.

    Needed inside `action_validate_slot_mappings`: Rasa renders `response=` messages with
    the tracker from *before* the language slot of this very message was set.
    """
    variations = (domain.get("responses") or {}).get(response) or []

    def is_zh(variation: dict[str, Any]) -> bool:
        return any(c.get("value") == "zh" for c in variation.get("condition") or [])

    chosen = [v for v in variations if is_zh(v) == (language == "zh")] or variations
    if not chosen:
        return {"text": response}
    variation = random.choice(chosen)
    text = str(variation.get("text", ""))
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    out: dict[str, Any] = {"text": text}
    if variation.get("buttons"):
        out["buttons"] = variation["buttons"]
    return out


#: Slots of a yes/no the bot asked outside the form ("cancel this claim?", "delete your
#: data?"): while one is pending the answer is to that question, never to the form's.
PENDING_CONFIRMATIONS = ("cancel_pending", "delete_pending")


def confirmation_pending(tracker: Tracker) -> bool:
    return any(tracker.get_slot(slot) is True for slot in PENDING_CONFIRMATIONS)
