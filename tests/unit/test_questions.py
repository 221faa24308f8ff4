"""Questions fit the case: which questions each category is asked (claims.questions)."""

from __future__ import annotations

from typing import Any

import pytest

from claims.questions import (
    FORMS,
    MAX_ASKS,
    MAX_UNANSWERED,
    Ask,
    next_ask,
    still_needed,
    wording,
)


def asked(facts: dict[str, Any], unknown: tuple[str, ...] = ()) -> list[str]:
    return [slot for form in FORMS for slot in still_needed(form, facts, unknown)]


COMMON_TAIL = ["customer_config_changed", "third_party_involved", "evidence_items",
               "customer_name", "customer_contact"]  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "questions"),
    [
        ({"category": "outage"},
         ["description", "affected_systems", "started_at", "ended_at", "revenue_lost"]),
        # A leak: what data, how many records, when the customer was told, and when the leak
        # was stopped (asked in leak words, see test_questions_in_the_words_of_the_case).
        ({"category": "security_breach", "data_leaked": True},
         ["description", "affected_systems", "started_at", "ended_at", "leaked_data_kinds",
          "leaked_records", "detected_at", "revenue_lost"]),
        # A broken feature: what stopped working, since when, whether it works again; no leak.
        ({"category": "functional_defect"},
         ["description", "affected_systems", "started_at", "ended_at", "revenue_lost"]),
        # SLA: fee, terms, downtime; the money loss comes last and may be unknown.
        ({"category": "service_interruption"},
         ["description", "affected_systems", "started_at", "ended_at", "monthly_fee",
          "sla_terms", "revenue_lost"]),
        ({"category": "release_recall"},
         ["description", "affected_systems", "release_version", "started_at", "ended_at",
          "remedy_wanted", "revenue_lost"]),
        ({"category": "data_loss"},
         ["description", "affected_systems", "started_at", "ended_at", "data_leaked",
          "revenue_lost"]),
    ],
)  # fmt: skip
def test_questions_fit_the_category(facts: dict[str, Any], questions: list[str]) -> None:
    assert asked(facts) == questions + COMMON_TAIL


def test_what_is_known_or_unknown_is_not_asked() -> None:
    facts = {"category": "service_interruption", "monthly_fee": {"amount": "100",
             "currency": "USD"}, "description": "x", "affected_systems": ["crm"]}  # fmt: skip
    unknown = ("sla_terms", "revenue_lost", "started_at")
    assert asked(facts, unknown) == ["ended_at", *COMMON_TAIL]


def test_three_asks_then_unknown_or_a_person() -> None:
    assert next_ask("started_at", None, 0) == Ask("ask", 1)
    assert next_ask("started_at", "started_at", 1) == Ask("explain", 2)
    assert next_ask("started_at", "started_at", 2) == Ask("ask", 3)
    assert next_ask("started_at", "started_at", MAX_ASKS) == Ask("give_up", MAX_ASKS)
    assert next_ask("description", "description", MAX_ASKS) == Ask("handoff", MAX_ASKS)
    assert next_ask("ended_at", "started_at", 3) == Ask("ask", 1)


def test_question_after_question_unanswered_goes_to_a_person() -> None:
    assert next_ask("ended_at", "started_at", 1, MAX_UNANSWERED - 1).step == "ask"
    assert next_ask("ended_at", "started_at", 1, MAX_UNANSWERED).step == "handoff"


@pytest.mark.parametrize(
    ("category", "words"),
    [("security_breach", "leak"), ("functional_defect", "defect"), ("outage", None),
     ("data_loss", None), ("service_interruption", None), (None, None)],
)  # fmt: skip
def test_questions_in_the_words_of_the_case(category: str | None, words: str | None) -> None:
    """A leak is asked when it was stopped, a broken feature whether it works again."""
    assert wording("ended_at", {"category": category}) == words
    assert wording("started_at", {"category": category}) is None
