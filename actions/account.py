"""Status lookup, resuming a draft, handoff to a person, and the customer's data rights.

A case is only discussed with a conversation whose identity owns it. Any other
conversation (a new browser, another channel, or someone who merely knows the reference)
is asked for the one-time code emailed to the case's own address (``actions/access.py``);
until then nothing of the case reaches the chat, and the answer is the same for a
reference that does not exist, so references cannot be probed.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from actions.access import ABANDONED, PENDING, RESUME, STATUS, ask_for_code, pending_access
from actions.common import language_of, mentioned_reference, message_time, policy
from actions.intake import CUSTOMER_SLOTS, report_not_request, reset_case_slots
from claims.case import Case
from claims.lifecycle import HUMAN_REQUESTED, CaseNotFound, NotYourCase
from claims.names import Names
from claims.status import is_draft
from db.access_codes import Outcome
from understanding.case_slots import case_from_slots, slots_from_case


def tell_status(dispatcher: CollectingDispatcher, tracker: Tracker, case: Case) -> list[EventType]:
    """The status of a case this conversation owns."""
    reference = str(case.reference)
    language = language_of(tracker)
    names = Names(policy())
    dispatcher.utter_message(
        response="utter_case_status",
        reference=reference,
        category=names.category(case.category, language),
        stage=names.stage(case.stage, language),
        status=store.case_status(reference),
    )
    return [SlotSet("case_reference", reference)]


def resume(dispatcher: CollectingDispatcher, case: Case) -> list[EventType]:
    """Bring an owned draft back into the chat's slots (a filed case stays filed)."""
    if not is_draft(store.case_status(case.reference or "")):
        dispatcher.utter_message(response="utter_case_not_resumable", reference=case.reference)
        return []
    slots: dict[str, Any] = slots_from_case(case)
    dispatcher.utter_message(response="utter_resuming_case", reference=case.reference)
    return [SlotSet(k, v) for k, v in slots.items()] + [
        SlotSet("case_reference", case.reference),
        SlotSet("intake_active", True),
        SlotSet("case_submitted", False),
    ]


def owned_case(tracker: Tracker, reference: str) -> Case | None:
    """The case if this conversation's identity owns it; None for unknown and not-yours."""
    if not store.owns_case(tracker.sender_id, reference):
        return None
    return store.load_case(reference)


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
        case = owned_case(tracker, reference)
        if case is None:
            return ask_for_code(dispatcher, tracker, domain, reference, STATUS)
        return tell_status(dispatcher, tracker, case)


class ActionResumeCase(Action):
    def name(self) -> str:
        return "action_resume_case"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference = mentioned_reference(tracker)
        if reference:
            case = owned_case(tracker, reference)
            if case is None:
                return ask_for_code(dispatcher, tracker, domain, reference, RESUME)
            return resume(dispatcher, case)
        case = store.draft_for(tracker.sender_id)
        if case is None:
            dispatcher.utter_message(response="utter_nothing_to_resume", reference="")
            return []
        return resume(dispatcher, case)


class ActionAccessCodeDone(Action):
    """After ``access_code_form``: go on with what was asked, or say why not."""

    def name(self) -> str:
        return "action_access_code_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        pending = pending_access(tracker)
        outcome = tracker.get_slot("access_outcome") or ABANDONED
        events: list[EventType] = [
            SlotSet(PENDING, None), SlotSet("access_code", None), SlotSet("access_outcome", None),
        ]  # fmt: skip
        case = None
        if pending is not None and outcome == Outcome.GRANTED:
            case = owned_case(tracker, pending[1])
        if pending is None or case is None:
            locked = outcome == Outcome.LOCKED
            dispatcher.utter_message(
                response="utter_access_locked" if locked else "utter_access_code_abandoned"
            )
            return events
        if pending[0] == RESUME:
            return events + resume(dispatcher, case)
        return events + tell_status(dispatcher, tracker, case)


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
        # The slots still hold the contact details: the next draft would store them again,
        # and an intake under way ends with the data it was collecting.
        events: list[EventType] = [SlotSet("delete_pending", False)]
        if tracker.active_loop_name:
            events += [ActiveLoop(None), SlotSet("requested_slot", None), *reset_case_slots()]
        return events + [SlotSet(name, None) for name in CUSTOMER_SLOTS]


class ActionKeepData(Action):
    def name(self) -> str:
        return "action_keep_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_data_kept")
        return [SlotSet("delete_pending", False)]
