"""Token patterns for the entity_ruler of our blank zh/jieba spaCy pipeline.

Why token patterns and not a jieba user dictionary: spaCy's Chinese tokenizer calls the global
``jieba.cut`` and has no user-dictionary setting for jieba, and the saved pipeline must load
in Rasa's process without any of our code.  So every pattern is written against the tokens
jieba really produces (see README.md, "Tokenization quirks"), e.g. ``10万元`` is
``10 | 万元``, ``CLM-2026-000123`` is ``clm | - | 2026 | - | 000123`` and jieba's HMM glues
unknown neighbours together (``两万块``, ``三千个``, ``十一点半``).

All matching is on ``LOWER`` because Rasa's SpacyNLP lowercases the text by default
(``case_sensitive: false``); the patterns therefore work on either case.

Everything here is plain data built deterministically (fixed order, no sets), so the
generated ``patterns.jsonl`` is byte-identical between builds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

Token = dict
Seq = list  # a list of token specs
Alt = list  # a list of alternative token sequences

LABELS = (
    "money",
    "duration",
    "datetime",
    "percent",
    "case_reference",
    "email",
    "phone",
    "affected_count",
)

# ---------------------------------------------------------------- regex building blocks
CN_DIGIT = "零〇一二两三四五六七八九十"
CN_ALL = CN_DIGIT + "百千万亿"
# a Chinese numeral with at least one real digit (so "万" or "千" alone is not a number)
CN_NUM = f"[{CN_ALL}]*[{CN_DIGIT}][{CN_ALL}]*"
DEC = r"\d+(?:\.\d+)?"
ZH_MAG = "(?:十|百|千|万|十万|百万|千万|亿)"
EN_MAG = "(?:k|thousand|m|mn|million|b|bn|billion)"
EN_WORD_NUM = (
    "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a few|several)"
)
EN_WORD_NUM_TOKEN = (
    "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
)
EN_ONES = "(?:one|two|three|four|five|six|seven|eight|nine)"
EN_TENS = "(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"


def rx(pattern: str, **extra: object) -> Token:
    """A token whose lowercased text fully matches ``pattern``."""
    return {"LOWER": {"REGEX": f"^(?:{pattern})$"}, **extra}


def lit(*words: str, **extra: object) -> Token:
    """A token equal (lowercased) to one of ``words``."""
    if len(words) == 1:
        return {"LOWER": words[0], **extra}
    return {"LOWER": {"IN": list(words)}, **extra}


def glued(token: Token, **extra: object) -> Token:
    """The same token, but with no whitespace after it (parts of one written string)."""
    return {**token, "SPACY": False, **extra}


def opt(token: Token) -> Token:
    return {**token, "OP": "?"}


# ---------------------------------------------------------------- numbers
def grouped_numbers(last: str = r"\d{3}(?:\.\d+)?") -> Alt:
    """``1,200`` and ``1,200,000.50``: jieba splits on commas, so they span 3 or 5 tokens."""
    head = glued(rx(r"\d{1,3}"))
    comma = glued(lit(","))
    return [
        [head, comma, rx(last)],
        [head, comma, glued(rx(r"\d{3}")), comma, rx(last)],
    ]


ARABIC: Alt = [[rx(DEC)], *grouped_numbers()]
CHINESE: Alt = [[rx(CN_NUM)]]
ANY_NUM: Alt = ARABIC + CHINESE
EN_NUM: Alt = ARABIC + [[rx(EN_WORD_NUM_TOKEN)]]


def mixed_numbers() -> Alt:
    """``2万5`` (25,000), ``1万5千``, ``3千5百`` (3,500): a digit right after 万/千 continues
    the number, so the span must cover it (jieba: ``2 | 万 | 5``; ``两万五`` is one token)."""
    lead = glued(rx(r"\d+"))
    digit = rx("[1-9]")
    return [
        [lead, glued(lit("万")), digit],
        [lead, glued(lit("万")), glued(digit), lit("千")],
        [lead, glued(lit("千")), digit],
        [lead, glued(lit("千")), glued(digit), lit("百")],
        [rx(f"{CN_NUM}[万千][一二两三四五六七八九]")],
    ]


def en_word_numbers(plain: bool = False) -> Alt:
    """``two hundred thousand``, ``twenty-five thousand``, ``a million``: one token per word
    (jieba also cuts the hyphen). ``plain`` adds unscaled words (``five``, ``twenty-five``)."""
    head: Alt = [[rx(EN_WORD_NUM_TOKEN)], [glued(rx(EN_TENS)), glued(lit("-")), rx(EN_ONES)]]
    big = lit("thousand", "million", "billion")
    scale: Alt = [[lit("hundred")], [big], [lit("hundred"), big]]
    seqs = expand(head, scale) + expand(lit("a"), scale)
    return (head + seqs) if plain else seqs


HEDGE_ZH = ["约", "大约", "大概", "近", "将近", "接近", "超过", "逾", "至少"]
HEDGE_EN = ["about", "around", "approximately", "approx", "roughly", "nearly", "almost", "over"]
HEDGES: Alt = [
    [],
    [lit(*HEDGE_ZH)],
    [lit(*HEDGE_EN)],
    [lit("more", "less", "fewer"), lit("than")],
    [lit("at"), lit("least")],
    [lit("up"), lit("to")],
]


# ---------------------------------------------------------------- expansion helper
def expand(*slots: Alt | Token) -> list[Seq]:
    """All token sequences formed by picking one alternative for each slot, in order.

    A slot is either one token spec (a dict) or a list of alternative token sequences.
    """
    choices = [[[slot]] if isinstance(slot, dict) else slot for slot in slots]
    for alt in choices:
        if any(not isinstance(seq, list) for seq in alt):
            raise TypeError(f"slot must be a token or a list of token lists: {alt!r}")
    return [[tok for part in combo for tok in part] for combo in itertools.product(*choices)]


def tagged(label: str, seqs: Iterable[Seq]) -> list[dict]:
    return [{"label": label, "pattern": seq} for seq in seqs if seq]


# ---------------------------------------------------------------- money
ZH_CURRENCY = "(?:元|块|块钱|元钱|元整|人民币|美元|美金|欧元|英镑|日元|港币|港元|刀)"
EN_CURRENCY = (
    r"(?:yuan|rmb|cny|usd|us\$|dollars?|bucks|eur|euros?|gbp|pounds?|hkd|jpy|yen|"
    r"€|\$|¥|￥|£)"
)
CURRENCY_BEFORE = r"(?:¥|￥|\$|€|£|us\$|hk\$|rmb|cny|usd|eur|gbp|hkd|jpy|人民币|美元)"


def bare_zh_amounts() -> Alt:
    """Amounts with a 千/万/亿 magnitude but no currency: 3.5万, 8千, 3万多, 20多万, 十来万, 2万5.

    In claims talk a bare magnitude means money. 千 counts only after Arabic digits: "8千" is
    the colloquial money shorthand, while "两千字", "三千公里" are everyday non-money phrases.
    jieba glues 多/来/左右 to the magnitude (``20 | 多万``, ``8 | 千左右``) or keeps them apart
    (``20 | 来 | 万``, ``十来 | 万``); ``十几万``, ``二十多万`` are one token.
    """
    big = "(?:万|十万|百万|千万|亿)"
    seqs: list[Seq] = []
    seqs += expand(ARABIC, rx(f"[多来]?(?:千|{big})(?:多|余)?(?:左右)?"))
    seqs += expand(rx(r"\d+"), lit("来", "多"), rx(big))
    seqs += expand(CHINESE, rx(f"{big}多?"))
    seqs += [[rx(f"{CN_NUM}[来多几]"), rx(big)]]
    seqs += [[rx(f"{CN_NUM}[来多几余]?[万亿]多?")]]
    return seqs + mixed_numbers()


def money() -> list[dict]:
    """Numbers with a currency (or a 千/万/亿 magnitude or a k, which in claims talk mean money)."""
    after_zh = rx(f"{ZH_MAG}?多?{ZH_CURRENCY}")  # 元 | 万元 | 千元 | 块钱
    after_en = rx(EN_CURRENCY)
    tail_qian = [[], [lit("钱")]]
    tail_rmb = [[], [lit("人民币", "rmb")]]
    seqs: list[Seq] = []
    # 10 | 万元 ; 5000 | 元 | 人民币 ; 两 | 万 | 元 ; 2 | 万 | 5 | 千块
    seqs += expand(HEDGES, ANY_NUM, [[], [rx(ZH_MAG)]], after_zh, tail_qian, tail_rmb)
    seqs += expand(HEDGES, mixed_numbers(), after_zh, tail_qian)
    # 两万块 | 钱 ; 两万元 (one HMM token) ; 一块钱 -- but not 一块 ("这一块" = "this part")
    seqs += expand(HEDGES, rx(f"(?!一块$){CN_NUM}{ZH_MAG}?多?{ZH_CURRENCY}"), tail_qian)
    seqs += expand(HEDGES, bare_zh_amounts())
    # 5000 | rmb ; 2 | million | yuan ; 10k | usd ; 300 | € ; two | hundred | thousand | yuan
    en_amount = [*ARABIC, [rx(f"{DEC}[kmb]")]]
    seqs += expand(HEDGES, en_amount, [[], [rx(EN_MAG)]], after_en)
    seqs += expand(HEDGES, en_word_numbers(plain=True), after_en)
    seqs += expand(HEDGES, rx(f"{DEC}k"))  # 5k, 30k: "k" is money shorthand in chat
    # ¥ | 5 | , | 000 ; $ | 1.2 | k ; usd | 2 | , | 500.50 ; 人民币 | 5000 | 元
    before = rx(CURRENCY_BEFORE)
    mags: Alt = [[], [rx(EN_MAG)], [rx(ZH_MAG)]]
    seqs += expand(HEDGES, before, en_amount, mags, [[], [after_zh]])
    # 5000rmb ; usd2500 (one token each)
    seqs += expand(HEDGES, rx(f"{DEC}(?:[kw]|万)?(?:rmb|cny|usd|eur|yuan|元|块)"))
    seqs += expand(HEDGES, rx(f"(?:rmb|cny|usd|eur|hkd){DEC}[kmw]?"))
    return tagged("money", seqs)


# ---------------------------------------------------------------- duration
ZH_DUR_UNIT = "(?:小时|钟头|分钟|秒钟|秒|天|周|星期|礼拜|个月)"
EN_DUR_UNIT = (
    "(?:hours?|hrs?|h|minutes?|mins?|seconds?|secs?|days?|weeks?|wks?|months?|years?|yrs?)"
)
ZH_DUR_TOKEN = f"个?半?{ZH_DUR_UNIT}(?:内|之内|以内|多)?"
# "30s" is seconds, but "503s"/"404s" are HTTP status codes and "1990s" a decade
SHORT_SECONDS = r"\d{1,2}(?:\.\d+)?s"


def duration() -> list[dict]:
    """Amounts of time: 3小时, 两天, 半小时, 1.5 hours, 3h, half an hour, 3-4小时."""
    zh_num: Alt = [
        [rx(rf"{DEC}个?半?")],
        [rx(f"{CN_NUM}个?半?")],
    ]
    zh_range: Alt = [
        *zh_num,
        [rx(r"\d+"), lit("-", "~", "到", "至"), rx(r"\d+")],
        [rx(f"{CN_NUM}[到至]?"), rx(f"{CN_NUM}")],  # 两到 | 三
    ]
    seqs: list[Seq] = []
    seqs += expand(HEDGES, zh_range, rx(ZH_DUR_TOKEN))
    # 2 | 个 | 月 ; 3 | 个 | 小时
    seqs += expand(HEDGES, zh_range, lit("个"), rx("(?:月|小时|钟头|星期|礼拜)(?:内|多)?"))
    # years only with a small number: 3年 is a duration, 2026年 is a year
    small: Alt = [[rx(r"\d{1,2}(?:\.\d)?个?半?")], [rx(f"{CN_NUM}个?半?")]]
    seqs += expand(HEDGES, small, rx("年(?:内|多)?"))
    # 两天 ; 半小时 ; 三天 ; 一个半小时 (one token) ; 两到 | 三天
    merged = rx(f"(?:{CN_NUM}|半)个?半?(?:小时|钟头|分钟|秒钟|天|周|星期|礼拜|个月|年)(?:内|多)?")
    seqs += expand(HEDGES, [[], [rx(f"{CN_NUM}[到至]")]], merged)
    en_range: Alt = [
        *EN_NUM,
        [rx(r"\d+"), lit("-", "to", "~"), rx(r"\d+")],
        [rx(EN_WORD_NUM_TOKEN), lit("to", "or"), rx(EN_WORD_NUM_TOKEN)],
        [lit("a", "an")],
        [lit("a"), lit("few", "couple")],
        [lit("several")],
        [rx(DEC), lit("and"), lit("a"), lit("half")],
    ]
    seqs += expand(HEDGES, en_range, rx(EN_DUR_UNIT))
    seqs += expand(HEDGES, lit("half"), lit("a", "an"), rx("hour|day"))
    seqs += expand(HEDGES, rx(f"{DEC}(?:h|hrs?|hours?|mins?|minutes?|d|days?|secs?|wks?)"))
    seqs += expand(HEDGES, rx(SHORT_SECONDS))
    return tagged("duration", seqs)


# ---------------------------------------------------------------- datetime
PERIOD_ZH = "(?:上午|下午|早上|早晨|清晨|凌晨|中午|晚上|傍晚|夜里|夜间|半夜|深夜|午夜|晚间)"
WEEKDAY_ZH = "[一二三四五六日天]"
DAY_ZH = (
    "(?:今天|昨天|前天|明天|后天|大前天|今日|昨日|当天|今早|今晨|昨早|今晚|昨晚|昨夜|今夜|前晚|"
    f"(?:上|本|这|下)?(?:个)?(?:周|星期|礼拜){WEEKDAY_ZH}|上周|本周|这周|上个?星期|"
    "上个?月|本月|这个月|月初|月底|年初|年底|(?:上|本|这|下)个?周末)"
)
HOUR_ZH = f"(?:[01]?\\d|2[0-4]|[{CN_DIGIT}]{{1,3}})"
MONTH_NUM = r"(?:1[0-2]|0?[1-9])"
DAY_NUM = r"(?:3[01]|[12]\d|0?[1-9])"
CN_MONTH = "(?:十[一二]?|[一二三四五六七八九])"
CN_DAY = "(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
MONTHS_EN = (
    "(?:jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|"
    "sep|sept|september|oct|october|nov|november|dec|december)\\.?"
)
WEEKDAYS_FULL = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# abbreviations that are also English words ("sat", "sun", "wed") need a clock or "last"
WEEKDAYS_ABBR = "(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
WEEKDAYS_EN = f"(?:{WEEKDAYS_FULL}|{WEEKDAYS_ABBR})"
DAYPARTS_EN = ("morning", "afternoon", "evening", "night")
ORDINAL_EN = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)"
HH = r"(?:[01]?\d|2[0-3])"
MM = r"[0-5]\d"


def zh_dates() -> Alt:
    """2026年11月20日, 11月20号, 十一月二十日, 2026-11-20, 2026/11/20, 2026.11.20."""
    month: Alt = [[rx(MONTH_NUM), lit("月")], [rx(f"{CN_MONTH}月")]]
    day: Alt = [
        [rx(DAY_NUM), lit("日", "号")],
        [rx(f"{DAY_NUM}[日号]")],
        [rx(f"{CN_DAY}[日号]")],
        [rx(CN_DAY), lit("日", "号")],
    ]
    year: Alt = [[], [rx(r"(?:19|20)\d\d"), lit("年")]]
    dates = expand(year, month, day)
    dates += expand([[rx(r"(?:19|20)\d\d"), lit("年")]], month)  # 2026年11月 (a year+month)
    for sep in ("-", "/"):
        dates += expand(
            glued(rx(r"(?:19|20)\d\d")),
            glued(lit(sep)),
            glued(rx(MONTH_NUM)),
            glued(lit(sep)),
            rx(DAY_NUM),
        )
    dates += [[glued(rx(rf"(?:19|20)\d\d\.{MONTH_NUM}")), glued(lit(".")), rx(DAY_NUM)]]
    return dates


def hhmm(suffix: bool = False) -> Alt:
    """14:00 / 9:30am: three tokens because jieba splits on the colon."""
    last = [rx(MM)] + ([rx(f"{MM}(?:am|pm|a\\.m\\.|p\\.m\\.)")] if suffix else [])
    return [[glued(rx(HH)), glued(lit(":", "：")), tok] for tok in last]


def zh_clocks() -> Alt:
    """9点, 8点半, 三点, 3点15分, 十一点半, 14:00."""
    dian = "(?:点|点钟|点整|点半|点多|时)"
    minutes: Alt = [[], [rx(r"[0-5]?\d"), lit("分")], [rx(r"[0-5]?\d分")], [rx(f"[{CN_DIGIT}]+分")]]
    clocks = expand([[rx(HOUR_ZH), rx(dian)], [rx(f"{HOUR_ZH}{dian}")]], minutes)
    clocks += hhmm()
    return clocks


def en_clocks() -> Alt:
    """9am, 3 pm, 2:30 pm, 14:30, noon, midnight."""
    ampm = "(?:am|pm|a\\.m\\.|p\\.m\\.)"
    clocks: Alt = [[rx(f"(?:1[0-2]|0?\\d){ampm}")], [rx(r"(?:1[0-2]|0?\d)"), rx(ampm)]]
    clocks += hhmm(suffix=True)
    clocks += expand(hhmm(), rx(ampm))
    clocks += [[lit("noon", "midnight")]]
    return clocks


def zh_month_parts() -> Alt:
    """上个月底, 本月初, 11月中旬, 去年年底: the part of a month (or year) people remember.

    jieba cuts them many ways: ``上个月 | 底``, ``本 | 月初``, ``11 | 月底``, ``上月底``.
    """
    part = "(?:初|底|末|中旬|上旬|下旬)"
    which = "(?:上个?|本|这个?|下个?)月"
    return [
        [rx(f"{which}{part}")],
        [rx(which), rx(part)],
        [lit("上", "上个", "本", "这", "这个", "下", "下个"), rx(f"月{part}")],
        [rx(MONTH_NUM), rx(f"月{part}")],
        [rx(MONTH_NUM), lit("月"), rx(part)],
        [rx(f"{CN_MONTH}月"), rx(part)],
        [rx(f"{CN_MONTH}月{part}")],
        [rx("(?:去年|今年|前年)年(?:初|底|末)")],
        [lit("去年", "今年", "前年"), rx("年(?:初|底|末)")],
    ]


def zh_datetimes() -> list[Seq]:
    """昨天上午9点, 这周一, 上个月底, 11月20日下午3点, 凌晨2点, 三小时前."""
    seqs: list[Seq] = []
    day_zh: Alt = [
        [rx(f"{DAY_ZH}{PERIOD_ZH}?")],  # 昨天 | 昨天上午 (one token)
        [lit("上周", "本周", "这周", "下周"), rx(WEEKDAY_ZH)],  # 本周 | 三
        [lit("上", "这", "下"), lit("个"), rx(f"(?:星期|礼拜){WEEKDAY_ZH}")],  # 上|个|星期五
        [lit("上", "本", "这", "下"), rx(f"(?:周|星期|礼拜){WEEKDAY_ZH}|周末")],  # 这 | 周一
        *zh_month_parts(),
        *zh_dates(),
    ]
    period: Alt = [[rx(PERIOD_ZH)]]
    clock = zh_clocks()
    seqs += expand(day_zh)
    seqs += expand(day_zh, period)
    seqs += expand(day_zh, [[], *period], clock)
    seqs += expand(period, clock)
    # a clock alone: only the unambiguous forms (9点, 14:00); 三点 alone may mean "three points"
    seqs += expand([[rx(r"(?:[01]?\d|2[0-4])"), rx("点|点钟|点半|点整")], *hhmm()])
    # relative: 三小时前, 2天后
    rel_unit = "(?:个)?(?:小时|钟头|分钟|天|周|星期|个月|年)"
    rel_num: Alt = [[rx(DEC)], [rx(CN_NUM)]]
    before_after = lit("前", "后", "以前", "之前", "以后", "之后")
    seqs += expand(rel_num, rx(f"{rel_unit}[前后]?"), before_after)
    seqs += expand(rel_num, rx(f"{rel_unit}[前后]"))
    return seqs


def en_days() -> Alt:
    """today, last Sunday evening, Monday night, this week: days that stand alone.

    Abbreviated weekdays stand alone only after last/this/next ("I sat there" is no date).
    """
    dayparts = lit(*DAYPARTS_EN)
    return [
        [lit("today", "yesterday", "tonight", "tomorrow")],
        [lit("last", "this", "next"), rx(WEEKDAYS_EN)],
        [lit("last", "this", "next"), rx(WEEKDAYS_EN), dayparts],
        [rx(WEEKDAYS_FULL)],
        [rx(WEEKDAYS_FULL), dayparts],
        [lit("last"), lit("night", "week", "month")],
        [lit("this"), lit("week", "month")],
        [lit("this", "yesterday", "tomorrow"), lit("morning", "afternoon", "evening")],
    ]


def en_month_parts() -> Alt:
    """early November, mid-November, late Oct 2026, the end of last month."""
    month: Alt = [[rx(MONTHS_EN)], [rx(MONTHS_EN), rx(r"(?:19|20)\d\d")]]
    seqs = expand(lit("early", "mid", "late"), month)
    seqs += expand(glued(lit("mid")), glued(lit("-")), month)  # mid | - | november
    which = month + [[lit("last", "this", "the"), lit("week", "month")]]
    seqs += expand([[], [lit("the")]], lit("end", "beginning", "start", "middle"), lit("of"), which)
    return seqs


def en_datetimes() -> list[Seq]:
    """yesterday 9am, Nov 20 2pm, 10pm on the 14th, the night of the 14th, 2 hours ago.

    "the 14th" alone is no date ("the 3rd time"); it is one next to a clock or a day part.
    """
    en_rel: Alt = [*EN_NUM, [lit("a", "an")], [lit("a"), lit("few", "couple")]]
    seqs = expand(en_rel, rx(EN_DUR_UNIT), lit("ago"))
    year_en: Alt = [[], [rx(r"(?:19|20)\d\d")], [lit(","), rx(r"(?:19|20)\d\d")]]
    ordinal_day = rx(f"{DAY_NUM}(?:st|nd|rd|th)?")
    month = rx(MONTHS_EN)
    date_en: Alt = expand(month, ordinal_day, year_en)
    date_en += expand(ordinal_day, month, [[], [rx(r"(?:19|20)\d\d")]])
    date_en += expand([[], [lit("the")]], rx(ORDINAL_EN), lit("of"), month, year_en)
    date_en += expand(month, lit("the"), rx(ORDINAL_EN))  # November the 14th
    date_en += expand(zh_dates()[-3:])  # ISO forms are shared
    the_nth: Alt = [[lit("the"), rx(ORDINAL_EN)]]
    night_of = expand(
        [[], [lit("the")]], lit(*DAYPARTS_EN), lit("of"), [*the_nth, *date_en, [rx(WEEKDAYS_FULL)]]
    )
    dates_all = en_days() + date_en + night_of + en_month_parts()
    clock_dates = en_days() + date_en + the_nth
    joiners: Alt = [[], [lit("at", "around", "about", "@")], [lit(",")], [lit(","), lit("at")]]
    seqs += expand(dates_all)
    seqs += expand(clock_dates, joiners, en_clocks())
    seqs += expand(clock_dates, lit("at", "around"), rx(r"(?:1[0-2]|0?\d)"))  # today at 9
    seqs += expand(en_clocks(), [[], [lit("on")]], clock_dates)
    seqs += expand(rx(WEEKDAYS_ABBR), [[], [lit(",")]], en_clocks())  # Sat 3pm
    seqs += expand(en_clocks())
    seqs += expand(zh_dates()[-3:], [[], [lit("t")]], hhmm())
    return seqs


def datetime() -> list[dict]:
    """Points in time: dates, days, day parts and clock times, zh and en, and their combos."""
    return tagged("datetime", _dedupe(zh_datetimes() + en_datetimes()))


# ---------------------------------------------------------------- percent
def percent() -> list[dict]:
    """99.9%, 30 %, 百分之五, 5 percent, 5 per cent."""
    seqs: list[Seq] = [
        [rx(f"{DEC}[%％]")],
        [rx(f"百分之(?:{CN_NUM}|{DEC})(?:点[{CN_DIGIT}]+)?")],
        [lit("百分之"), rx(f"{CN_NUM}|{DEC}")],
    ]
    seqs += expand(ARABIC, lit("%", "％"))
    seqs += expand(EN_NUM, [[lit("percent", "pct")], [lit("per"), lit("cent")]])
    return tagged("percent", seqs)


# ---------------------------------------------------------------- references and contacts
def case_reference() -> list[dict]:
    """CLM-2026-000123: five tokens with nothing between them."""
    return tagged(
        "case_reference",
        [
            [
                glued(lit("clm")),
                glued(lit("-")),
                glued(rx(r"\d{4}")),
                glued(lit("-")),
                rx(r"\d{6}"),
            ]
        ],
    )


def email() -> list[dict]:
    """name.surname+tag@mail.example.com: jieba cuts at . _ + @, so glue the pieces."""
    local = glued(rx(r"[a-z0-9._%+-]+"), OP="+")
    domain = glued(rx(r"[a-z0-9.-]+"), OP="+")
    return tagged(
        "email",
        [[local, glued(lit("@")), domain, glued(lit(".")), rx("[a-z]{2,24}")]],
    )


def phone() -> list[dict]:
    """Chinese mobiles (bare, +86, grouped 3-4-4), landlines, and +CC international numbers."""
    seqs: list[Seq] = []
    cc: Alt = [[], [glued(lit("+")), rx("86")], [rx("86")], [glued(lit("+"))]]
    seqs += expand([[], [glued(lit("+"))]], rx(r"(?:0086|86)?1[3-9]\d{9}"))
    seqs += expand(cc, rx(r"1[3-9]\d{9}"))
    sep: Alt = [[], [glued(lit("-"), OP="?")]]
    seqs += expand(cc, rx(r"1[3-9]\d"), sep, rx(r"\d{4}"), sep, rx(r"\d{4}"))
    seqs += expand(
        [[], [glued(lit("+")), rx("86")]],
        glued(rx(r"0\d{2,3}")),
        glued(lit("-")),
        rx(r"\d{7,8}"),
    )
    # international: + CC then 2-4 groups of 2-4 digits (e.g. +1 415 555 0100)
    for n in (2, 3, 4):
        groups = [rx(r"\d{2,4}")] * n
        seqs.append([glued(lit("+")), rx(r"\d{1,3}"), *groups])
    # North American: (415) 555-0100, 415-555-0100
    seqs.append([lit("("), rx(r"\d{3}"), lit(")"), rx(r"\d{3}"), lit("-"), rx(r"\d{4}")])
    dash = glued(lit("-"))
    seqs.append([glued(rx(r"\d{3}")), dash, glued(rx(r"\d{3}")), dash, rx(r"\d{4}")])
    return tagged("phone", _dedupe(seqs))


# ---------------------------------------------------------------- affected counts
CLASSIFIER = "(?:个|名|位|条|笔|家|台|户|份|例|人次)"
# 一 + classifier is mostly the article "a" ("一笔订单" = "an order"), so counts skip it
NOT_LONE_ONE = f"(?!(?:一|one){CLASSIFIER}?$)"
ZH_COUNTED = (
    "(?:用户|客户|顾客|人|会员|商户|商家|账户|账号|帐户|帐号|记录|数据|订单|交易|员工|设备|"
    "终端|门店|企业|患者|病人|玩家|学员|学生|乘客|旅客|人次|用户数据|消费者|买家|卖家|"
    "粉丝|居民|住户|业主|租户|储户|持卡人|投保人|客人|访客|家庭|包裹|工单|文件)"
)
EN_COUNTED = (
    "(?:users|customers|people|persons|accounts|records|rows|orders|transactions|clients|"
    "members|employees|staff|devices|merchants|subscribers|patients|visitors|players|tenants|"
    "shops|stores|shoppers|buyers|sellers|consumers|guests|passengers|students|households|"
    "residents|families|cardholders|policyholders|payments|bookings|tickets|files|entries|"
    "user|customer|account|record|person)"
)


def affected_count() -> list[dict]:
    """How many people or records were hit: 3000 users, 5万名用户, 约两千条记录, 2万5个用户.

    A lone 一/one is skipped: "一笔订单", "一位客户" mean "an order", "a customer".
    """
    glue = rx(f"{ZH_MAG}?(?:多|余|来)?{CLASSIFIER}?")  # 万名 | 多名 | 来个 | 个 | 万
    num_zh: Alt = [
        *ARABIC,
        [rx(f"{NOT_LONE_ONE}{CN_NUM}(?:多|余)?")],  # 三千 ; 一百多
        [rx(f"{NOT_LONE_ONE}{CN_NUM}(?:多|余)?{CLASSIFIER}")],  # 三千个 (not 一笔)
        *mixed_numbers(),
    ]
    noun_zh = rx(f"{CLASSIFIER}?{ZH_COUNTED}")
    seqs: list[Seq] = []
    seqs += expand(HEDGES, num_zh, [[], [glue], [glue, glue]], noun_zh)
    en_num: Alt = [*ARABIC, [rx(f"{NOT_LONE_ONE}{EN_WORD_NUM_TOKEN}")], [rx(f"{DEC}[kmb]")]]
    mag: Alt = [[], [rx("k|thousand|million|m|mn")], [lit("+")]]
    counted: Alt = [[], [lit("affected", "impacted")]]
    seqs += expand(HEDGES, en_num, mag, counted, rx(EN_COUNTED))
    seqs += expand(HEDGES, en_word_numbers(), counted, rx(EN_COUNTED))  # two hundred users
    return tagged("affected_count", _dedupe(seqs))


# ---------------------------------------------------------------- all
def _dedupe(seqs: Sequence[Seq]) -> list[Seq]:
    """Drop repeated sequences, keeping first-seen order (deterministic)."""
    seen: set[str] = set()
    out: list[Seq] = []
    for seq in seqs:
        key = repr(seq)
        if key not in seen:
            seen.add(key)
            out.append(seq)
    return out


def all_patterns() -> list[dict]:
    """Every entity_ruler pattern, in a fixed order."""
    out: list[dict] = []
    for make in (
        case_reference,
        email,
        phone,
        percent,
        money,
        duration,
        datetime,
        affected_count,
    ):
        out += make()
    return out
