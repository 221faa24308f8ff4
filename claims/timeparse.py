"""Dates, times, ranges and durations from free text (zh and en), resolved to aware datetimes.

Customers answer "when did it start?" with "昨天上午9点", "last Friday 3pm" or "2 hours ago";
the timeline needs timezone-aware datetimes, so every expression is resolved against the
message time ``now`` in the customer's IANA zone (default Asia/Shanghai).

Rules callers rely on:

* A time without a date means today, unless that is after ``now``; then yesterday.
* A date without a time resolves to 00:00 of that day. A month/day without a year is this
  year, unless that is after today; then last year.
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
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from claims.amounts import cn_to_decimal, cn_to_int

__all__ = [
    "DEFAULT_TZ",
    "correction_time",
    "is_future",
    "parse_datetime",
    "parse_duration",
    "parse_range",
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


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


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
    if not parts:
        return None
    return timedelta(seconds=sum(seconds for _, _, seconds in parts))


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
    r"\b(?:at|around|about|by|since|from)\s+(?:about\s+|around\s+|approximately\s+)?"
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


def _year_less(month: int, day: int, today: date) -> date | None:
    for year in (today.year, today.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate <= today:
            return candidate
    return None


def _extract(text: str, now: datetime, allow_bare: bool = False) -> _Parts:
    """Pull date, time, period and "ago" components out of ``text``."""
    s = _norm(text)
    today = now.date()
    p = _Parts()
    period_end = -1

    m = _AGO_EN.search(s) or _AGO_ZH.search(s)
    if m:
        delta = parse_duration(m.group("dur"))
        if delta is not None:
            p.ago = delta
            s = _blank(s, m)
    if p.ago is None:
        m = _JUST_NOW.search(s)
        if m:
            p.ago = timedelta(0)
            s = _blank(s, m)

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
            p.day = (
                date(int(gd["y"]), month, day_n) if gd.get("y") else _year_less(month, day_n, today)
            )
        except ValueError:
            p.day = None
        if p.day is not None:
            s = _blank(s, m)
            break

    if p.day is None:
        m = _REL_DAY_RE.search(s)
        if m:
            key = m.group(0)
            offset, period = _ZH_REL_DAYS.get(key) or _EN_REL_DAYS[key]
            p.day = today + timedelta(days=offset)
            p.period = period
            if period is not None:
                period_end = m.end()
            s = _blank(s, m)

    if p.day is None:
        m = _ZH_WEEKDAY_RE.search(s)
        if m:
            d = m.group("d")
            wd = int(d) - 1 if d.isdigit() else _WEEKDAYS_ZH[d]
            monday = today - timedelta(days=today.weekday())
            week = {"上上": -14, "上": -7, "下": 7}.get(m.group("which") or "", 0)
            p.day = monday + timedelta(days=week + wd)
            if not m.group("which") and p.day > today:
                p.day -= timedelta(days=7)
            s = _blank(s, m)
        else:
            m = _EN_WEEKDAY_RE.search(s)
            if m:
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
                s = _blank(s, m)

    m = _ZH_PERIOD_RE.search(s)
    if m:
        period_end = m.end()
        p.period = _ZH_PERIODS[m.group(0)]
        s = _blank(s, m)
    else:
        m = _EN_PERIOD_RE.search(s)
        if m:
            p.period = _EN_PERIODS[m.group("p")]
            period_end = m.end()
            if m.group("p") in ("noon", "midday", "midnight"):
                p.hour = 0 if m.group("p") == "midnight" else 12
                p.period = None
            s = _blank(s, m)

    _extract_time(s, p, allow_bare, period_end)
    return p


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
        minute = 0
        if m.group("half"):
            minute = 30
        elif m.group("q"):
            minute = 15 if m.group("q") in "一1" else 45
        elif m.group("mi"):
            mi = cn_to_int(m.group("mi"))
            if mi is None:
                continue
            minute = mi
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
    if p.ago is not None and (p.hour is None or p.ago < timedelta(days=1)):
        return (now - p.ago).astimezone(zone)
    day = p.day or base_day
    if p.ago is not None:
        day = (now - p.ago).date()
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
        if candidate > now:
            candidate = datetime.combine(now.date() + timedelta(days=extra - 1), clock, tzinfo=zone)
        return candidate
    return datetime.combine(day + timedelta(days=extra), clock, tzinfo=zone)


def parse_datetime(text: str, now: datetime, tz: str | tzinfo = DEFAULT_TZ) -> datetime | None:
    """The moment the text names, tz-aware in ``tz``; None when it names none."""
    local = _local_now(now, _zone(tz))
    p = _extract(text, local)
    if p.empty():
        return None
    return _resolve(p, local)


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


def _inherit(left: _Parts, right: _Parts) -> tuple[_Parts, _Parts, bool]:
    """Share date and am/pm between the ends of a range, as people do when they say it."""
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
    an evening start with an explicit early-morning end ("晚上11点到凌晨2点") rolls the end to
    the next day. "到现在"/"until now" ends at ``now``. Without a separator the text is one
    moment: (start, None).
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
            and (right.meridiem == "am" or right.period in ("dawn", "midnight"))
            and (left.meridiem == "pm" or left.period in ("afternoon", "evening"))
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
    r"|(?:\bnot\b|n't\b|\brather than\b|\binstead of\b)[^,;!?]*?(?=[,;!?]|\bbut\b|$)"
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
    p = _extract(kept, local, allow_bare=True)
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
