"""Status, resume, handoff and data rights of the owner; another conversation needs the
mailed code (tests/actions/test_access_code.py)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.account import (
    ActionAskDeleteData,
    ActionCaseStatus,
    ActionDeleteData,
    ActionExportData,
    ActionKeepData,
    ActionRequestHuman,
    ActionResumeCase,
)

from .conftest import D20, SENDER, said, seed_case, tracker, uow

CASE = {
    "description": "支付系统宕机，订单丢失", "category": "outage", "affected_systems": ["payment"],
    "started_at": D20.format("09:00"), "ended_at": D20.format("13:00"),
    "revenue_lost": {"amount": "5000", "currency": "CNY"},
    "customer_name": "张三", "customer_company": "星辰科技",
    "customer_email": "Zhang@Example.com", "customer_phone": "13812345678",
    "customer_contact": "Zhang@Example.com",
}  # fmt: skip
OTHER = "tg:99"


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def status_message(ref: str, status: str = "open") -> dict[str, str]:
    return {"response": "utter_case_status", "reference": ref, "category": "服务宕机 / 系统故障",
            "stage": "已报案", "status": status}  # fmt: skip


# --------------------------------------------------------------------------- status


def test_the_owner_sees_the_status(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    ref = seed_case(CASE, status="open")
    t = tracker(domain, f"{ref.lower()} 现在什么进度？", intent="ask_status")
    assert ActionCaseStatus().run(dispatcher, t, domain) == [SlotSet("case_reference", ref)]
    assert said(dispatcher) == [status_message(ref)]


def test_the_reference_in_the_slot_is_used(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    ref = seed_case(CASE)
    t = tracker(domain, "我的理赔到哪一步了", intent="ask_status", slots={"case_reference": ref})
    assert ActionCaseStatus().run(dispatcher, t, domain) == [SlotSet("case_reference", ref)]
    assert said(dispatcher) == [status_message(ref, "draft")]


def test_no_reference_asks_for_one(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "我的理赔到哪一步了", intent="ask_status")
    assert ActionCaseStatus().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_ask_case_reference"}]


# --------------------------------------------------------------------------- resume


def test_resume_the_own_draft(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    ref = seed_case(CASE)
    t = tracker(domain, "继续上次的理赔", intent="resume_case")
    events = ActionResumeCase().run(dispatcher, t, domain)
    assert said(dispatcher) == [{"response": "utter_resuming_case", "reference": ref}]
    assert events[-3:] == [
        SlotSet("case_reference", ref), SlotSet("intake_active", True),
        SlotSet("case_submitted", False),
    ]  # fmt: skip
    restored = {e["name"]: e["value"] for e in events[:-3]}
    assert {k: restored[k] for k in ("description", "category", "affected_systems",
                                     "revenue_lost", "customer_name", "customer_email")} == {
        "description": "支付系统宕机，订单丢失", "category": "outage",
        "affected_systems": ["payment"],
        "revenue_lost": {"amount": "5000.00", "currency": "CNY"},
        "customer_name": "张三", "customer_email": "Zhang@Example.com",
    }  # fmt: skip
    # The times come back from the DB in UTC: the same instants.
    assert datetime.fromisoformat(restored["started_at"]) == datetime.fromisoformat(
        D20.format("09:00")
    )
    assert datetime.fromisoformat(restored["ended_at"]) == datetime.fromisoformat(
        D20.format("13:00")
    )


def test_nothing_to_resume(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "继续上次的理赔", intent="resume_case")
    assert ActionResumeCase().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_nothing_to_resume", "reference": ""}]


def test_a_submitted_case_is_not_resumed(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    seed_case(CASE, status="open")
    t = tracker(domain, "继续上次的理赔", intent="resume_case")
    assert ActionResumeCase().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_nothing_to_resume", "reference": ""}]


# --------------------------------------------------------------------------- human


def test_request_human_escalates_the_case(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    ref = seed_case(CASE)
    t = tracker(domain, "转人工", intent="request_human", slots={"case_reference": ref})
    assert ActionRequestHuman().run(dispatcher, t, domain) == [SlotSet("case_reference", ref)]
    assert said(dispatcher) == [
        {"response": "utter_handoff"},
        {"custom": {"type": "handoff", "reference": ref, "reason": "customer_requested_human",
                    "language": "zh"}},
    ]  # fmt: skip
    with uow() as u:
        assert [(e.reason, e.actor, e.resolved_at) for e in u.cases.escalations(ref)] == [
            ("customer_requested_human", "customer", None)
        ]
        summary = u.cases.summary(ref)
        assert summary is not None and summary.escalated is True


def test_request_human_without_a_case(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "talk to a human", intent="request_human", slots={"language": "en"})
    events = ActionRequestHuman().run(dispatcher, t, domain)
    assert len(events) == 1 and events[0]["name"] == "case_reference"
    ref = events[0]["value"]
    assert said(dispatcher) == [
        {"response": "utter_handoff"},
        {"custom": {"type": "handoff", "reference": ref, "reason": "customer_requested_human",
                    "language": "en"}},
    ]  # fmt: skip
    with uow() as u:  # the chat now has a draft in the staff queue
        summary = u.cases.summary(ref)
        assert summary is not None and summary.status == "draft" and summary.escalated


def test_request_human_on_a_case_that_is_not_theirs_escalates_their_own_draft(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    theirs = seed_case(CASE, sender_id=OTHER, status="open")
    t = tracker(domain, "转人工", intent="request_human", slots={"case_reference": theirs})
    events = ActionRequestHuman().run(dispatcher, t, domain)
    assert len(events) == 1 and events[0]["name"] == "case_reference"
    mine = events[0]["value"]
    assert mine != theirs
    with uow() as u:
        assert u.cases.escalations(theirs) == []
        assert [e.reason for e in u.cases.escalations(mine)] == ["customer_requested_human"]
        customer = u.cases.customer_for_identity(SENDER)
        assert customer is not None and u.cases.cases_of_customer(customer.id) == [mine]


# --------------------------------------------------------------------------- data rights


def test_export_with_nothing_held(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "导出我的数据", intent="export_data")
    assert ActionExportData().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_no_data_held"}]


def test_export_sends_everything_held(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    ref = seed_case(CASE, status="open")
    t = tracker(domain, "导出我的数据", intent="export_data")
    assert ActionExportData().run(dispatcher, t, domain) == []
    messages = said(dispatcher)
    assert messages[0] == {"response": "utter_data_export_ready", "cases": 1}
    assert len(messages) == 2 and set(messages[1]) == {"custom"}
    custom = messages[1]["custom"]
    assert custom["type"] == "data_export"
    data = json.loads(json.dumps(custom["data"]))  # JSON-safe
    assert data["customer"]["name"] == "张三"
    assert data["customer"]["email"] == "Zhang@Example.com"
    assert data["customer"]["channels"] == [SENDER]
    assert [c["reference"] for c in data["cases"]] == [ref]


def test_ask_delete_and_keep(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "删除我的数据", intent="delete_data")
    assert ActionAskDeleteData().run(dispatcher, t, domain) == [SlotSet("delete_pending", True)]
    assert said(dispatcher) == [{"response": "utter_ask_delete_confirm"}]

    kept = CollectingDispatcher()
    t = tracker(domain, "不删除", intent="deny", slots={"delete_pending": True})
    assert ActionKeepData().run(kept, t, domain) == [SlotSet("delete_pending", False)]
    assert said(kept) == [{"response": "utter_data_kept"}]


def test_delete_blanks_the_personal_fields(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    ref = seed_case(CASE, status="open")
    slots = {**CASE, "case_reference": ref, "delete_pending": True}
    t = tracker(domain, "确认删除", intent="affirm", slots=slots)
    assert ActionDeleteData().run(dispatcher, t, domain) == [
        SlotSet("delete_pending", False),
        SlotSet("customer_name", None),
        SlotSet("customer_company", None),
        SlotSet("customer_email", None),
        SlotSet("customer_phone", None),
        SlotSet("customer_contact", None),
    ]
    # ... and the gateway is told to erase the conversation from the tracker store.
    erase = {"custom": {"type": "data_deleted"}}
    assert said(dispatcher) == [{"response": "utter_data_deleted"}, erase]
    with uow() as u:
        assert u.cases.customer_for_identity(SENDER) is None
        summary = u.cases.summary(ref)
        assert summary is not None and summary.customer_id is not None
        customer = u.cases.get_customer(summary.customer_id)
        assert customer is not None
        assert (customer.name, customer.company, customer.email, customer.phone) == (
            None, None, None, None,
        )
        assert customer.anonymised is True and customer.identities == ()
        case = u.cases.get(ref)
        assert case is not None
        assert (case.customer_name, case.customer_email, case.customer_phone) == (None,) * 3
        assert summary.category == "outage"  # the anonymised case row stays

    # Nothing is held for this chat any more.
    again = CollectingDispatcher()
    t = tracker(domain, "导出我的数据", intent="export_data")
    assert ActionExportData().run(again, t, domain) == []
    assert said(again) == [{"response": "utter_no_data_held"}]


def test_delete_with_nothing_held(domain: DomainDict, dispatcher: CollectingDispatcher) -> None:
    t = tracker(domain, "确认删除", intent="affirm", slots={"delete_pending": True})
    events = ActionDeleteData().run(dispatcher, t, domain)
    assert events[0] == SlotSet("delete_pending", False)
    erase = {"custom": {"type": "data_deleted"}}  # the conversation itself still goes
    assert said(dispatcher) == [{"response": "utter_no_data_held"}, erase]
