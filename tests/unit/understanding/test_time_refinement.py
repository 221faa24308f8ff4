"""A clock time in its own clause sharpens the day/part of day just said; ranges stay ranges.

NOW is Saturday 2026-11-21 18:00 Asia/Shanghai, so "yesterday" is 2026-11-20.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from claims.policy import Policy
from understanding.extraction import extract_updates
from understanding.turn import IncomingMessage

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
D20 = "2026-11-20T{}:00+08:00"
D21 = "2026-11-21T{}:00+08:00"


def times(policy: Policy, text: str) -> dict[str, str]:
    message = IncomingMessage(
        text=text,
        intent="give_time",
        entities=(),
        requested_slot="started_at",
        now=NOW,
        tz="Asia/Shanghai",
    )
    result = extract_updates(message, {"description": "x"}, policy)
    assert result.problems == ()
    return {k: v for k, v in result.updates.items() if k.endswith("_at")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the three reported cases
        ("昨天傍晚，大概六点半", {"started_at": D20.format("18:30")}),
        ("yesterday evening, around 6:30", {"started_at": D20.format("18:30")}),
        ("昨天晚上，11点左右", {"started_at": D20.format("23:00")}),
        # siblings: the part of day decides am/pm
        ("昨天上午，10点左右", {"started_at": D20.format("10:00")}),
        ("昨天下午，大概4点", {"started_at": D20.format("16:00")}),
        ("昨天凌晨，大概3点", {"started_at": D20.format("03:00")}),
        ("昨天早上，七点半左右", {"started_at": D20.format("07:30")}),
        ("昨天傍晚，大概7点", {"started_at": D20.format("19:00")}),
        ("昨晚，大概2点", {"started_at": D21.format("02:00")}),  # after midnight
        ("this morning, about 9", {"started_at": D21.format("09:00")}),
        ("last night, around 11", {"started_at": D20.format("23:00")}),
        ("last night, around 2am", {"started_at": D21.format("02:00")}),
        ("yesterday afternoon, around 4", {"started_at": D20.format("16:00")}),
        ("yesterday, around 3pm", {"started_at": D20.format("15:00")}),
        ("yesterday evening, at 7:15pm", {"started_at": D20.format("19:15")}),
        # the clause's own word still picks the field
        ("昨天下午，大概4点宕机", {"started_at": D20.format("16:00")}),
        ("昨天下午，4点左右发现的", {"started_at": D20.format("15:00"),
                                 "detected_at": D20.format("16:00")}),
        # the clause may name the part of day the context left open
        ("前天，下午3点左右系统崩了", {"started_at": "2026-11-19T15:00:00+08:00"}),
        ("上周五，下午三点左右系统崩了，一直到晚上8点才恢复",
         {"started_at": "2026-11-13T15:00:00+08:00", "ended_at": "2026-11-13T20:00:00+08:00"}),
        ("昨天，下午3点左右", {"started_at": D20.format("15:00")}),
        ("昨天，3点左右", {"started_at": D20.format("03:00")}),  # no part of day: as said
        # not clock times: the part of day keeps its usual hour
        ("yesterday afternoon, for about 3 hours", {"started_at": D20.format("15:00")}),
        ("昨天晚上，影响了200个用户", {"started_at": D20.format("20:00")}),
        # genuine ranges are unchanged
        ("昨天上午9点开始，11点恢复", {"started_at": D20.format("09:00"),
                                  "ended_at": D20.format("11:00")}),
        ("it went down at 9am, back at 11:15", {"started_at": D21.format("09:00"),
                                                "ended_at": D21.format("11:15")}),
        ("从8点一直挂到10点半", {"started_at": D21.format("08:00"),
                               "ended_at": D21.format("10:30")}),
        ("昨天早上8点一直到中午都登不上系统", {"started_at": D20.format("08:00"),
                                          "ended_at": D20.format("12:00")}),
        ("晚上11点到早上6点", {"started_at": D20.format("23:00"),
                               "ended_at": D21.format("06:00")}),
        ("昨天上午，大概10点恢复", {"started_at": D20.format("09:00"),
                                "ended_at": D20.format("10:00")}),  # a range word: an end
        ("昨天9点开始宕机，今天上午，大概10点", {"started_at": D20.format("09:00"),
                                            "ended_at": D21.format("10:00")}),
    ],
)  # fmt: skip
def test_clock_clause_refines_the_day_before_it(
    policy: Policy, text: str, expected: dict[str, str]
) -> None:
    assert times(policy, text) == expected
