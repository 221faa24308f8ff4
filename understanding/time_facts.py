"""When the incident started, was detected and ended, from the times a message says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from understanding.amounts import money_spans
from understanding.clauses import has, time_clauses
from understanding.lexicons import (
    CURRENCY_HINT,
    DAY_WORDS,
    DETECT_WORDS,
    END_WORDS,
    ONGOING_WORDS,
    RANGE_WORDS,
    RECOVERY_WORDS,
    REVENUE_WORDS,
    START_WORDS,
)
from understanding.slots import ONGOING, TIME_SLOTS, filled, slot_datetime
from understanding.timeparse import (
    parse_datetime,
    parse_range,
    refine_time,
    time_precision,
)
from understanding.turn import Turn


@dataclass
class _TimeFound:
    start: datetime | None = None
    end: datetime | None = None
    detected: datetime | None = None
    any_time: bool = False
    until_now: bool = False  # a range ended "到现在"/"until now"; "刚才恢复" is a moment


def _anchor(end: datetime, start: datetime | None, clause: str, now: datetime) -> datetime:
    """An end time said without a date belongs to the start's day (or the day after)."""
    if start is None or has(DAY_WORDS, clause):
        return end
    candidate = datetime.combine(start.date(), end.timetz())
    if candidate < start:
        candidate += timedelta(days=1)
    return candidate if candidate <= now else end


def _role(clause: str) -> str | None:
    """The field a clause's own words assign its moment to, if any."""
    if has(DETECT_WORDS, clause):
        return "detected"
    if has(END_WORDS, clause) and not re.search(r"从|從|\bfrom\b|\bsince\b", clause, re.I):
        return "end"
    if has(START_WORDS, clause):
        return "start"
    return None


def _place(w: Turn, found: _TimeFound, clause: str, moment: datetime, slot: str | None) -> bool:
    """Put ``moment`` into ``slot`` (an end anchored to the start's day) unless it is taken."""
    if slot is None or getattr(found, slot) is not None:
        return False
    if slot == "end":
        known_start = slot_datetime(w.slots.get("started_at"), w.zone)
        moment = _anchor(moment, found.start or known_start, clause, w.now)
    setattr(found, slot, moment)
    return True


def _slot_for_moment(w: Turn, found: _TimeFound, clause: str) -> str | None:
    """The field a single moment said in ``clause`` fills: its words, else the question."""
    role = _role(clause)
    if role is not None:
        return role
    if w.requested == "ended_at":
        return "end"
    if w.requested == "detected_at":
        return "detected"
    known_start = slot_datetime(w.slots.get("started_at"), w.zone)
    if found.start is None and (w.requested == "started_at" or known_start is None):
        return "start"
    if found.end is None and not filled(w.slots.get("ended_at")):
        return "end"
    return None


def _on_start_day(w: Turn, found: _TimeFound, clause: str) -> datetime | None:
    """An end said as a part of day not begun today ("中午才恢复" at 10:00) is on the start's
    day; without that context timeparse gives None rather than guess yesterday."""
    start = found.start or slot_datetime(w.slots.get("started_at"), w.zone)
    if start is None or _slot_for_moment(w, found, clause) != "end":
        return None
    return parse_datetime(clause, w.now, w.zone, day=start.date())


def _scan_times(w: Turn, text: str) -> _TimeFound:
    found = _TimeFound()
    # (field filled, clause) of the previous clause when it said a single moment
    prev: tuple[str | None, str] | None = None
    for clause in time_clauses(text):
        last, prev = prev, None
        has_money = has(CURRENCY_HINT, clause) and (
            has(REVENUE_WORDS, clause) or has(RECOVERY_WORDS, clause)
        )
        if has_money and not (has(START_WORDS, clause) or has(END_WORDS, clause)):
            continue
        precision = time_precision(clause, w.now, w.zone)
        unasked_day = precision == "day" and w.requested not in TIME_SLOTS and _role(clause) is None
        if precision == "vague" or unasked_day:
            # "本月出现了一次中断", "今天一天没法卖货", "most of yesterday": no moment (a week's
            # Monday or a day's midnight would be invented); the form asks for it
            last, prev = None, None
            continue
        start, end = parse_range(clause, w.now, w.zone)
        if start is None and last is not None and not has(RANGE_WORDS, clause):
            # "3 days ago, in the evening, around 8": a part of day with no moment of its
            # own belongs to the day just said, and the clock after it to both
            prev = (last[0], f"{last[1]} {clause}")
            continue
        if start is None:
            start = _on_start_day(w, found, clause)
        if start is None:
            continue
        found.any_time = True
        if end is not None:
            if found.start is None:
                found.start = start
            if found.end is None:
                found.end, found.until_now = end, end == w.now
            continue
        if last is not None and not has(RANGE_WORDS, clause):
            # "昨天傍晚，大概六点半": a clock-only clause sharpens the day/part of day just said
            refined = refine_time(last[1], clause, w.now, w.zone)
            if refined is not None:
                slot = _role(clause) or last[0]
                if slot is not None and slot == last[0]:
                    setattr(found, slot, None)  # the previous clause's guessed hour gives way
                if _place(w, found, f"{last[1]} {clause}", refined, slot):
                    continue
                start = refined
        slot = _slot_for_moment(w, found, clause)
        prev = (slot if _place(w, found, clause, start, slot) else None, clause)
    return found


# A range of durations ("3 to 5 hours after", "2-3天") is no range of clock times.
_DURATION_RANGE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:to|-|–|~|or)\s*\d+(?:\.\d+)?\s*"
    r"(?:hours?|hrs?|minutes?|mins?|days?|weeks?|months?)\b"
    r"|\d+(?:\.\d+)?\s*(?:到|至|-|~|或)\s*\d+(?:\.\d+)?\s*(?:个)?(?:小时|小時|分钟|分鐘|天|周|週|个月|個月)",
    re.IGNORECASE,
)


def _without_money(text: str) -> str:
    """The text with its amounts and duration ranges blanked: "around 4,200 dollars" is not
    four o'clock, and "3 to 5 hours late" is not 03:00-05:00."""
    spans = money_spans(text) + [m.span() for m in _DURATION_RANGE.finditer(text)]
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def read_times(w: Turn) -> None:
    """Start, detection and end times; future or reversed times become problems."""
    found = _scan_times(w, _without_money(w.text))
    ongoing = has(ONGOING_WORDS, w.text)
    if found.until_now:
        ongoing, found.end = True, None  # "到现在" / "until now"
    if found.start is not None:
        if found.start > w.now:
            w.problem("in_future")
        else:
            w.updates["started_at"] = found.start.isoformat()
    if found.detected is not None:
        if found.detected > w.now:
            w.problem("in_future")
        else:
            w.updates["detected_at"] = found.detected.isoformat()
    start = slot_datetime(w.get("started_at"), w.zone)
    if ongoing and (found.end is None or w.requested == "ended_at"):
        w.updates["ended_at"] = ONGOING
    elif found.end is not None:
        if found.end > w.now:
            w.problem("in_future")
        elif start is not None and found.end < start:
            w.problem("end_before_start")
        else:
            w.updates["ended_at"] = found.end.isoformat()
    req = w.requested
    answered = req not in TIME_SLOTS or req in w.updates or found.any_time
    if not answered and not (req == "ended_at" and ongoing):
        w.problem("invalid_time")
