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
    NOT_YET,
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

_MERIDIEM = re.compile(
    r"\b(?:a\.?m|p\.?m)\b|\d\s*(?:am|pm)\b|上午|下午|早上|晚上|凌晨|中午|傍晚", re.IGNORECASE
)
#: "..., so I suppose it was then", "so let's say 6", "所以应该是那时候": the customer's own
#: conclusion among several moments told.
_CONCLUSION = re.compile(
    r"\bso\s+(?:i\s+(?:guess|suppose|think|reckon|assume)|let'?s\s+say|probably|it\s+must)\b"
    r"|\blet'?s\s+say\b|\bcall\s+it\b|所以(?:应该|應該|大概|估计|估計)?(?:是|就是)|那就算|就算是",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]*")


@dataclass
class _TimeFound:
    start: datetime | None = None
    end: datetime | None = None
    detected: datetime | None = None
    any_time: bool = False
    until_now: bool = False  # a range ended "到现在"/"until now"; "刚才恢复" is a moment
    #: A start said without its clock time ("since yesterday morning"): not stored, but the
    #: day a later clock-only answer ("around 6:30") falls on.
    hint: str | None = None


def _anchor(end: datetime, start: datetime | None, clause: str, now: datetime) -> datetime:
    """An end time said without a date belongs to the start's day (or the day after)."""
    if start is None or has(DAY_WORDS, clause):
        return end
    candidate = datetime.combine(start.date(), end.timetz())
    if candidate < start and end.hour < 12 and not _MERIDIEM.search(clause):
        # "came back at 2ish" after a start at noon is two in the afternoon
        afternoon = candidate + timedelta(hours=12)
        candidate = afternoon if afternoon >= start else candidate
    if candidate < start:
        candidate += timedelta(days=1)
    return candidate if candidate <= now else end


_SINCE = re.compile(r"从|從|\bfrom\b|\bsince\b", re.IGNORECASE)


def _role(clause: str, asked: str | None = None) -> str | None:
    """The field a clause's own words assign its moment to, if any: "fixed since 9" is
    an end, "down since 9" a start, and "since 5" said to "when was it back?" an end."""
    if has(DETECT_WORDS, clause):
        return "detected"
    end, since = END_WORDS.search(clause), _SINCE.search(clause)
    if end is not None and (since is None or end.start() < since.start()):
        return "end"
    if has(START_WORDS, clause):
        only_since = since is not None and not has(START_WORDS, _SINCE.sub(" ", clause))
        return "end" if only_since and asked == "ended_at" else "start"
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
    role = _role(clause, w.requested)
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


#: Moments said without a clock time: stored only as the answer to their own question.
_IMPRECISE = frozenset({"day", "period"})
_ROLE_OF = {"started_at": "start", "ended_at": "end", "detected_at": "detected"}
_SLOT_ROLE = {"start": "start", "end": "end", "detected": "detected"}


def _asked_for(w: Turn, clause: str) -> bool:
    """Whether ``clause`` answers the pending time question (its words name no other)."""
    role = _ROLE_OF.get(str(w.requested))
    return role is not None and _role(clause, w.requested) in (None, role)


def scan_times(w: Turn, text: str) -> _TimeFound:
    """The start, end and detection moments ``text`` tells, clause by clause."""
    found = _TimeFound()
    # (field filled, clause) of the previous clause when it said a single moment; the
    # start's day told earlier without a clock time sharpens a clock-only answer to it
    hint = str(w.slots.get("started_hint") or "") if w.requested == "started_at" else ""
    prev: tuple[str | None, str] | None = ("start", hint) if hint else None
    for clause in time_clauses(text):
        last, prev = prev, None
        has_money = has(CURRENCY_HINT, clause) and (
            has(REVENUE_WORDS, clause) or has(RECOVERY_WORDS, clause)
        )
        if has_money and not (has(START_WORDS, clause) or has(END_WORDS, clause)):
            continue
        precision = time_precision(clause, w.now, w.zone)
        if precision == "vague":
            # "本月出现了一次中断", "last week": no moment (a week's Monday would be invented)
            continue
        if precision == "day" and last is not None and last[0] is not None and not has(
            DAY_WORDS, last[1]
        ):
            # "it began around 2am, 2 days ago": the day said after the clock is its day
            prev = (last[0], f"{clause} {last[1]}")
            _replace(w, found, last[0], prev[1])
            continue
        if precision in _IMPRECISE and not _asked_for(w, clause):
            # "since this morning", "今天一天没法卖货": a morning's nine o'clock or a day's
            # midnight would be invented; the form asks, and a start's day is the hint
            if _role(clause) in (None, "start") and found.hint is None:
                found.hint = clause
            prev = (None, clause)  # "yesterday morning, around 9:30": the clock sharpens it
            continue
        start, end = parse_range(clause, w.now, w.zone)
        if _part_of_last(w, clause, precision, start, last):
            # "3 days ago, in the evening, around 8": a part of day with no moment of its
            # own belongs to the day just said, and the clock after it to both
            assert last is not None
            prev = (last[0], f"{last[1]} {clause}")
            _replace(w, found, last[0], prev[1])
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
        if last is not None and (
            not has(RANGE_WORDS, clause) or _role(clause, w.requested) == last[0]
        ):
            # "昨天傍晚，大概六点半": a clock-only clause sharpens the day/part of day just said
            # ("昨天晚上…，弄到11点多才弄完": the same end, told more exactly)
            refined = refine_time(last[1], clause, w.now, w.zone)
            if refined is not None:
                slot = _role(clause) or last[0]
                if slot is not None and slot == last[0]:
                    setattr(found, slot, None)  # the previous clause's guessed hour gives way
                if _place(w, found, f"{last[1]} {clause}", refined, slot):
                    continue
                start = refined
        if last is not None and last[0] is not None and _sharpens(getattr(found, last[0]), start):
            setattr(found, last[0], start)  # "九点多好了，9点20左右吧": the minutes win
            prev = last
            continue
        slot = _slot_for_moment(w, found, clause)
        prev = (slot if _place(w, found, clause, start, slot) else None, clause)
    return found


def _part_of_last(
    w: Turn, clause: str, precision: str, start: datetime | None,
    last: tuple[str | None, str] | None,
) -> bool:
    """Whether ``clause`` only adds a part of day (or nothing) to the day just said."""
    if last is None or has(RANGE_WORDS, clause):
        return False
    if start is None:
        return True
    return (
        precision == "period" and _role(clause) in (None, _SLOT_ROLE.get(str(last[0])))
        and time_precision(last[1], w.now, w.zone) == "day"
    )  # fmt: skip


def _replace(w: Turn, found: _TimeFound, slot: str | None, text: str) -> None:
    """The moment of ``slot`` read again from the joined clauses ("3 days ago in the
    evening" is that day's evening, not its midnight)."""
    moment = parse_datetime(text, w.now, w.zone) if slot else None
    if slot is not None and moment is not None and getattr(found, slot) is not None:
        setattr(found, slot, None)
        _place(w, found, text, moment, slot)


def _sharpens(known: datetime | None, moment: datetime) -> bool:
    """The same hour said again with its minutes ("nine-ish, about 9:20")."""
    return (
        known is not None and known.minute == 0 and moment.minute != 0
        and (known.date(), known.hour) == (moment.date(), moment.hour)
    )  # fmt: skip


# A range of durations ("3 to 5 hours after", "2-3天") is no range of clock times.
_DURATION_RANGE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:to|-|–|~|or)\s*\d+(?:\.\d+)?\s*"
    r"(?:hours?|hrs?|minutes?|mins?|days?|weeks?|months?)\b"
    r"|\d+(?:\.\d+)?\s*(?:到|至|-|~|或)\s*\d+(?:\.\d+)?\s*(?:个)?(?:小时|小時|分钟|分鐘|天|周|週|个月|個月)",
    re.IGNORECASE,
)


#: "回滚到4.1.8", "v2.3": a version is no clock time.
_VERSION = re.compile(r"\bv\d+(?:\.\d+)+\b|(?<![\d.])\d+\.\d+\.\d+(?:\.\d+)*", re.IGNORECASE)


def _without_money(text: str) -> str:
    """The text with its amounts, versions and duration ranges blanked: "around 4,200
    dollars" is not four o'clock, "4.1.8" is a version, and "3 to 5 hours late" is not
    03:00-05:00."""
    spans = (
        money_spans(text)
        + [m.span() for m in _DURATION_RANGE.finditer(text)]
        + [m.span() for m in _VERSION.finditer(text)]
    )
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _incidental(w: Turn, slot: str) -> bool:
    """A time said in passing, unasked ("the dashboard shows nothing between 9:30 and 1" as
    the evidence), does not replace a time already told; a correction says so in words and
    takes the correction path."""
    return w.requested not in TIME_SLOTS and filled(w.slots.get(slot))


def _concluded(w: Turn, text: str) -> str:
    """The sentence with the customer's conclusion, when a time question is answered
    with several moments and one of them is concluded ("..., so I suppose it was then")."""
    m = _CONCLUSION.search(text) if w.requested in TIME_SLOTS else None
    if m is None:
        return text
    for sentence in _SENTENCE.finditer(text):
        if sentence.start() <= m.start() < sentence.end():
            said = sentence.group(0)
            return said if time_precision(said, w.now, w.zone) != "none" else text
    return text


def read_times(w: Turn) -> None:
    """Start, detection and end times; future or reversed times become problems."""
    found = scan_times(w, _concluded(w, _without_money(w.text)))
    if _incidental(w, "started_at"):
        found.start = None
    if _incidental(w, "detected_at"):
        found.detected = None
    if _incidental(w, "ended_at"):
        found.end = None
    ongoing = has(ONGOING_WORDS, w.text) or (w.requested == "ended_at" and has(NOT_YET, w.text))
    if ongoing and not has(END_WORDS, w.text):
        found.end = None  # "no, still doing it, I looked this morning": when they looked
    if found.until_now:
        ongoing, found.end = True, None  # "到现在" / "until now"
    if w.requested == "started_at" and found.start is None and found.detected is not None:
        found.start = found.detected  # "I noticed at 7": the start the customer knows
    if found.hint and not filled(w.slots.get("started_at")) and found.start is None:
        w.updates["started_hint"] = found.hint[:80]
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
    if ongoing and found.end is None:
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
