"""The intake slots: their names, how each form asks them, and how their values are stored.

Slot values are what Rasa keeps between turns (JSON: ISO strings, money dicts, floats); the
helpers here read them back into typed values and never raise on a bad one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from claims.case import (
    Category,
    Money,
)
from claims.questions import FORM_QUESTIONS, still_needed
from understanding.timeparse import (
    DEFAULT_TZ,
)

INTAKE_SLOTS: tuple[str, ...] = (
    "description", "category", "category_reason", "sub_type", "affected_systems",
    "started_at", "ended_at", "detected_at", "data_leaked", "leaked_data_kinds",
    "leaked_records", "revenue_lost", "recovery_cost", "monthly_fee", "orders_lost",
    "people_idle", "customers_affected", "other_losses", "customer_config_changed",
    "third_party_involved",
    "third_party", "evidence_items", "customer_name", "customer_company", "customer_email",
    "customer_phone", "customer_contact", "release_version", "remedy_wanted", "sla_terms",
)  # fmt: skip
#: Slots the intake writes into free text: the customer's own words are the answer.
TEXT_SLOTS = ("release_version", "remedy_wanted", "sla_terms")

#: Form -> every slot it may ask, in ask order (mirrors domain/intake.yml); which of them
#: fit a case is `claims.questions`' rule.
FORM_SLOTS: dict[str, tuple[str, ...]] = FORM_QUESTIONS

ONGOING = "ongoing"
NONE_MARKER = "none"
MAX_DESCRIPTION = 1000
#: Longer texts are cut before parsing: nobody states a fact after 4000 characters, and the
#: regexes must stay fast on pasted logs.
MAX_PARSE = 4000

TIME_SLOTS = ("started_at", "ended_at", "detected_at")
MONEY_SLOTS = ("revenue_lost", "recovery_cost", "monthly_fee")
COUNT_SLOTS = ("customers_affected", "orders_lost", "people_idle", "leaked_records")
BOOL_SLOTS = ("data_leaked", "customer_config_changed", "third_party_involved")


def zone_named(tz: str) -> tzinfo:
    """The IANA zone ``tz``, or the default zone when the name is unknown."""
    try:
        return ZoneInfo(tz)
    except Exception:  # noqa: BLE001 - a bad zone name must not lose the message
        return ZoneInfo(DEFAULT_TZ)


def filled(value: Any) -> bool:
    """Whether a slot holds an answer (``False`` and ``0`` do; empty text and lists do not)."""
    return value is not None and value != "" and value != []


def slot_datetime(value: Any, zone: tzinfo) -> datetime | None:
    """A time slot's ISO text as an aware datetime; None for "ongoing" or bad text."""
    if not isinstance(value, str) or not value or value == ONGOING:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=zone)


def money_value(money: Money) -> dict[str, str]:
    """Money as a money slot stores it (the amount as text: no float ever)."""
    return {"amount": str(money.amount), "currency": money.currency}


def to_category(value: str) -> Category | None:
    """A category code as a Category, or None when it is not one."""
    try:
        return Category(value.strip().lower())
    except ValueError:
        return None


def slot_money(value: Any, currency: str) -> Money | None:
    """A money slot as Money, or None when it is empty or unreadable."""
    if value is None or value == "":
        return None
    try:
        return Money.from_dict(value, currency)
    except (TypeError, ValueError, KeyError, ArithmeticError):
        return None


def slot_count(value: Any) -> int:
    """A count slot (a float in Rasa) as a whole number, 0 when unreadable or negative."""
    try:
        n = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return 0
    return max(n, 0)


def required_slots(form: str, slots: Mapping[str, Any]) -> list[str]:
    """The form's slots still to ask, in ask order: only those that fit the case
    (`claims.questions`), never one the customer said they do not know."""
    unknown = [str(u) for u in slots.get("unknown_slots") or ()]
    return still_needed(form, slots, unknown)
