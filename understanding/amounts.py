"""Money amounts, head counts and Chinese numerals from free text.

Customers type amounts as "10万元", "$1.2k" or "两万块" and counts as "约两千条记录"; a claim
needs an exact ``Decimal`` with a currency (never a float) and an integer count, so the
parsing lives here, in one tested place, instead of in the Rasa actions.

Decisions (documented because callers rely on them):

* ``parse_money`` is meant for an answer to "how much did you lose?": a bare number such as
  "3.5万" or "一百万" is taken as an amount in ``default_currency``. A bare number followed
  by a count or time unit ("3000 users", "3小时") or that is part of a date/time
  ("December 2025", "12 March", "the 14th") is not money. When several amounts appear, the
  first one carrying a currency wins, else the first acceptable bare number.
* "¥" means CNY (not JPY); "$" means USD; "元/块/yuan/RMB" mean CNY.
* A hedged amount is its round value: "十来万"/"十几万" = 100000, "一百多万" = 1000000,
  "几千" = 1000. "上万" is "up to 10000" only where the unit ends the number ("损失上万",
  "上万用户"), never in "晚上万达店" or "马上万一". English number words count ("two
  hundred thousand", "half a million", "5 grand"); without a scale word only before a
  currency ("ten dollars", not "one of").
* A negative amount raises ``NegativeAmount`` so the bot can say amounts cannot be negative.
* ``parse_count`` returns ``ParsedCount(value, approximate)``: "十几个人" is
  ``ParsedCount(10, True)``, "约两千条记录" is ``ParsedCount(2000, True)``.
* ``cn_to_int`` reads Chinese numerals, including mixed forms ("3千", "1万5" = 15000,
  "一百五" = 150) and digit-by-digit years ("二零二六" = 2026).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from claims.case import Money

__all__ = [
    "Money",
    "NegativeAmount",
    "ParsedCount",
    "ParsedMoney",
    "cn_to_decimal",
    "cn_to_int",
    "parse_count",
    "money_spans",
    "parse_money",
    "price_rank",
]


class NegativeAmount(ValueError):
    """Raised for "-500元" / "minus 300": the bot answers that amounts cannot be negative."""


ParsedMoney = Money
"""Alias kept for callers written against the draft API; it is ``claims.case.Money``."""


@dataclass(frozen=True)
class ParsedCount:
    """A count of affected users/records; ``approximate`` when the text hedged ("约", "十几")."""

    value: int
    approximate: bool = False


_CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
_CN_UNIT_CHARS = "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")

# A number token: grouped or plain arabic digits, optionally mixed with Chinese numerals.
NUMBER_PATTERN = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN_CHARS}])"
    rf"(?:[{_CN_CHARS}]|\d+(?:\.\d+)?)*"
)


def normalize(text: str) -> str:
    """NFKC-fold full-width digits, "￥" and "，" so one set of regexes covers them."""
    return unicodedata.normalize("NFKC", text)


def cn_to_decimal(text: str) -> Decimal | None:
    """Read a Chinese/arabic/mixed numeral ("3.5万", "两千", "1万5") as a Decimal, else None."""
    s = normalize(text).replace(",", "").strip()
    if not s:
        return None
    if _PLAIN.fullmatch(s):
        return Decimal(s)
    if all(ch in _CN_DIGITS or ch.isascii() and ch.isdigit() for ch in s):
        # digit by digit: "二零二六" -> 2026
        return Decimal("".join(str(_CN_DIGITS[ch]) if ch in _CN_DIGITS else ch for ch in s))
    total = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    last_unit = 0
    after_unit = False  # the pending digit directly follows a unit ("一百五", "1万5")
    zero_seen = False
    i = 0
    while i < len(s):
        ch = s[i]
        m = _ARABIC.match(s, i)
        if m:
            if number is not None:
                return None
            number = Decimal(m.group())
            after_unit = i > 0 and s[i - 1] in _CN_UNIT_CHARS and not zero_seen
            i = m.end()
            continue
        if ch in _CN_DIGITS:
            d = _CN_DIGITS[ch]
            if d == 0:
                zero_seen = True
            else:
                if number is not None:
                    return None
                number = Decimal(d)
                after_unit = i > 0 and s[i - 1] in _CN_UNIT_CHARS and not zero_seen
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            section += (number if number is not None else Decimal(1)) * unit
            number, last_unit, zero_seen = None, unit, False
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            if number is not None:
                section += number
                number = None
            if section == 0 and total == 0:
                return None  # "万" alone or "万一" is not a number
            if unit == 10**8:
                total = (total + section) * unit
            else:
                total += section * unit
            section, last_unit, zero_seen = Decimal(0), unit, False
        else:
            return None
        i += 1
    if number is not None:
        if after_unit and last_unit >= 10:
            number *= last_unit // 10  # colloquial: "一百五" = 150, "1万5" = 15000
        section += number
    return total + section


def cn_to_int(text: str) -> int | None:
    """Integer value of a Chinese/mixed numeral ("十二" -> 12, "3千" -> 3000), else None."""
    value = cn_to_decimal(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def _tidy(amount: Decimal) -> Decimal:
    """Drop a meaningless exponent/fraction: 1.2 * 1000 is 1200, not 1200.0."""
    if amount == amount.to_integral_value():
        return Decimal(int(amount))
    return amount


_MULTIPLIERS: dict[str, int] = {
    "k": 10**3, "thousand": 10**3, "w": 10**4, "m": 10**6, "mn": 10**6, "mm": 10**6,
    "million": 10**6, "b": 10**9, "bn": 10**9, "billion": 10**9, "grand": 10**3,
}  # fmt: skip
_MULT = r"(?:(?<=\d)(?:k|mn|mm|m|bn|b|w)(?![a-z])|\s?(?:thousand|million|billion|grand)(?![a-z]))"

_CURRENCY_WORDS: dict[str, str] = {
    "¥": "CNY", "$": "USD", "us$": "USD", "hk$": "HKD", "€": "EUR", "£": "GBP",
    "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "s$": "SGD", "nz$": "NZD",
    "nt$": "TWD", "₹": "INR", "₩": "KRW",
    "rmb": "CNY", "cny": "CNY", "usd": "USD", "eur": "EUR", "gbp": "GBP", "hkd": "HKD",
    "jpy": "JPY", "aud": "AUD", "cad": "CAD", "sgd": "SGD", "nzd": "NZD", "chf": "CHF",
    "inr": "INR", "krw": "KRW", "twd": "TWD", "myr": "MYR",
    "元人民币": "CNY", "元": "CNY", "块钱": "CNY", "块": "CNY", "塊錢": "CNY", "塊": "CNY",
    "圆": "CNY", "圓": "CNY", "人民币": "CNY", "人民幣": "CNY", "美元": "USD", "美金": "USD",
    "欧元": "EUR", "歐元": "EUR", "英镑": "GBP", "英鎊": "GBP", "港币": "HKD", "港幣": "HKD",
    "港元": "HKD", "日元": "JPY", "日圆": "JPY", "円": "JPY", "澳元": "AUD", "澳币": "AUD",
    "澳幣": "AUD", "加元": "CAD", "加币": "CAD", "新加坡元": "SGD", "新币": "SGD",
    "新台币": "TWD", "台币": "TWD", "韩元": "KRW", "瑞士法郎": "CHF",
    "yuan": "CNY", "renminbi": "CNY",
    "us dollars": "USD", "u.s. dollars": "USD", "american dollars": "USD",
    "australian dollars": "AUD", "aussie dollars": "AUD", "canadian dollars": "CAD",
    "hong kong dollars": "HKD", "singapore dollars": "SGD", "new zealand dollars": "NZD",
    "dollars": "USD", "dollar": "USD", "bucks": "USD", "euros": "EUR", "euro": "EUR",
    "pounds sterling": "GBP", "pounds": "GBP", "pound": "GBP", "quid": "GBP",
    "swiss francs": "CHF", "rupees": "INR", "yen": "JPY",
}  # fmt: skip
_ISO = {
    "rmb", "cny", "usd", "eur", "gbp", "hkd", "jpy", "aud", "cad", "sgd", "nzd", "chf",
    "inr", "krw", "twd", "myr",
}  # fmt: skip
#: Symbols and codes written before the number ("A$ 8,000", "USD 1,200").
_PRE = (
    r"us\$|hk\$|au\$|a\$|ca\$|c\$|s\$|nz\$|nt\$|usd|cny|rmb|eur|gbp|hkd|jpy|aud|cad|sgd|"
    r"nzd|chf|inr|krw|twd|myr|[¥$€£₹₩]"
)
_PRE_SYMBOLS = {"¥", "$", "€", "£", "₹", "₩", "us$", "hk$", "au$", "a$", "ca$", "c$", "s$",
                "nz$", "nt$"}  # fmt: skip
_SUF = "|".join(
    re.escape(w) if not w.isascii() else rf"{re.escape(w)}(?![a-z])"
    for w in sorted(
        (w for w in _CURRENCY_WORDS if len(w) > 1 or not w.isascii()), key=len, reverse=True
    )
    if w not in _PRE_SYMBOLS
)

_MONEY = re.compile(
    rf"(?P<neg>(?<![0-9a-z.])[-−](?=\s?(?:{_PRE}|\d))|\bminus\s+|负|負)?"
    rf"(?:(?<![a-z])(?P<pre>{_PRE})\s?(?P<neg2>[-−])?\s?)?"
    rf"(?P<num>{NUMBER_PATTERN})"
    rf"(?P<mult>{_MULT})?"
    rf"(?:\s?(?P<suf>{_SUF}))?",
    re.IGNORECASE,
)

# What may follow a bare number that makes it a count, a time or a percentage, not money.
_NOT_MONEY_AFTER = re.compile(
    r"\s*[来來几幾多余餘]?(?:个|個|名|位|人|条|條|笔|筆|次|台|家|户|戶|份|单|單|间|間|张|張|件|小时|小時|钟头|鐘頭|分钟|分鐘|分|秒|天|日|"
    r"周|週|星期|月|年|号|號|点|點|时|時|%|％|percent|users?|customers?|people|persons?|"
    r"records?|rows?|orders?|accounts?|transactions?|hours?|hrs?|minutes?|mins?|seconds?|"
    r"secs?|days?|weeks?|months?|years?|times?|am\b|pm\b|h\b|[:/]\d|-\d)",
    re.IGNORECASE,
)


# A bare number followed by a word that is not about money counts things ("3 servers",
# "5 machines"): only these words may follow a bare amount.
_MONEY_FOLLOWERS = (
    "in|of|worth|total|or|and|but|so|to|at|on|for|from|the|that|this|which|because|since|"
    "when|while|yesterday|today|over|during|roughly|approx|approximately|maybe|give|lost|"
    "loss|losses|revenue|sales|income|profit|turnover|gone|down|damage|damages|we|i|is|was|"
    "were|are|a|an|plus|more|less|or so|ish|tops|max|minimum|at least|cost|costs|spent|"
    "paid|just|only|already|until|till|by|with|before|after|if|then|as|net|gross"
)
_NOUN_AFTER = re.compile(rf"\s?(?!(?:{_MONEY_FOLLOWERS})\b)[a-z]{{2,}}\b", re.IGNORECASE)

# Hedged Chinese amounts: "十来万"/"十几万"/"一百多万" are about 10万/100万, so the hedge between
# the number and its unit (or currency) is dropped; "几万"/"上万"/"数千" with no number
# before them are read as one of the unit, as parse_count reads "几百个". 上 is "up to"
# only before a unit that ends the amount: "损失上万", "上万元", not 晚上/马上 + "万达", "万一".
_HEDGE_INSIDE = re.compile(
    rf"(?<=[{_CN_CHARS}\d])[来來几幾多余餘](?=[{_CN_UNIT_CHARS}]|{_SUF})", re.IGNORECASE
)
_UP_TO = rf"上(?=[百佰千仟万萬亿億]+(?:{_SUF}|规模|規模|级|級|左右|$|\W))"
_FEW_OF_UNIT = re.compile(
    rf"(?<![{_CN_CHARS}\d])好?(?:[几幾数數](?=[{_CN_UNIT_CHARS}])|{_UP_TO})", re.IGNORECASE
)


# "三四千", "两三万", "五六百": two neighbouring digits before a unit are a range; its lower
# end is what the customer surely lost (the confirmation shows it to them).
_CN_RANGE = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万萬亿億\d])([一二两三四五六七八])([二三四五六七八九])"
    r"(?=[十百千万萬亿億])"
)
_RANGE_VALUE = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                "九": 9}  # fmt: skip


# "一千六七", "一千六七百", "两万三四": a range of the next lower place after a round amount.
_CN_TAIL_RANGE = re.compile(
    r"([一二两三四五六七八九])([千万萬])([一二两三四五六七八])([二三四五六七八九])([百千])?"
    r"(?![十百千万萬亿億\d])"
)
_LOWER_PLACE = {"千": "百", "万": "千", "萬": "千"}


def _tail_lower_end(m: re.Match[str]) -> str:
    low, high = _RANGE_VALUE[m.group(3)], _RANGE_VALUE[m.group(4)]
    if high != low + 1:
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(5) or _LOWER_PLACE[m.group(2)]}"


def _lower_end(m: re.Match[str]) -> str:
    low, high = _RANGE_VALUE[m.group(1)], _RANGE_VALUE[m.group(2)]
    return m.group(1) if high == low + 1 else m.group(0)


def _unhedge(s: str) -> str:
    """Reads "十来万" as "十万", "几千" as "一千" and "三四千" as "三千": the round amount being
    hedged about, or the lower end of a range."""
    s = _CN_TAIL_RANGE.sub(_tail_lower_end, s)
    return _FEW_OF_UNIT.sub("一", _HEDGE_INSIDE.sub("", _CN_RANGE.sub(_lower_end, s)))


# English number words ("two hundred thousand", "half a million", "twenty-five") become
# digits; without a scale word (thousand and up) only when a currency follows ("ten dollars";
# not "one of", "two hundred of them"). "a grand" is too often the adjective ("a grand
# opening"): grand is a scale only after a number ("two grand").
_EN_ONES: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_EN_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_SCALES: dict[str, int] = {"thousand": 10**3, "grand": 10**3, "million": 10**6,
                              "billion": 10**9}  # fmt: skip
_EN_WORD = "|".join([*_EN_ONES, *_EN_TENS, "hundred", *_EN_SCALES])
_EN_NUMBER = re.compile(
    r"\b(?:(?:half\s+)?an?\s+(?=(?:hundred|thousand|million|billion)\b)"
    rf"|(?=(?:{'|'.join([*_EN_ONES, *_EN_TENS])})\b))"
    rf"(?:{_EN_WORD})\b(?:(?:\s+and\s+|[\s-]+)(?:{_EN_WORD})\b)*",
    re.IGNORECASE,
)
_CURRENCY_NEXT = re.compile(rf"\s*(?:{_SUF})", re.IGNORECASE)


def _words_value(phrase: str) -> Decimal | None:
    """Value of an English number phrase; None when the words do not form one number."""
    words = [w for w in re.findall(r"[a-z]+", phrase.lower()) if w != "and"]
    half = words[0] == "half"
    words = [("one" if w in ("a", "an") else w) for w in words if w != "half"]
    total = current = Decimal(0)
    last = ""
    for w in words:
        if w in _EN_ONES or w in _EN_TENS:
            if last in _EN_ONES or (last in _EN_TENS and (w in _EN_TENS or _EN_ONES[w] >= 10)):
                return None  # "one two", "twenty thirty": a list, not a number
            current += Decimal(_EN_ONES[w] if w in _EN_ONES else _EN_TENS[w])
        elif w == "hundred":
            if last == "hundred":
                return None
            current = (current or Decimal(1)) * 100
        else:
            total += (current or Decimal(1)) * _EN_SCALES[w]
            current = Decimal(0)
        last = w
    value = total + current
    return value / 2 if half else value


def _spell_out(s: str) -> str:
    """Writes "two hundred thousand yuan" as "200000 yuan" for the digit patterns."""

    def digits(m: re.Match[str]) -> str:
        words = m.group(0).lower()
        scaled = any(w in words for w in _EN_SCALES)
        value = _words_value(words)
        if value is None or not (scaled or _CURRENCY_NEXT.match(s, m.end())):
            return m.group(0)
        return str(_tidy(value))

    return _EN_NUMBER.sub(digits, s)


def _money_value(m: re.Match[str]) -> Decimal | None:
    raw = m.group("num").rstrip(",.")
    value = cn_to_decimal(raw)
    if value is None:
        return None
    mult = (m.group("mult") or "").strip().lower()
    if mult:
        value *= _MULTIPLIERS[mult]
    return _tidy(value)


def _currency(m: re.Match[str], default: str) -> str | None:
    pre = (m.group("pre") or "").lower()
    suf = (m.group("suf") or "").lower()
    if suf and (suf in _ISO or not pre):
        return _CURRENCY_WORDS[suf]
    if pre:
        return _CURRENCY_WORDS[pre]
    return None


# English dates whose numbers are days and years, never amounts or counts: "December 2025",
# "12 March 2025", "March 3rd, 2026", "the 14th".
_EN_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)"
_EN_DATE = re.compile(
    rf"\b{_EN_MONTH}\s+(?:(?:\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?|\d{{4}})(?!\d)"
    rf"|\b(?:\d{{1,2}}(?:st|nd|rd|th)?|the\s+{_ORDINAL})\s+(?:of\s+)?{_EN_MONTH}"
    rf"(?:,?\s+\d{{4}})?\b|\b{_ORDINAL}\b",
    re.IGNORECASE,
)


def _in_date(s: str) -> list[tuple[int, int]]:
    return [m.span() for m in _EN_DATE.finditer(s)]


# Durations written with unit letters ("5h 45m", "2h30m", "down for 45m") are never money,
# although "45m" alone reads as 45 million: they are blanked before amounts are read.
_DURATION = re.compile(
    r"\b\d+(?:\.\d+)?\s*h(?:rs?|ours?)?\s*(?:and\s+)?\d+\s*m(?:ins?|inutes?)?\b",
    re.IGNORECASE,
)
_SHORT_DURATION = re.compile(
    r"(?:\bfor|\blasted|\btook|\bafter|\bover|\babout|\baround|\bdown)\s+\d+(?:\.\d+)?\s*(?:h|m)\b"
    r"(?!\s*(?:" + _SUF + r"))",
    re.IGNORECASE,
)
# A price per item ("35 dollars each", "$35 per head", "每人35元") is not the loss when a
# total is also said; a total ("so around 4,200 dollars", "总共4200元") is.
_PER_UNIT_AFTER = re.compile(
    r"\s*(?:each|apiece|a head|per\s+\w+|an?\s+(?:person|head|user|customer|order|item|"
    r"ticket|piece|seat|hour|day)\b|/\s*(?:人|单|單|个|個|件|张|張|h|hr|hour|day|person|user))",
    re.IGNORECASE,
)
_PER_UNIT_BEFORE = re.compile(
    r"(?:每(?:人|单|單|个|個|件|张|張|位|笔|筆|小时|小時|天)?(?:损失|損失|亏损|虧損|亏|虧|少赚|少賺)?"
    r"|单价|單價|\beach\b|\bper\s+\w+|"
    r"\bat\b)\s*(?:约|約|大约|大約|about|around|roughly)?\s*$",
    re.IGNORECASE,
)
_TOTAL_BEFORE = re.compile(
    r"(?:总共|總共|一共|合计|合計|共计|共計|总计|總計|加起来|加起來|总额|總額|总损失|總損失|"
    r"\bso\b|\btotal(?:l?ing|s|led)?\b|\bin total\b|\baltogether\b|\boverall\b|\ball in\b|"
    r"\bcomes? to\b|\bcame to\b|\badds? up to\b)[^0-9]{0,20}$",
    re.IGNORECASE,
)


def _blank(pattern: re.Pattern[str], s: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), s)


def _rank(s: str, m: re.Match[str]) -> int:
    """0 for a stated total, 2 for a price per item, 1 otherwise (the first of a rank wins)."""
    before = s[max(0, m.start() - 30) : m.start()]
    if _TOTAL_BEFORE.search(before):
        return 0
    if _PER_UNIT_AFTER.match(s, m.end()) or _PER_UNIT_BEFORE.search(before):
        return 2
    return 1


#: The rank of a number said without a currency: below every amount with one, unless it
#: is said as the total ("一间五百多，加起来一千六七").
BARE_RANK = 3


def price_rank(text: str) -> int:
    """How a clause states its amount: 0 a total, 2 a price per item, 1 plainly, and
    :data:`BARE_RANK` for a number without a currency that is no stated total."""
    s = normalize(text)
    ranks = [_rank(s, m) for m in _MONEY.finditer(s) if _currency(m, "CNY") is not None]
    if ranks:
        return min(ranks)
    s = _unhedge(s)
    bare = [_rank(s, m) for m in _MONEY.finditer(s) if _money_value(m) is not None]
    return 0 if 0 in bare else BARE_RANK


def money_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` states an amount with a currency: these numbers are never times."""
    s = normalize(text)
    if len(s) != len(text):
        return []
    out: list[tuple[int, int]] = []
    for m in _MONEY.finditer(s):
        if _money_value(m) is not None and _currency(m, "CNY") is not None:
            out.append(m.span())
    return out


def parse_money(text: str, default_currency: str = "CNY") -> Money | None:
    """The amount a customer states, as exact Decimal + currency; None when there is none.

    Among amounts with a currency a stated total wins over a price per item, else the
    first. Raises ``NegativeAmount`` for a negative amount ("-500元", "minus 300").
    """
    s = _blank(_SHORT_DURATION, _blank(_DURATION, _spell_out(_unhedge(normalize(text)))))
    dates = _in_date(s)
    bare: tuple[re.Match[str], Decimal] | None = None
    best: tuple[int, Money] | None = None
    for m in _MONEY.finditer(s):
        value = _money_value(m)
        if value is None:
            continue
        currency = _currency(m, default_currency)
        negative = bool(m.group("neg") or m.group("neg2"))
        if currency is not None:
            if negative:
                raise NegativeAmount(text)
            rank = _rank(s, m)
            if best is None or rank < best[0]:
                best = (rank, Money(value, currency))
            continue
        if bare is not None:
            continue
        num = m.group("num")
        if not (any(ch.isdigit() for ch in num) or any(ch in _CN_UNIT_CHARS for ch in num)):
            continue  # a lone "一" in "一些" is not an amount
        start, end = m.start("num"), m.end()
        if any(a <= start < b for a, b in dates):
            continue  # "December 2025", "12 March": a day or a year
        if start > 0 and s[start - 1] in ":/-" and s[start - 2 : start - 1].isdigit():
            continue  # "14:00", "2026-11-20"
        if start > 0 and (
            s[start - 1] in ":第#" or s[start - 1].isascii() and s[start - 1].isalpha()
        ):
            continue  # "v2.3", "ABC123", "第2季度", "#42" are labels, not amounts
        if _NOT_MONEY_AFTER.match(s, end) or _NOUN_AFTER.match(s, end):
            continue
        bare = (m, value)
    if best is not None:
        return best[1]
    if bare is None:
        return None
    m, value = bare
    if m.group("neg") or m.group("neg2"):
        raise NegativeAmount(text)
    return Money(value, default_currency)


_COUNT_UNIT = (
    r"(?:个|個|名|位|人|户|戶|家|条|條|笔|筆|台|份|件|例|users?|customers?|clients?|people|"
    r"persons?|members?|accounts?|records?|rows?|orders?|transactions?|devices?|merchants?|"
    r"stores?|employees?|entries|entry|subscribers?|players?|patients?|students?)"
)
_APPROX_PRE = (
    r"(?:大约|大約|大概|约|約|将近|將近|接近|近|超过|超過|逾|差不多|about|around|approximately|"
    r"approx\.?|roughly|nearly|almost|over|more than|some|~|≈)"
)
# 上 is "up to" only where the units end the count: "上万用户", "上万名客户", not "晚上万达店".
_UP_TO_COUNT = (
    rf"(?<![晚早马馬])上(?=[{_CN_UNIT_CHARS}]+(?:{_COUNT_UNIT}|用户|用戶|客户|客戶|会员|會員|"
    rf"规模|規模|级|級|左右|$|\W))"
)
_COUNT = re.compile(
    rf"(?P<pre>{_APPROX_PRE}\s*)?"
    rf"(?P<fuzzy>(?P<fnum>[{_CN_CHARS}\d]*)(?P<fz>[几幾数數]|{_UP_TO_COUNT})"
    rf"(?P<funit>[{_CN_UNIT_CHARS}]*))?"
    rf"(?(fuzzy)|(?P<num>{NUMBER_PATTERN})(?P<mult>(?<=\d)k(?![a-z]))?)"
    rf"(?P<post>多|余|餘|来|來|\+)?"
    rf"(?P<unit>\s*{_COUNT_UNIT})?",
    re.IGNORECASE,
)
_EN_FUZZY = re.compile(r"\b(?P<w>dozens|hundreds|thousands|millions)\s+of\b", re.IGNORECASE)
_EN_FUZZY_VALUES = {"dozens": 12, "hundreds": 100, "thousands": 1000, "millions": 10**6}
_NOT_COUNT_AFTER = re.compile(
    r"\s*(?:元|块|塊|圆|美元|欧元|人民币|小时|小時|分钟|分鐘|分|秒|天|日|周|週|星期|月|年|号|號|点|點|"
    r"时|時|%|％|rmb|cny|usd|yuan|dollars?|euros?|hours?|hrs?|minutes?|mins?|days?|weeks?|"
    r"months?|years?|am\b|pm\b|[:/]\d|-\d)",
    re.IGNORECASE,
)


def _count_value(m: re.Match[str]) -> int | None:
    if m.group("fuzzy"):
        fnum, fz, funit = m.group("fnum"), m.group("fz"), m.group("funit")
        if fnum and fz in "几幾":
            value = cn_to_int(fnum + funit)
        elif funit:
            value = cn_to_int("一" + funit)
        else:
            return None
        return value
    num = m.group("num").rstrip(",.")
    has_weight = any(ch.isdigit() or ch in _CN_UNIT_CHARS for ch in num)
    if not has_weight and not m.group("unit"):
        return None  # "一" alone is not a count, "一个人"/"两名用户" is
    dec = cn_to_decimal(num)
    if dec is None:
        return None
    if m.group("mult"):
        dec *= 1000
    if dec != dec.to_integral_value():
        return None
    return int(dec)


def parse_count(text: str) -> ParsedCount | None:
    """How many users/records/customers were affected; None when no count is given.

    A number followed by a count noun wins over a bare number; money, times and dates are
    never counts. Hedges ("约", "about", "十几", "两千多") set ``approximate``.
    """
    s = normalize(text)
    dates = _in_date(s)
    bare: ParsedCount | None = None
    for m in _COUNT.finditer(s):
        if not (m.group("fuzzy") or m.group("num")):
            continue
        value = _count_value(m)
        if value is None:
            continue
        approximate = bool(m.group("pre") or m.group("fuzzy") or m.group("post"))
        if m.group("unit"):
            return ParsedCount(value, approximate)
        start = m.start("fuzzy") if m.group("fuzzy") else m.start("num")
        if any(a <= start < b for a, b in dates):
            continue
        if start > 0 and (
            s[start - 1] in ":/-$¥€£第#" or s[start - 1].isascii() and s[start - 1].isalpha()
        ):
            continue
        if _NOT_COUNT_AFTER.match(s, m.end()) or (start > 0 and s[start - 1] == "-"):
            continue
        if bare is None:
            bare = ParsedCount(value, approximate)
    if bare is not None:
        return bare
    fuzzy = _EN_FUZZY.search(s)
    if fuzzy:
        return ParsedCount(_EN_FUZZY_VALUES[fuzzy.group("w").lower()], True)
    return None
