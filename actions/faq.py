"""The compensation FAQ and small talk: the customer's own numbers when the chat has a case,
else the generic answer of the topic `understanding.topics` picked.

Thin glue: which topics get a tailored answer and what it says is `claims.faq_answers`.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import bounds, store
from actions.common import language_of, mentioned_reference, message_time, policy
from claims.case import Case
from claims.errors import ClaimsValidationError
from claims.faq_answers import TAILORED, answer_from_case
from claims.status import CaseStatus
from understanding.case_slots import case_from_slots
from understanding.topics import out_of_scope, topic_of

logger = logging.getLogger(__name__)


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def conversation_case(tracker: Tracker) -> tuple[Case, bool] | None:
    """The case this chat is about and whether it was submitted; None before any facts.

    A reference in the slots was either created here or verified by the status lookup, so
    the stored case (whose stage staff may have moved) is the one to answer from.
    """
    reference = tracker.get_slot("case_reference")
    if reference:
        case = store.load_case(reference)
        if case is not None:
            return case, store.case_status(reference) not in (None, CaseStatus.DRAFT)
    if not tracker.get_slot("description"):
        return None
    slots = {**tracker.current_slot_values(), "language": language_of(tracker)}
    return case_from_slots(slots, policy(), now=message_time(tracker)), False


def answer_faq(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> list[EventType]:
    """The case's own numbers for a tailored topic when the chat has a case, else the
    generic answer. A draft fact out of bounds is asked for again (its events returned)."""
    events: list[EventType] = []
    if topic in TAILORED:
        found = None
        try:
            found = conversation_case(tracker)
            text = found and answer_from_case(
                policy(), topic, found[0], now=message_time(tracker),
                language=language_of(tracker), submitted=found[1],
            )
        except ClaimsValidationError as error:
            if found is not None and not found[1]:
                events = bounds.reject_fact(dispatcher, found[0], error, language_of(tracker)) or []
            text = None
        except Exception:  # noqa: BLE001 - the generic answer is still true
            logger.exception("no tailored answer for %s", tracker.sender_id)
            text = None
        if text:
            dispatcher.utter_message(text=text)
            return events
    dispatcher.utter_message(response=f"utter_faq/{topic}")
    return events


def answered_unknown(tracker: Tracker) -> bool:
    """Whether this message was "don't know" to the pending question (the classifier heard
    small talk or a question): it is an answer, so nothing is said and the form moves on."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == "unknown_slots":
            return True
    return False


def misheard_report(tracker: Tracker) -> bool:
    """A first report the classifier heard as a question or small talk: `understanding`
    read it as the incident description this turn, so the intake starts (through
    `action_handle_unclear`, which starts it for every misheard report)."""
    if tracker.active_loop_name or tracker.get_slot("intake_active"):
        return False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == "description":
            return bool(event.get("value"))
    return False


class ActionAnswerFaq(Action):
    """A question (Rasa's `faq` or `out_of_scope`): outside an intake, about a case when it
    names one (the status lookup, whatever the classifier made of the words); else one of
    our FAQ topics, out of scope, or too unclear to place (the fallback, with its offer of a
    person)."""

    def name(self) -> str:
        return "action_answer_faq"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if mentioned_reference(tracker) and not tracker.active_loop_name:
            return [FollowupAction("action_case_status")]
        if answered_unknown(tracker):
            return []
        if misheard_report(tracker):
            return [FollowupAction("action_handle_unclear")]
        text = latest_text(tracker)
        topic = topic_of("faq", text)
        events: list[EventType] = []
        if topic is not None:
            events = answer_faq(dispatcher, tracker, topic)
        elif out_of_scope(text) or tracker.get_intent_of_latest_message() == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_default")
        return events


class ActionAnswerChitchat(Action):
    """Small talk (who are you, opening hours, ...); an unplaceable remark gets the fallback."""

    def name(self) -> str:
        return "action_answer_chitchat"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if answered_unknown(tracker):
            return []
        if misheard_report(tracker):
            return [FollowupAction("action_handle_unclear")]
        topic = topic_of("chitchat", latest_text(tracker))
        dispatcher.utter_message(response=f"utter_chitchat/{topic}" if topic else "utter_default")
        return []
