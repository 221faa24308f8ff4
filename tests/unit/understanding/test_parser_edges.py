"""Acceptance tables for the quantity parsers (issue 13): 上万 only as an amount, a date's
year or day never as the amount, an impossible date gives nothing and loses nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from claims.policy import Policy
from understanding.amounts import ParsedCount, parse_count, parse_money
from understanding.timeparse import correction_time, parse_datetime, parse_range

from .conftest import NOW, SH, cny, run

# --------------------------------------------------------------------------- 上万


@pytest.mark.parametrize(
    ("text", "money", "count"),
    [
        ("损失上万", "10000", ParsedCount(10000, True)),  # a bare number; the words decide
        ("上万元", "10000", None),
        ("上万用户受影响", None, ParsedCount(10000, True)),
        ("影响了上万名客户", None, ParsedCount(10000, True)),
        ("晚上万达店", None, None),
        ("晚上万达店的用户都无法支付", None, None),
        ("昨天晚上万达店的会员系统挂了", None, None),
        ("马上万一再出问题", None, None),
        ("早上万象城店100个订单丢了", None, ParsedCount(100)),
    ],
)
def test_shang_wan_is_an_amount_only_as_an_amount(
    text: str, money: str | None, count: ParsedCount | None
) -> None:
    parsed = parse_money(text, "CNY")
    assert (None if parsed is None else str(parsed.amount)) == money
    assert parse_count(text) == count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("晚上万达店的用户都无法支付", {
            "affected_systems": ["payment"], "category": "outage",
            "started_hint": "晚上万达店的用户都无法支付",
        }),
        ("昨天晚上万达店支付系统宕机，损失上万元", {
            "affected_systems": ["payment"], "category": "outage",
            "started_hint": "昨天晚上万达店支付系统宕机", "revenue_lost": cny("10000"),
        }),
    ],
)  # fmt: skip
def test_shang_wan_in_a_report(policy: Policy, text: str, expected: dict[str, Any]) -> None:
    updates = run(policy, text).updates
    assert {k: v for k, v in updates.items() if k not in ("description", "category_reason")} == (
        expected
    )


# --------------------------------------------------------------------------- dates are no amounts


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("December 2025 we lost 30000", "30000"),
        ("the outage on 12 March 2025 cost us 5000", "5000"),
        ("since March 3rd, 2026 we lost 4000", "4000"),
        ("on the 14th we lost 700", "700"),
        ("on May 5 2026 revenue dropped by 8000", "8000"),
        ("2025年12月底开始宕机，损失3万", "30000"),
        ("2026-11-20 lost 900", "900"),
        ("December 2025", None),
        ("12 March 2025", None),
        ("2025年3月12日", None),
        ("损失2025", "2025"),  # without a date around it 2025 is an amount
    ],
)
def test_a_dates_numbers_are_not_the_amount(text: str, amount: str | None) -> None:
    parsed = parse_money(text, "CNY")
    assert (None if parsed is None else str(parsed.amount)) == amount


@pytest.mark.parametrize(
    ("text", "requested", "slot", "expected"),
    [
        ("December 2025 we lost 30000", None, "revenue_lost", cny("30000")),
        ("end of December 2025", "revenue_lost", "revenue_lost", None),
        ("2025年12月底", "revenue_lost", "revenue_lost", None),
        ("2025年12月底开始宕机，损失3万", None, "revenue_lost", cny("30000")),
        ("2025年12月底开始宕机，损失3万", None, "started_hint", "2025年12月底开始宕机"),
        ("2025年12月底开始宕机，损失3万", "started_at", "started_at", "2025-12-31T00:00:00+08:00"),
    ],
)
def test_the_year_is_not_taken_as_the_amount(
    policy: Policy, text: str, requested: str | None, slot: str, expected: Any
) -> None:
    slots = {"description": "支付系统宕机"} if requested else {}
    updates = run(policy, text, "give_amount" if requested else "report_incident", requested,
                  slots).updates  # fmt: skip
    assert updates.get(slot) == expected


# --------------------------------------------------------------------------- impossible dates

IMPOSSIBLE = [
    "2026年2月30日",
    "2026年2月30日上午9点",
    "2026年13月1日",
    "2026年0月0日",
    "0000年1月1日",
    "9999年12月31日23点",
    "0001年1月1日0点",
    "从9999年12月31日到10000年1月1日",
    "2026/13/01",
    "on 2026-02-30 at 9am",
    "Feb 30 2026",
    "March 32nd",
    "昨天25点",
]


@pytest.mark.parametrize("text", IMPOSSIBLE)
def test_an_impossible_date_names_no_moment(text: str) -> None:
    assert parse_datetime(text, NOW, SH) is None
    assert parse_range(text, NOW, SH) == (None, None)
    assert correction_time(text, NOW, SH) is None


@pytest.mark.parametrize("date", IMPOSSIBLE)
def test_an_impossible_date_loses_nothing_else(policy: Policy, date: str) -> None:
    text = f"{date}支付系统宕机，损失3万元"
    updates = run(policy, text).updates
    assert updates["description"] == text
    assert updates["revenue_lost"] == cny("30000")
    assert updates["affected_systems"] == ["payment"]
    assert "started_at" not in updates


@pytest.mark.parametrize(
    "text",
    ["10000000000天前宕机", "99999999年前宕机", "999999999 hours ago the api went down",
     "宕机了99999999999999小时", "持续了1e309小时"],
)  # fmt: skip
def test_an_impossible_span_loses_nothing_else(policy: Policy, text: str) -> None:
    updates = run(policy, f"{text}，损失3万元").updates
    assert updates["revenue_lost"] == cny("30000")
    assert "started_at" not in updates


def test_an_impossible_date_as_the_answer_is_asked_again(policy: Policy) -> None:
    result = run(policy, "2026年2月30日", "give_time", "started_at", {"description": "宕机"})
    assert result.updates == {}
    assert result.problems == ("invalid_time",)
