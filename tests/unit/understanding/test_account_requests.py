"""Issue 14, item 4: an account intent only when the customer means their own data or claim."""

from __future__ import annotations

import pytest

from claims.policy import Policy
from understanding.account_requests import account_request_meant
from understanding.language import detect_language
from understanding.lexicons import CONFIRMATION

from .conftest import run

IN_PROGRESS = {"intake_active": True, "description": "our billing is broken"}


@pytest.mark.parametrize(
    ("intent", "text", "slots", "meant"),
    [
        ("export_data", "please send me a copy of my data", IN_PROGRESS, True),
        ("export_data", "export my data", {}, True),
        ("export_data", "I want all the data you hold about me", {}, True),
        ("export_data", "把我的数据导出给我", {}, True),
        ("export_data", "the CSV export in your CRM fails since yesterday", {}, False),
        ("export_data", "our nightly export job stopped working", IN_PROGRESS, False),
        ("export_data", "export is broken", IN_PROGRESS, False),
        ("export_data", "导出功能报错了", {}, False),
        ("delete_data", "delete my data", IN_PROGRESS, True),
        ("delete_data", "删除我的个人信息", IN_PROGRESS, True),
        ("delete_data", "the delete button does nothing since the update", {}, False),
        ("delete_data", "点删除没反应", IN_PROGRESS, False),
        ("cancel_intake", "cancel", IN_PROGRESS, True),
        ("cancel_intake", "forget it, cancel this claim", IN_PROGRESS, True),
        ("cancel_intake", "算了不报了", IN_PROGRESS, True),
        ("cancel_intake", "customers can't use the cancel button on orders", IN_PROGRESS, False),
        ("cancel_intake", "取消按钮点了没反应", IN_PROGRESS, False),
        ("ask_status", "what's the status of my claim?", IN_PROGRESS, True),
        ("ask_status", "理赔进度怎么样了", {}, True),
        ("ask_status", "your status page shows green but our API is down", IN_PROGRESS, False),
        ("report_incident", "the export button fails", {}, True),
    ],
)
def test_account_intents_only_when_meant(
    policy: Policy, intent: str, text: str, slots: dict[str, object], meant: bool
) -> None:
    assert account_request_meant(intent, text, slots, policy) is meant


def test_a_report_heard_as_export_is_read_as_a_report(policy: Policy) -> None:
    text = "the CSV export in your CRM fails since yesterday"
    updates = run(policy, text, intent="export_data").updates
    assert updates["description"] == text
    assert updates["affected_systems"] == ["crm"]


def test_a_report_heard_as_export_mid_intake_answers_the_question(policy: Policy) -> None:
    updates = run(policy, "the invoice export stopped working yesterday at 3pm",
                  intent="export_data", requested="started_at", slots=IN_PROGRESS).updates
    assert updates == {"started_at": "2026-11-20T15:00:00+08:00"}


@pytest.mark.parametrize(
    "payload",
    ['/report_incident{"category": "outage"}', "/affirm", ' /report_incident{"category": "x"} '],
)
def test_a_button_payload_keeps_the_language(payload: str) -> None:
    assert detect_language(payload, default="zh") == "zh"
    assert detect_language(payload, default="en") == "en"


@pytest.mark.parametrize(
    ("text", "confirms"),
    [
        ("yes, that's correct", True), ("Yes, that is correct.", True), ("correct", True),
        ("that's right, please submit", True), ("是的，没错", True), ("对的，提交吧", True),
        ("信息正确", True), ("yes but the time is wrong", False), ("that is not correct", False),
        ("correct the start time to 9am", False), ("不对，是晚上7点", False),
    ],
)  # fmt: skip
def test_a_confirmation_is_told_from_a_correction(text: str, confirms: bool) -> None:
    assert (CONFIRMATION.search(text) is not None) is confirms
