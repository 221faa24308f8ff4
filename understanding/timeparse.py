"""Dates, times, ranges and durations from free text (zh and en), resolved to aware datetimes.

Customers answer "when did it start?" with "昨天上午9点", "last Friday 3pm" or "2 hours ago";
the timeline needs timezone-aware datetimes, so every expression is resolved against the
message time ``now`` in the customer's IANA zone (default Asia/Shanghai).

Rules callers rely on:

* A time without a date means today, unless that is after ``now``; then yesterday.
* A date without a time resolves to 00:00 of that day. A month/day without a year is this
  year, unless that is after today; then last year.
* A part of the day without a clock time stands for its usual hour: 凌晨 03:00, 早上 08:00,
  上午/morning 09:00, 中午/noon 12:00, 下午/afternoon 15:00, 傍晚 18:00, 晚上/evening 20:00,
  night 22:00, 深夜 23:00 ("昨天中午" -> 12:00). Once that part of today has begun, such a
  guessed hour that is not already past is the last whole hour before ``now`` ("今晚" said
  at 19:30 is 19:00, not a future 20:00; never ``now`` itself, which reads as "until now").
  Without a day word, a part of day that has not begun today gives None, not yesterday's.
* A day of the month alone ("14号", "on the 14th") or a part of a month ("月初", "上个月底",
  "early November": the first day of the part; 底/end: the last day) is the most recent one
  on or before today unless the month is named as this one ("本月底").
  "this week"/"上周" is that week's Monday, "last month"/"上个月" that month's 1st.
  A day word ("昨天") wins over a day of the month; a day that month lacks ("上个月31号" on
  Mar 31) or a year datetime cannot hold ("0000年") gives None, and so does everything said
  with it: "2月30日上午9点" is not today at 9.
* "上周五" is Friday of the previous calendar week (weeks start on Monday); "last Friday" is
  the most recent Friday before today; a bare "Friday"/"周五" is the most recent Friday on or
  before today; "this Friday"/"这周五" is this week's Friday even if it lies ahead.
* A result after ``now`` is returned as-is; ``is_future`` and ``validate_interval`` let the
  caller question it instead of silently changing what the customer said.
* Slash dates need a year ("2026/11/20"); "11/20" alone is ambiguous (US vs. EU) and ignored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from understanding.amounts import cn_to_decimal, cn_to_int

__all__ = [
    "DEFAULT_TZ",
    "correction_time",
    "is_future",
    "parse_datetime",
    "parse_duration",
    "parse_range",
    "refine_time",
    "validate_interval",
]

DEFAULT_TZ = "Asia/Shanghai"

_CN_NUM = "零〇一二两兩三四五六七八九十"
_NUM_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "ninety": 90, "couple of": 2, "a couple of": 2, "few": 3, "a few": 3, "several": 3,
}  # fmt: skip
_NUM_WORDS_RE = "|".join(sorted(map(re.escape, _NUM_WORDS), key=len, reverse=True))


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _local_now(now: datetime, zone: tzinfo) -> datetime:
    """``now`` in the customer's zone; a naive ``now`` is taken to be in that zone already."""
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


#: "2 in the afternoon", "11 at night": the number is the hour of the part of day after it.
_HOUR_BEFORE_PERIOD = re.compile(
    r"(?<![\d.:$¥€£-])(?<!at )(1[0-2]|0?[1-9])(?=\s+(?:in\s+the\s+(?:morning|afternoon|evening)"
    r"|at\s+night|last\s+night|this\s+(?:morning|afternoon|evening)|tonight)\b)"
)


def _norm(text: str) -> str:
    return _HOUR_BEFORE_PERIOD.sub(r"at \1", unicodedata.normalize("NFKC", text).lower())


# --------------------------------------------------------------------------- durations

_UNIT_SECONDS: dict[str, int] = {
    "second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400,
    "month": 30 * 86400,
}  # fmt: skip
_ZH_UNITS: dict[str, str] = {
    "秒钟": "second", "秒鐘": "second", "秒": "second", "分钟": "minute", "分鐘": "minute",
    "分": "minute", "小时": "hour", "小時": "hour", "钟头": "hour", "鐘頭": "hour",
    "天": "day", "日": "day", "周": "week", "週": "week", "星期": "week", "礼拜": "week",
    "禮拜": "week", "月": "month",
}  # fmt: skip
_EN_UNITS: dict[str, str] = {
    "seconds": "second", "second": "second", "secs": "second", "sec": "second", "s": "second",
    "minutes": "minute", "minute": "minute", "mins": "minute", "min": "minute", "m": "minute",
    "hours": "hour", "hour": "hour", "hrs": "hour", "hr": "hour", "h": "hour",
    "days": "day", "day": "day", "d": "day", "weeks": "week", "week": "week", "wks": "week",
    "wk": "week", "w": "week", "months": "month", "month": "month",
}  # fmt: skip
_ZH_UNIT_RE = "|".join(sorted(map(re.escape, _ZH_UNITS), key=len, reverse=True))
_EN_UNIT_RE = "|".join(sorted(map(re.escape, _EN_UNITS), key=len, reverse=True))

_ZH_DURATION = re.compile(
    rf"(?P<n>\d+(?:\.\d+)?|[{_CN_NUM}百]+)?\s*(?:个|個)?\s*(?P<half1>半)?\s*"
    rf"(?P<unit>{_ZH_UNIT_RE})(?P<half2>半)?"
)
_EN_DURATION = re.compile(
    rf"(?<![a-z])(?P<n>\d+(?:\.\d+)?|{_NUM_WORDS_RE}|half an?|half a)"
    rf"(?P<and_half1>\s+and\s+a\s+half)?\s*-?\s*(?P<unit>{_EN_UNIT_RE})(?![a-z])"
    rf"(?P<and_half2>\s+and\s+a\s+half)?"
)


_GLUED = re.compile(r"(\d[hdmsw])(?=\d)")
_MAX_SECONDS = int(timedelta.max.total_seconds())  # "99999999个月" is no timedelta


def _duration_parts(s: str) -> list[tuple[int, int, int]]:
    """(start, end, seconds) of every duration component in normalized text ``s``."""
    found: list[tuple[int, int, int]] = []
    for m in _EN_DURATION.finditer(s):
        raw, unit = m.group("n"), _EN_UNITS[m.group("unit")]
        if len(m.group("unit")) == 1 and not raw[-1].isdigit():
            continue  # "a m" is not "a minute"; single-letter units only after digits
        if raw.startswith("half"):
            qty = Decimal("0.5")
        elif raw in _NUM_WORDS:
            qty = Decimal(_NUM_WORDS[raw])
        else:
            qty = Decimal(raw)
        if m.group("and_half1") or m.group("and_half2"):
            qty += Decimal("0.5")
        found.append((m.start(), m.end(), int(qty * _UNIT_SECONDS[unit])))
    for m in _ZH_DURATION.finditer(s):
        raw = m.group("n")
        half = bool(m.group("half1") or m.group("half2"))
        if raw is None and not m.group("half1"):
            continue
        if raw is None:
            qty = Decimal(0)
        else:
            value = cn_to_decimal(raw)
            if value is None:
                continue
            qty = value
        if half:
            qty += Decimal("0.5")
        unit = _ZH_UNITS[m.group("unit")]
        if m.group("unit") == "月" and "个" not in m.group(0) and "個" not in m.group(0):
            continue  # "11月" is a month name; "3个月" is a duration
        found.append((m.start(), m.end(), int(qty * _UNIT_SECONDS[unit])))
    return found


def parse_duration(text: str) -> timedelta | None:
    """Length of time in the text ("3小时", "两天", "1.5 hours", "2天3小时"); None if none.

    Components are summed; a month counts as 30 days. Exact arithmetic (Decimal), no floats.
    """
    # "1h30m": split glued components so each is read on its own
    parts = _duration_parts(_GLUED.sub(r"\1 ", _norm(text)))
    seconds = sum(seconds for _, _, seconds in parts)
    if not parts or seconds > _MAX_SECONDS:
        return None
    return timedelta(seconds=seconds)


# --------------------------------------------------------------------------- parts


@dataclass
class _Parts:
    """What one expression said, before it is resolved against ``now``."""

    day: date | None = None
    hour: int | None = None
    minute: int = 0
    second: int = 0
    meridiem: str | None = None  # "am" / "pm"
    period: str | None = None  # normalized period word: "dawn", "morning", "noon", ...
    ago: timedelta | None = None
    default_hour: int | None = None  # hour a period word stands for alone ("中午" -> 12)
    period_end: int = -1  # offset just after the period word; a bare hour may follow it
    guessed_hour: bool = False  # hour comes from the period word, not from the customer
    bare_day: bool = False  # a day of the month said without its month ("12号", "the 12th")
    impossible: bool = False  # a date was said that no calendar has ("2月30日", "0000年")
    vague: bool = False  # only a week or a month was said ("本月", "last week"): no moment

    def empty(self) -> bool:
        return self.day is None and self.hour is None and self.ago is None


_ZH_PERIODS: dict[str, str] = {
    "凌晨": "dawn", "半夜": "midnight", "深夜": "midnight", "夜里": "midnight", "夜裡": "midnight",
    "午夜": "midnight", "清晨": "morning", "早晨": "morning", "早上": "morning", "上午": "morning",
    "早": "morning", "中午": "noon", "午间": "noon", "下午": "afternoon", "午后": "afternoon",
    "午後": "afternoon", "傍晚": "afternoon", "晚上": "evening", "夜晚": "evening",
    "夜间": "evening", "晚": "evening",
}  # fmt: skip
_ZH_PERIOD_RE = re.compile("|".join(sorted(map(re.escape, _ZH_PERIODS), key=len, reverse=True)))
_EN_PERIOD_RE = re.compile(
    r"\b(?P<p>morning|afternoon|evening|night|tonight|noon|midday|midnight)\b"
)
_EN_PERIODS = {
    "morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "evening",
    "tonight": "evening", "noon": "noon", "midday": "noon", "midnight": "midnight",
}  # fmt: skip

# The hour a period word stands for when no clock time is said ("昨天中午" -> 12:00,
# "前天晚上" -> 20:00): a part of the day is closer to the truth than midnight. Evening
# words are 20:00 and night words 22:00 in both languages; the lone 早/晚 name no hour
# ("早就", "太晚了" are not times).
_PERIOD_HOURS = {"dawn": 3, "morning": 9, "noon": 12, "afternoon": 15, "evening": 20,
                 "midnight": 23}  # fmt: skip
_PERIOD_STARTS = {"dawn": 0, "morning": 5, "noon": 11, "afternoon": 12, "evening": 17,
                  "midnight": 21}  # fmt: skip
_WORD_HOURS: dict[str, int | None] = {
    "早": None, "晚": None, "清晨": 6, "今晨": 6, "早晨": 8, "早上": 8, "今早": 8, "傍晚": 18,
    "午夜": 0, "夜晚": 22, "夜间": 22, "昨夜": 22, "今夜": 22, "night": 22, "tonight": 22,
    "last night": 22,
}  # fmt: skip
# Greetings and habits name no moment: "早上好", "good evening", "每天晚上".
_GREETING = re.compile(
    r"\bgood\s+(?:morning|afternoon|evening|night)\b|\bnight,?\s+night\b|"
    r"^\s*(?:morning|evening)\b(?=\s*!|\s+(?:all|everyone|everybody|guys|folks|team)\b)|"
    r"早上好|上午好|中午好|下午好|晚上好|早安|午安|晚安"
)
# "每天晚上", "三个晚上", "那天晚上", "every/that night": any, several or an unnamed evening
_UNSPECIFIC = re.compile(
    rf"(?:每(?:天|日|个|個)?|那(?:天|日|个|個)?|当天|當天|\bevery|\beach|\bthat|"
    rf"[\d{_CN_NUM}几幾]+\s*(?:个|個))\s*$"
)
# Words starting with 一 that are not the numeral one: "8点一直" is 8:00, not 8:01.
_NOT_ONE = re.compile(
    r"一直|一下(?!午)|一起|一般|一次|一切|一点点|一點點|一点儿|一點兒|一会|一會|一些|一样|一樣"
)

_ZH_REL_DAYS: dict[str, tuple[int, str | None]] = {
    "大前天": (-3, None), "前天": (-2, None), "昨天": (-1, None), "昨日": (-1, None),
    "昨晚": (-1, "evening"), "昨夜": (-1, "evening"), "今天": (0, None), "今日": (0, None),
    "今早": (0, "morning"), "今晨": (0, "morning"), "今晚": (0, "evening"),
    "今夜": (0, "evening"), "明天": (1, None), "明日": (1, None), "后天": (2, None),
    "後天": (2, None),
}  # fmt: skip
_EN_REL_DAYS: dict[str, tuple[int, str | None]] = {
    "the day before yesterday": (-2, None), "day before yesterday": (-2, None),
    "yesterday": (-1, None), "last night": (-1, "evening"), "today": (0, None),
    "tonight": (0, "evening"), "this morning": (0, "morning"),
    "this afternoon": (0, "afternoon"), "this evening": (0, "evening"),
    "tomorrow": (1, None),
}  # fmt: skip
_REL_DAY_RE = re.compile(
    "|".join(
        sorted(
            [re.escape(k) for k in _ZH_REL_DAYS] + [rf"\b{re.escape(k)}\b" for k in _EN_REL_DAYS],
            key=len,
            reverse=True,
        )
    )
)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_SFX = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = [
    re.compile(
        r"(?<!\d)(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})"
        r"(?:\s*[日号號])?(?!\d)"
    ),
    re.compile(
        rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>[\d{_CN_NUM}]{{1,3}})\s*月\s*"
        rf"(?P<d>[\d{_CN_NUM}]{{1,3}})\s*(?:日|号|號)?"
    ),
    re.compile(rf"\b{_MONTH_RE}\s+(?P<d>\d{{1,2}}){_DAY_SFX}\b(?:,?\s+(?P<y>\d{{4}})\b)?"),
    re.compile(
        rf"\b(?P<d>\d{{1,2}}){_DAY_SFX}\s+(?:of\s+)?{_MONTH_RE}\b(?:,?\s+(?P<y>\d{{4}})\b)?"
    ),
]

# 上 of 马上/晚上/登上 and 月 of 月球/月饼/月亮 are not "last month"
_NOT_REL = r"(?<![马馬登爬晚早加])"
_MONTH_WORD = r"月(?![球饼餅亮光台])"
_ZH_REL_MONTH = rf"{_NOT_REL}(?P<rel>上上|上|本|这|這|当|當)\s*(?:个|個)?\s*{_MONTH_WORD}"
_ZH_MONTH_PART = re.compile(
    rf"(?:{_ZH_REL_MONTH}|(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>[\d{_CN_NUM}]{{1,3}})\s*月"
    rf"|(?<![个個\d{_CN_NUM}])月)\s*份?\s*(?P<part>上旬|中旬|下旬|初|底|末|中)"
)
_EN_MONTH_PART = re.compile(
    rf"\b(?:the\s+)?(?P<part>early|mid|middle|late|end|beginning|start)(?:\s+of)?[\s-]+"
    rf"(?:(?P<rel>last|this|the)\s+month\b|{_MONTH_RE}(?![a-z]))(?:,?\s+(?P<y>\d{{4}})\b)?"
)
# first day of the part said ("early November" is Nov 1-10: the 1st); "end" is the last day
_PART_DAY = {
    "初": 1, "上旬": 1, "early": 1, "beginning": 1, "start": 1, "中": 11, "中旬": 11,
    "mid": 11, "middle": 11, "下旬": 21, "late": 21, "底": -1, "末": -1, "end": -1,
}  # fmt: skip
# "3号楼", "2号线", "1号机房", "2号服务器", "3号节点": numbered things, not days of the month
_NUMBERED_THINGS = (
    r"[楼樓线線机機店门門房室库庫柜櫃口位台窗桌码碼件床车車院厅廳仓倉服]"
    r"|节点|節點|主机|主機|数据库|數據庫|集群|网关|網關|实例|實例"
)
# 双 of "双十一号" names the shopping festival, not the 11th
_ZH_DAY_OF_MONTH = re.compile(
    rf"(?:{_ZH_REL_MONTH}\s*)?(?<![\d.{_CN_NUM}第每双雙])(?P<d>[\d{_CN_NUM}]{{1,3}})\s*"
    rf"(?P<sfx>号|號|日)(?!{_NUMBERED_THINGS})(?!(?<=日)[后後内內以之])"
)
# "持续了10日", "历时3日": a number of days, not the 10th
_SPAN_BEFORE = re.compile(
    r"(?:持续|持續|历时|歷時|长达|長達|连续|連續|为期|為期|共|整整|足足)了?\s*$"
)
# "on the 14th", "the 14th at 10pm": an ordinal is a date after a preposition or before a
# time; "the 2nd outage", "the 3rd time" are counts, and so is "the 2nd and 3rd servers":
# only after a preposition may a comma or "and" follow ("since the 3rd, still down").
_EN_ORDINAL_DATE_NEXT = (  # the end of the clause or a time ("the 14th, around 9pm")
    r"\s*(?:$|[.;!?])|\s*,?\s*(?:(?:at|around|about|in\s+the|from|to|until)\b|"
    r"\d+(?!\d|st|nd|rd|th)|morning|afternoon|evening|night)"
)
_EN_DAY_OF_MONTH = re.compile(
    r"(?:\b(?P<prep>on|since|from|until|till|to|by|of|before|after|around)\s+|(?<![a-z]\s))"
    r"the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b(?:\s+of\s+(?P<rel>last|this|the)\s+month\b)?"
    rf"(?:(?<=month)|(?={_EN_ORDINAL_DATE_NEXT}|(?(prep)\s*(?:,|and\b)|(?!))))"
)
_ZH_WEEK_OR_MONTH = re.compile(
    rf"{_NOT_REL}(?P<rel>上上|上|这|這|本)\s*(?:个|個)?\s*"
    rf"(?:(?P<week>周|週|星期|礼拜|禮拜)(?![一二三四五六日天1-7末期围圍边邊年])|{_MONTH_WORD})"
)
_EN_WEEK_OR_MONTH = re.compile(r"\b(?P<rel>this|last)\s+(?:(?P<week>week)|month)\b")
_MONTHS_BACK = {"上上": 2, "上": 1, "last": 1}

_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_ZH_WEEKDAY_RE = re.compile(
    r"(?P<which>上上|上|这|這|本|下)?\s*(?:个|個)?\s*(?:周|週|星期|礼拜|禮拜)(?P<d>[一二三四五六日天1-7])"
)
_EN_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_EN_WEEKDAY_RE = re.compile(
    r"\b(?:(?P<which>last|this|past|next|on)\s+)?(?P<d>"
    + "|".join(sorted(_EN_WEEKDAYS, key=len, reverse=True))
    + r")\b"
)

_AMPM = r"(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])"
_TIME_COLON = re.compile(
    rf"(?<![\d.])(?P<h>\d{{1,2}})\s*:\s*(?P<mi>\d{{2}})(?::(?P<s>\d{{2}}))?(?!\d)(?:\s*{_AMPM})?"
)
_TIME_AMPM = re.compile(rf"(?<![\d.:])(?P<h>\d{{1,2}})(?:\.(?P<mi>\d{{2}}))?\s*{_AMPM}")
_TIME_ZH = re.compile(
    rf"(?P<h>[\d{_CN_NUM}]{{1,3}})\s*(?:点|點|时|時)(?P<zhong>钟|鐘)?"
    rf"(?:\s*(?P<half>半)|\s*(?P<q>[一1三3])\s*刻|\s*(?P<mi>[\d{_CN_NUM}]{{1,3}})\s*(?:分钟|分鐘|分)?)?"
)
_TIME_OCLOCK = re.compile(r"(?<![\d.])(?P<h>\d{1,2})\s*o'?\s?clock")
_TIME_AT = re.compile(
    r"\b(?:at|around|about|by|since|from|roughly|approximately|approx\.?|circa)\s+"
    r"(?:about\s+|around\s+|approximately\s+|roughly\s+)?"
    r"(?P<h>\d{1,2})(?![\d:.]|\s*(?:%|percent|users?|hours?|hrs?|minutes?|mins?|days?|people))"
)
_TIME_BARE = re.compile(r"(?<![\d.:$¥€£-])(?P<h>\d{1,2})(?![\d:%]|\.\d)")
_NOON = re.compile(r"\b(?P<w>noon|midday|midnight)\b")

_JUST_NOW = re.compile(r"\bjust now\b|\ba moment ago\b|刚才|刚刚|剛才|剛剛|方才")
_AGO_EN = re.compile(
    rf"(?P<dur>(?:(?:\d+(?:\.\d+)?|{_NUM_WORDS_RE}|half an?)(?:\s+and\s+a\s+half)?\s*-?\s*"
    rf"(?:{_EN_UNIT_RE})(?![a-z])(?:\s+and\s+a\s+half)?[\s,]*(?:and\s+)?)+)\s*ago\b"
)
_AGO_ZH = re.compile(
    rf"(?P<dur>(?:(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)?\s*(?:个|個)?\s*半?\s*(?:{_ZH_UNIT_RE})半?)+)"
    r"\s*(?:之前|以前|前)"
)


def _blank(s: str, m: re.Match[str]) -> str:
    """Replace a consumed span by spaces so later patterns cannot reuse it."""
    return s[: m.start()] + " " * (m.end() - m.start()) + s[m.end() :]


def _month_start(today: date, back: int) -> date:
    """First day of the month ``back`` months before today's month."""
    year, month0 = divmod(today.year * 12 + today.month - 1 - back, 12)
    return date(year, month0 + 1, 1)


def _day_in_month(first: date, day: int) -> date | None:
    """Day ``day`` of the month starting at ``first``; -1 is its last day; None if none."""
    if day == -1:
        return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    try:
        return first.replace(day=day)
    except ValueError:
        return None


def _latest_past(candidates: list[date | None], today: date) -> date | None:
    """The first candidate on or before today: an unqualified date is never ahead."""
    return next((d for d in candidates if d is not None and d <= today), None)


def _month_day(day: int, rel: str | None, today: date) -> date | None:
    """``day`` in the month ``rel`` names ("上个月", "this", "last"); without one, the most
    recent such day ("25号" on Nov 21 is Oct 25). "本月"/"this month" stays put even ahead."""
    if rel in _MONTHS_BACK or rel in ("本", "这", "這", "当", "當", "this"):
        return _day_in_month(_month_start(today, _MONTHS_BACK.get(rel or "", 0)), day)
    return _latest_past([_day_in_month(_month_start(today, b), day) for b in range(3)], today)


def _named_month_day(month: int, day: int, year: str | None, today: date) -> date | None:
    """``day`` (-1: last) of a named month; without a year the latest one not ahead. None
    for a year at or beyond datetime's ends ("0000年", "9999年"): no room for a day's arithmetic.

    Raises ValueError for a month outside 1-12."""
    if year:
        if not MINYEAR < int(year) < MAXYEAR:
            return None
        return _day_in_month(date(int(year), month, 1), day)
    years = (today.year, today.year - 1)
    return _latest_past([_day_in_month(date(y, month, 1), day) for y in years], today)


def _take_ago(s: str, p: _Parts) -> str:
    m = _AGO_EN.search(s) or _AGO_ZH.search(s)
    if m:
        delta = parse_duration(m.group("dur"))
        if delta is not None:
            p.ago = delta
            return _blank(s, m)
    m = _JUST_NOW.search(s)
    if m:
        p.ago = timedelta(0)
        return _blank(s, m)
    return s


def _take_date(s: str, p: _Parts, today: date) -> str:
    for pattern in _DATE_PATTERNS:
        m = pattern.search(s)
        if not m:
            continue
        gd = m.groupdict()
        month = _MONTHS[gd["mon"][:3]] if gd.get("mon") else cn_to_int(gd["m"])
        day_n = cn_to_int(gd["d"])
        if month is None or day_n is None:
            continue
        try:
            p.day = _named_month_day(month, day_n, gd.get("y"), today)
        except ValueError:  # month 0 or 13
            p.day = None
        p.impossible = p.day is None
        return _blank(s, m)  # even when impossible: "2月30日" is not re-read as "30日"
    return s


def _take_month_part(s: str, p: _Parts, today: date) -> str:
    """Reads "上个月底", "月初", "11月中旬", "early November", "end of last month"."""
    for m in (*_ZH_MONTH_PART.finditer(s), *_EN_MONTH_PART.finditer(s)):
        gd = m.groupdict()
        day = _PART_DAY[gd["part"]]
        if gd.get("mon") or gd.get("m"):
            month = _MONTHS[gd["mon"][:3]] if gd.get("mon") else cn_to_int(gd["m"])
            if month is None or not 1 <= month <= 12:
                continue
            p.day = _named_month_day(month, day, gd.get("y"), today)
        elif gd.get("rel") is None and gd["part"] == "中":
            continue  # "三个月中", "岁月中": not the middle of a month
        else:
            p.day = _month_day(day, gd.get("rel"), today)
        p.impossible = p.day is None
        return _blank(s, m)  # even when impossible: "0000年2月底" is not re-read as "2月"
    return s


def _day_span(s: str, m: re.Match[str]) -> bool:
    """True for "一日"/"十日" alone or "持续了10日": a number of days, not a day of the month."""
    gd = m.groupdict()
    if gd.get("sfx") != "日" or gd.get("rel"):
        return False
    return not gd["d"].isdigit() or _SPAN_BEFORE.search(s, 0, m.start()) is not None


def _take_day_of_month(s: str, p: _Parts, today: date) -> str:
    """Reads "14号", "上个月20号", "on the 14th", "the 20th of last month"."""
    for m in (*_ZH_DAY_OF_MONTH.finditer(s), *_EN_DAY_OF_MONTH.finditer(s)):
        day = cn_to_int(m.group("d"))
        if day is None or not 1 <= day <= 31 or _day_span(s, m):
            continue
        rel = m.groupdict().get("rel")
        p.day, p.bare_day = _month_day(day, rel, today), rel is None
        p.impossible = p.day is None
        return _blank(s, m)  # even when impossible: "上个月31号" on Mar 31 is not Feb 1
    return s


def _take_rel_day(s: str, p: _Parts, today: date) -> str:
    m = _REL_DAY_RE.search(s)
    if not m:
        return s
    key = m.group(0)
    offset, period = _ZH_REL_DAYS.get(key) or _EN_REL_DAYS[key]
    p.day = today + timedelta(days=offset)
    if period is not None:
        _set_period(p, period, key, m.end())
    return _blank(s, m)


def _take_weekday(s: str, p: _Parts, today: date) -> str:
    m = _ZH_WEEKDAY_RE.search(s)
    if m:
        d = m.group("d")
        wd = int(d) - 1 if d.isdigit() else _WEEKDAYS_ZH[d]
        monday = today - timedelta(days=today.weekday())
        week = {"上上": -14, "上": -7, "下": 7}.get(m.group("which") or "", 0)
        p.day = monday + timedelta(days=week + wd)
        if not m.group("which") and p.day > today:
            p.day -= timedelta(days=7)
        return _blank(s, m)
    m = _EN_WEEKDAY_RE.search(s)
    if not m:
        return s
    wd = _EN_WEEKDAYS[m.group("d")]
    which = m.group("which") or ""
    back = (today.weekday() - wd) % 7
    if which in ("last", "past"):
        p.day = today - timedelta(days=back or 7)
    elif which == "this":
        p.day = today - timedelta(days=today.weekday()) + timedelta(days=wd)
    elif which == "next":
        p.day = today - timedelta(days=today.weekday()) + timedelta(days=7 + wd)
    else:
        p.day = today - timedelta(days=back)
    return _blank(s, m)


def _take_week_or_month(s: str, p: _Parts, today: date) -> str:
    """Reads "this week"/"上周" as its Monday and "上个月"/"last month" as its 1st."""
    m = _ZH_WEEK_OR_MONTH.search(s) or _EN_WEEK_OR_MONTH.search(s)
    if not m:
        return s
    back = _MONTHS_BACK.get(m.group("rel"), 0)
    p.vague = True
    if m.group("week"):
        p.day = today - timedelta(days=today.weekday() + 7 * back)
    else:
        p.day = _month_start(today, back)
    return _blank(s, m)


# "2号服务器从昨天下午3点宕机": a day word wins over a day of the month
_DAY_TAKERS = (
    _take_date,
    _take_month_part,
    _take_rel_day,
    _take_day_of_month,
    _take_weekday,
    _take_week_or_month,
)


def _set_period(p: _Parts, period: str, word: str, end: int) -> None:
    p.period, p.period_end = period, end
    p.default_hour = _WORD_HOURS.get(word, _PERIOD_HOURS[period])


def _take_period(s: str, p: _Parts) -> str:
    m = _ZH_PERIOD_RE.search(s) or _EN_PERIOD_RE.search(s)
    if not m:
        return s
    word = m.group(0)
    if word in ("noon", "midday", "midnight"):
        # 12 with am/pm, so a range end "until noon" does not inherit "8am"
        p.hour, p.meridiem = 12, "am" if word == "midnight" else "pm"
        p.period_end = m.end()
    elif p.period is None:
        _set_period(p, _ZH_PERIODS.get(word) or _EN_PERIODS[word], word, m.end())
    else:
        return s  # "昨晚很晚才发现": a later lone 晚 does not undo the 昨晚 already said
    if _UNSPECIFIC.search(s[: m.start()]):
        p.default_hour = None  # "每天晚上" names no particular evening
    return _blank(s, m)


def _extract(text: str, now: datetime, allow_bare: bool = False) -> _Parts:
    """Pull date, time, period and "ago" components out of ``text``.

    An impossible date makes the whole expression say nothing: "2月30日上午9点" is not
    today at 9, and the caller asks again instead of storing a wrong time."""
    s = _norm(text)
    s = _NOT_ONE.sub(lambda m: " " * len(m.group(0)), _GREETING.sub(" ", s))
    today = now.date()
    p = _Parts()
    s = _take_ago(s, p)
    for take in _DAY_TAKERS:
        if p.day is not None or p.impossible:
            break
        s = take(s, p, today)
    s = _take_period(s, p)
    _extract_time(s, p, allow_bare, p.period_end)
    if p.hour is None and p.default_hour is not None:
        p.hour, p.guessed_hour = p.default_hour, True
    return _Parts() if p.impossible else p


def _zh_minute(m: re.Match[str]) -> int | None:
    """Minutes after 点: 半, 一刻/三刻, "五分", "三十", "零五", "五" ("10点五" is 10:05, as
    "10点5"); words such as 一直 are blanked before. None if unreadable."""
    if m.group("half"):
        return 30
    if m.group("q"):
        return 15 if m.group("q") in "一1" else 45
    raw = m.group("mi")
    return cn_to_int(raw) if raw else 0


def _extract_time(s: str, p: _Parts, allow_bare: bool, period_end: int = -1) -> None:
    m = _TIME_COLON.search(s)
    if m:
        p.hour, p.minute = int(m.group("h")), int(m.group("mi"))
        p.second = int(m.group("s") or 0)
        p.meridiem = _meridiem(m.group("ap"))
        return
    m = _TIME_AMPM.search(s)
    if m:
        p.hour, p.minute = int(m.group("h")), int(m.group("mi") or 0)
        p.meridiem = _meridiem(m.group("ap"))
        return
    for m in _TIME_ZH.finditer(s):
        hour = cn_to_int(m.group("h"))
        if hour is None:
            continue
        minute = _zh_minute(m)
        if minute is None:
            continue
        if m.group("h") == "一" and not (m.group("zhong") or minute or p.period or p.day):
            continue  # "快一点" / "好一点" mean "a bit", not 1 o'clock
        p.hour, p.minute = hour, minute
        return
    for pattern in (_TIME_OCLOCK, _TIME_AT):
        m = pattern.search(s)
        if m:
            p.hour = int(m.group("h"))
            return
    if p.hour is not None:
        return  # "noon" / "midnight"
    # A bare number is an hour only where a time is expected (ranges, corrections) or
    # right after a period word ("下午3", "morning 8"); elsewhere it is usually a count.
    m = _TIME_BARE.search(s, period_end if not allow_bare and period_end >= 0 else 0)
    if (
        m
        and int(m.group("h")) <= 24
        and (allow_bare or (period_end >= 0 and not s[period_end : m.start()].strip()))
    ):
        p.hour = int(m.group("h"))


def _meridiem(raw: str | None) -> str | None:
    if not raw:
        return None
    return "am" if raw.startswith("a") else "pm"


def _to_24h(p: _Parts) -> tuple[int, int] | None:
    """(hour 0-23, extra days) from hour + meridiem/period; None if the hour is impossible."""
    h = p.hour
    if h is None or h > 24 or p.minute > 59 or p.second > 59:
        return None
    if h == 24:
        return 0, 1
    if p.meridiem:
        if h > 12:
            return h, 0  # "14:00 pm": the 24-hour clock wins
        if p.meridiem == "am":
            return (0 if h == 12 else h), 0
        return (h if h == 12 else h + 12), 0
    period = p.period
    if period == "dawn":
        return (0 if h == 12 else h), 0
    if period == "morning" or period is None:
        return h, 0
    if period == "noon":
        return (h + 12 if h < 11 else h), 0
    if period == "afternoon":
        return (h + 12 if h < 12 else h), 0
    if period in ("evening", "midnight"):
        if h == 12:
            return 0, 1
        if h <= 4 or (period == "midnight" and h <= 5):
            return h, 1  # "昨晚2点", "last night at 2": after midnight
        return (h + 12 if h < 12 else h), 0
    return h, 0


def _resolve(p: _Parts, now: datetime, base_day: date | None = None) -> datetime | None:
    zone = now.tzinfo
    day = p.day or base_day
    if p.ago is not None:
        then = _before(now, p.ago)
        if then is None or p.hour is None or p.ago < timedelta(days=1):
            return then
        day = then.date()
    if p.hour is None:
        if day is None:
            return None
        return datetime.combine(day, time(0), tzinfo=zone)
    hm = _to_24h(p)
    if hm is None:
        return None
    hour, extra = hm
    clock = time(hour, p.minute, p.second)
    if day is None:
        candidate = datetime.combine(now.date() + timedelta(days=extra), clock, tzinfo=zone)
        if p.guessed_hour:
            return _guessed(p, candidate, now, said_day=False)
        if candidate > now:
            candidate = datetime.combine(now.date() + timedelta(days=extra - 1), clock, tzinfo=zone)
        return candidate
    moment = datetime.combine(day + timedelta(days=extra), clock, tzinfo=zone)
    return _guessed(p, moment, now, said_day=True) if p.guessed_hour else moment


def _before(now: datetime, ago: timedelta) -> datetime | None:
    """The moment ``ago`` before ``now``; None beyond what datetime holds ("999999天前")."""
    try:
        return (now - ago).astimezone(now.tzinfo)
    except OverflowError:
        return None


def _guessed(p: _Parts, moment: datetime, now: datetime, said_day: bool) -> datetime | None:
    """A part of day's usual hour, never ``now`` itself (that reads as "until now") nor after
    it once that part of today has begun: then the last whole hour before ``now`` ("今天下午"
    at 13:10 is 13:00). Not begun: ahead as said with a day word, else None (not yesterday's:
    the bot asks again)."""
    if moment < now:
        return moment
    if _period_begun(p.period, now, moment.date()):
        return _last_whole_hour(now)
    return moment if said_day else None


def _period_begun(period: str | None, now: datetime, day: date) -> bool:
    """True when ``now`` is past the start of that part of ``day`` (evening from 17:00, ...)."""
    start = _PERIOD_STARTS.get(period or "")
    if start is None or day != now.date():
        return False
    return now > now.replace(hour=start, minute=0, second=0, microsecond=0)


def _last_whole_hour(now: datetime) -> datetime:
    """The latest o'clock strictly before ``now`` (13:10 -> 13:00, 19:00 -> 18:00)."""
    mark = now.replace(minute=0, second=0, microsecond=0)
    return mark if mark < now else mark - timedelta(hours=1)


def parse_datetime(
    text: str, now: datetime, tz: str | tzinfo = DEFAULT_TZ, *, day: date | None = None
) -> datetime | None:
    """The moment the text names, tz-aware in ``tz``; None when it names none.

    ``day`` is the day a moment said without one falls on, for a caller that knows it
    ("中午才恢复" after a start yesterday is yesterday's noon, not None).
    """
    local = _local_now(now, _zone(tz))
    p = _extract(text, local)
    if p.empty():
        return None
    return _resolve(p, local, base_day=day)


def _days_ago_as_day(p: _Parts, now: datetime) -> _Parts:
    """ "Two days ago" without a clock time names a day, which a clock clause can sharpen
    ("two days ago, at about 9 in the morning" is 09:00 that day, not the chat's clock)."""
    if p.ago is None or (p.hour is not None and not p.guessed_hour) or p.ago < timedelta(days=1):
        return p
    then = _before(now, p.ago)
    return p if then is None else replace(p, day=then.date(), ago=None)


def time_precision(text: str, now: datetime, tz: str | tzinfo = DEFAULT_TZ) -> str:
    """How precisely ``text`` names a moment: "clock" (a clock time or a few hours ago),
    "period" (a part of day without its clock time: "this morning", "昨天晚上"), "day" (a day
    without its time), "vague" (only a week or a month: "本月", "last week"), or "none".

    A day alone stands for midnight and a week for its Monday: the callers store such a
    moment only when the customer answers a time question, and never a vague one.
    """
    p = _extract(text, _local_now(now, _zone(tz)))
    if p.empty():
        return "none"
    if (p.hour is not None and not p.guessed_hour) or (
        p.ago is not None and p.ago < timedelta(days=1)
    ):
        return "clock"
    if p.guessed_hour:
        return "period"
    return "vague" if p.vague else "day"


def refine_time(
    context: str, clause: str, now: datetime, tz: str | tzinfo = DEFAULT_TZ
) -> datetime | None:
    """The moment a clock-only ``clause`` ("大概六点半", "around 6:30") names when it follows
    ``context`` that named a day and/or part of day without a clock time ("昨天傍晚",
    "yesterday evening"): that day, with the part of day deciding am/pm ("傍晚" + 六点半 is
    18:30, "last night" + 11 is 23:00, "last night" + 2am is the next morning).

    The clause may name a part of day the context left open or repeated ("前天", "下午3点").
    None when ``context`` said a clock time (or "ago"), or ``clause`` says more than a clock
    time (its own day, another part of day) or none at all.
    """
    local = _local_now(now, _zone(tz))
    ctx = _days_ago_as_day(_extract(context, local), local)
    if ctx.empty() or ctx.ago is not None or (ctx.hour is not None and not ctx.guessed_hour):
        return None
    clock = _extract(clause, local)
    if clock.hour is None or clock.guessed_hour or clock.day is not None or clock.ago is not None:
        return None
    if clock.period is not None and ctx.period not in (None, clock.period):
        return None
    day = ctx.day
    if clock.meridiem == "am" and ctx.period in ("evening", "midnight") and day is not None:
        day += timedelta(days=1)  # "last night, around 2am": the small hours after it
    return _resolve(replace(clock, day=day, period=clock.period or ctx.period), local)


def is_future(dt: datetime, now: datetime) -> bool:
    """True when ``dt`` lies after ``now``: an incident cannot have started in the future."""
    return dt > now


# --------------------------------------------------------------------------- ranges

_RANGE_SEP = re.compile(
    r"\s*(?:到|至|~|～|–|—|-|\buntil\b|\btill\b|\btil\b|\bthrough\b|\bthru\b|\bto\b|"
    r"(?<=\s)and(?=\s))\s*"
)
_NOW_END = re.compile(
    r"^\s*(?:今|现在|現在|目前|至今|now|present|the present|right now|today)\s*[.!。！]*\s*$"
)


def _share_month(left: _Parts, right: _Parts) -> tuple[_Parts, _Parts]:
    """A bare day of the month takes the other end's month and year ("12月10号到12号",
    "the 10th to the 12th of last month") unless that puts the ends out of order."""
    if left.day is None or right.day is None:
        return left, right
    if right.bare_day:
        day = _day_in_month(left.day.replace(day=1), right.day.day)
        if day is not None and day >= left.day:
            return left, replace(right, day=day)
    elif left.bare_day:
        day = _day_in_month(right.day.replace(day=1), left.day.day)
        if day is not None and day <= right.day:
            return replace(left, day=day), right
    return left, right


def _inherit(left: _Parts, right: _Parts) -> tuple[_Parts, _Parts, bool]:
    """Share date and am/pm between the ends of a range, as people do when they say it."""
    left, right = _share_month(left, right)
    right_has_day = right.day is not None
    if right.day is None and left.day is not None:
        right = replace(right, day=left.day)
    elif left.day is None and right.day is not None:
        left = replace(left, day=right.day)
    if right.meridiem is None and right.period is None:
        right = replace(right, meridiem=left.meridiem, period=left.period)
    elif left.meridiem is None and left.period is None and left.hour is not None:
        r24 = _to_24h(right)
        lh = left.hour
        if right.meridiem == "am" or right.period in ("morning", "dawn"):
            left = replace(left, meridiem="am" if lh <= 12 else None)
        elif r24 is not None and lh < 12 and lh + 12 <= r24[0]:
            left = replace(left, meridiem="pm")
    return left, right, right_has_day


def parse_range(
    text: str, now: datetime, tz: str | tzinfo = DEFAULT_TZ
) -> tuple[datetime | None, datetime | None]:
    """(start, end) of "from 14:00 to 17:30", "昨天下午2点到5点半", "between 9 and 11am".

    An end before the start is kept as said (``validate_interval`` reports it), except that
    an afternoon/evening/night start with an explicit morning end ("晚上11点到凌晨2点",
    "半夜到早上6点") rolls the end to the next day. "到现在"/"until now" ends at ``now``.
    Without a separator the text is one moment: (start, None).
    """
    local = _local_now(now, _zone(tz))
    s = _norm(text)
    date_spans = [m.span() for pat in _DATE_PATTERNS for m in pat.finditer(s)]
    for sep in _RANGE_SEP.finditer(s):
        if any(a <= sep.start() < b for a, b in date_spans):
            continue
        if sep.group().strip() == "and" and "between" not in s[: sep.start()]:
            continue
        left_text, right_text = s[: sep.start()], s[sep.end() :]
        if _NOW_END.match(right_text):
            left = _extract(left_text, local, allow_bare=True)
            if left.empty():
                continue
            return _resolve(left, local), local
        left = _extract(left_text, local, allow_bare=True)
        right = _extract(right_text, local, allow_bare=True)
        if left.hour is None and left.day is None or right.empty():
            continue
        if right.hour is None and right.day is None:
            continue
        left, right, right_has_day = _inherit(left, right)
        start = _resolve(left, local)
        base = start.date() if start is not None and not right_has_day else None
        end = _resolve(right, local, base_day=base)
        if (
            start is not None
            and end is not None
            and end < start
            and not right_has_day
            and (right.meridiem == "am" or right.period in ("dawn", "midnight", "morning"))
            and (left.meridiem == "pm" or left.period in ("afternoon", "evening", "midnight"))
        ):
            end += timedelta(days=1)
        return start, end
    return parse_datetime(text, now, tz), None


def validate_interval(
    start: datetime | None, end: datetime | None, now: datetime | None = None
) -> str | None:
    """Error code the bot turns into a question, or None when the interval is plausible.

    Codes: "missing_start", "end_before_start", "in_future" (start or end after ``now``).
    An open end (None) is fine: the incident may be ongoing.
    """
    if start is None:
        return "missing_start"
    if end is not None and end < start:
        return "end_before_start"
    if now is not None and (start > now or (end is not None and end > now)):
        return "in_future"
    return None


# --------------------------------------------------------------------------- corrections

_NEGATED = re.compile(
    r"(?:而?不是|並不是|并不是|并非|並非|不在)[^,;!?。，；！？]*?(?=[,;!?。，；！？]|而是|是|$)"
    r"|(?:\bnot\b|n't\b|\brather than\b|\binstead of\b)[^,;!?]*?(?=[,;!?]|\.(?:\s|$)|\bbut\b|$)"
)


def correction_time(
    text: str,
    now: datetime,
    tz: str | tzinfo = DEFAULT_TZ,
    previous: datetime | None = None,
) -> datetime | None:
    """The time a correction asserts ("actually it started at 8, not 9" -> 8:00).

    Negated parts ("not 9", "不是9点") are dropped. With ``previous`` (the value being
    corrected) a correction without a date keeps the previous date, and a bare hour keeps
    the previous afternoon/evening reading ("8 not 9" after 21:00 -> 20:00).
    """
    local = _local_now(now, _zone(tz))
    kept = _NEGATED.sub(" ", _norm(text))
    p = _days_ago_as_day(_extract(kept, local, allow_bare=True), local)
    if p.empty():
        return None
    if previous is not None:
        prev = previous.astimezone(local.tzinfo)
        if p.day is None and p.ago is None:
            p.day = prev.date()
        if (
            p.hour is not None
            and p.meridiem is None
            and p.period is None
            and p.hour < 12
            and prev.hour >= 13
        ):
            p.meridiem = "pm"
    return _resolve(p, local)
