"""timeparse: free-text dates, times, ranges, durations and corrections with a fixed now.

NOW is Saturday 2026-11-21 10:00 in Asia/Shanghai.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from understanding.timeparse import (
    correction_time,
    is_future,
    parse_datetime,
    parse_duration,
    parse_range,
    refine_time,
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
        ("10点五", at(11, 20, 10, 5)),  # as "10点5"
        ("10点5", at(11, 20, 10, 5)),
        ("十点五十", at(11, 20, 10, 50)),
        # a day word wins over a day of the month; numbered things are no days
        ("2号服务器从昨天下午3点宕机", at(11, 20, 15)),
        ("3号节点昨天挂了", at(11, 20)),
        ("the 2nd and 3rd servers went down yesterday", at(11, 20)),
        ("十一号", at(11, 11)),
        ("10日", at(11, 10)),
        ("the 14th, around 9pm", at(11, 14, 21)),
        ("down on the 2nd and back on the 3rd", at(11, 2)),  # "and" after a preposition
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


EVENING = datetime(2026, 11, 21, 18, 0, tzinfo=SH)  # the same Saturday at 18:00


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a part of the day without a clock time stands for its usual hour
        ("中午", at(11, 21, 12)),
        ("昨天中午", at(11, 20, 12)),
        ("前天晚上", at(11, 19, 20)),
        ("last Sunday evening", at(11, 15, 20)),  # evening is 20:00, as 晚上
        ("早上", at(11, 21, 8)),
        ("上午", at(11, 21, 9)),
        ("下午", at(11, 21, 15)),
        ("傍晚", at(11, 21, 17)),  # 18:00 would be now itself: the whole hour before it
        ("晚上", at(11, 21, 17)),  # evening has begun: neither a future 20:00 nor yesterday's
        ("凌晨", at(11, 21, 3)),
        ("昨天早上", at(11, 20, 8)),
        ("昨天上午", at(11, 20, 9)),
        ("昨天下午", at(11, 20, 15)),
        ("昨天傍晚", at(11, 20, 18)),
        ("昨天凌晨", at(11, 20, 3)),
        ("昨天深夜", at(11, 20, 23)),
        ("昨晚", at(11, 20, 20)),
        ("今早", at(11, 21, 8)),
        ("周五晚上", at(11, 20, 20)),
        ("morning", at(11, 21, 9)),
        ("afternoon", at(11, 21, 15)),
        ("evening", at(11, 21, 17)),
        ("night", at(11, 21, 17)),
        ("noon", at(11, 21, 12)),
        ("midnight", at(11, 21, 0)),
        ("yesterday morning", at(11, 20, 9)),
        ("yesterday afternoon", at(11, 20, 15)),
        ("last night", at(11, 20, 22)),
        ("tonight", at(11, 21, 17)),  # the guessed 22:00 is capped before now: evening began
        ("今晚", at(11, 21, 17)),
        # a later lone 早/晚 does not undo the part of day already said
        ("昨晚很晚才发现", at(11, 20, 20)),
        ("今早很早就挂了", at(11, 21, 8)),
        ("all morning", at(11, 21, 9)),
        ("官网瘫痪了一上午", at(11, 21, 9)),  # 一上午 is not 一下 + 午
        # a said clock time wins over the part of the day
        ("早上7点", at(11, 21, 7)),
        ("上午10点半", at(11, 21, 10, 30)),
        ("傍晚6点", at(11, 21, 18)),
        ("晚上8点", at(11, 20, 20)),
        ("深夜11点", at(11, 20, 23)),
        ("凌晨2点", at(11, 21, 2)),
        ("昨天中午12点", at(11, 20, 12)),
        # a day of the month without a month
        ("10pm on the 14th", at(11, 14, 22)),
        ("on the 14th at 10pm", at(11, 14, 22)),
        ("the night of the 14th", at(11, 14, 22)),
        ("the 14th", at(11, 14)),
        ("14号晚上10点", at(11, 14, 22)),
        ("14号", at(11, 14)),
        ("14日晚上", at(11, 14, 20)),
        ("25号", at(10, 25)),  # the 25th of this month is ahead -> last month's
        ("31号", at(10, 31)),
        ("上个月20号", at(10, 20)),
        ("上月20日", at(10, 20)),
        ("the 20th of last month", at(10, 20)),
        ("since the 3rd, still down", at(11, 3)),
        ("the 14th around 9pm", at(11, 14, 21)),
        ("本月25号", at(11, 25)),  # "this month" is kept though ahead; is_future flags it
        ("我要为20号那次宕机申请赔偿", at(11, 20)),
        # a part of a month: its first day, or its last for 底/末/end
        ("上个月底", at(10, 31)),
        ("上个月初", at(10, 1)),
        ("月初", at(11, 1)),
        ("月底", at(10, 31)),  # this month's end is ahead -> last month's
        ("本月底", at(11, 30)),
        ("11月初", at(11, 1)),
        ("十一月中旬", at(11, 11)),
        ("11月底", at(11, 30, year=2025)),  # as "12月25日": this year's is ahead
        ("early November", at(11, 1)),
        ("mid-November", at(11, 11)),
        ("late October", at(10, 21)),
        ("end of last month", at(10, 31)),
        ("beginning of this month", at(11, 1)),
        # a week or a month: where it starts
        ("this week", at(11, 16)),
        ("本周", at(11, 16)),
        ("last week", at(11, 9)),
        ("上周", at(11, 9)),
        ("上个月", at(10, 1)),
        ("last month", at(10, 1)),
        # a stated year datetime can hold
        ("2025年2月底", at(2, 28, year=2025)),
        ("end of December 2025", at(12, 31, year=2025)),
        # 一直/一下 after a clock time are words, not minutes
        ("8点一直", at(11, 21, 8)),
        ("昨天早上8点一直登不上", at(11, 20, 8)),
        ("昨天8点一下就挂了", at(11, 20, 8)),
        ("三点十", at(11, 21, 3, 10)),
        ("8点一刻", at(11, 21, 8, 15)),
    ],
)
def test_parse_datetime_parts_of_days_and_months(text: str, expected: datetime) -> None:
    assert parse_datetime(text, EVENING) == expected


@pytest.mark.parametrize("now", [NOW, EVENING])
@pytest.mark.parametrize(
    "text",
    [
        "一直",
        "一下",
        "一点点",
        "早就说过了",
        "太晚了",
        "good morning",
        "早上好",
        "晚安",
        "morning all",
        "每天晚上",
        "every night",
        "那天晚上",
        "that night",
        "连续三个晚上",
        "3号楼",
        "2号线",
        "第一个登上月球的人是谁",
        "the 3rd time",
        "the 2nd outage was worse",
        "the 5th floor",
        "2月30日",
        "13月5日",
        "2号服务器宕机了",
        "3号节点",
        "1号机房",
        "2号数据库",
        "5号网关",
        "the 2nd and 3rd servers went down",
        "the 2nd, 3rd and 5th servers",
        "持续了10日",
        "历时3日",
        "双十一号",
        "双11号那天",
        # no exception for a year or span datetime cannot hold
        "0000年2月底",
        "early Feb 0000",
        "9999年12月底",
        "end of December 9999",
        "0000-02-28",
        "99999999个月前",
        "9999999999 days ago",
    ],
)
def test_words_that_name_no_moment(text: str, now: datetime) -> None:
    assert parse_datetime(text, now) is None


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("今晚", at(11, 21, 19), at(11, 21, 18)),  # said at 19:00: not 20:00, not now itself
        ("今晚", at(11, 21, 19, 30), at(11, 21, 19)),
        ("今晚", at(11, 21, 21), at(11, 21, 20)),
        ("今晚", NOW, at(11, 21, 20)),  # evening not begun at 10:00: future, as said
        ("this afternoon", NOW, at(11, 21, 15)),
        ("明天晚上", EVENING, at(11, 22, 20)),
    ],
)
def test_guessed_hour_is_capped_only_once_that_part_of_today_began(
    text: str, now: datetime, expected: datetime
) -> None:
    assert parse_datetime(text, now) == expected


AFTERNOON = at(11, 21, 13, 10)  # the same Saturday at 13:10: the afternoon has begun


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        # a begun part of today: the last whole hour before now, with or without a day word
        ("今天下午", AFTERNOON, at(11, 21, 13)),
        ("this afternoon", AFTERNOON, at(11, 21, 13)),
        ("下午系统挂了", AFTERNOON, at(11, 21, 13)),  # not yesterday's 15:00
        ("下午恢复了", AFTERNOON, at(11, 21, 13)),
        # siblings: a part already past keeps its hour; a clock time still rolls back
        ("今天上午", AFTERNOON, at(11, 21, 9)),
        ("上午", AFTERNOON, at(11, 21, 9)),
        ("昨天下午", AFTERNOON, at(11, 20, 15)),
        ("下午3点", AFTERNOON, at(11, 20, 15)),
        # not begun today and no day word: asked again, not silently yesterday's
        ("晚上系统挂了", AFTERNOON, None),
        ("晚上", NOW, None),
        ("深夜", EVENING, None),
        ("今晚", AFTERNOON, at(11, 21, 20)),  # with its day word: ahead, as said
    ],
)
def test_guessed_hour_is_neither_now_nor_yesterdays(
    text: str, now: datetime, expected: datetime | None
) -> None:
    assert parse_datetime(text, now) == expected


@pytest.mark.parametrize("text", ["今天下午", "今晚", "傍晚", "this afternoon", "tonight", "凌晨"])
@pytest.mark.parametrize("hour", range(24))
def test_guessed_hour_is_never_now_itself(text: str, hour: int) -> None:
    """``now`` itself reads as "until now" to the intake."""
    for minute in (0, 10):
        now = at(11, 21, hour, minute)
        assert parse_datetime(text, now) != now


MARCH_END = at(3, 31, 10)  # Tuesday 2026-03-31: last month, February, has no 29th-31st


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上个月31号", None),
        ("the 31st of last month", None),
        ("上个月30号", None),
        ("2月31号", None),
        # siblings: days the month has
        ("上个月28号", at(2, 28)),
        ("the 28th of last month", at(2, 28)),
        ("31号", at(3, 31)),
        ("上个月", at(2, 1)),
    ],
)
def test_a_day_the_month_lacks_is_none(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text, MARCH_END) == expected


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
        ("2号服务器从昨天下午3点宕机到5点", at(11, 20, 15), at(11, 20, 17)),
        # a bare day of the month shares the other end's month and year
        ("12月10号到12号", at(12, 10, year=2025), at(12, 12, year=2025)),
        ("10月3号到5号", at(10, 3), at(10, 5)),
        ("11月3号到5号", at(11, 3), at(11, 5)),
        ("上个月10号到12号", at(10, 10), at(10, 12)),
        ("from the 10th to the 12th of last month", at(10, 10), at(10, 12)),
        ("12号到15号", at(11, 12), at(11, 15)),
        ("30号到2号", at(10, 30), at(11, 2)),  # not put before its start
        ("昨天9点", at(11, 20, 9), None),  # a single moment
        ("昨天早上8点一直到中午", at(11, 20, 8), at(11, 20, 12)),
        ("昨天从早上九点一直到下午五点", at(11, 20, 9), at(11, 20, 17)),
        ("yesterday from 8am until noon", at(11, 20, 8), at(11, 20, 12)),  # noon is not 0:00
        ("from noon to 3", at(11, 20, 12), at(11, 20, 15)),
        ("晚上11点到早上6点", at(11, 20, 23), at(11, 21, 6)),  # end rolls to next day
        ("昨天晚上到今天凌晨", at(11, 20, 20), at(11, 21, 3)),
        ("the 14th to the 16th", at(11, 14), at(11, 16)),
        ("本月1号到3号", at(11, 1), at(11, 3)),
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


@pytest.mark.parametrize("text", ["", "hello", "11月", "5000元", "3点", "a m", "9999999999 days"])
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


@pytest.mark.parametrize(
    ("context", "clause", "expected"),
    [
        ("昨天傍晚", "大概六点半", at(11, 20, 18, 30)),
        ("昨天晚上", "11点左右", at(11, 20, 23)),
        ("昨晚", "两点左右", at(11, 21, 2)),
        ("昨天凌晨", "大概3点", at(11, 20, 3)),
        ("昨天下午", "3点左右", at(11, 20, 15)),
        ("前天上午", "十点", at(11, 19, 10)),
        ("yesterday evening", "around 6:30", at(11, 20, 18, 30)),
        ("last night", "around 2am", at(11, 21, 2)),
        ("yesterday", "at 3pm", at(11, 20, 15)),
        ("this morning", "about 9", at(11, 21, 9)),
        ("昨天上午9点", "11点", None),  # the context already said a clock time
        ("3小时前", "大概9点", None),
        ("不知道", "大概9点", None),
        ("昨天下午", "今天3点", None),  # the clause has its own day
        ("昨天下午", "晚上8点", None),  # ... or its own part of day
        ("昨天下午", "3个用户", None),
        # the clause may name the part of day the context left open or repeated
        ("前天", "下午3点左右系统崩了", at(11, 19, 15)),
        ("上周五", "下午三点左右", at(11, 13, 15)),
        ("yesterday", "in the afternoon around 3", at(11, 20, 15)),
        ("昨天下午", "下午4点", at(11, 20, 16)),
        ("昨天下午", "大概持续了3个小时", None),
    ],
)
def test_refine_time(context: str, clause: str, expected: datetime | None) -> None:
    assert refine_time(context, clause, NOW) == expected
