"""Out-of-bounds facts from the chat: which slot a `ClaimsValidationError` is about.

`claims.validation` names a field of the `Case` (``losses[0].amount``, ``timeline``); the
chat knows slots. This maps one to the other, so an action can clear the offending slot
and say in the customer's language which fact to give again, keeping everything else.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from claims.case import Case
from claims.errors import ClaimsValidationError
from claims.policy import Policy
from claims.validation import validate_case
from understanding.case_slots import case_from_slots
from understanding.slots import MONEY_SLOTS
from understanding.summary import slot_label

_LOSS = re.compile(r"losses\[(\d+)\]")
#: Case field -> slot; a too-long downtime is most likely a wrong start time.
_FIELD_SLOTS = {
    "monthly_fee": "monthly_fee",
    "timeline": "started_at",
    "people_idle": "people_idle",
    "customers_affected": "customers_affected",
    "data_leak.records": "leaked_records",
}
#: The most times one message's facts are re-checked after dropping a bad one.
MAX_BAD_FACTS = len(MONEY_SLOTS) + len(_FIELD_SLOTS)


def offending_slot(case: Case | None, error: ClaimsValidationError) -> str | None:
    """The slot holding the value `error` is about, or None if no slot does."""
    loss = _LOSS.match(error.field)
    if loss:
        index = int(loss.group(1))
        if case is None or index >= len(case.losses):
            return None
        slot = case.losses[index].description
        return slot if slot in (*MONEY_SLOTS, "other_losses") else None
    return _FIELD_SLOTS.get(error.field)


def invalid_fact(
    case: Case | None, error: ClaimsValidationError, language: str
) -> tuple[str, str, dict[str, Any]] | None:
    """(slot, response, values) telling the customer what to give again; None if unmapped."""
    slot = offending_slot(case, error)
    if slot is None:
        return None
    response = (
        "utter_claim_amount_out_of_bounds" if slot in (*MONEY_SLOTS, "other_losses")
        else "utter_claim_fact_out_of_bounds"
    )  # fmt: skip
    return slot, response, {"field": slot_label(slot, language)}


def first_invalid_fact(
    slots: dict[str, Any], policy: Policy, now: datetime
) -> tuple[Case, ClaimsValidationError] | None:
    """The case the slots describe and its first out-of-bounds value, if any."""
    case = case_from_slots(slots, policy, now=now)
    try:
        validate_case(policy, case, now)
    except ClaimsValidationError as error:
        return case, error
    return None


def reject_fact(
    dispatcher: CollectingDispatcher, case: Case | None, error: ClaimsValidationError,
    language: str,
) -> list[EventType] | None:
    """Say which fact to give again and clear its slot; None (nothing said) if unmapped."""
    found = invalid_fact(case, error, language)
    if found is None:
        return None
    slot, response, values = found
    dispatcher.utter_message(response=response, **values)
    return [SlotSet(slot, None)]
