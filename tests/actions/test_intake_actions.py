"""The intake's own actions: summary, submit, correction, cancel, rating."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import intake, store
from actions.intake import (
    ActionApplyCorrection,
    ActionAskCancel,
    ActionCancelIntake,
    ActionHandleUnclear,
    ActionKeepIntake,
    ActionStartIntake,
    ActionStoreRating,
    ActionSubmitClaim,
    ActionSummarizeClaim,
)
from claims.case import Money

from .conftest import D20, SENDER, reference, said, seed_case, tracker, uow

LEAK = {
    "description": "用户的身份证号和手机号被泄露了，大约2000条",
    "category": "security_breach", "sub_type": "personal_data_leak",
    "category_reason": "提到“泄露”、提到“身份证”",
    "affected_systems": ["crm"],
    "started_at": D20.format("09:00"), "ended_at": D20.format("13:00"),
    "data_leaked": True, "leaked_data_kinds": ["phone_number", "id_number"],
    "leaked_records": 2000.0,
    "revenue_lost": {"amount": "100000", "currency": "CNY"},
    "customer_config_changed": False, "third_party_involved": False,
    "evidence_items": ["system_logs"],
    "customer_name": "张三", "customer_email": "zhang@example.com",
    "customer_contact": "zhang@example.com",
    "intake_active": True, "leak_advice_given": True,
}  # fmt: skip
OUTAGE_EN = {
    "language": "en",
    "description": "Our payment system was down yesterday from 9am to 1pm",
    "category": "outage", "category_reason": 'mentions "down"',
    "affected_systems": ["payment"],
    "started_at": D20.format("09:00"), "ended_at": D20.format("13:00"),
    "revenue_lost": {"amount": "2000", "currency": "CNY"},
    "customer_config_changed": False, "third_party_involved": False,
    "evidence_items": ["screenshots"],
    "customer_name": "Ann Lee", "customer_email": "ann@example.com",
    "customer_contact": "ann@example.com", "intake_active": True,
}  # fmt: skip
CLEARED = (
    "description", "category", "category_reason", "sub_type", "affected_systems",
    "started_at", "ended_at", "detected_at", "data_leaked", "leaked_data_kinds",
    "leaked_records", "revenue_lost", "recovery_cost", "monthly_fee", "orders_lost",
    "people_idle", "customers_affected", "other_losses", "customer_config_changed",
    "third_party_involved", "third_party", "evidence_items", "release_version",
    "remedy_wanted", "sla_terms",
)  # fmt: skip
RESET = [SlotSet(name, None) for name in CLEARED] + [
    SlotSet("intake_active", False), SlotSet("awaiting_confirmation", False),
    SlotSet("case_submitted", False), SlotSet("leak_advice_given", False),
    SlotSet("misunderstandings", 0), SlotSet("correction_note", None),
    SlotSet("case_reference", None), SlotSet("cancel_pending", False),
    SlotSet("unknown_slots", None), SlotSet("asked_slot", None), SlotSet("asked_times", 0),
    SlotSet("unanswered", 0),
]  # fmt: skip


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


# --------------------------------------------------------------------------- start


def test_start_intake_greets_once(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "支付系统宕机了", intent="report_incident")
    assert ActionStartIntake().run(dispatcher, t, domain) == [SlotSet("intake_active", True)]
    assert said(dispatcher) == [{"response": "utter_start_intake"}]

    again = CollectingDispatcher()
    t = tracker(domain, "还有", intent="report_incident", slots={"intake_active": True})
    assert ActionStartIntake().run(again, t, domain) == [SlotSet("intake_active", True)]
    assert said(again) == []


def test_a_new_incident_after_a_submitted_case_starts_a_new_case(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    slots = {**LEAK, "case_submitted": True, "intake_active": False,
             "case_reference": reference(1), "description": "支付宕机"}  # fmt: skip
    t = tracker(
        domain, "支付宕机", intent="report_incident", slots=slots,
        after=[{"event": "slot", "name": "description", "value": "支付宕机"}],
    )  # fmt: skip
    events = ActionStartIntake().run(dispatcher, t, domain)
    assert events == [*RESET, SlotSet("description", "支付宕机"), SlotSet("intake_active", True)]
    assert said(dispatcher) == [{"response": "utter_start_intake"}]


# --------------------------------------------------------------------------- summary


def test_summary_en(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "john@x.com", intent="give_contact", slots=OUTAGE_EN)
    assert ActionSummarizeClaim().run(dispatcher, t, domain) == [
        SlotSet("awaiting_confirmation", True)
    ]
    messages = said(dispatcher)
    assert messages[1:] == [{"response": "utter_ask_confirm_submit"}]
    assert messages[0]["response"] == "utter_claim_summary"
    lines = messages[0]["summary"].split("\n")
    assert lines[1:] == [
        "affected systems: payment system",
        "start time: 2026-11-20 09:00",
        "restore time: 2026-11-20 13:00 (down for 4 h)",
        "lost revenue: 2,000 CNY",
        "customer changed the configuration: no",
        "third party involved: no",
        "evidence: screenshots",
        "contact: Ann Lee, ann@example.com",
    ]


def test_summary_zh(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "zhang@example.com", intent="give_contact", slots=LEAK)
    assert ActionSummarizeClaim().run(dispatcher, t, domain) == [
        SlotSet("awaiting_confirmation", True)
    ]
    summary = said(dispatcher)[0]["summary"].split("\n")
    assert summary[1:] == [
        "受影响系统：CRM 系统",
        "开始时间：2026-11-20 09:00",
        "恢复时间：2026-11-20 13:00（停机 4小时）",
        "数据泄露：是，约 2000 条（手机号、身份证号）",
        "营收损失：100,000 CNY",
        "客户修改过配置：否",
        "涉及第三方：否",
        "证据：系统日志",
        "联系方式：张三、zhang@example.com",
    ]


def test_summary_asks_again_for_an_out_of_bounds_start(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    slots = {**OUTAGE_EN, "started_at": "1990-01-01T09:00:00+08:00"}
    t = tracker(domain, "ann@example.com", intent="give_contact", slots=slots)
    assert ActionSummarizeClaim().run(dispatcher, t, domain) == [
        SlotSet("started_at", None), SlotSet("awaiting_confirmation", True),
    ]  # fmt: skip
    assert said(dispatcher) == [
        {"response": "utter_claim_fact_out_of_bounds", "field": "start time"}
    ]


# --------------------------------------------------------------------------- submit


def test_submit_without_a_summary_first(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(domain, "确认", intent="affirm", slots=LEAK)
    assert ActionSubmitClaim().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_no_intake_to_confirm"}]
    with uow() as u:
        assert u.cases.summary(reference(1)) is None


def test_submit_a_personal_data_leak(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    draft = seed_case(LEAK)
    slots = {**LEAK, "awaiting_confirmation": True, "case_reference": draft}
    t = tracker(domain, "确认提交", intent="affirm", slots=slots)
    events = ActionSubmitClaim().run(dispatcher, t, domain)
    assert events == [
        SlotSet("case_reference", draft),
        SlotSet("category", "security_breach"),
        SlotSet("case_submitted", True),
        SlotSet("awaiting_confirmation", False),
        SlotSet("intake_active", False),
    ]
    messages = said(dispatcher)
    assert [m.get("response", "custom") for m in messages] == [
        "utter_claim_submitted", "utter_claim_estimate", "utter_claim_durations",
        "utter_claim_evidence", "utter_case_escalated", "custom",
    ]  # fmt: skip
    assert messages[0] == {
        "response": "utter_claim_submitted",
        "reference": draft,
        "category": "安全事件 / 数据泄露",
        "reason": "提到“泄露”、提到“身份证”",
        "stage": "已报案",
    }
    assert messages[1]["estimate"].startswith(
        "赔偿估算\n  偏低：30,000.00 CNY\n  预计：180,000.00 CNY"
    )
    assert "预计到账时间：27–137 天" in messages[2]["durations"]
    assert messages[3]["evidence"].endswith("还缺少：泄露通知、截图、合同与 SLA 条款")

    custom = messages[5]["custom"]
    assert set(custom) == {"type", "reference", "category", "stage", "estimate"}
    assert (custom["type"], custom["reference"], custom["category"], custom["stage"]) == (
        "case", draft, "security_breach", "reported",
    )
    estimate = custom["estimate"]
    assert set(estimate) == {
        "policy_version", "compensation", "durations", "classification", "missing_evidence",
        "escalation",
    }  # fmt: skip
    assert estimate["compensation"]["expected"] == {"amount": "180000.00", "currency": "CNY"}
    assert estimate["escalation"] == {
        "escalate": True, "priority": 70, "rules": ["personal_data_leak", "loss_over_threshold"],
    }  # fmt: skip
    assert estimate["missing_evidence"] == ["breach_notice", "screenshots", "contract_sla"]
    json.dumps(custom)  # the gateway forwards it as JSON

    with uow() as u:
        summary = u.cases.summary(draft)
        assert summary is not None
        assert (summary.status, summary.stage, summary.category, summary.priority) == (
            "open", "reported", "security_breach", 70,
        )
        assert summary.escalated is True
        assert [(e.reason, e.actor) for e in u.cases.escalations(draft)] == [
            ("personal_data_leak", "bot"), ("loss_over_threshold", "bot"),
        ]  # fmt: skip
        latest = u.cases.latest_estimate(draft)
        assert latest is not None
        assert latest.amount == Money(Decimal("180000.00"), "CNY")
        assert latest.payload == estimate
        case = u.cases.get(draft)
        assert case is not None
        assert (case.customer_name, case.customer_email) == ("张三", "zhang@example.com")
        customer = u.cases.customer_for_identity(SENDER)
        assert customer is not None and u.cases.cases_of_customer(customer.id) == [draft]


def test_submit_a_small_outage_in_english_without_a_draft(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    slots = {**OUTAGE_EN, "awaiting_confirmation": True}
    t = tracker(domain, "yes", intent="affirm", slots=slots, sender_id="tg:7")
    events = ActionSubmitClaim().run(dispatcher, t, domain)
    ref = reference(1)
    assert events[:2] == [SlotSet("case_reference", ref), SlotSet("category", "outage")]
    messages = said(dispatcher)
    assert [m.get("response", "custom") for m in messages] == [
        "utter_claim_submitted", "utter_claim_estimate", "utter_claim_durations",
        "utter_claim_evidence", "custom",
    ]  # fmt: skip
    assert messages[0] == {
        "response": "utter_claim_submitted", "reference": ref,
        "category": "Service outage / system failure", "reason": 'mentions "down"',
        "stage": "Reported",
    }  # fmt: skip
    assert messages[-1]["custom"]["estimate"]["escalation"]["escalate"] is False
    with uow() as u:
        summary = u.cases.summary(ref)
        assert summary is not None and (summary.status, summary.language) == ("open", "en")
        assert u.cases.escalations(ref) == []
        assert u.cases.latest_estimate(ref) is not None


def test_a_failed_submit_is_said_and_keeps_the_draft(
    domain: DomainDict, dispatcher: CollectingDispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = seed_case(LEAK)

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(store, "submit_case", broken)
    slots = {**LEAK, "awaiting_confirmation": True, "case_reference": draft}
    t = tracker(domain, "确认", intent="affirm", slots=slots)
    # The customer must hear it: an exception would drop every dispatched message.
    assert intake.ActionSubmitClaim().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_submit_failed"}]
    with uow() as u:
        summary = u.cases.summary(draft)
        assert summary is not None and summary.status == "draft"


# --------------------------------------------------------------------------- correction


def test_correction_not_understood(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "我要改一下", intent="correct_answer", slots=LEAK)
    assert ActionApplyCorrection().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_correction_not_understood"}]


def test_correction_while_confirming_shows_the_summary_again(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    note = [{"event": "slot", "name": "started_at", "value": D20.format("08:00")},
            {"event": "slot", "name": "correction_note", "value": "开始时间 → 2026-11-20 08:00"}]
    slots = {**LEAK, "awaiting_confirmation": True, "started_at": D20.format("08:00"),
             "correction_note": "开始时间 → 2026-11-20 08:00"}  # fmt: skip
    t = tracker(domain, "开始时间是8点", intent="correct_answer", slots=slots, after=note)
    assert ActionApplyCorrection().run(dispatcher, t, domain) == [
        SlotSet("awaiting_confirmation", True)
    ]
    messages = said(dispatcher)
    assert [m["response"] for m in messages] == ["utter_claim_summary", "utter_ask_confirm_submit"]
    assert "开始时间：2026-11-20 08:00" in messages[0]["summary"].split("\n")


def test_correction_inside_a_form_lets_the_form_continue(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    note = [{"event": "slot", "name": "correction_note", "value": "开始时间 → 2026-11-20 08:00"}]
    t = tracker(domain, "开始时间是8点", intent="correct_answer", slots=LEAK, after=note,
                active_loop="incident_form")  # fmt: skip
    assert ActionApplyCorrection().run(dispatcher, t, domain) == []
    assert said(dispatcher) == []


def test_an_old_correction_note_does_not_count(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    old = [{"event": "slot", "name": "correction_note", "value": "开始时间 → 08:00"}]
    t = tracker(domain, "改一下", intent="correct_answer", slots=LEAK, before=old)
    assert ActionApplyCorrection().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_correction_not_understood"}]


def test_a_first_message_heard_as_a_correction_starts_the_intake(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    text = "our order system was down yesterday from 10am to 2pm"
    t = tracker(domain, text, intent="correct_answer", slots={"description": text},
                after=[SlotSet("description", text)])  # fmt: skip
    events = ActionApplyCorrection().run(dispatcher, t, domain)
    assert events == [SlotSet("intake_active", True), FollowupAction("incident_form")]
    assert said(dispatcher) == [{"response": "utter_start_intake"}]


# --------------------------------------------------------------------------- cancel


def test_ask_cancel_with_nothing_in_progress(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(domain, "取消", intent="cancel_intake")
    assert ActionAskCancel().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_nothing_to_cancel"}]


@pytest.mark.parametrize("flag", ["intake_active", "awaiting_confirmation"])
def test_ask_cancel_asks_first(
    domain: DomainDict, dispatcher: CollectingDispatcher, flag: str
) -> None:
    t = tracker(domain, "取消", intent="cancel_intake", slots={flag: True})
    assert ActionAskCancel().run(dispatcher, t, domain) == [
        SlotSet("cancel_pending", True),
        SlotSet("awaiting_confirmation", False),
    ]
    assert said(dispatcher) == [{"response": "utter_ask_cancel_confirm"}]


def test_keeping_the_claim_at_the_confirmation_step_shows_it_again(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(domain, "不", intent="deny", slots={**LEAK, "intake_active": True,
                                                   "cancel_pending": True})
    events = ActionKeepIntake().run(dispatcher, t, domain)
    assert events == [SlotSet("cancel_pending", False), SlotSet("awaiting_confirmation", True)]
    assert [m.get("response") for m in said(dispatcher)] == [
        "utter_continue_intake", "utter_claim_summary", "utter_ask_confirm_submit"
    ]


def test_cancel_withdraws_the_draft(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    draft = seed_case(LEAK)
    slots = {**LEAK, "case_reference": draft, "cancel_pending": True}
    t = tracker(domain, "是", intent="affirm", slots=slots, active_loop="incident_form",
                requested_slot="started_at")  # fmt: skip
    events = ActionCancelIntake().run(dispatcher, t, domain)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), *RESET]
    assert said(dispatcher) == [{"response": "utter_intake_cancelled"}]
    with uow() as u:
        summary = u.cases.summary(draft)
        assert summary is not None
        assert (summary.stage, summary.status) == ("withdrawn", "closed")
        assert u.cases.find_draft_for_identity(SENDER) is None
        case = u.cases.get(draft)
        assert case is not None
        assert [(c.stage.value, c.note) for c in case.stage_history] == [
            ("withdrawn", "withdrawn by the customer")
        ]
        assert case.description == LEAK["description"]  # kept for the audit trail
        trail = [(a.action, a.actor) for a in u.cases.audit_trail(draft)]
        assert trail[-1] == ("case_updated", "customer")


def test_cancel_without_a_draft_still_resets(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(domain, "是", intent="affirm", slots={"intake_active": True})
    events = ActionCancelIntake().run(dispatcher, t, domain)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), *RESET]
    assert said(dispatcher) == [{"response": "utter_intake_cancelled"}]


def test_keep_intake(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "不，继续", intent="deny", slots={"cancel_pending": True})
    assert ActionKeepIntake().run(dispatcher, t, domain) == [SlotSet("cancel_pending", False)]
    assert said(dispatcher) == [{"response": "utter_continue_intake"}]


# --------------------------------------------------------------------------- rating


@pytest.mark.parametrize(
    ("text", "entities", "rating"),
    [
        ("5分，很好", [], 5),
        ("/rate_service", [{"entity": "rating", "value": "4"}], 4),
        ("给三分吧", [], 3),
        ("服务一般，给三分", [], 3),
        ("I'd say 2 out of 5", [], 2),
    ],
)
def test_rating_is_stored(
    domain: DomainDict,
    dispatcher: CollectingDispatcher,
    text: str,
    entities: list[dict[str, Any]],
    rating: int,
) -> None:
    ref = seed_case(LEAK, status="open")
    t = tracker(domain, text, intent="rate_service", entities=entities,
                slots={"case_reference": ref})  # fmt: skip
    assert ActionStoreRating().run(dispatcher, t, domain) == [SlotSet("csat_rating", rating)]
    assert said(dispatcher) == [{"response": "utter_thanks_for_rating"}]
    with uow() as u:
        assert [(c.rating, c.comment) for c in u.cases.csat(ref)] == [(rating, text)]


def test_no_rating_asks_again(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    ref = seed_case(LEAK, status="open")
    t = tracker(domain, "还行吧", intent="rate_service", slots={"case_reference": ref})
    assert ActionStoreRating().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_ask_rating"}]
    with uow() as u:
        assert u.cases.csat(ref) == []


def test_rating_without_a_case_is_thanked_not_stored(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(domain, "5", intent="rate_service")
    assert ActionStoreRating().run(dispatcher, t, domain) == [SlotSet("csat_rating", 5)]
    assert said(dispatcher) == [{"response": "utter_thanks_for_rating"}]


def test_an_unclear_message_that_reported_an_incident_starts_the_intake(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(
        domain, "we were hacked", intent="nlu_fallback",
        slots={"description": "we were hacked"}, after=[SlotSet("description", "we were hacked")],
    )  # fmt: skip
    events = ActionHandleUnclear().run(dispatcher, t, domain)
    assert events == [SlotSet("intake_active", True), FollowupAction("incident_form")]
    assert said(dispatcher) == [{"response": "utter_start_intake"}]


def test_an_unclear_message_gets_the_fallback(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    events = ActionHandleUnclear().run(dispatcher, tracker(domain, "嗯？"), domain)
    assert events == []
    assert said(dispatcher) == [{"response": "utter_default"}]


def test_an_unclear_message_naming_a_case_is_a_status_lookup(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(domain, "CLM-2026-000123 ???", intent="nlu_fallback")
    assert ActionHandleUnclear().run(dispatcher, t, domain) == [
        FollowupAction("action_case_status")
    ]
    assert said(dispatcher) == []


@pytest.mark.parametrize(
    ("text", "response"),
    [("不可抗力造成的故障也能赔吗？", "utter_faq/force_majeure"),
     ("what is the capital of France", "utter_out_of_scope")],
)
def test_an_unclear_message_that_clearly_asks_something_gets_its_answer(
    domain: DomainDict, dispatcher: CollectingDispatcher, text: str, response: str
) -> None:
    t = tracker(domain, text, intent="nlu_fallback")
    assert ActionHandleUnclear().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": response}]


@pytest.mark.parametrize(
    "extra,slot,response,field",
    [
        ({"revenue_lost": {"amount": "1e26", "currency": "CNY"}}, "revenue_lost",
         "utter_claim_amount_out_of_bounds", "lost revenue"),
        ({"recovery_cost": {"amount": "300", "currency": "USD"}}, "recovery_cost",
         "utter_claim_amount_out_of_bounds", "recovery cost"),
        ({"people_idle": 1e12}, "people_idle", "utter_claim_fact_out_of_bounds", "idle staff"),
    ],
)  # fmt: skip
def test_submit_asks_again_for_an_out_of_bounds_fact_and_keeps_the_draft(
    domain: DomainDict, dispatcher: CollectingDispatcher,
    extra: dict[str, Any], slot: str, response: str, field: str,
) -> None:
    draft = seed_case(OUTAGE_EN)
    slots = {**OUTAGE_EN, **extra, "awaiting_confirmation": True, "case_reference": draft}
    t = tracker(domain, "yes", intent="affirm", slots=slots)
    assert ActionSubmitClaim().run(dispatcher, t, domain) == [SlotSet(slot, None)]
    assert said(dispatcher) == [{"response": response, "field": field}]
    assert store.case_status(draft) == "draft"
    stored = store.load_case(draft)
    assert stored is not None and stored.description == OUTAGE_EN["description"]
