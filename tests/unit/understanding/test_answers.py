"""Recognising "don't know / not sure / doesn't apply / skip" answers (both languages)."""

from __future__ import annotations

import pytest

from understanding.answers import is_unknown_answer, says_unknown, text_answer

UNKNOWN = [
    "不清楚", "不知道。", "说不好", "我也说不上来。", "不确定", "记不清了", "这个不太清楚",
    "暂时不知道", "还不清楚", "说不准", "不适用", "跳过", "跳过吧", "不晓得",
    "I don't know.", "I dont know", "I don’t know", "Sorry, I don't know", "Don't know yet.",
    "No idea.", "no clue", "Not sure, sorry.", "hard to say", "Hard to tell", "n/a", "N/A",
    "doesn't apply", "not applicable", "skip", "Skip this one", "dunno", "unknown",
]  # fmt: skip
ANSWERS = [
    "不清楚 大概5万元", "I don't know, maybe 50,000 yuan", "no", "没有", "不", "孙立军", "yes",
    "今天天气怎么样？", "我不知道该怎么办，支付系统宕机了", "still down", "no loss", "没有损失",
    "/affirm", "", "not sure it was at 9am, maybe 10am",
]  # fmt: skip


@pytest.mark.parametrize("text", UNKNOWN)
def test_dont_know_answers(text: str) -> None:
    assert is_unknown_answer(text)


@pytest.mark.parametrize("text", ANSWERS)
def test_real_answers_and_other_messages_are_not_unknown(text: str) -> None:
    assert not is_unknown_answer(text)


@pytest.mark.parametrize(
    ("slot", "text", "answer"),
    [("release_version", "version 4.2.0", "version 4.2.0"),
     ("release_version", "the new one", None),
     ("sla_terms", "99.9% uptime", "99.9% uptime"), ("sla_terms", "it's in the contract", None),
     ("remedy_wanted", "退还本季度费用", "退还本季度费用"),
     ("remedy_wanted", "what do you mean?", None),
     ("remedy_wanted", "嗯", None), ("remedy_wanted", "/affirm", None)],
)  # fmt: skip
def test_free_text_answers(slot: str, text: str, answer: str | None) -> None:
    assert text_answer(slot, text) == answer


@pytest.mark.parametrize(
    "text",
    ["Don't know yet. Finance will have to work that out.", "I'm afraid I don't know that one.",
     "Hmm, I honestly couldn't say, sorry.", "钱这块我不清楚，不归我管",
     "这个真不好说，领导还没给我数。",
     "这个我真记不住，合同在会计那。", "I'm really not sure, I'd have to ask my manager"],
)  # fmt: skip
def test_dont_know_inside_a_longer_message(text: str) -> None:
    assert says_unknown(text) and not is_unknown_answer(text)


def test_a_report_is_not_a_dont_know() -> None:
    assert not says_unknown("our payment system is down since 9am")
    assert not says_unknown("/deny")
