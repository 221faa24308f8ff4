"""Global slot extraction after every user message (`action_validate_slot_mappings`).

Fills the language slot and every intake slot the message contains, whichever form is
active, so one long message answers many questions at once. The rules live in
`understanding.language` and `understanding.extraction`; this module reads the tracker,
says what went wrong, and keeps the draft case saved.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions import bounds, store
from actions.access import ACCESS_FORM
from actions.common import confirmation_pending, incoming, language_of, policy, render
from claims.escalation import chat_escalations
from understanding.answers import is_unknown_answer, says_unknown, text_answer
from understanding.case_slots import case_from_slots
from understanding.clauses import has
from understanding.extraction import extract_updates
from understanding.language import detect_language, requested_language
from understanding.lexicons import QUESTION
from understanding.slots import TEXT_SLOTS
from understanding.turn import IncomingMessage

logger = logging.getLogger(__name__)

SUPPORTED = ("zh", "en")

PROBLEM_RESPONSES = {
    "invalid_time": "utter_invalid_time",
    "end_before_start": "utter_end_before_start",
    "in_future": "utter_time_in_future",
    "negative_amount": "utter_negative_amount",
    "invalid_amount": "utter_invalid_amount",
    "invalid_contact": "utter_invalid_contact",
}

# Messages that are not answers: a form that asked something lets the rules handle them.
DIGRESSIONS = (
    "faq", "chitchat", "out_of_scope", "greet", "say_goodbye", "say_thanks", "challenge_bot",
    "change_language", "request_human", "cancel_intake", "ask_status", "resume_case",
    "correct_answer", "export_data", "delete_data",
)


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


def readable_time(value: Any) -> str:
    """A slot's ISO time as the customer reads it: ``2026-11-20 09:00``."""
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value or "")


#: Intents the classifier often gives a plain answer (a version, a remedy) to.
ANSWER_LIKE = ("faq", "chitchat", "out_of_scope")


def answer_updates(
    message: IncomingMessage, slots: dict[str, Any], updates: dict[str, Any]
) -> dict[str, Any]:
    """What the message says about the pending question beyond facts: "don't know" (the
    question becomes unknown, whatever yes/no the classifier heard), or a free-text answer."""
    text, requested = message.text, str(message.requested_slot)
    if is_unknown_answer(text) or (requested not in updates and says_unknown(text)):
        unknown = [str(s) for s in slots.get("unknown_slots") or ()]
        return {
            requested: slots.get(requested),
            "unknown_slots": unknown if requested in unknown else [*unknown, requested],
        }
    heard_as_answer = not is_digression(message.intent) or (
        str(message.intent).split("/")[0] in ANSWER_LIKE and not has(QUESTION, text)
    )
    if requested in TEXT_SLOTS and requested not in updates and heard_as_answer:
        answer = text_answer(requested, text)
        if answer is not None:
            return {requested: answer}
    return {}


def question_counters(
    requested: str, slots: dict[str, Any], updates: dict[str, Any], *, counted: bool
) -> dict[str, Any]:
    """The pending question's counters after an answer attempt: misunderstood messages
    (the draft's escalation rule) and questions in a row left unanswered (the handoff)."""
    if "unknown_slots" in updates:
        return {"misunderstandings": 0, "unanswered": int(slots.get("unanswered") or 0) + 1}
    if requested in updates:
        return {"misunderstandings": 0, **({"unanswered": 0} if slots.get("unanswered") else {})}
    # Not an answer we could use: keep the form on this question (the form explains it
    # the second time and moves on after the third).
    count = int(slots.get("misunderstandings") or 0) + (1 if counted else 0)
    return {requested: updates.get(requested), "misunderstandings": count}


def is_digression(intent: str | None) -> bool:
    return bool(intent) and str(intent).split("/")[0] in DIGRESSIONS


class ValidateSlotMappings(ValidationAction):
    """Language first, then everything the message says about the incident."""

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

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        return events + self.intake_events(dispatcher, tracker, domain)

    def intake_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop_name == ACCESS_FORM:
            return []  # an access code, not a fact of the incident (actions/access.py)
        if confirmation_pending(tracker):
            return []  # "yes" to "delete your data?" answers no question of the intake
        language = language_of(tracker)
        message = incoming(tracker)
        slots = dict(tracker.current_slot_values())
        extraction = extract_updates(message, slots, policy())
        updates: dict[str, Any] = dict(extraction.updates)
        requested = message.requested_slot

        in_form = bool(requested and tracker.active_loop_name)
        if in_form:
            updates.update(answer_updates(message, slots, updates))
        # "No idea" to a time or an amount is an answer: no "I couldn't read that".
        said_unknown = in_form and "unknown_slots" in updates
        for problem in () if said_unknown else extraction.problems:
            response = PROBLEM_RESPONSES.get(problem)
            if response:
                started = updates.get("started_at") or slots.get("started_at")
                dispatcher.utter_message(
                    **render(domain, response, language, started_at=readable_time(started)),
                )
        bad = self.out_of_bounds(dispatcher, domain, {**slots, **updates}, message.now, language)
        for slot in bad:
            # Cleared (asked again if its form needs it); a value new this turn is not set.
            if slots.get(slot) is None:
                updates.pop(slot, None)
            else:
                updates[slot] = None
        if requested and in_form and not is_digression(message.intent):
            counted = not (extraction.problems or bad)
            updates.update(question_counters(requested, slots, updates, counted=counted))
        if extraction.correction:
            updates["correction_note"] = extraction.correction
            dispatcher.utter_message(
                **render(
                    domain, "utter_correction_applied", language,
                    correction_note=extraction.correction,
                )
            )
        slots.update(updates)
        if slots.get("data_leaked") and not slots.get("leak_advice_given"):
            dispatcher.utter_message(**render(domain, "utter_leak_urgent_steps", language))
            updates["leak_advice_given"] = True
        if updates and slots.get("description") and not slots.get("case_submitted"):
            reference = self.save_draft(tracker.sender_id, slots, message.now, language)
            if reference and reference != slots.get("case_reference"):
                updates["case_reference"] = reference
        return [SlotSet(name, value) for name, value in updates.items()]

    @staticmethod
    def out_of_bounds(
        dispatcher: CollectingDispatcher, domain: DomainDict, slots: dict[str, Any], now: Any,
        language: str,
    ) -> list[str]:
        """The slots whose values `claims` refuses, each explained to the customer once."""
        slots = {**slots, "language": language}
        bad: list[str] = []
        for _ in range(bounds.MAX_BAD_FACTS):
            try:
                invalid = bounds.first_invalid_fact(slots, policy(), now)
            except Exception:  # noqa: BLE001 - like save_draft: never break the chat
                logger.exception("could not check the facts of this chat")
                break
            found = invalid and bounds.invalid_fact(*invalid, language)
            if not found:
                break
            slot, response, values = found
            dispatcher.utter_message(**render(domain, response, language, **values))
            slots[slot] = None
            bad.append(slot)
        return bad

    @staticmethod
    def save_draft(sender_id: str, slots: dict[str, Any], now: Any, language: str) -> str | None:
        """Keep the draft in the case database (and put it in the staff queue when the
        chat keeps misunderstanding the customer); a failure must not break the chat."""
        try:
            case = case_from_slots({**slots, "language": language}, policy(), now=now)
            # The chat's counter feeds the case, so its escalation rule can fire.
            case.misunderstandings = int(slots.get("misunderstandings") or 0)
            case.escalations = chat_escalations(policy(), case)
            return store.save_draft(sender_id, case)
        except Exception:  # noqa: BLE001 - logged; the slots still hold everything
            logger.exception("could not save the draft case of %s", sender_id)
            return None
