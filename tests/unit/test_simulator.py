"""The dialogue simulator's own logic: picking answers and comparing case fields (no stack)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("simulate", ROOT / "scripts" / "simulate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["simulate"] = module
    spec.loader.exec_module(module)
    return module


sim = _load()
NOW = datetime(2026, 11, 22, 8, 30, tzinfo=sim.TZ)


def conversation(**overrides: Any) -> Any:
    raw: dict[str, Any] = {
        "id": "c1",
        "language": "en",
        "turns": ["our website crashed"],
        "facts": {"description": "our website crashed", "started": "yesterday 9am",
                  "contact": "Ann Lee, ann@example.com", "liability": "no"},
        "expect": {"category": "outage"},
    }
    raw.update(overrides)
    return sim.parse_conversation(raw)


# ------------------------------------------------------------------ answer picking


def test_scripted_opening_comes_first() -> None:
    progress = sim.Progress()
    answer = sim.pick_answer(conversation(), sim.BotState(), progress)
    assert (answer.text, answer.source) == ("our website crashed", "script")
    assert progress.next_turn == 1


def test_answers_what_the_bot_asks_not_a_fixed_order() -> None:
    conv = conversation()
    progress = sim.Progress(next_turn=1)
    asked = sim.BotState(requested_slot="started_at", active_loop="incident_form")
    assert sim.pick_answer(conv, asked, progress).text == "yesterday 9am"
    asked = sim.BotState(requested_slot="customer_config_changed", active_loop="liability_form")
    assert sim.pick_answer(conv, asked, progress).source == "fact:liability"
    assert progress.asked == ["started_at", "customer_config_changed"]


def test_name_question_gets_the_contact_line_when_no_separate_name() -> None:
    state = sim.BotState(requested_slot="customer_name", active_loop="contact_form")
    answer = sim.pick_answer(conversation(), state, sim.Progress(next_turn=1))
    assert answer.text == "Ann Lee, ann@example.com"


def test_conditional_turn_waits_for_its_question() -> None:
    conv = conversation(turns=[{"when": "confirm", "say": "actually it started at 8, not 9"}])
    progress = sim.Progress()
    asking_start = sim.BotState(requested_slot="started_at", active_loop="incident_form")
    assert sim.pick_answer(conv, asking_start, progress).text == "yesterday 9am"
    assert progress.next_turn == 0
    summary = sim.BotState(awaiting_confirmation=True, case_reference="CLM-2026-000001")
    first = sim.pick_answer(conv, summary, progress)
    assert first.text == "actually it started at 8, not 9"
    assert sim.pick_answer(conv, summary, progress).text == "yes"  # then confirms


def test_confirm_default_is_in_the_conversation_language() -> None:
    conv = conversation(language="zh", turns=[])
    state = sim.BotState(awaiting_confirmation=True, case_reference="CLM-2026-000001")
    assert sim.pick_answer(conv, state, sim.Progress()).text == "确认"


def test_category_question_clicks_the_expected_button() -> None:
    conv = conversation(turns=[], expect={"category": "data_loss"})
    state = sim.BotState(requested_slot="category", active_loop="incident_form")
    answer = sim.pick_answer(conv, state, sim.Progress())
    assert answer.payload == '/report_incident{"category": "data_loss"}'


def test_no_fact_for_the_question_means_nothing_to_say() -> None:
    state = sim.BotState(requested_slot="evidence_items", active_loop="evidence_form")
    assert sim.pick_answer(conversation(), state, sim.Progress(next_turn=1)) is None


def test_idle_bot_gets_the_description_then_an_explicit_request_then_gives_up() -> None:
    conv = conversation(turns=[])
    progress = sim.Progress()
    idle = sim.BotState()
    assert sim.pick_answer(conv, idle, progress).text == "our website crashed"
    assert sim.pick_answer(conv, idle, progress).source == "default:report"
    assert sim.pick_answer(conv, idle, progress) is None


def test_pending_cancel_question_is_answered_with_keep_going() -> None:
    state = sim.BotState(requested_slot="revenue_lost", cancel_pending=True)
    assert state.asking == "cancel_pending"
    assert sim.pick_answer(conversation(turns=[]), state, sim.Progress()).text.startswith("no")


def test_state_from_tracker_reads_slots_and_loop() -> None:
    tracker = {"slots": {"requested_slot": "ended_at", "case_reference": "CLM-2026-000004",
                         "awaiting_confirmation": False},
               "active_loop": {"name": "incident_form"}}
    state = sim.state_from_tracker(tracker)
    assert (state.asking, state.active_loop, state.case_reference) == (
        "ended_at", "incident_form", "CLM-2026-000004")


def test_bad_language_is_refused() -> None:
    with pytest.raises(ValueError):
        conversation(language="fr")


def test_conversation_file_is_valid_and_covers_the_brief() -> None:
    conversations = sim.load_conversations()
    assert len(conversations) >= 60
    assert {c.language for c in conversations} == {"zh", "en"}
    assert set(sim.CATEGORIES) <= {c.category for c in conversations}
    assert {"long", "short", "correction", "faq", "human"} <= {c.style for c in conversations}
    for c in conversations:
        for turn in c.turns:
            assert turn.when is None or turn.when in sim.SLOT_FACTS, (c.id, turn.when)


# ------------------------------------------------------------------ field comparison


def results(expected: dict[str, Any], observed: dict[str, Any]) -> dict[str, bool]:
    return {r.field: r.ok for r in sim.compare_fields(expected, observed, NOW)}


def test_relative_and_absolute_times() -> None:
    assert sim.resolve_time("d-1 09:00", NOW) == datetime(2026, 11, 21, 9, 0, tzinfo=sim.TZ)
    assert sim.resolve_time("2026-11-18 14:00", NOW) == datetime(
        2026, 11, 18, 14, 0, tzinfo=sim.TZ)


def test_times_compare_across_time_zones() -> None:
    observed = {"started_at": "2026-11-21T01:00:00+00:00", "restored_at": "ongoing"}
    assert results({"started_at": "d-1 09:00", "restored_at": "ongoing"}, observed) == {
        "started_at": True, "restored_at": True}
    assert results({"started_at": "d-1 08:00", "restored_at": "d-1 13:00"}, observed) == {
        "started_at": False, "restored_at": False}


def test_money_compares_as_decimal() -> None:
    observed = {"revenue_lost": "12000.00", "recovery_cost": None, "currency": "USD"}
    assert results({"revenue_lost": 12000, "recovery_cost": None, "currency": "USD"},
                   observed) == {"revenue_lost": True, "recovery_cost": True, "currency": True}
    assert results({"revenue_lost": "9000", "currency": "CNY"}, observed) == {
        "revenue_lost": False, "currency": False}


def test_booleans_are_strict_and_missing_is_a_failure() -> None:
    assert results({"escalated": True, "estimate": True}, {"escalated": True}) == {
        "escalated": True, "estimate": False}
    assert results({"escalated": False}, {"escalated": None}) == {"escalated": False}


def test_lists_are_subsets() -> None:
    observed = {"leaked_kinds": ["name", "phone_number"], "affected_systems": ["payment", "api"]}
    assert results({"leaked_kinds": ["phone_number"], "affected_systems": "payment"},
                   observed) == {"leaked_kinds": True, "affected_systems": True}
    assert results({"leaked_kinds": ["id_number"]}, observed) == {"leaked_kinds": False}


def test_outcome_is_not_a_field_and_strings_compare_as_text() -> None:
    got = results({"outcome": "handoff", "customer_phone": "13800138000", "category": "outage"},
                  {"customer_phone": "13800138000", "category": "data_loss"})
    assert got == {"customer_phone": True, "category": False}


def test_totals_count_fields_and_turns_of_completed_intakes() -> None:
    def result(cid: str, lang: str, outcome: str, turns: int, oks: list[bool]) -> Any:
        r = sim.ConversationResult(cid, lang, "outage", "long", "submitted")
        r.outcome, r.completed, r.turns = outcome, outcome == "submitted", turns
        r.fields = [sim.FieldResult(f"f{i}", 1, 1, ok) for i, ok in enumerate(oks)]
        return r

    rs = [result("a", "en", "submitted", 5, [True, True]),
          result("b", "en", "submitted", 9, [True, False]),
          result("c", "zh", "turn_cap", 12, [False])]
    total = sim.totals(rs)
    assert (total["completed"], total["completion_rate"]) == (2, 0.667)
    assert (total["fields_ok"], total["fields_checked"], total["field_accuracy"]) == (3, 5, 0.6)
    assert (total["mean_turns"], total["median_turns"]) == (7, 7)
    assert sim.summarise(rs)["by_language"]["zh"]["completed"] == 0
    assert "| c | zh | outage | **turn_cap** (want submitted) | 12 | 0/1 |" in sim.markdown(rs)
