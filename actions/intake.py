"""The intake's own actions: start, summary, submit, correction, cancel, rating.

Thin glue: the facts come from `understanding`, the judgement from `claims.assessment`,
storage from `actions.store`; every sentence is a domain response.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import bounds, store
from actions.common import language_of, mentioned_reference, message_time, policy
from actions.faq import answer_faq, latest_text
from claims.assessment import assess_case
from claims.errors import ClaimsValidationError
from claims.names import Names
from claims.status import CaseStatus
from understanding.account_requests import account_request_meant
from understanding.case_slots import case_from_slots
from understanding.clauses import has
from understanding.lexicons import CONFIRMATION
from understanding.slots import INTAKE_SLOTS
from understanding.summary import assumed_text, summary_lines
from understanding.topics import CLEAR_SCORE, out_of_scope, topic_of

logger = logging.getLogger(__name__)

# The conversation state of one case and its value before any case; with the intake slots
# (but not the customer's own details) it is cleared when a case is submitted or withdrawn.
CASE_STATE = {
    "intake_active": False, "awaiting_confirmation": False, "case_submitted": False,
    "leak_advice_given": False, "misunderstandings": 0, "correction_note": None,
    "case_reference": None, "cancel_pending": False, "unknown_slots": None,
    "asked_slot": None, "asked_times": 0, "unanswered": 0,
}  # fmt: skip
CUSTOMER_SLOTS = (
    "customer_name", "customer_company", "customer_email", "customer_phone", "customer_contact",
)  # fmt: skip


def reset_case_slots() -> list[EventType]:
    facts = [SlotSet(name, None) for name in INTAKE_SLOTS if name not in CUSTOMER_SLOTS]
    return facts + [SlotSet(name, value) for name, value in CASE_STATE.items()]


def set_this_turn(tracker: Tracker, slot: str) -> bool:
    """Whether `slot` was set after the latest user message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == slot:
            return True
    return False


class ActionStartIntake(Action):
    def name(self) -> str:
        return "action_start_intake"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = []
        if tracker.get_slot("case_submitted"):
            # A new incident after a submitted claim starts a new case; keep this message's
            # facts (they were extracted into the slots just now).
            keep = {s: tracker.get_slot(s) for s in INTAKE_SLOTS if set_this_turn(tracker, s)}
            events += reset_case_slots() + [SlotSet(k, v) for k, v in keep.items()]
        if not tracker.get_slot("intake_active"):
            dispatcher.utter_message(response="utter_start_intake")
        return events + [SlotSet("intake_active", True)]


def start_misheard_report(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType] | None:
    """Start the intake for a report the classifier took for something else.

    `understanding.extraction` already read it as a report (its description is set this turn); the
    dialogue still followed the misheard intent, so the form is started from here.
    """
    if not set_this_turn(tracker, "description") or tracker.active_loop_name:
        return None
    events = ActionStartIntake().run(dispatcher, tracker, domain)
    return [*events, FollowupAction("incident_form")]


def report_not_request(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType] | None:
    """None when the account intent of this message is meant; else the events that treat
    it as what it is, a report: the active form goes on (the facts of the message were
    extracted already), or a new report starts the intake.

    `understanding.account_requests` decides, with the case context, the same way the
    extraction did.
    """
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    slots = dict(tracker.current_slot_values())
    if account_request_meant(intent, latest_text(tracker), slots, policy()):
        return None
    if tracker.active_loop_name:
        return [FollowupAction(tracker.active_loop_name)]
    started = start_misheard_report(dispatcher, tracker, domain)
    if started is not None:
        return started
    return None


class ActionHandleUnclear(Action):
    """Low NLU confidence, or an answer when no question was asked: a message that plainly
    reports an incident still starts the intake (its facts were extracted already), one
    that names a case reference is a question about that case (the status lookup), one
    that clearly asks an FAQ gets its answer, one clearly outside what we do is told so,
    anything else gets the fallback text."""

    def name(self) -> str:
        return "action_handle_unclear"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        started = start_misheard_report(dispatcher, tracker, domain)
        if started is not None:
            return started
        if mentioned_reference(tracker) and not tracker.active_loop_name:
            return [FollowupAction("action_case_status")]
        text = latest_text(tracker)
        topic = topic_of("faq", text, min_score=CLEAR_SCORE)
        if topic is not None:
            return answer_faq(dispatcher, tracker, topic)
        outside = out_of_scope(text, min_score=CLEAR_SCORE)
        dispatcher.utter_message(response="utter_out_of_scope" if outside else "utter_default")
        return []


class ActionSummarizeClaim(Action):
    def name(self) -> str:
        return "action_summarize_claim"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker)
        slots = {**tracker.current_slot_values(), "language": language}
        invalid = bounds.first_invalid_fact(slots, policy(), message_time(tracker))
        if invalid is not None:
            # Not a claim to confirm yet; the rules send the corrected fact back here.
            rejected = bounds.reject_fact(dispatcher, *invalid, language)
            if rejected is not None:
                return [*rejected, SlotSet("awaiting_confirmation", True)]
        lines = summary_lines(tracker.current_slot_values(), policy(), language)
        dispatcher.utter_message(response="utter_claim_summary", summary="\n".join(lines))
        dispatcher.utter_message(response="utter_ask_confirm_submit")
        return [SlotSet("awaiting_confirmation", True)]


class ActionSubmitClaim(Action):
    def name(self) -> str:
        return "action_submit_claim"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("awaiting_confirmation"):
            dispatcher.utter_message(response="utter_no_intake_to_confirm")
            return []
        submitted = tracker.get_slot("case_reference")
        if submitted and store.case_status(submitted) not in (None, CaseStatus.DRAFT):
            # The same "yes" delivered twice must not file the claim twice.
            dispatcher.utter_message(response="utter_claim_already_submitted", reference=submitted)
            return [SlotSet("awaiting_confirmation", False), SlotSet("intake_active", False)]
        language = language_of(tracker)
        now = message_time(tracker)
        rules = policy()
        slots = {**tracker.current_slot_values(), "language": language}
        transcript = " ".join(
            str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"
        )
        case = None
        try:
            case = case_from_slots(slots, rules, now=now)
            assessment = assess_case(rules, case, now=now, text=transcript)
        except Exception as error:  # noqa: BLE001 - a 500 would drop the message
            # Still awaiting confirmation: the corrected fact goes back to the summary.
            rejected = None
            if isinstance(error, ClaimsValidationError):
                logger.info("case of %s out of bounds: %s", tracker.sender_id, error)
                rejected = bounds.reject_fact(dispatcher, case, error, language)
            else:
                logger.exception("could not assess the case of %s", tracker.sender_id)
            if rejected is None:
                dispatcher.utter_message(response="utter_submit_failed")
            return rejected or []
        try:
            reference = store.submit_case(
                tracker.sender_id, case,
                estimate=assessment.to_dict(),
                policy_version=assessment.estimate.policy_version,
                expected=assessment.estimate.expected,
                escalation_reasons=list(assessment.escalation.rules),
            )
        except Exception:  # noqa: BLE001 - the customer must hear something true
            # Re-raising would make the action server answer 500 and Rasa would drop this
            # message; the draft is still saved, so say so and let them retry.
            logger.exception("could not submit the case of %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_submit_failed")
            return []
        texts = assessment.texts(rules, language)
        # The readable reason the intake recorded, not the classifier's internal codes.
        reason = tracker.get_slot("category_reason")
        dispatcher.utter_message(
            response="utter_claim_submitted",
            reference=reference,
            category=Names(rules).category(case.category, language),
            reason=reason or "-",
            stage=Names(rules).stage(case.stage, language),
        )
        dispatcher.utter_message(response="utter_claim_estimate", estimate=texts["estimate"])
        assumed = assumed_text(slots, language)
        if assumed:
            dispatcher.utter_message(response="utter_claim_assumed", assumed=assumed)
        dispatcher.utter_message(response="utter_claim_durations", durations=texts["durations"])
        dispatcher.utter_message(response="utter_claim_evidence", evidence=texts["evidence"])
        if assessment.escalation.escalate:
            dispatcher.utter_message(response="utter_case_escalated")
        dispatcher.utter_message(
            json_message={
                "type": "case",
                "reference": reference,
                "category": case.category.value if case.category else None,
                "stage": case.stage.value,
                "estimate": assessment.to_dict(),
            }
        )
        return [
            SlotSet("case_reference", reference),
            SlotSet("category", case.category.value if case.category else None),
            SlotSet("case_submitted", True),
            SlotSet("awaiting_confirmation", False),
            SlotSet("intake_active", False),
        ]


class ActionApplyCorrection(Action):
    """The correction itself was applied by the global extraction; this says what next."""

    def name(self) -> str:
        return "action_apply_correction"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not set_this_turn(tracker, "correction_note"):
            if tracker.get_slot("awaiting_confirmation") and has(
                CONFIRMATION, latest_text(tracker)
            ):
                # "yes, that's correct" to the summary confirms it (a rule asks the rating)
                return ActionSubmitClaim().run(dispatcher, tracker, domain)
            requested = tracker.get_slot("requested_slot")
            if requested and set_this_turn(tracker, requested):
                return []  # an answer that only sounded like a correction was taken
            started = start_misheard_report(dispatcher, tracker, domain)
            if started is not None:
                return started  # a first message that only sounded like a correction
            dispatcher.utter_message(response="utter_correction_not_understood")
            return []
        if tracker.get_slot("awaiting_confirmation"):
            return ActionSummarizeClaim().run(dispatcher, tracker, domain)
        return []


class ActionAskCancel(Action):
    def name(self) -> str:
        return "action_ask_cancel"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        report = report_not_request(dispatcher, tracker, domain)
        if report is not None:
            return report
        if not (tracker.get_slot("intake_active") or tracker.get_slot("awaiting_confirmation")):
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        dispatcher.utter_message(response="utter_ask_cancel_confirm")
        # "yes" now answers the cancel question, not the pending summary.
        return [SlotSet("cancel_pending", True), SlotSet("awaiting_confirmation", False)]


class ActionCancelIntake(Action):
    def name(self) -> str:
        return "action_cancel_intake"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        store.withdraw_draft(tracker.sender_id)
        dispatcher.utter_message(response="utter_intake_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_case_slots()]


class ActionKeepIntake(Action):
    def name(self) -> str:
        return "action_keep_intake"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_continue_intake")
        events: list[EventType] = [SlotSet("cancel_pending", False)]
        if tracker.get_slot("intake_active") and not tracker.active_loop_name:
            # Cancel was asked at the confirmation step: show the claim to confirm again.
            events += ActionSummarizeClaim().run(dispatcher, tracker, domain)
        return events


RATING = re.compile(r"(?<!\d)([1-5])(?!\d)")
RATING_WORDS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
# "三分" / "四颗星": the number word next to its unit beats a 一 inside 一般 or 一下.
RATING_WORD_UNIT = re.compile(r"([一二两三四五])\s*(?:分|颗?星)")


def rating_from(tracker: Tracker) -> int | None:
    entity = next(tracker.get_latest_entity_values("rating"), None)
    text = str(entity or (tracker.latest_message or {}).get("text") or "")
    match = RATING.search(text)
    if match:
        return int(match.group(1))
    unit = RATING_WORD_UNIT.search(text)
    if unit:
        return RATING_WORDS[unit.group(1)]
    for word, value in RATING_WORDS.items():
        if word in text:
            return value
    return None


class ActionStoreRating(Action):
    def name(self) -> str:
        return "action_store_rating"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        rating = rating_from(tracker)
        reference = tracker.get_slot("case_reference")
        if rating is None:
            dispatcher.utter_message(response="utter_ask_rating")
            return []
        if reference:
            comment: Any = (tracker.latest_message or {}).get("text") or ""
            store.record_rating(tracker.sender_id, reference, rating, str(comment)[:500])
        dispatcher.utter_message(response="utter_thanks_for_rating")
        return [SlotSet("csat_rating", rating)]
