"""One customer message (plus what is known) -> slot updates: the intake extraction engine.

The Rasa action server calls :func:`extract_updates` after every user message and from the
form validators. Customers rarely answer one question at a time: a first message often
holds the system, the times, the losses and the head count at once, so every message is
searched for every fact, and the slot the bot just asked for only breaks ties. Money, time
and count reading is delegated to ``understanding.amounts`` and ``understanding.timeparse``;
the ``*_facts`` modules only decide which slot a value belongs to.

Nothing here raises on odd input: a message we cannot read yields no updates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from claims.categories import classify
from claims.policy import Policy
from understanding.account_requests import account_request_meant
from understanding.amount_facts import read_counts, read_money
from understanding.clauses import has, is_junk
from understanding.contact_facts import read_contact, read_name
from understanding.corrections import apply_correction
from understanding.incident_facts import (
    read_booleans,
    read_category,
    read_evidence,
    read_leak,
    read_systems,
)
from understanding.lexicons import CORRECTION_START, CORRECTION_WORDS, QUESTION
from understanding.slots import filled
from understanding.time_facts import read_times
from understanding.turn import MAX_DESCRIPTION, Extraction, IncomingMessage, Turn, entity_values

log = logging.getLogger(__name__)

_SKIP_INTENTS = frozenset({
    "out_of_scope", "greet", "say_goodbye", "say_thanks", "challenge_bot", "ask_status",
    "request_human", "change_language", "nlu_fallback",
})  # fmt: skip
#: Intents a first report is sometimes heard as (never an account request or a greeting).
_TALK_INTENTS = frozenset({"faq", "chitchat", "out_of_scope"})
#: Intents whose text can be the incident description when none is known yet.
_DESCRIPTION_INTENTS = frozenset(
    {"report_incident", "describe_impact", "give_time", "give_amount", "describe_evidence"}
)


def _is_skip_intent(intent: str | None) -> bool:
    if not intent:
        return False
    return intent.startswith(("faq", "chitchat")) or intent in _SKIP_INTENTS


def extract_updates(
    message: IncomingMessage, slots: Mapping[str, Any], policy: Policy
) -> Extraction:
    """Slot updates for one message; never raises (odd input gives no updates)."""
    try:
        return _extract(message, slots or {}, policy)
    except Exception:  # noqa: BLE001 - a crash here would drop the customer's message
        log.exception("intake extraction failed; returning no updates")
        return Extraction({}, (), None)


def _extract(message: IncomingMessage, slots: Mapping[str, Any], policy: Policy) -> Extraction:
    w = Turn(message, slots, policy)
    unheard_report = w.intent == "nlu_fallback" and not w.requested
    # A "correction" before anything was said has nothing to correct: it is the report.
    nothing_to_correct = w.intent == "correct_answer" and not filled(w.slots.get("description"))
    # "There was a security breach." heard as an FAQ or small talk is still the report.
    heard_as_talk = not w.requested and str(w.intent or "").split("/")[0] in _TALK_INTENTS
    if (unheard_report or nothing_to_correct or heard_as_talk) and _plainly_an_incident(w):
        w.intent = "report_incident"
        unheard_report = True
    if not account_request_meant(w.intent, w.text, w.slots, w.policy):
        # "the export button fails": a report (or an answer), not the customer's request
        w.intent = None if filled(w.slots.get("description")) else "report_incident"
    if _is_skip_intent(w.intent) and not unheard_report:
        _answer_requested_only(w)
        return w.result()
    if w.is_payload:
        # Button payloads ("/report_incident{"category": "outage"}") carry only entities.
        read_category(w, describing=False)
        read_systems(w)
        return w.result()
    yes_no = w.intent in ("affirm", "deny")
    if (not w.text and not message.entities and not yes_no) or is_junk(w.text):
        return w.result()
    if _is_correction(w):
        note = apply_correction(w)
        if w.updates or w.problems or _says_correction(w.text) or not w.requested:
            return w.result(note)
        # "孙立军", "企业版云主机" heard as a correction: nothing to correct, so an answer
        w.intent = None
    _run_all(w, describing=_description(w))
    return w.result()


def _says_correction(text: str) -> bool:
    return has(CORRECTION_START, text) or has(CORRECTION_WORDS, text[:80])


def _is_correction(w: Turn) -> bool:
    """A message that corrects what was said before. The classifier hears many plain
    answers as corrections ("No, I didn't change anything", "working again by 12:30, but
    I'm not sure"): while a question is waiting for its first answer, only the customer's
    own words ("sorry, I had that wrong", "我记错了") make the message a correction."""
    if _says_correction(w.text):
        return w.intent != "report_incident" or filled(w.slots.get("description"))
    if w.intent != "correct_answer":
        return False
    return not (w.requested and not filled(w.slots.get(w.requested)))


def _run_all(w: Turn, *, describing: bool) -> None:
    read_systems(w)
    read_category(w, describing=describing)
    read_times(w)
    read_money(w)
    read_counts(w)
    read_leak(w)
    read_booleans(w)
    read_evidence(w)
    read_contact(w)
    read_name(w)
    for company in entity_values(w.message, "company")[:1]:
        w.updates["customer_company"] = company


def _plainly_an_incident(w: Turn) -> bool:
    """A statement that names an incident is a report even when the classifier missed it."""
    if filled(w.slots.get("description")) or not w.text or has(QUESTION, w.text):
        return False
    return classify(w.policy, text=w.text).category is not None


def _answer_requested_only(w: Turn) -> None:
    """A question or small talk while a question of ours is pending.

    The classifier often hears an answer such as "no, nothing changed on our side" or
    "still down" as an FAQ. A statement (not a question) is therefore read as an answer,
    with every rule but the catch-alls; a real question is left to the FAQ.
    """
    if not w.requested or not w.text or has(QUESTION, w.text):
        return
    w.strict = True
    _run_all(w, describing=_description(w))
    # Not an attempt at an answer: say nothing about unreadable times or amounts.
    w.problems = [p for p in w.problems if not p.startswith("invalid_")]


def _description(w: Turn) -> bool:
    """Use the text as the description when the customer is telling what happened."""
    if not re.search(r"\w", w.text):
        return False
    known = filled(w.slots.get("description"))
    wants = w.requested == "description" or (
        not known
        and (w.intent == "report_incident" or w.requested is None)
        and (w.intent is None or w.intent in _DESCRIPTION_INTENTS)
    )
    if not wants:
        return False
    w.updates["description"] = w.original[:MAX_DESCRIPTION]
    return True
