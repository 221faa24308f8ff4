"""Issue 14, items 4 and 5 and the confirmation: the actions follow what the customer means.

A report about a feature called "export"/"delete"/"cancel" is a report (the account action
starts or continues the intake and touches no data); a button's payload keeps the chat's
language; "yes, that's correct" at the confirmation submits the claim.
"""

from __future__ import annotations

import pytest
from rasa_sdk import Action
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.account import ActionAskDeleteData, ActionCaseStatus, ActionExportData
from actions.intake import ActionApplyCorrection, ActionAskCancel
from actions.slot_mappings import ValidateSlotMappings

from .conftest import entity, said, seed_case, tracker
from .test_intake_actions import LEAK

EXPORT_REPORT = "the CSV export in your CRM fails since yesterday"
MID_INTAKE = {"description": "our billing module is broken", "intake_active": True,
              "category": "functional_defect", "language": "en"}  # fmt: skip


def test_a_report_about_an_export_feature_starts_the_intake(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(domain, EXPORT_REPORT, intent="export_data",
                after=[{"event": "slot", "name": "description", "value": EXPORT_REPORT}])
    assert ActionExportData().run(dispatcher, t, domain) == [
        SlotSet("intake_active", True), FollowupAction("incident_form"),
    ]  # fmt: skip
    assert said(dispatcher) == [{"response": "utter_start_intake"}]


def test_a_report_about_an_export_feature_mid_intake_goes_on_with_the_form(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    seed_case(LEAK, status="open")
    t = tracker(domain, "the invoice export stopped working yesterday at 3pm",
                intent="export_data", slots=MID_INTAKE, active_loop="incident_form",
                requested_slot="started_at")  # fmt: skip
    assert ActionExportData().run(dispatcher, t, domain) == [FollowupAction("incident_form")]
    assert said(dispatcher) == []  # no data export in the chat


@pytest.mark.parametrize(
    ("action", "intent", "text"),
    [
        (ActionAskDeleteData, "delete_data", "点删除没反应"),
        (ActionAskCancel, "cancel_intake", "customers can't use the cancel button on orders"),
        (ActionCaseStatus, "ask_status", "your status page shows green but our API is down"),
    ],
)
def test_a_report_about_a_feature_mid_intake_is_no_account_request(
    domain: DomainDict, dispatcher: CollectingDispatcher, action: type[Action], intent: str,
    text: str,
) -> None:
    t = tracker(domain, text, intent=intent, slots=MID_INTAKE, active_loop="incident_form",
                requested_slot="started_at")  # fmt: skip
    assert action().run(dispatcher, t, domain) == [FollowupAction("incident_form")]
    assert said(dispatcher) == []


def test_a_cancel_that_is_meant_still_asks_first(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    t = tracker(domain, "forget it, cancel this claim", intent="cancel_intake",
                slots=MID_INTAKE, active_loop="incident_form")  # fmt: skip
    assert ActionAskCancel().run(dispatcher, t, domain) == [
        SlotSet("cancel_pending", True), SlotSet("awaiting_confirmation", False),
    ]  # fmt: skip


async def test_a_chinese_button_keeps_the_chat_in_chinese(domain: DomainDict) -> None:
    slots = {"description": "我们的系统出问题了", "intake_active": True, "language": "zh"}
    t = tracker(domain, '/report_incident{"category": "outage"}', intent="report_incident",
                entities=[entity("category", "outage")], slots=slots,
                active_loop="incident_form", requested_slot="category")  # fmt: skip
    events = await ValidateSlotMappings().run(CollectingDispatcher(), t, domain)
    assert events[0] == SlotSet("language", "zh")
    assert SlotSet("category", "outage") in events
    assert SlotSet("language", "en") not in events


def test_yes_thats_correct_at_the_confirmation_submits(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    draft = seed_case(LEAK)
    slots = {**LEAK, "awaiting_confirmation": True, "case_reference": draft}
    t = tracker(domain, "yes, that's correct", intent="correct_answer", slots=slots)
    assert ActionApplyCorrection().run(dispatcher, t, domain) == [
        SlotSet("case_reference", draft),
        SlotSet("category", "security_breach"),
        SlotSet("case_submitted", True),
        SlotSet("awaiting_confirmation", False),
        SlotSet("intake_active", False),
    ]
    assert said(dispatcher)[0]["response"] == "utter_claim_submitted"


def test_a_real_correction_at_the_confirmation_is_not_a_confirmation(
    domain: DomainDict, dispatcher: CollectingDispatcher
) -> None:
    slots = {**LEAK, "awaiting_confirmation": True}
    t = tracker(domain, "that is not correct", intent="correct_answer", slots=slots)
    assert ActionApplyCorrection().run(dispatcher, t, domain) == []
    assert said(dispatcher) == [{"response": "utter_correction_not_understood"}]
