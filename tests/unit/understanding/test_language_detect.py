"""detect_language and requested_language: exact outcomes on zh, en and mixed messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from understanding.language import ZH_THRESHOLD, detect_language, requested_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好，我们的支付系统昨天挂了", "zh"),
        ("Our payment system went down yesterday", "en"),
        ("我的payment系统挂了", "zh"),  # 6 Han vs 1 word
        ("our API down, 请帮忙", "zh"),  # 3 Han vs 3 words = 0.5
        ("The page shows 系统繁忙 when we log in", "en"),  # 4 vs 8 = 0.33
        ("My company 腾讯 has an outage on the payment system", "en"),
        ("CRM系统", "zh"),
        ("API 挂了", "zh"),  # 2 vs 1
        ("hello", "en"),
        ("你好", "zh"),
        ("Café crashed", "en"),  # accented Latin counts as Latin
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "12345", "!!!", "😀😀", "2026-11-20 14:00", "¥5000"])
def test_detect_language_falls_back_to_default_without_letters(text: str) -> None:
    assert detect_language(text) == "zh"
    assert detect_language(text, default="en") == "en"


def test_threshold_boundary() -> None:
    assert ZH_THRESHOLD == 0.4
    assert detect_language("a b c 中文") == "zh"  # 2 / 5 = 0.4
    assert detect_language("a b c d 中文") == "en"  # 2 / 6 = 0.33


@given(st.text(alphabet="的一是不了人我在有他这中大来上国", min_size=1))
def test_pure_han_is_zh(text: str) -> None:
    assert detect_language(text, default="en") == "zh"


@given(st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=8))
def test_pure_latin_is_en(words: list[str]) -> None:
    assert detect_language(" ".join(words)) == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("please answer in English", "en"),
        ("Please answer in English.", "en"),
        ("English please", "en"),
        ("english", "en"),
        ("English?", "en"),
        ("in English please", "en"),
        ("can you speak chinese", "zh"),
        ("Can you speak Chinese?", "zh"),
        ("Hi, can you reply in Chinese please?", "zh"),
        ("reply in Chinese", "zh"),
        ("switch to english", "en"),
        ("switch the language to Chinese", "zh"),
        ("change language to chinese", "zh"),
        ("please use chinese", "zh"),
        ("speak English", "en"),
        ("Do you speak English?", "en"),
        ("I don't speak Chinese", "en"),
        ("i cannot read english", "zh"),
        ("说中文", "zh"),
        ("请用英文回答", "en"),
        ("用中文", "zh"),
        ("換成中文", "zh"),
        ("英文", "en"),
        ("中文吧", "zh"),
        ("可以说英文吗", "en"),
        ("请说普通话", "zh"),
        ("我看不懂英文", "zh"),
        ("我看不懂，请用英文回答", "en"),
        ("麻烦用中文和我说", "zh"),
        ("ＥＮＧＬＩＳＨ", "en"),  # full-width letters
    ],
)
def test_requested_language(text: str, expected: str) -> None:
    assert requested_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "my English website is down",
        "Chinese customers cannot pay",
        "we use English on our site",
        "The English version of the app crashed",
        "用英文写的文档丢了",
        "我们的英文网站挂了",
        "中文页面打不开",
        "我们的系统支持中文和英文",
        "hello",
        "你好",
        "I speak English and my colleague speaks Chinese, the app crashed",
    ],
)
def test_mentioning_a_language_is_not_a_request(text: str) -> None:
    assert requested_language(text) is None
