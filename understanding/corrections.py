"""A correction ("actually it was 50k") applied to the one slot it is about."""

from __future__ import annotations

import copy
import re

from claims.categories import sub_type_for
from understanding.amount_facts import OTHER_LOSS, add_other_loss, count_slot_for, money_slot_for
from understanding.amounts import NegativeAmount, parse_count, parse_money
from understanding.clauses import has
from understanding.contact_facts import find_contact, read_contact
from understanding.incident_facts import kinds_named, reason_text
from understanding.lexicons import (
    COUNT_CORRECT,
    CURRENCY_HINT,
    DETECT_WORDS,
    NEGATED_PART,
    ONGOING_WORDS,
    START_WORDS,
)
from understanding.slots import (
    MONEY_SLOTS,
    ONGOING,
    TIME_SLOTS,
    filled,
    money_value,
    slot_datetime,
    to_category,
)
from understanding.summary import format_value, slot_label
from understanding.time_facts import scan_times
from understanding.timeparse import (
    correction_time,
    parse_datetime,
)
from understanding.turn import Turn, entity_values

#: Words of a corrected end ("it was restored at 3, not 2").
END_CORRECTION = re.compile(
    r"恢复|恢復|结束|結束|修好|\brestored|\bback\b|\bfixed|\bresolved|\bended", re.IGNORECASE
)
# "我刚才说错了" / "what I just said was wrong": the 刚才 is about the chat, not the incident.
_MISSPOKE = re.compile(
    r"(?:我|我们|我們)?(?:刚才|刚刚|剛才|剛剛|方才)(?:说|說|讲|講|写|寫|填|打)(?:错|錯)了?|"
    r"\bwhat i (?:just )?(?:said|wrote|typed)\b|\bi just (?:said|wrote|typed)\b",
    re.IGNORECASE,
)


def apply_correction(w: Turn) -> str | None:
    """Apply a correction to the one slot it is about; return "label → value"."""
    text = _MISSPOKE.sub(" ", w.text)
    kept = NEGATED_PART.sub(" ", text)
    lang = w.language

    def note(slot: str) -> str:
        value = w.updates[slot]
        if slot == "leaked_data_kinds":  # names, never codes
            names = w.policy.data_kind_names
            value = [names[k].get(lang) if k in names else k for k in value]
        return f"{slot_label(slot, lang)} → {format_value(slot, value, w.zone, lang)}"

    # Category or systems chosen explicitly.
    cats = [c for c in (to_category(h) for h in entity_values(w.message, "category")) if c]
    if cats:
        w.updates["category"] = cats[0].value
        w.updates["sub_type"] = sub_type_for(w.policy, cats[0], str(w.get("description") or ""))
        w.updates["category_reason"] = reason_text((), lang, chosen=True)
        return note("category")
    # Contact details.
    email, phone = find_contact(w)
    if email or phone:
        read_contact(w)
        return note("customer_contact")
    # Money: a keyword for the slot, or a money slot being asked, and an amount.
    money_slot = money_slot_for(kept, w.requested)
    if (
        money_slot is None
        and any(filled(w.slots.get(s)) for s in MONEY_SLOTS)
        and has(CURRENCY_HINT, kept)
        and not has(COUNT_CORRECT, kept)
    ):
        money_slot = next(s for s in MONEY_SLOTS if filled(w.slots.get(s)))
    if money_slot is not None and not has(COUNT_CORRECT, kept):
        try:
            money = parse_money(kept, w.policy.currency)
        except NegativeAmount:
            w.problem("negative_amount")
            return None
        if money is not None and money_slot.startswith(OTHER_LOSS):
            add_other_loss(w, money_slot.removeprefix(OTHER_LOSS), money_value(money))
            return note("other_losses")
        if money is not None:
            w.updates[money_slot] = money_value(money)
            return note(money_slot)
    # Counts.
    slot = count_slot_for(kept)
    if slot is not None:
        count = parse_count(kept)
        if count is not None:
            w.updates[slot] = float(count.value)
            return note(slot)
    # Times.
    corrected = _correct_times(w, kept, text)
    if corrected:
        return "; ".join(note(slot) for slot in corrected)
    if w.problems:
        return None
    # The kinds of data that leaked: the corrected list replaces the old one.
    named, _ = kinds_named(text)
    if named and w.slots.get("data_leaked") is True:
        w.updates["leaked_data_kinds"] = named
        return note("leaked_data_kinds")
    # Systems.
    systems = [v.lower() for v in entity_values(w.message, "system")]
    if systems:
        w.updates["affected_systems"] = list(dict.fromkeys(systems))
        return note("affected_systems")
    return None


def _correct_times(w: Turn, kept: str, text: str) -> list[str]:
    """The time slots a correction sets: both ends when it tells both ("it went down 2 days
    ago at 3pm; yesterday at 10 it came back"), else the one it is about. A corrected end
    before the start told is the start being corrected ("其实前天上午就有了")."""
    fresh = copy.copy(w)  # read as told afresh: the times being corrected do not count
    fresh.slots = {k: v for k, v in w.slots.items() if k not in TIME_SLOTS}
    fresh.requested = None
    found = scan_times(fresh, kept)
    if found.start is not None and found.end is not None and found.start <= found.end <= w.now:
        w.updates["started_at"], w.updates["ended_at"] = (
            found.start.isoformat(), found.end.isoformat()
        )
        return ["started_at", "ended_at"]
    time_slot = _time_slot_for(w, kept)
    if time_slot is None:
        return []
    if has(ONGOING_WORDS, kept) and time_slot == "ended_at":
        w.updates["ended_at"] = ONGOING
        return ["ended_at"]
    previous = slot_datetime(w.slots.get(time_slot), w.zone)
    at = correction_time(text, w.now, w.zone, previous=previous)
    if at is None:
        return []
    start = slot_datetime(w.slots.get("started_at"), w.zone)
    end = slot_datetime(w.slots.get("ended_at"), w.zone)
    if time_slot == "ended_at" and start is not None and at < start and not has(
        END_CORRECTION, kept
    ):
        time_slot = "started_at"
    if at > w.now:
        w.problem("in_future")
    elif (time_slot == "ended_at" and start is not None and at < start) or (
        time_slot == "started_at" and end is not None and end < at
    ):
        w.problem("end_before_start")
    else:
        w.updates[time_slot] = at.isoformat()
        return [time_slot]
    return []


def _negated_slot(w: Turn) -> str | None:
    """The time slot whose day the customer takes back ("昨天晚上10点，不是前天" corrects the
    time that was on 前天), whichever question is pending."""
    for m in NEGATED_PART.finditer(w.text):
        said = parse_datetime(m.group(0), w.now, w.zone)
        if said is None:
            continue
        for slot in TIME_SLOTS:
            old = slot_datetime(w.slots.get(slot), w.zone)
            if old is not None and old.date() == said.date():
                return slot
    return None


def _time_slot_for(w: Turn, text: str) -> str | None:
    if has(DETECT_WORDS, text):
        return "detected_at"
    if has(END_CORRECTION, text):
        return "ended_at"
    if has(START_WORDS, text):
        return "started_at"
    negated_slot = _negated_slot(w)
    if negated_slot is not None:
        return negated_slot
    if w.requested in TIME_SLOTS:
        return w.requested
    if parse_datetime(text, w.now, w.zone) is None and correction_time(text, w.now, w.zone) is None:
        return None
    for slot in TIME_SLOTS:
        if filled(w.slots.get(slot)) and w.slots.get(slot) != ONGOING:
            return slot
    return None
