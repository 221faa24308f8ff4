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
    "customer_phone", "customer_contact",
)  # fmt: skip

#: Form -> required slots in ask order (mirrors domain/intake.yml).
FORM_SLOTS: dict[str, tuple[str, ...]] = {
    "incident_form": (
        "description", "category", "affected_systems", "started_at", "ended_at",
        "data_leaked", "leaked_data_kinds",
    ),
    "impact_form": ("revenue_lost",),
    "liability_form": ("customer_config_changed", "third_party_involved"),
    "evidence_form": ("evidence_items",),
    "contact_form": ("customer_name", "customer_contact"),
}  # fmt: skip

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
    """The form's slots still to ask, in ask order; leak questions only where they apply."""
    needed: list[str] = []
    for slot in FORM_SLOTS.get(form, ()):
        if filled(slots.get(slot)):
            continue
        if slot == "data_leaked" and slots.get("category") not in (
            Category.SECURITY_BREACH.value,
            Category.DATA_LOSS.value,
        ):
            continue
        if slot == "leaked_data_kinds" and slots.get("data_leaked") is not True:
            continue
        if slot == "revenue_lost" and filled(slots.get("other_losses")):
            continue  # the loss question was answered with another kind of loss
        needed.append(slot)
    return needed
