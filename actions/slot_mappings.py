"""Global slot extraction that runs after every user message (`action_validate_slot_mappings`).

The language rule itself lives in `claims.language`; this is only the glue that reads the
message, the channel metadata and the sticky preference from the tracker.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from claims.language import detect_language, requested_language

SUPPORTED = ("zh", "en")


def explicit_language(tracker: Tracker) -> str | None:
    """The language the customer chose in this message: by words, entity or widget toggle."""
    message = tracker.latest_message or {}
    metadata = message.get("metadata") or {}
    if metadata.get("language") in SUPPORTED:
        return str(metadata["language"])
    asked = requested_language(message.get("text") or "")
    if asked in SUPPORTED:
        return asked
    if (message.get("intent") or {}).get("name") == "change_language":
        value = next(tracker.get_latest_entity_values("language"), None)
        if value in SUPPORTED:
            return str(value)
    return None


class ValidateSlotMappings(ValidationAction):
    """Keeps `language` right for every reply and remembers explicit requests."""

    def extract_language_preference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        chosen = explicit_language(tracker)
        return {"language_preference": chosen} if chosen else {}

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        chosen = explicit_language(tracker) or tracker.get_slot("language_preference")
        if chosen in SUPPORTED:
            return {"language": chosen}
        text = (tracker.latest_message or {}).get("text") or ""
        current = tracker.get_slot("language") or "zh"
        return {"language": detect_language(text, default=current)}
