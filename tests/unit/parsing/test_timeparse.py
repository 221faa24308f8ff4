"""timeparse: free-text dates, times, ranges, durations and corrections with a fixed now.

NOW is Saturday 2026-11-21 10:00 in Asia/Shanghai.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.timeparse import (
    correction_time,
    is_future,
    parse_datetime,
    parse_duration,
    parse_range,
    validate_interval,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=SH)


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20 14:00", at(11, 20, 14)),
        ("2026/11/20 14:00", at(11, 20, 14)),
        ("2026年11月20日 14:00", at(11, 20, 14)),
        ("2026-11-20T14:00", at(11, 20, 14)),
        ("11月20日下午3点", at(11, 20, 15)),
        ("十一月二十日上午十点", at(11, 20, 10)),
        ("11月20号晚上8点", at(11, 20, 20)),
        ("昨天上午9点", at(11, 20, 9)),
        ("今天早上8点半", at(11, 21, 8, 30)),
        ("前天晚上10点", at(11, 19, 22)),
        ("大前天下午两点", at(11, 18, 14)),
        ("上周五下午三点", at(11, 13, 15)),  # Friday of the previous calendar week
        ("上星期一上午10点", at(11, 9, 10)),
        ("这周三", at(11, 18)),
        ("周五", at(11, 20)),  # most recent Friday
        ("星期日", at(11, 15)),
        ("3点15分", at(11, 21, 3, 15)),
        ("8点一刻", at(11, 21, 8, 15)),
        ("9点三刻", at(11, 21, 9, 45)),
        ("十点零五分", at(11, 20, 10, 5)),  # 10:05 today is after now -> yesterday
        ("14时30分", at(11, 20, 14, 30)),
        ("凌晨2点", at(11, 21, 2)),
        ("下午3点", at(11, 20, 15)),  # today 15:00 is in the future -> yesterday
        ("中午12点", at(11, 20, 12)),
        ("中午1点", at(11, 20, 13)),
        ("昨晚10点", at(11, 20, 22)),
        ("昨晚2点", at(11, 21, 2)),  # after midnight of yesterday evening
        ("今晨6点", at(11, 21, 6)),
        ("3天前下午2点", at(11, 18, 14)),
        ("yesterday 9am", at(11, 20, 9)),
        ("yesterday at 9 a.m.", at(11, 20, 9)),
        ("today at 14:30", at(11, 21, 14, 30)),  # explicit date: kept though in the future
        ("last Friday 3pm", at(11, 20, 15)),  # most recent Friday before today
        ("on Monday at 9:15", at(11, 16, 9, 15)),
        ("Nov 20 2pm", at(11, 20, 14)),
        ("November 20th, 2026 at 11:30pm", at(11, 20, 23, 30)),
        ("20 November 2026 at 09:00", at(11, 20, 9)),
        ("3rd of March at 5pm", at(3, 3, 17)),
        ("Dec 25", at(12, 25, year=2025)),  # this year's would be ahead -> last year
        ("12月25日", at(12, 25, year=2025)),
        ("this morning at 8", at(11, 21, 8)),
        ("last night at 11pm", at(11, 20, 23)),
        ("3 o'clock", at(11, 21, 3)),
        ("noon yesterday", at(11, 20, 12)),
        ("2 hours ago", at(11, 21, 8)),
        ("about 30 minutes ago", at(11, 21, 9, 30)),
        ("half an hour ago", at(11, 21, 9, 30)),
        ("3小时前", at(11, 21, 7)),
        ("半小时前", at(11, 21, 9, 30)),
        ("两天前", at(11, 19, 10)),
        ("just now", NOW),
        ("刚才", NOW),
        ("yesterday", at(11, 20)),  # a date alone is 00:00
        ("昨天", at(11, 20)),
        ("ＩＳＯ：２０２６－１１－２０　１４：００", at(11, 20, 14)),  # full-width
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    result = parse_datetime(text, NOW)
    assert result == expected
    assert result is not None and result.tzinfo is not None
    assert result.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    "text", ["", "hello", "不知道", "快一点好吗", "3000 users", "损失5000元", "I don't remember"]
)
def test_parse_datetime_none(text: str) -> None:
    assert parse_datetime(text, NOW) is None


def test_time_without_date_rolls_back_only_when_in_future() -> None:
    assert parse_datetime("09:59", NOW) == at(11, 21, 9, 59)
    assert parse_datetime("10:00", NOW) == at(11, 21, 10, 0)  # equal to now is not future
    assert parse_datetime("10:01", NOW) == at(11, 20, 10, 1)


def test_other_zone_and_utc_now() -> None:
    now_utc = NOW.astimezone(UTC)  # 02:00 UTC
    assert parse_datetime("昨天上午9点", now_utc) == at(11, 20, 9)
    ny = ZoneInfo("America/New_York")
    # 2026-11-20 21:00 in New York; "yesterday 9am" there is 2026-11-19 09:00 EST (-05:00)
    result = parse_datetime("yesterday 9am", NOW, "America/New_York")
    assert result == datetime(2026, 11, 19, 9, 0, tzinfo=ny)
    assert result is not None and result.utcoffset() == timedelta(hours=-5)


def test_naive_now_is_taken_in_the_zone() -> None:
    assert parse_datetime("3小时前", datetime(2026, 11, 21, 10, 0)) == at(11, 21, 7)


def test_is_future() -> None:
    assert is_future(at(11, 21, 14, 30), NOW)
    assert not is_future(at(11, 21, 10), NOW)
    assert not is_future(at(11, 20, 10), NOW)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("from 14:00 to 17:30", at(11, 20, 14), at(11, 20, 17, 30)),
        ("14:00-17:30", at(11, 20, 14), at(11, 20, 17, 30)),
        ("14:00 ~ 17:30", at(11, 20, 14), at(11, 20, 17, 30)),
        ("昨天下午2点到5点半", at(11, 20, 14), at(11, 20, 17, 30)),
        ("从上午9点到11点", at(11, 21, 9), at(11, 21, 11)),  # end in the future: caller asks
        ("between 9 and 11am yesterday", at(11, 20, 9), at(11, 20, 11)),
        ("from 2 to 5pm yesterday", at(11, 20, 14), at(11, 20, 17)),
        ("yesterday 10 to 2pm", at(11, 20, 10), at(11, 20, 14)),
        ("2026-11-20 14:00-17:30", at(11, 20, 14), at(11, 20, 17, 30)),
        ("2026-11-19 22:00 to 2026-11-20 03:00", at(11, 19, 22), at(11, 20, 3)),
        ("前天晚上11点到凌晨2点", at(11, 19, 23), at(11, 20, 2)),  # end rolls to next day
        ("昨天14:00至今", at(11, 20, 14), NOW),
        ("yesterday 9am until now", at(11, 20, 9), NOW),
        ("17:00-14:00", at(11, 20, 17), at(11, 20, 14)),  # kept; validate_interval flags it
        ("昨天9点", at(11, 20, 9), None),  # a single moment
    ],
)
def test_parse_range(text: str, start: datetime, end: datetime | None) -> None:
    assert parse_range(text, NOW) == (start, end)


def test_parse_range_nothing() -> None:
    assert parse_range("no idea", NOW) == (None, None)


@pytest.mark.parametrize(
    ("start", "end", "now", "code"),
    [
        (at(11, 20, 14), at(11, 20, 17), NOW, None),
        (at(11, 20, 14), None, NOW, None),
        (at(11, 20, 17), at(11, 20, 14), NOW, "end_before_start"),
        (at(11, 21, 9), at(11, 21, 11), NOW, "in_future"),
        (at(11, 22, 9), None, NOW, "in_future"),
        (None, at(11, 20, 14), NOW, "missing_start"),
        (at(11, 22, 9), None, None, None),  # without now, the future cannot be judged
    ],
)
def test_validate_interval(
    start: datetime | None, end: datetime | None, now: datetime | None, code: str | None
) -> None:
    assert validate_interval(start, end, now) == code


def test_range_feeds_validate_interval() -> None:
    assert validate_interval(*parse_range("17:00-14:00", NOW), NOW) == "end_before_start"
    assert validate_interval(*parse_range("从上午9点到11点", NOW), NOW) == "in_future"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3小时", timedelta(hours=3)),
        ("3个小时", timedelta(hours=3)),
        ("两天", timedelta(days=2)),
        ("半小时", timedelta(minutes=30)),
        ("一个半小时", timedelta(hours=1, minutes=30)),
        ("一天半", timedelta(days=1, hours=12)),
        ("半天", timedelta(hours=12)),
        ("2天3小时", timedelta(days=2, hours=3)),
        ("45分钟", timedelta(minutes=45)),
        ("两周", timedelta(weeks=2)),
        ("3个月", timedelta(days=90)),
        ("1.5 hours", timedelta(hours=1, minutes=30)),
        ("two days", timedelta(days=2)),
        ("90 minutes", timedelta(minutes=90)),
        ("3h", timedelta(hours=3)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("an hour", timedelta(hours=1)),
        ("an hour and a half", timedelta(hours=1, minutes=30)),
        ("half an hour", timedelta(minutes=30)),
        ("2 days 3 hours", timedelta(days=2, hours=3)),
        ("the outage lasted 4 hours", timedelta(hours=4)),
        ("30 secs", timedelta(seconds=30)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "11月", "5000元", "3点", "a m"])
def test_parse_duration_none(text: str) -> None:
    assert parse_duration(text) is None


@given(st.integers(0, 999), st.sampled_from(["hours", "小时", "h", "minutes", "分钟", "天"]))
def test_parse_duration_integer_units(n: int, unit: str) -> None:
    seconds = {"hours": 3600, "小时": 3600, "h": 3600, "minutes": 60, "分钟": 60, "天": 86400}
    assert parse_duration(f"{n}{unit}") == timedelta(seconds=n * seconds[unit])


@given(st.integers(0, 23), st.integers(0, 59))
def test_clock_times_today_or_yesterday(hour: int, minute: int) -> None:
    result = parse_datetime(f"{hour:02d}:{minute:02d}", NOW)
    assert result is not None
    assert not is_future(result, NOW)
    assert (result.hour, result.minute) == (hour, minute)
    assert NOW - result < timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actually it started at 8, not 9", at(11, 21, 8)),
        ("not 9 but 8", at(11, 21, 8)),
        ("it was 8:30 not 9", at(11, 21, 8, 30)),
        ("no, 8am not 9am", at(11, 21, 8)),
        ("不是9点，是8点开始的", at(11, 21, 8)),
        ("不是9点而是8点", at(11, 21, 8)),
        ("不是昨天，是前天下午3点", at(11, 19, 15)),
    ],
)
def test_correction_time(text: str, expected: datetime) -> None:
    assert correction_time(text, NOW) == expected


def test_correction_time_keeps_previous_date_and_half_of_day() -> None:
    previous = at(11, 19, 21)
    assert correction_time("actually 8 not 9", NOW, previous=previous) == at(11, 19, 20)
    assert correction_time("不是9点，是8点", NOW, previous=at(11, 19, 9)) == at(11, 19, 8)


def test_correction_time_none() -> None:
    assert correction_time("no, that's wrong", NOW) is None
