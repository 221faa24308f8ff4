"""Form validators: each form asks only for what is still missing, and never gets stuck.

The answers are extracted for every message by `action_validate_slot_mappings`; here each
form only decides, through `understanding.slots.required_slots` (the rule is
`claims.questions.still_needed`), which of its questions remain, and how the next one is put
(`claims.questions.next_ask`): plainly, then explained with buttons, and after the third miss
it is recorded as unknown, or the chat goes to a person. One implementation for every slot of
every form, so no question can loop.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.account import hand_over
from actions.common import confirmation_pending
from claims.questions import next_ask, wording
from understanding.slots import required_slots

#: Intents of a question the bot answers mid-form (FAQ, case status): the form's question
#: comes again as it was, not with "sorry, I didn't catch that" and an explanation.
QUESTION_INTENTS = frozenset({"faq", "ask_status"})


def intent_of(tracker: Tracker) -> str:
    """The latest message's intent without a retrieval topic (``faq/x`` is ``faq``)."""
    return str((tracker.latest_message.get("intent") or {}).get("name")).split("/")[0]


def asked_a_question(tracker: Tracker) -> bool:
    return intent_of(tracker) in QUESTION_INTENTS


#: Intents that the rules answer inside a form (scripts/gen_rules.py: digressions, pauses
#: and cancelling); the form asks its question again afterwards.
INTERRUPTIONS = frozenset({
    "faq", "chitchat", "challenge_bot", "change_language", "out_of_scope", "correct_answer",
    "greet", "say_thanks", "ask_status", "request_human", "cancel_intake", "export_data",
    "delete_data",
})  # fmt: skip

#: Slots the extraction sets on every message: setting them answers no question.
BOOKKEEPING = frozenset({"language", "misunderstandings", "requested_slot"})


def answered_since_message(tracker: Tracker) -> bool:
    """Whether an action other than the slot extraction and the form itself ran after the
    customer's latest message: then the form runs again after a rule's answer."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in (
            "action_extract_slots", tracker.active_loop_name,
        ):
            return True
    return False


def interrupted(tracker: Tracker) -> bool:
    """The customer's message is one the rules answer and it told the form nothing: the
    form must not take the turn (a form that always sets a slot is never interrupted, and
    "talk to a person" or "cancel" would only be asked the question again)."""
    if answered_since_message(tracker):
        return False  # back from the rule's answer: the form asks its question
    if confirmation_pending(tracker):
        return True
    told = set(tracker.slots_to_validate()) - BOOKKEEPING
    return intent_of(tracker) in INTERRUPTIONS and not told


def explanation_response(slot: str) -> str:
    """The response that explains a question, gives an example and offers the way out."""
    return f"utter_explain_{slot}"


class IntakeFormValidator(FormValidationAction):
    """Shared behaviour; subclasses only name their form."""

    form = ""

    def name(self) -> str:
        return f"validate_{self.form}"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots: dict[str, Any] = dict(tracker.current_slot_values())
        return required_slots(self.form, slots)

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """Not used: :meth:`run` decides the next question (see `ask_events`)."""
        return None

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if interrupted(tracker):
            return []  # Rasa rejects the form, so the rule for this intent answers first
        events = await super().run(dispatcher, tracker, domain)
        return events + self.ask_events(dispatcher, tracker, domain)

    def ask_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The next question and how many times in a row it has now been asked."""
        slots: dict[str, Any] = dict(tracker.current_slot_values())
        previous = slots.get(REQUESTED_SLOT) if tracker.active_loop_name == self.form else None
        before = int(slots.get("asked_times") or 0) if slots.get("asked_slot") == previous else 0
        unknown = [str(s) for s in slots.get("unknown_slots") or ()]
        unanswered = int(slots.get("unanswered") or 0)
        events: list[EventType] = []
        while True:
            needed = required_slots(self.form, {**slots, "unknown_slots": unknown})
            slot = needed[0] if needed else None
            if slot is None:
                return [*events, SlotSet(REQUESTED_SLOT, None)]
            ask = next_ask(slot, previous, before, unanswered)
            if ask.step == "handoff":
                return [
                    *events, *hand_over(dispatcher, tracker), SlotSet("asked_times", 0),
                    SlotSet("unanswered", 0), SlotSet(REQUESTED_SLOT, None),
                    FollowupAction("action_listen"),
                ]  # fmt: skip
            if ask.step != "give_up":
                break
            # Asked three times without an answer: not known, and not asked again.
            unknown.append(slot)
            unanswered += 1
            events += [SlotSet("unknown_slots", list(unknown)), SlotSet("unanswered", unanswered)]
            previous, before = None, 0
        # After answering the customer's own question, ours comes again plainly (it still
        # counts: an answer always heard as a question must not loop).
        explain = ask.step == "explain" and not asked_a_question(tracker)
        if explain and explanation_response(slot) in domain.get("responses", {}):
            dispatcher.utter_message(response=explanation_response(slot))
        return [
            *events, SlotSet("asked_slot", slot), SlotSet("asked_times", ask.times),
            SlotSet(REQUESTED_SLOT, slot),
        ]  # fmt: skip


class ActionAskEndedAt(Action):
    """Asks when the incident ended in the words that fit the case (`claims.questions`)."""

    slot = "ended_at"

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        words = wording(self.slot, dict(tracker.current_slot_values()))
        fitting = f"utter_ask_{self.slot}_{words}" if words else ""
        known = fitting in domain.get("responses", {})
        dispatcher.utter_message(response=fitting if known else f"utter_ask_{self.slot}")
        return []


class ValidateIncidentForm(IntakeFormValidator):
    form = "incident_form"


class ValidateImpactForm(IntakeFormValidator):
    form = "impact_form"


class ValidateLiabilityForm(IntakeFormValidator):
    form = "liability_form"


class ValidateEvidenceForm(IntakeFormValidator):
    form = "evidence_form"


class ValidateContactForm(IntakeFormValidator):
    form = "contact_form"
