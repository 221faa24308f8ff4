"""The pure parts of the persona player: answer choice, time conversion, scoring.

No stack: these pin down what the player says and how a case is judged, so a change in the
numbers it reports comes from the product, not from the player.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from scripts.personas import (
    PHRASES,
    TZ,
    BotState,
    Persona,
    Progress,
    field_ok,
    longest_run,
    next_answer,
    observe_packet,
    parse_persona,
    resolve_time,
    score,
    slot_answer,
    stubborn_answer,
    time_ok,
)

CHAT_DAY = datetime(2026, 12, 4, 10, 0, tzinfo=TZ)


def persona(**overrides: object) -> Persona:
    raw: dict[str, object] = {
        "id": "en_x", "language": "en", "category": "outage", "opening": "site down",
        "facts": {"description": "Everything 502.", "system": "The shop.",
                  "started": "Yesterday 9:30.", "contact_detail": "a@example.com"},
        "unknown": ["loss"], "dont_know": "No idea yet.",
        "expect": {"category": "outage"},
    }  # fmt: skip
    raw.update(overrides)
    return parse_persona(raw)


def asking(slot: str) -> BotState:
    return BotState(requested_slot=slot, active_loop="incident_form")


# --------------------------------------------------------------------------- slot -> fact


@pytest.mark.parametrize(
    ("slot", "source", "text"),
    [
        ("affected_systems", "fact:system", "The shop."),
        ("started_at", "fact:started", "Yesterday 9:30."),
        ("customer_contact", "fact:contact_detail", "a@example.com"),
        ("revenue_lost", "dont_know", "No idea yet."),
        ("evidence_items", "unknown", "I don't know."),
        ("some_new_slot", "unknown", "I don't know."),
    ],
)
def test_slot_answer_maps_slots_to_facts(slot: str, source: str, text: str) -> None:
    answer = slot_answer(persona(), slot)
    assert (answer.source, answer.text) == (source, text)


def test_since_answers_started_when_started_is_missing() -> None:
    p = persona(facts={"since": "Since Monday."})
    assert slot_answer(p, "started_at").text == "Since Monday."


def test_chinese_neutral_dont_know() -> None:
    p = persona(language="zh", unknown=[], dont_know="")
    assert slot_answer(p, "revenue_lost").text == "不清楚。"


def test_confirm_in_natural_words() -> None:
    state = BotState(awaiting_confirmation=True)
    answer = next_answer(persona(), state, Progress())
    assert answer is not None and answer.text == PHRASES["en"]["confirm"]
    assert answer.payload is None


def test_category_question_clicks_the_persona_button() -> None:
    buttons = [{"title": "Data lost", "payload": '/report_incident{"category": "data_loss"}'},
               {"title": "Outage", "payload": '/report_incident{"category": "outage"}'}]
    answer = next_answer(persona(), asking("category"), Progress(), buttons)
    assert answer is not None and answer.payload == buttons[1]["payload"]


def test_category_without_buttons_describes_the_incident() -> None:
    answer = next_answer(persona(), asking("category"), Progress())
    assert answer is not None and answer.text == "Everything 502." and answer.payload is None


def test_correction_follows_the_corrected_fact_once() -> None:
    p = persona(correction={"after": "started", "say": "Sorry, 8:30."})
    progress = Progress()
    first = next_answer(p, asking("started_at"), progress)
    assert first is not None and first.source == "fact:started"
    second = next_answer(p, asking("ended_at"), progress)
    assert second is not None and second.text == "Sorry, 8:30."
    third = next_answer(p, asking("ended_at"), progress)
    assert third is not None and third.source != "correction"


def test_mid_question_once_after_three_answers() -> None:
    p = persona(mid_question="Is there a status page?")
    progress = Progress()
    said = [next_answer(p, asking(s), progress) for s in
            ("affected_systems", "started_at", "ended_at", "revenue_lost", "evidence_items")]
    sources = [a.source for a in said if a is not None]
    assert sources.count("mid_question") == 1
    assert sources.index("mid_question") == 3


def test_idle_bot_gets_description_then_a_request_then_nothing() -> None:
    progress = Progress()
    texts = [next_answer(persona(), BotState(), progress) for _ in range(3)]
    assert texts[0] is not None and texts[0].text == "Everything 502."
    assert texts[1] is not None and texts[1].source == "report"
    assert texts[2] is None


# --------------------------------------------------------------------------- stubborn


def test_stubborn_alternates_dont_know_and_off_topic() -> None:
    answers = [stubborn_answer("en", i) for i in range(6)]
    assert [a.source for a in answers] == ["dont_know", "off_topic"] * 3
    assert answers[0].text != answers[2].text
    assert stubborn_answer("zh", 0).text == "不知道。"


def test_longest_run() -> None:
    assert longest_run(["a", "b", "b", "b", None, "b"]) == (3, "b")
    assert longest_run([]) == (0, None)
    assert longest_run([None, None]) == (0, None)


# --------------------------------------------------------------------------- time + scoring


def test_resolve_time_counts_days_back_in_shanghai() -> None:
    late_utc = datetime(2026, 12, 3, 17, 30, tzinfo=TZ).astimezone(TZ)
    assert resolve_time("d-1 09:30", CHAT_DAY) == datetime(2026, 12, 3, 9, 30, tzinfo=TZ)
    assert resolve_time("d-0 07:00", late_utc) == datetime(2026, 12, 3, 7, 0, tzinfo=TZ)


def test_chat_day_is_the_shanghai_date_not_utc() -> None:
    from datetime import UTC

    utc_evening = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # 04:00 on 4 Dec in Shanghai
    assert resolve_time("d-1 09:00", utc_evening).day == 3


def test_time_ok_is_strict_to_the_minute() -> None:
    assert time_ok("d-1 09:30", "2026-12-03T09:30:00+08:00", CHAT_DAY)
    assert time_ok("d-1 09:30", "2026-12-03T01:30:00+00:00", CHAT_DAY)
    assert time_ok("d-1 09:30", "2026-12-03T09:31:00+08:00", CHAT_DAY)
    assert not time_ok("d-1 09:30", "2026-12-03T09:45:00+08:00", CHAT_DAY)
    assert not time_ok("d-1 09:30", None, CHAT_DAY)
    assert time_ok("ongoing", "ongoing", CHAT_DAY) and time_ok("ongoing", None, CHAT_DAY)
    assert not time_ok("ongoing", "2026-12-04T08:00:00+08:00", CHAT_DAY)
    assert time_ok(None, None, CHAT_DAY) and not time_ok(None, "ongoing", CHAT_DAY)


@pytest.mark.parametrize(
    ("name", "want", "got", "ok"),
    [
        ("revenue_lost", {"min": 1100, "max": 1300}, "1200", True),
        ("revenue_lost", {"min": 1100, "max": 1300}, "1300.00", True),
        ("revenue_lost", {"min": 1100, "max": 1300}, "1500", False),
        ("revenue_lost", 3500, "3500.00", True),
        ("revenue_lost", 3500, None, False),
        ("currency", "USD", "USD", True),
        ("currency", "USD", "CNY", False),
        ("customer_email", "a@example.com", "A@Example.com", True),
        ("customer_phone", "+15552014477", "+1 555 201 4477", True),
        ("customer_phone", "13800138000", "+8613800138000", True),
        ("customer_phone", "13800138000", "13800138001", False),
        ("leaked_kinds", ["name", "phone"], ["name", "phone_number"], True),
        ("leaked_kinds", ["name", "phone"], ["name"], False),
        ("data_leaked", True, True, True),
        ("data_leaked", True, False, False),
        ("category", "outage", "data_loss", False),
    ],
)
def test_field_ok(name: str, want: object, got: object, ok: bool) -> None:
    assert field_ok(name, want, got, CHAT_DAY) is ok


def test_score_against_a_packet() -> None:
    packet = {
        "category": "outage",
        "timeline": [
            {"kind": "started", "at": "2026-12-03T09:30:00+08:00", "note": ""},
            {"kind": "restored", "at": "2026-12-03T13:00:00+08:00", "note": ""},
        ],
        "losses": [{"kind": "direct", "amount": {"amount": "1200", "currency": "USD"}}],
        "data_leak": None,
        "customer": {"email": "dana@example.com", "phone": None},
        "facts": {"currency": "USD"},
    }
    expect = {"category": "outage", "started_at": "d-1 09:30", "restored_at": "d-1 13:00",
              "revenue_lost": {"min": 1100, "max": 1300}, "currency": "USD",
              "customer_email": "dana@example.com", "data_leaked": False}
    results = score(expect, observe_packet(packet), CHAT_DAY)
    assert [r.field for r in results if not r.ok] == []


def test_the_loss_is_every_loss_the_case_holds() -> None:
    """A contractor's invoice filed as a recovery cost is still the loss the customer told."""
    losses = [{"kind": "recovery_cost", "amount": {"amount": "1000", "currency": "USD"}},
              {"kind": "direct", "amount": {"amount": "250", "currency": "USD"}}]  # fmt: skip
    observed = observe_packet({"losses": losses})
    assert (observed["revenue_lost"], observed["currency"]) == ("1250", "USD")
    assert observe_packet({"losses": []})["revenue_lost"] is None


def test_no_case_scores_nothing_right() -> None:
    results = score({"category": "outage", "started_at": "d-1 09:30"}, {}, CHAT_DAY)
    assert [r.ok for r in results] == [False, False]


def test_times_not_yet_happened_at_chat_time_are_not_scored() -> None:
    morning = datetime(2026, 12, 4, 9, 40, tzinfo=TZ)
    expect = {"category": "outage", "started_at": "d-0 09:30", "restored_at": "d-0 11:45"}
    assert [r.field for r in score(expect, {}, morning)] == ["category"]
    evening = datetime(2026, 12, 4, 18, 0, tzinfo=TZ)
    assert [r.field for r in score(expect, {}, evening)] == list(expect)
