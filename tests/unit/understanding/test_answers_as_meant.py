"""Issue 14: an answer is heard as the customer means it, whatever the classifier heard.

Yes and no in full sentences, a system named in the customer's own words, a start said
without its clock time (kept as the day, never stored as 09:00 or midnight), a time said in
passing that does not replace one told, the customer's own conclusion among several
moments, data kinds denied in the same breath, and totals over unit prices.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from claims.policy import Policy
from understanding.polarity import yes_or_no

from .conftest import run

D = "2026-11-{}T{}:00+08:00"
KNOWN = {"description": "x"}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("No, we didn't touch anything. Nobody has logged in for a month.", False),
        ("Nope, no changes on our end since the spring.", False),
        ("Me? No, I wouldn't know how.", False),
        ("I don't think so, our setup is exactly as you delivered it.", False),
        ("Not as far as I know.", False),
        ("We did not change the retention settings.", False),
        ("我们这边没有做任何调整。", False),
        ("好像没有吧，一直是默认配置。", False),
        ("Yes, we rotated the keys that morning.", True),
        ("Our admin switched the bucket to public, yes.", True),
        ("是的，前一天我们升级了插件。", True),
        ("The weather was terrible that day.", None),
        ("", None),
        ("/affirm", None),
    ],
)  # fmt: skip
def test_yes_or_no_in_the_customers_words(text: str, said: bool | None) -> None:
    assert yes_or_no(text) is said


@pytest.mark.parametrize(
    ("text", "requested", "expected"),
    [
        ("No, nothing changed on our side, same config for months.", "customer_config_changed",
         {"customer_config_changed": False}),
        # a third party named, but not to blame
        ("The courier API feeds us, but the duplicates came from your side.",
         "third_party_involved", {"third_party_involved": False}),
        ("物流公司那边都正常，问题在你们的接口。", "third_party_involved",
         {"third_party_involved": False}),
        # the customer's no beats a leak keyword in the same sentence
        ("Leaked? No, nobody's details got out, the files just vanished.", "data_leaked",
         {"data_leaked": False}),
    ],
)  # fmt: skip
def test_a_yes_no_question_takes_the_sentence(
    policy: Policy, text: str, requested: str, expected: dict[str, Any]
) -> None:
    updates = run(policy, text, "correct_answer", requested, KNOWN).updates
    assert {k: v for k, v in updates.items() if k in expected} == expected


@pytest.mark.parametrize(
    "text",
    ["The loyalty points engine, tenant north-3.", "门店的会员积分引擎，华北节点。",
     "Warehouse scanners, firmware channel B"],
)  # fmt: skip
def test_a_system_in_the_customers_own_words(policy: Policy, text: str) -> None:
    updates = run(policy, text, "give_contact", "affected_systems", KNOWN).updates
    assert updates["affected_systems"] == [unicodedata.normalize("NFKC", text).rstrip("。.")]


def test_a_question_back_is_no_system(policy: Policy) -> None:
    updates = run(policy, "What do you mean by system?", "faq", "affected_systems", KNOWN)
    assert "affected_systems" not in updates.updates


def test_a_start_without_its_clock_is_the_day_a_later_answer_falls_on(policy: Policy) -> None:
    opening = run(policy, "Our booking site has been dead since yesterday afternoon.").updates
    assert "started_at" not in opening
    hint = opening["started_hint"]
    answer = run(policy, "around 3:40", "give_time", "started_at",
                 {**KNOWN, "started_hint": hint}).updates  # fmt: skip
    assert answer["started_at"] == D.format("20", "15:40")


def test_a_time_said_in_passing_does_not_replace_one_told(policy: Policy) -> None:
    slots = {**KNOWN, "started_at": D.format("20", "09:30")}
    text = "Screenshots of the error page, and the order chart flat between 9:30 and 1."
    updates = run(policy, text, "describe_evidence", "evidence_items", slots).updates
    assert "started_at" not in updates and updates["evidence_items"]


@pytest.mark.parametrize(
    ("text", "started"),
    [
        ("It looked fine at 11 last night and was broken at 7 this morning. Your status page "
         "lists a storage fault at 3am, so I guess that's when.", D.format("21", "03:00")),
        ("I think it was 3 days ago, in the evening, around 8.", D.format("18", "20:00")),
    ],
)  # fmt: skip
def test_the_customers_conclusion_and_joined_clauses(
    policy: Policy, text: str, started: str
) -> None:
    updates = run(policy, text, "give_time", "started_at", KNOWN).updates
    assert updates["started_at"] == started


@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("Back at 2ish.", D.format("20", "14:00")),  # after a start at noon: the afternoon
        ("It was back around two, 2:25 to be exact.", D.format("20", "14:25")),
        ("Not yet.", "ongoing"),
        ("No, the records are still missing.", "ongoing"),
        ("现在还打不开。", "ongoing"),
    ],
)  # fmt: skip
def test_the_end(policy: Policy, text: str, ended: str) -> None:
    slots = {**KNOWN, "started_at": D.format("20", "12:00")}
    assert run(policy, text, "give_time", "ended_at", slots).updates["ended_at"] == ended


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Names and email addresses. We never stored phone numbers.", ["name", "email_address"]),
        ("客户电话、收货地址，还有登录位置信息。", ["phone_number", "address", "location"]),
        ("Full name and bank account number, no passwords.", ["name", "bank_card"]),
    ],
)  # fmt: skip
def test_leaked_kinds_as_said(policy: Policy, text: str, kinds: list[str]) -> None:
    slots = {**KNOWN, "data_leaked": True}
    updates = run(policy, text, "describe_impact", "leaked_data_kinds", slots).updates
    assert updates["leaked_data_kinds"] == kinds


def test_corrected_kinds_replace_the_old_list(policy: Policy) -> None:
    slots = {**KNOWN, "data_leaked": True, "leaked_data_kinds": ["name", "address"]}
    text = "I had that wrong: no addresses after all, only the names and emails."
    updates = run(policy, text, "correct_answer", "customer_name", slots).updates
    assert updates == {"leaked_data_kinds": ["name", "email_address"]}


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("丢了二十来单，少卖了差不多六千块吧", "6000"),  # the count is no amount
        ("每间三百多，加起来一千二三吧", "1200"),  # the stated total wins
        ("每小时损失约5000元，到现在差不多3万元了", "30000"),
    ],
)  # fmt: skip
def test_the_loss_is_the_amount_meant(policy: Policy, text: str, amount: str) -> None:
    updates = run(policy, text, "give_amount", "revenue_lost", KNOWN).updates
    assert updates["revenue_lost"]["amount"] == amount


@pytest.mark.parametrize(
    "text", ["Sorry, I just re-read the export and it had no addresses in it at all.", "好的"]
)
def test_not_every_answer_to_the_name_question_is_a_name(policy: Policy, text: str) -> None:
    assert "customer_name" not in run(policy, text, None, "customer_name", KNOWN).updates


@pytest.mark.parametrize(
    ("text", "started"),
    [
        ("The logs say the first failure was around 4am, 2 days ago.", D.format("19", "04:00")),
        ("roughly 2 in the afternoon yesterday", D.format("20", "14:00")),
        ("我们是昨天早上8点多发现的。", D.format("20", "08:00")),  # noticed: the start known
    ],
)  # fmt: skip
def test_the_start_as_said(policy: Policy, text: str, started: str) -> None:
    updates = run(policy, text, "give_time", "started_at", KNOWN).updates
    assert updates["started_at"] == started


@pytest.mark.parametrize(
    ("text", "requested", "expected"),
    [
        # both ends corrected at once
        ("Hang on, I mixed up my days: it failed 3 days ago at 4pm and came back yesterday at 9.",
         "data_leaked",
         {"started_at": D.format("18", "16:00"), "ended_at": D.format("20", "09:00")}),
        # a corrected moment before the start told is the start, whatever is being asked
        ("哦我记错了，其实前天上午8点就不行了。", "ended_at",
         {"started_at": D.format("19", "08:00")}),
        ("Sorry, I had that wrong. It was 2 days ago, not 3. Still at 7 in the evening.",
         "evidence_items", {"started_at": D.format("19", "19:00")}),
    ],
)  # fmt: skip
def test_corrected_times(
    policy: Policy, text: str, requested: str, expected: dict[str, str]
) -> None:
    slots = {**KNOWN, "started_at": D.format("20", "16:00")}
    updates = run(policy, text, "correct_answer", requested, slots).updates
    assert {k: v for k, v in updates.items() if k.endswith("_at")} == expected


@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("They say it's been fixed since yesterday at 8am.", D.format("20", "08:00")),
        ("Looks fine now, I think since about 4 yesterday afternoon.", D.format("20", "16:00")),
        ("No, it's still doing it, I checked this morning.", "ongoing"),  # "still" is no "till"
        # a version is no hour
        ("昨天晚上让我们回滚到3.2.1，弄到10点多才弄完。", D.format("20", "22:00")),
    ],
)  # fmt: skip
def test_the_end_in_more_words(policy: Policy, text: str, ended: str) -> None:
    slots = {**KNOWN, "started_at": D.format("19", "12:00")}
    assert run(policy, text, "give_time", "ended_at", slots).updates["ended_at"] == ended
