"""Every question has a way forward: a property of the dialogue, checked for EVERY form slot.

A customer who never gives a usable answer is asked each question at most three times in a
row (the second time with the explanation and its buttons); after the third miss the question
is unknown and the form moves on, or, for a question the case cannot be filed without, the
chat goes to a person. "Don't know" is accepted at once, in both languages.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.faq import ActionAnswerChitchat, ActionAnswerFaq
from actions.forms import (
    INTERRUPTIONS,
    IntakeFormValidator,
    ValidateContactForm,
    ValidateEvidenceForm,
    ValidateImpactForm,
    ValidateIncidentForm,
    ValidateLiabilityForm,
)
from actions.slot_mappings import ValidateSlotMappings
from claims.questions import (
    FORM_QUESTIONS,
    MAX_ASKS,
    MAX_UNANSWERED,
    REQUIRED_TO_FILE,
    fits,
    still_needed,
)
from scripts.gen_rules import DIGRESSIONS, PAUSES

from .conftest import D20, said, tracker

VALIDATORS: dict[str, IntakeFormValidator] = {
    v.form: v
    for v in (ValidateIncidentForm(), ValidateImpactForm(), ValidateLiabilityForm(),
              ValidateEvidenceForm(), ValidateContactForm())
}  # fmt: skip
ALL_SLOTS = [(form, slot) for form, slots in FORM_QUESTIONS.items() for slot in slots]
CATEGORIES = ("outage", "release_recall", "service_interruption", "security_breach")
#: Answers that answer nothing: a bare noise word, and small talk the classifier hears as such.
MISSES = [("嗯？", "nlu_fallback"), ("今天天气怎么样？", "chitchat/ask_weather")]


def case_where_next(form: str, slot: str) -> dict[str, Any]:
    """Slots of a case whose next question in ``form`` is ``slot`` (earlier ones unknown)."""
    for category in CATEGORIES:
        facts: dict[str, Any] = {"category": category, "data_leaked": True, "language": "zh"}
        if slot in ("category", "data_leaked"):
            facts.pop(slot)
        if fits(slot, facts):
            before = FORM_QUESTIONS[form][: FORM_QUESTIONS[form].index(slot)]
            unknown = [s for s in still_needed(form, facts) if s in before]
            return {**facts, "unknown_slots": unknown}
    raise AssertionError(f"no case asks {slot}")


async def one_turn(
    domain: DomainDict, form: str, slots: dict[str, Any], text: str, intent: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The customer says ``text``; the global extraction then the form run, as Rasa does."""
    t = tracker(domain, text, intent=intent, slots=slots, active_loop=form,
                requested_slot=slots.get("requested_slot"))  # fmt: skip
    events = await ValidateSlotMappings().run(CollectingDispatcher(), t, domain)
    slots = {**slots, **{e["name"]: e["value"] for e in events if e["event"] == "slot"}}
    t = tracker(domain, text, intent=intent, slots=slots, active_loop=form,
                requested_slot=slots.get("requested_slot"))  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = await VALIDATORS[form].run(dispatcher, t, domain)
    if not events:
        # Rejected, as Rasa sees it: the rule for the intent answers, then the form runs
        # again after that answer (not after action_listen) and puts its question.
        t.events.append({"event": "action", "name": "action_answer_chitchat"})
        events = await VALIDATORS[form].run(dispatcher, t, domain)
    slots = {**slots, **{e["name"]: e["value"] for e in events if e["event"] == "slot"}}
    return slots, said(dispatcher)


@pytest.mark.parametrize(("text", "intent"), MISSES)
@pytest.mark.parametrize(("form", "slot"), ALL_SLOTS)
async def test_no_question_is_asked_more_than_three_times_in_a_row(
    domain: DomainDict, form: str, slot: str, text: str, intent: str
) -> None:
    slots = case_where_next(form, slot)
    events = await VALIDATORS[form].run(CollectingDispatcher(), tracker(
        domain, "", slots=slots), domain)  # fmt: skip
    assert events[-1] == SlotSet("requested_slot", slot)
    slots = {**slots, **{e["name"]: e["value"] for e in events}}
    asked, handed_over = 1, False
    for turn in range(MAX_ASKS + 2):
        slots, messages = await one_turn(domain, form, slots, text, intent)
        handed_over = any((m.get("custom") or {}).get("type") == "handoff" for m in messages)
        if slots.get("requested_slot") != slot or handed_over:
            break
        asked += 1
        explained = [m for m in messages if m.get("response") == f"utter_explain_{slot}"]
        # The second time with the explanation and its way out; never again after that.
        assert len(explained) == (1 if asked == 2 else 0), (turn, messages)
        assert asked <= MAX_ASKS
    assert asked == MAX_ASKS
    if slot in REQUIRED_TO_FILE:
        assert handed_over and slots["requested_slot"] is None
    else:
        assert not handed_over and slot in slots["unknown_slots"]


def test_every_question_has_an_explanation_with_a_way_out(domain: DomainDict) -> None:
    for _, slot in ALL_SLOTS:
        variants = domain["responses"][f"utter_explain_{slot}"]
        assert [v.get("condition") is not None for v in variants] == [True, False]
        for variant in variants:
            payloads = [b["payload"] for b in variant["buttons"]]
            assert len(payloads) == 3 and payloads[-1] == "/request_human"
        assert f"utter_ask_{slot}" in domain["responses"]


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [("不清楚", "deny", "zh"), ("不知道。", "out_of_scope", "zh"), ("说不好", None, "zh"),
     ("跳过", "nlu_fallback", "zh"), ("hard to say", "deny", "en"), ("No idea.", "deny", "en"),
     ("n/a", "nlu_fallback", "en"), ("I don't know", "affirm", "en")],
)  # fmt: skip
@pytest.mark.parametrize(("form", "slot"), ALL_SLOTS)
async def test_dont_know_moves_on_at_once_for_every_slot(
    domain: DomainDict, form: str, slot: str, text: str, intent: str | None, language: str
) -> None:
    slots = {**case_where_next(form, slot), "language": language, "requested_slot": slot,
             "asked_slot": slot, "asked_times": 1}  # fmt: skip
    slots, messages = await one_turn(domain, form, slots, text, intent or "")
    assert slot in slots["unknown_slots"]
    assert slots.get(slot) is None  # "no idea" heard as "no" is not a "no"
    assert slots["requested_slot"] != slot
    assert not [m for m in messages if str(m.get("response", "")).startswith("utter_explain")]


async def test_an_answer_after_the_explanation_is_kept(domain: DomainDict) -> None:
    slots = {"description": "支付宕机", "category": "outage", "affected_systems": ["payment"],
             "requested_slot": "started_at", "asked_slot": "started_at", "asked_times": 2}
    slots, messages = await one_turn(domain, "incident_form", slots, "昨天上午9点", "give_time")
    assert slots["started_at"] == D20.format("09:00")
    assert (slots["requested_slot"], slots["asked_times"]) == ("ended_at", 1)
    assert messages == []


async def test_question_after_question_unanswered_goes_to_a_person(domain: DomainDict) -> None:
    """A customer who knows none of the answers is not walked through every question."""
    slots: dict[str, Any] = {"description": "服务中断了", "category": "service_interruption",
                             "language": "zh", "requested_slot": "affected_systems"}
    slots, _ = await one_turn(domain, "incident_form", slots, "不知道", "deny")
    slots, _ = await one_turn(domain, "incident_form", slots, "不清楚", "deny")
    slots, _ = await one_turn(domain, "incident_form", slots, "说不好", "deny")
    assert (slots["requested_slot"], slots["unanswered"]) == (None, MAX_UNANSWERED - 1)
    slots = {**slots, "requested_slot": "monthly_fee"}
    slots, messages = await one_turn(domain, "impact_form", slots, "不知道", "deny")
    assert [m["custom"]["type"] for m in messages if m.get("custom")] == ["handoff"]
    assert slots["requested_slot"] is None
    assert slots["unknown_slots"] == ["affected_systems", "started_at", "ended_at", "monthly_fee"]


async def test_an_answer_resets_the_unanswered_count(domain: DomainDict) -> None:
    slots: dict[str, Any] = {"description": "支付宕机", "category": "outage", "language": "zh",
                             "requested_slot": "affected_systems", "unanswered": 2}
    slots, _ = await one_turn(domain, "incident_form", slots, "支付系统", "describe_impact")
    assert (slots["affected_systems"], slots["unanswered"]) == (["payment"], 0)


@pytest.mark.parametrize("action", [ActionAnswerFaq(), ActionAnswerChitchat()])
async def test_dont_know_heard_as_small_talk_gets_no_answer(
    domain: DomainDict, action: Any
) -> None:
    t = tracker(domain, "不知道。", intent="out_of_scope", active_loop="incident_form",
                requested_slot="started_at",
                after=[{"event": "slot", "name": "unknown_slots", "value": ["started_at"]}])
    dispatcher = CollectingDispatcher()
    assert action.run(dispatcher, t, domain) == []
    assert said(dispatcher) == []


@pytest.mark.parametrize(
    ("slot", "text", "kept"),
    [("revenue_lost", "Don't know yet. Finance will have to work that out.", None),
     ("revenue_lost", "不知道具体多少，大概5万元吧", {"amount": "50000", "currency": "CNY"}),
     ("started_at", "这个我真记不住，合同在会计那。", None)],
)  # fmt: skip
async def test_dont_know_in_more_words_is_unknown_unless_it_holds_the_fact(
    domain: DomainDict, slot: str, text: str, kept: Any
) -> None:
    form = "impact_form" if slot == "revenue_lost" else "incident_form"
    slots = {"description": "支付宕机", "category": "outage", "affected_systems": ["payment"],
             "language": "zh", "requested_slot": slot, "asked_slot": slot, "asked_times": 1}
    slots, _ = await one_turn(domain, form, slots, text, "describe_impact")
    assert slots.get(slot) == kept
    assert (slot in (slots.get("unknown_slots") or [])) is (kept is None)


@pytest.mark.parametrize(
    ("text", "intent", "category"),
    [("There was a security breach.", "faq/leak_investigation_costs", "security_breach"),
     ("你们的服务宕机了。", "faq/privacy", "outage"), ("有个功能坏了。", "chitchat/bot_skills",
                                                 "functional_defect")],
)  # fmt: skip
async def test_a_first_report_heard_as_talk_starts_the_intake(
    domain: DomainDict, text: str, intent: str, category: str
) -> None:
    t = tracker(domain, text, intent=intent)
    events = await ValidateSlotMappings().run(CollectingDispatcher(), t, domain)
    found = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert (found["description"], found["category"]) == (text, category)
    t = tracker(domain, text, intent=intent, after=events)
    action = ActionAnswerChitchat() if intent.startswith("chitchat") else ActionAnswerFaq()
    dispatcher = CollectingDispatcher()
    assert action.run(dispatcher, t, domain) == [FollowupAction("action_handle_unclear")]
    assert said(dispatcher) == []


async def test_a_real_question_is_still_answered(domain: DomainDict) -> None:
    t = tracker(domain, "数据泄露怎么赔偿？", intent="faq/leak_compensation")
    events = await ValidateSlotMappings().run(CollectingDispatcher(), t, domain)
    assert "description" not in {e["name"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(("form", "slot"), ALL_SLOTS)
async def test_after_the_customers_question_ours_comes_again_plainly(
    domain: DomainDict, form: str, slot: str
) -> None:
    """Asked mid-form, an FAQ is answered and the form's question comes again as it was, with
    no "sorry, I didn't catch that"; it still counts, so it is asked at most three times."""
    slots = {**case_where_next(form, slot), "requested_slot": slot, "asked_slot": slot,
             "asked_times": 1}  # fmt: skip
    slots, messages = await one_turn(
        domain, form, slots, "how long does compensation usually take?", "faq"
    )
    assert slots["requested_slot"] == slot and slots["asked_times"] == 2
    assert not [m for m in messages if m.get("response") == f"utter_explain_{slot}"]
    for _ in range(MAX_ASKS):
        slots, _ = await one_turn(domain, form, slots, "how long does it take?", "faq")
    assert slots["requested_slot"] != slot or slots.get("asked_times", 0) <= MAX_ASKS


@pytest.mark.parametrize(
    ("text", "intent"),
    [("I want to talk to a human agent", "request_human"), ("取消吧", "cancel_intake"),
     ("how long does compensation take?", "faq"), ("谢谢", "say_thanks")],
)  # fmt: skip
async def test_a_message_the_rules_answer_interrupts_the_form(
    domain: DomainDict, text: str, intent: str
) -> None:
    """The form rejects (no events) so Rasa's rule for the intent runs; it never just asks
    its question again over "talk to a person" or "cancel"."""
    slots = {**case_where_next("incident_form", "ended_at"), "requested_slot": "ended_at",
             "asked_slot": "ended_at", "asked_times": 1}  # fmt: skip
    t = tracker(domain, text, intent=intent, slots=slots, active_loop="incident_form",
                requested_slot="ended_at")  # fmt: skip
    assert await ValidateIncidentForm().run(CollectingDispatcher(), t, domain) == []


def test_the_interruptions_are_the_intents_the_rules_answer_in_a_form() -> None:
    # cancel_intake and delete_data ask "are you sure?" first (their own rules).
    assert set(DIGRESSIONS) | set(PAUSES) | {"cancel_intake", "delete_data"} == INTERRUPTIONS
