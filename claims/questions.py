"""Which questions the intake still asks, given what is known about the case so far.

Why one place: customers were asked questions that do not fit their case (a leak asked when
service was "restored", a broken button asked whether personal data leaked, an SLA customer
forced to name a money loss first). The forms' required slots come from :func:`still_needed`,
so the rule for every category lives here and nowhere else (not in stories, not per form).

It also holds the one rule of the dialogue that every question shares: a question is asked at
most :data:`MAX_ASKS` times in a row (:func:`next_ask`); after that it is recorded as unknown
and the intake moves on, or, when the case cannot be filed without it, a person takes over.

Facts are given by slot name (the slots are named like the Case fields); a slot the customer
said they do not know is in ``unknown`` and is never asked again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from claims.case import Category

#: The forms in the order the intake runs them.
FORMS: tuple[str, ...] = (
    "incident_form", "impact_form", "liability_form", "evidence_form", "contact_form",
)  # fmt: skip

#: Every question a form may ask, in ask order; :func:`still_needed` picks those that fit.
FORM_QUESTIONS: dict[str, tuple[str, ...]] = {
    "incident_form": (
        "description", "category", "affected_systems", "release_version", "started_at",
        "ended_at", "data_leaked", "leaked_data_kinds", "leaked_records", "detected_at",
    ),
    "impact_form": ("monthly_fee", "sla_terms", "remedy_wanted", "revenue_lost"),
    "liability_form": ("customer_config_changed", "third_party_involved"),
    "evidence_form": ("evidence_items",),
    "contact_form": ("customer_name", "customer_contact"),
}  # fmt: skip

#: Without these no case can be filed at all: a question about them that keeps failing goes
#: to a person instead of being skipped.
REQUIRED_TO_FILE: frozenset[str] = frozenset({"description", "category"})

#: The same question is asked at most this many times in a row.
MAX_ASKS = 3
#: This many questions in a row without an answer ("don't know", or three misses each): the
#: chat is not working for this customer, and a person takes over.
MAX_UNANSWERED = 4

_LEAK_CATEGORIES = frozenset({Category.SECURITY_BREACH.value, Category.DATA_LOSS.value})
#: Questions whose plain words do not fit a category: a leak is not "restored" but stopped,
#: a broken feature works again. The value names the wording (``utter_ask_<slot>_<value>``).
_WORDING: dict[tuple[str, str], str] = {
    ("ended_at", Category.SECURITY_BREACH.value): "leak",
    ("ended_at", Category.FUNCTIONAL_DEFECT.value): "defect",
}
_CATEGORY_ONLY: dict[str, frozenset[str]] = {
    "release_version": frozenset({Category.RELEASE_RECALL.value}),
    "remedy_wanted": frozenset({Category.RELEASE_RECALL.value}),
    "monthly_fee": frozenset({Category.SERVICE_INTERRUPTION.value}),
    "sla_terms": frozenset({Category.SERVICE_INTERRUPTION.value}),
}


def known(value: Any) -> bool:
    """Whether a fact holds an answer (``False`` and ``0`` do; empty text and lists do not)."""
    return value is not None and value != "" and value != []


def fits(slot: str, facts: Mapping[str, Any]) -> bool:
    """Whether the question about ``slot`` fits the case as known so far."""
    category = facts.get("category")
    if slot in _CATEGORY_ONLY:
        return category in _CATEGORY_ONLY[slot]
    if slot == "data_leaked":
        return category in _LEAK_CATEGORIES
    if slot == "revenue_lost":
        # "We paid a forensic firm $8,000" answers the loss question with another kind.
        return not (known(facts.get("other_losses")) or known(facts.get("recovery_cost")))
    if slot in ("leaked_data_kinds", "leaked_records", "detected_at"):
        # What data, how many records and when the customer learned of it: leaks only.
        return facts.get("data_leaked") is True
    return True


def wording(slot: str, facts: Mapping[str, Any]) -> str | None:
    """The words the question about ``slot`` is put in for this case, None for the plain
    ones: "when was the leak stopped", not "when was the service restored"."""
    return _WORDING.get((slot, str(facts.get("category"))))


def still_needed(
    form: str, facts: Mapping[str, Any], unknown: Collection[str] = ()
) -> list[str]:
    """The questions of ``form`` still to ask, in ask order."""
    return [
        slot
        for slot in FORM_QUESTIONS.get(form, ())
        if not known(facts.get(slot)) and slot not in unknown and fits(slot, facts)
    ]


Step = Literal["ask", "explain", "give_up", "handoff"]


@dataclass(frozen=True, slots=True)
class Ask:
    """How the next question is put: how many times in a row it has been asked by then."""

    step: Step
    times: int


def next_ask(slot: str, previous: str | None, times_before: int, unanswered: int = 0) -> Ask:
    """How to put ``slot`` when ``previous`` was asked ``times_before`` times in a row and
    the last ``unanswered`` questions got no answer.

    The first time plainly; the second time with an explanation, an example and a way out
    (buttons); after the third miss the question is not asked again: it becomes unknown, or
    a person takes over when the case cannot be filed without it, or when question after
    question goes unanswered.
    """
    times = times_before + 1 if slot == previous else 1
    if unanswered >= MAX_UNANSWERED:
        return Ask("handoff", times - 1)
    if times > MAX_ASKS:
        return Ask("handoff" if slot in REQUIRED_TO_FILE else "give_up", times - 1)
    return Ask("explain" if times == 2 else "ask", times)
