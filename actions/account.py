"""Status lookup, resuming a draft, handoff to a person, and the customer's data rights.

A case is only discussed with the channel identity that owns it, or with someone who gives
the email or phone stored on it; a wrong reference gets the same answer as an unknown one
so case numbers cannot be probed.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from actions.common import language_of, mentioned_reference, message_time, policy
from actions.intake import CUSTOMER_SLOTS, report_not_request
from claims.case import Case
from claims.lifecycle import HUMAN_REQUESTED, CaseNotFound, NotYourCase
from claims.names import Names
from claims.status import is_draft
from understanding.case_slots import case_from_slots, slots_from_case

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DIGITS = re.compile(r"\d")


def contact_matches(case: Case, text: str) -> bool:
    """The message carries the email or phone stored on the case."""
    emails = {e.lower() for e in EMAIL.findall(text)}
    if case.customer_email and case.customer_email.lower() in emails:
        return True
    digits = "".join(DIGITS.findall(text))
    phone = "".join(DIGITS.findall(case.customer_phone or ""))
    return len(phone) >= 6 and phone[-8:] in digits


def verified_case(tracker: Tracker, reference: str) -> Case | None:
    """The case, if this customer may see it; None for unknown *and* for not-yours."""
    case = store.load_case(reference)
    if case is None:
        return None
    if store.owns_case(tracker.sender_id, reference):
        return case
    text = str((tracker.latest_message or {}).get("text") or "")
    if contact_matches(case, text):
        store.link_identity(tracker.sender_id, reference)
        return case
    return None


class ActionCaseStatus(Action):
    def name(self) -> str:
        return "action_case_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        report = report_not_request(dispatcher, tracker, domain)
        if report is not None:
            return report
        reference = mentioned_reference(tracker) or tracker.get_slot("case_reference")
        if not reference:
            dispatcher.utter_message(response="utter_ask_case_reference")
            return []
        case = verified_case(tracker, reference)
        if case is None:
            dispatcher.utter_message(response="utter_case_not_verified", reference=reference)
            return []
        language = language_of(tracker)
        rules = policy()
        status = store.case_status(reference)
        dispatcher.utter_message(
            response="utter_case_status",
            reference=reference,
            category=Names(rules).category(case.category, language),
            stage=Names(rules).stage(case.stage, language),
            status=status,
        )
        return [SlotSet("case_reference", reference)]


class ActionResumeCase(Action):
    def name(self) -> str:
        return "action_resume_case"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference = mentioned_reference(tracker)
        if reference:
            case = verified_case(tracker, reference)
        else:
            case = store.draft_for(tracker.sender_id)
        if case is None or not is_draft(store.case_status(case.reference or "")):
            key = "utter_case_not_verified" if reference else "utter_nothing_to_resume"
            dispatcher.utter_message(response=key, reference=reference or "")
            return []
        slots: dict[str, Any] = slots_from_case(case)
        dispatcher.utter_message(response="utter_resuming_case", reference=case.reference)
        return [SlotSet(k, v) for k, v in slots.items()] + [
            SlotSet("case_reference", case.reference),
            SlotSet("intake_active", True),
            SlotSet("case_submitted", False),
        ]


def escalate_for_person(tracker: Tracker, reference: str | None) -> str:
    """Put the chat's case in the staff queue; its reference.

    Nobody can pick up a chat that has no case, and a case reference the chat only looked
    up (not the caller's, or gone) is not theirs to escalate: then the caller's own draft
    is opened (or updated) from what we know and escalated.
    """
    if reference:
        try:
            store.escalate(tracker.sender_id, reference, HUMAN_REQUESTED)
            return reference
        except (CaseNotFound, NotYourCase):
            pass
    slots = {**tracker.current_slot_values(), "language": language_of(tracker),
             "case_reference": None}  # fmt: skip
    case = case_from_slots(slots, policy(), now=message_time(tracker))
    reference = store.save_draft(tracker.sender_id, case)
    store.escalate(tracker.sender_id, reference, HUMAN_REQUESTED)
    return reference


class ActionRequestHuman(Action):
    """Pause the bot: the gateway sees the `handoff` message and routes to an agent."""

    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return hand_over(dispatcher, tracker)


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The one handoff: the case goes to the staff queue and the gateway, seeing the
    `handoff` message, routes the chat to an agent (asked for, or a question that failed)."""
    reference = escalate_for_person(tracker, tracker.get_slot("case_reference"))
    dispatcher.utter_message(response="utter_handoff")
    dispatcher.utter_message(
        json_message={
            "type": "handoff",
            "reference": reference,
            "reason": HUMAN_REQUESTED,
            "language": language_of(tracker),
        }
    )
    return [SlotSet("case_reference", reference)]


class ActionExportData(Action):
    def name(self) -> str:
        return "action_export_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        report = report_not_request(dispatcher, tracker, domain)
        if report is not None:
            return report
        exported = store.export_data(tracker.sender_id)
        if exported is None:
            dispatcher.utter_message(response="utter_no_data_held")
            return []
        dispatcher.utter_message(response="utter_data_export_ready", cases=len(exported["cases"]))
        dispatcher.utter_message(json_message={"type": "data_export", "data": exported})
        return []


class ActionAskDeleteData(Action):
    def name(self) -> str:
        return "action_ask_delete_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        report = report_not_request(dispatcher, tracker, domain)
        if report is not None:
            return report
        dispatcher.utter_message(response="utter_ask_delete_confirm")
        return [SlotSet("delete_pending", True)]


class ActionDeleteData(Action):
    def name(self) -> str:
        return "action_delete_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        deleted = store.delete_data(tracker.sender_id)
        dispatcher.utter_message(response="utter_data_deleted" if deleted else "utter_no_data_held")
        # The gateway erases this conversation from the tracker store once the turn is
        # saved (bot/tracker_eraser.py); from inside the turn it would be written back.
        dispatcher.utter_message(json_message={"type": "data_deleted"})
        # The slots still hold the contact details: the next draft would store them again.
        return [SlotSet("delete_pending", False)] + [SlotSet(name, None) for name in CUSTOMER_SLOTS]


class ActionKeepData(Action):
    def name(self) -> str:
        return "action_keep_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_data_kept")
        return [SlotSet("delete_pending", False)]
