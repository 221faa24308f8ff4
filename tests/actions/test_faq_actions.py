"""action_answer_faq: the case's own numbers when the chat has a case, else utter_faq/<topic>.

The topic comes from the question's words (`understanding.topics`), so each test asks a
question of the topic it is about.
"""

from __future__ import annotations

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from actions.common import policy
from actions.faq import ActionAnswerChitchat, ActionAnswerFaq
from claims.case import Stage
from claims.faq_answers import answer_from_case

from .conftest import D20, NOW, said, seed_case, tracker, uow

FACTS = {
    "description": "支付系统宕机，订单丢失", "category": "outage", "affected_systems": ["payment"],
    "started_at": D20.format("09:00"), "ended_at": D20.format("13:00"),
    "revenue_lost": {"amount": "50000", "currency": "CNY"},
}  # fmt: skip


Said = tuple[list[object], list[dict[str, object]]]


QUESTIONS = {
    "how_much_compensation": "我这个能赔多少？",
    "how_long_overall": "how long does the whole claim take?",
    "force_majeure": "不可抗力造成的故障也能赔吗？",
}


def ask(domain: DomainDict, topic: str, **kw: object) -> Said:
    t = tracker(domain, QUESTIONS[topic], intent="faq", **kw)
    dispatcher = CollectingDispatcher()
    events = ActionAnswerFaq().run(dispatcher, t, domain)
    return events, said(dispatcher)


def test_without_a_case_the_generic_answer(domain: DomainDict) -> None:
    generic = [{"response": "utter_faq/how_much_compensation"}]
    assert ask(domain, "how_much_compensation") == ([], generic)


def test_a_draft_in_the_slots_gets_its_own_estimate(domain: DomainDict) -> None:
    events, messages = ask(domain, "how_much_compensation", slots=FACTS)
    assert events == []
    assert len(messages) == 1 and set(messages[0]) == {"text"}
    text = str(messages[0]["text"])
    assert text.startswith("按您目前告诉我的情况（服务宕机")
    assert "赔偿估算" in text


def test_a_submitted_case_is_read_back_with_the_stage_staff_set(domain: DomainDict) -> None:
    ref = seed_case(FACTS, status="open")
    with uow() as u:
        case = u.cases.get_for_update(ref)
        assert case is not None
        for stage in (Stage.EVIDENCE_COLLECTION, Stage.INVESTIGATION, Stage.PROPOSAL,
                      Stage.NEGOTIATION):
            case.move_to(stage, NOW)
        u.cases.save(case, actor="agent:li")
        u.commit()
    stored = store.load_case(ref)
    assert stored is not None
    expected = answer_from_case(policy(), "how_long_overall", stored, now=NOW, language="zh",
                                submitted=True)
    events, messages = ask(domain, "how_long_overall",
                           slots={"case_reference": ref, "case_submitted": True})
    assert events == [] and messages == [{"text": expected}]
    assert f"按您的案件 {ref}（服务宕机 / 系统故障，当前阶段：协商）" in str(expected)


def test_english_customers_get_english(domain: DomainDict) -> None:
    _, messages = ask(domain, "how_long_overall", slots={**FACTS, "language": "en"})
    assert str(messages[0]["text"]).startswith("Based on what you have told me so far")


def test_a_general_topic_stays_generic_even_with_a_case(domain: DomainDict) -> None:
    generic = [{"response": "utter_faq/force_majeure"}]
    assert ask(domain, "force_majeure", slots=FACTS) == ([], generic)


def test_no_topic_gets_the_fallback(domain: DomainDict) -> None:
    t = tracker(domain, "嗯？", intent="faq")
    dispatcher = CollectingDispatcher()
    assert ActionAnswerFaq().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_default"}]


def test_a_broken_case_store_falls_back_to_the_generic_answer(
    domain: DomainDict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(reference: str) -> None:
        raise OSError("database is down")

    monkeypatch.setattr(store, "load_case", down)
    events, messages = ask(domain, "how_long_overall", slots={"case_reference": "CLM-2026-000001"})
    assert (events, messages) == ([], [{"response": "utter_faq/how_long_overall"}])


@pytest.mark.parametrize("intent", ["faq", "out_of_scope"])
def test_a_question_outside_the_faq_is_out_of_scope_whatever_rasa_said(
    domain: DomainDict, intent: str
) -> None:
    t = tracker(domain, "谁画了蒙娜丽莎", intent=intent)
    dispatcher = CollectingDispatcher()
    assert ActionAnswerFaq().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_out_of_scope"}]


def test_an_faq_that_rasa_called_out_of_scope_is_answered(domain: DomainDict) -> None:
    t = tracker(domain, "不可抗力造成的故障也能赔吗？", intent="out_of_scope")
    dispatcher = CollectingDispatcher()
    assert ActionAnswerFaq().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_faq/force_majeure"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("你叫什么名字", {"response": "utter_chitchat/ask_name"}),
     ("are you free to use?", {"response": "utter_chitchat/ask_is_free"}),
     ("嗯？", {"response": "utter_default"})],
)
def test_small_talk_is_answered_by_its_topic(
    domain: DomainDict, text: str, expected: dict[str, str]
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(domain, text, intent="chitchat")
    assert ActionAnswerChitchat().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [expected]


def test_an_out_of_bounds_draft_fact_is_asked_again_and_the_answer_is_generic(
    domain: DomainDict,
) -> None:
    huge = {"amount": "1e26", "currency": "CNY"}
    events, messages = ask(domain, "how_much_compensation", slots={**FACTS, "revenue_lost": huge})
    assert events == [SlotSet("revenue_lost", None)]
    assert messages == [
        {"response": "utter_claim_amount_out_of_bounds", "field": "营收损失"},
        {"response": "utter_faq/how_much_compensation"},
    ]


@pytest.mark.parametrize("intent", ["faq", "out_of_scope"])
def test_a_question_naming_a_case_is_a_status_lookup_whatever_rasa_said(
    domain: DomainDict, intent: str
) -> None:
    t = tracker(domain, "status of CLM-2026-000123, my email is x@example.com", intent=intent)
    dispatcher = CollectingDispatcher()
    assert ActionAnswerFaq().run(dispatcher, t, domain) == [FollowupAction("action_case_status")]
    assert said(dispatcher) == []


def test_inside_an_intake_a_question_naming_a_case_is_answered_as_a_question(
    domain: DomainDict,
) -> None:
    t = tracker(domain, "不可抗力造成的故障也能赔吗？CLM-2026-000123", intent="faq",
                active_loop="incident_form", requested_slot="started_at")  # fmt: skip
    dispatcher = CollectingDispatcher()
    assert ActionAnswerFaq().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_faq/force_majeure"}]
