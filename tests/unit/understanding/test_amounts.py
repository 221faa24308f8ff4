"""parse_money, parse_count and cn_to_int: exact Decimal amounts, currencies and counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.case import Money
from understanding.amounts import (
    NegativeAmount,
    ParsedCount,
    ParsedMoney,
    cn_to_decimal,
    cn_to_int,
    parse_count,
    parse_money,
)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("10万元", "100000", "CNY"),
        ("¥5,000", "5000", "CNY"),
        ("￥５０００", "5000", "CNY"),
        ("5000 RMB", "5000", "CNY"),
        ("5000元", "5000", "CNY"),
        ("3.5万", "35000", "CNY"),
        ("两万块", "20000", "CNY"),
        ("1.2k USD", "1200", "USD"),
        ("$1.2k", "1200", "USD"),
        ("€300", "300", "EUR"),
        ("USD 2,500.50", "2500.50", "USD"),
        ("2 million yuan", "2000000", "CNY"),
        ("500块钱", "500", "CNY"),
        ("一百万", "1000000", "CNY"),
        ("大概损失了3万5千元", "35000", "CNY"),
        ("损失1万5", "15000", "CNY"),
        ("£99.99", "99.99", "GBP"),
        ("HK$300", "300", "HKD"),
        ("300港币", "300", "HKD"),
        ("200 dollars", "200", "USD"),
        ("50 euros", "50", "EUR"),
        ("5w", "50000", "CNY"),
        ("$2.5m", "2500000", "USD"),
        ("5000美元", "5000", "USD"),
        ("我们损失了大约20万人民币", "200000", "CNY"),
        ("we lost about $12,000 in sales", "12000", "USD"),
        ("0元", "0", "CNY"),
        ("影响3000用户，损失5000元", "5000", "CNY"),  # the count is skipped
        ("损失大概5000-8000元", "8000", "CNY"),  # range: the amount carrying the currency
        # hedged Chinese amounts are about their round value
        ("十来万", "100000", "CNY"),
        ("十几万吧，具体还在算", "100000", "CNY"),
        ("五十来万", "500000", "CNY"),
        ("直接经济损失二十多万", "200000", "CNY"),
        ("一百多万", "1000000", "CNY"),
        ("一百来万吧", "1000000", "CNY"),
        ("几千块", "1000", "CNY"),
        ("几万块", "10000", "CNY"),
        ("已经损失好几万了", "10000", "CNY"),
        ("上万元", "10000", "CNY"),
        ("损失上万", "10000", "CNY"),
        ("损失上万，还在统计", "10000", "CNY"),
        ("损失上千万元", "10000000", "CNY"),
        ("昨天晚上万达店的收银系统挂了，营业额损失了大概两千块", "2000", "CNY"),  # not 晚上+万
        ("三万多", "30000", "CNY"),
        ("三万余元", "30000", "CNY"),
        ("两千多美元", "2000", "USD"),  # the hedge no longer hides the currency
        ("一百二十万", "1200000", "CNY"),
        ("1.2万元", "12000", "CNY"),
        # English number words
        ("two hundred thousand yuan", "200000", "CNY"),
        ("three thousand dollars", "3000", "USD"),
        ("half a million", "500000", "CNY"),
        ("just under half a million RMB", "500000", "CNY"),
        ("twenty-five thousand dollars", "25000", "USD"),
        ("one hundred and fifty thousand", "150000", "CNY"),
        ("twelve thousand five hundred", "12500", "CNY"),
        ("a thousand dollars", "1000", "USD"),
        ("ten dollars", "10", "USD"),
        ("5 grand", "5000", "CNY"),
        ("two grand", "2000", "CNY"),
        ("it cost us two grand", "2000", "CNY"),
        ("two hundred dollars", "200", "USD"),
        ("we paid our client 8 grand in penalties plus 2k in overtime", "8000", "CNY"),
    ],
)
def test_parse_money(text: str, amount: str, currency: str) -> None:
    result = parse_money(text)
    assert result == Money(Decimal(amount), currency)
    assert isinstance(result.amount, Decimal)
    assert str(result.amount) == amount  # exact, no "1200.0" or exponent


def test_parse_money_returns_case_money() -> None:
    assert ParsedMoney is Money
    assert isinstance(parse_money("5000元"), Money)


def test_default_currency_applies_to_bare_numbers_only() -> None:
    assert parse_money("5000", default_currency="USD") == Money(Decimal(5000), "USD")
    assert parse_money("5000元", default_currency="USD") == Money(Decimal(5000), "CNY")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "不知道",
        "我损失了一些钱",
        "3000 users",
        "3小时",
        "2026-11-20 14:00",
        "at 14:30",
        "50%",
        "万一系统再挂怎么办",
        "v2.3 broke the app",
        "第2季度",
        "error ABC123",
        "one of our servers is down",
        "a hundred users",
        "hundreds of users",
        "two three",
        "多少钱",
        "系统一直登不上",
        "grand opening",
        "it was a grand opening",
        "a grand total of three outages",
        "two hundred of them failed",  # no currency, no scale: a count, not money
        # 上 of 晚上/马上/线上/加上/早上 before 万达/万一 is no "up to ten thousand"
        "昨天晚上万达店的收银系统挂了",
        "马上万一出问题",
        "线上万一再挂怎么办",
        "加上万达那边",
        "早上万达店挂了",
    ],
)
def test_non_money_is_none(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize("text", ["-500元", "minus 300", "¥-20", "-$20", "负500元", "−500 RMB"])
def test_negative_amount_raises(text: str) -> None:
    with pytest.raises(NegativeAmount):
        parse_money(text)
    assert issubclass(NegativeAmount, ValueError)


@pytest.mark.parametrize(
    ("text", "value", "approximate"),
    [
        ("3000 users", 3000, False),
        ("5万名用户", 50000, False),
        ("约两千条记录", 2000, True),
        ("1,200 customers", 1200, False),
        ("十几个人", 10, True),
        ("几百个用户", 100, True),
        ("上千人", 1000, True),
        ("数万用户", 10000, True),
        ("两千多个账户", 2000, True),
        ("about 300 people", 300, True),
        ("around 3k users", 3000, True),
        ("hundreds of users", 100, True),
        ("3000", 3000, False),
        ("一个人", 1, False),
        ("受影响的有12个商户", 12, False),
        ("昨天下午3点开始，500个订单失败", 500, False),
    ],
)
def test_parse_count(text: str, value: int, approximate: bool) -> None:
    assert parse_count(text) == ParsedCount(value, approximate)


@pytest.mark.parametrize(
    "text", ["", "hello", "5000元", "3小时", "14:30", "不清楚", "v2.3", "第2季度", "ticket #42"]
)
def test_parse_count_none(text: str) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("零", 0),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("两万", 20000),
        ("3千", 3000),
        ("1万5", 15000),
        ("一百五", 150),
        ("一百零五", 105),
        ("一千零一", 1001),
        ("一亿五千万", 150000000),
        ("十万", 100000),
        ("3.5万", 35000),
        ("二零二六", 2026),
        ("壹佰贰拾", 120),
        ("12", 12),
    ],
)
def test_cn_to_int(text: str, expected: int) -> None:
    assert cn_to_int(text) == expected


@pytest.mark.parametrize("text", ["", "万", "万一", "abc", "3.5", "十几"])
def test_cn_to_int_rejects(text: str) -> None:
    assert cn_to_int(text) is None


def test_cn_to_decimal_keeps_fractions() -> None:
    assert cn_to_decimal("3.5") == Decimal("3.5")
    assert cn_to_decimal("1.25万") == Decimal("12500")


_DIGITS = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """Standard Chinese numeral for 0 <= n < 10**12 (the inverse cn_to_int must honour)."""
    if n == 0:
        return "零"

    def below_10k(x: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, x = divmod(x, unit)
            if d:
                if zero and out:
                    out += "零"
                out += _DIGITS[d] + name
                zero = False
            else:
                zero = True
        return out

    parts: list[str] = []
    for unit, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        chunk, n = divmod(n, unit)
        if chunk:
            if parts and chunk < 1000:
                parts.append("零")
            parts.append(below_10k(chunk) + name)
        elif parts and n:
            parts.append("零")
    text = "".join(parts)
    while "零零" in text:
        text = text.replace("零零", "零")
    return text


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_cn_to_int_inverts_standard_chinese_numerals(n: int) -> None:
    assert cn_to_int(_to_chinese(n)) == n


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [("¥{}", "CNY"), ("{} 元", "CNY"), ("${}", "USD"), ("USD {}", "USD"), ("€{}", "EUR")]
    ),
    st.booleans(),
)
def test_formatted_amounts_round_trip(amount: Decimal, fmt: tuple[str, str], group: bool) -> None:
    template, currency = fmt
    number = f"{amount:,.2f}" if group else f"{amount:.2f}"
    result = parse_money(template.format(number))
    assert result is not None
    assert result.currency == currency
    assert result.amount == amount


@given(st.integers(min_value=1, max_value=10**9))
def test_negative_formatted_amounts_always_raise(n: int) -> None:
    with pytest.raises(NegativeAmount):
        parse_money(f"-{n}元")
