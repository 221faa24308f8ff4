"""Checks at the edge of the domain: money and durations non-negative and bounded.

The rules multiply and round amounts; a negative fee gives negative payouts, and a huge
amount or downtime overflows the decimal context or ``timedelta``. So every case is
checked against the policy's ``limits`` before any arithmetic, and a bad value raises
:class:`ClaimsValidationError` naming the field.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from claims.case import Case, Money, to_decimal
from claims.errors import ClaimsValidationError
from claims.policy import Policy

ONE = Decimal(1)
MONEY_FIELDS = ("monthly_fee", "hourly_revenue", "hourly_staff_cost", "contract_cap")


def _number(field: str, value: Any, what: str) -> Decimal:
    try:
        return to_decimal(value)
    except (TypeError, ValueError) as exc:
        raise ClaimsValidationError(field, f"not {what}: {value!r}") from exc


def _within(field: str, value: Decimal, maximum: Decimal, unit: str = "") -> None:
    if value < 0:
        raise ClaimsValidationError(field, f"must not be negative, got {value}")
    if value > maximum:
        raise ClaimsValidationError(field, f"must be at most {maximum}{unit}")


def check_amount(policy: Policy, field: str, amount: Decimal) -> None:
    _within(field, amount, policy.limits.max_amount)


def check_hours(policy: Policy, field: str, hours: Decimal) -> None:
    _within(field, hours, Decimal(policy.limits.max_downtime_hours), " hours")


def parse_amount(policy: Policy, field: str, value: Any) -> Decimal:
    """A money amount from user input: a finite, non-negative number within the limit."""
    amount = _number(field, value, "an amount")
    check_amount(policy, field, amount)
    return amount


def parse_hours(policy: Policy, field: str, value: Any) -> Decimal:
    """A duration in hours from user input: non-negative and within the limit."""
    hours = _number(field, value, "a number of hours")
    check_hours(policy, field, hours)
    return hours


def check_count(field: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ClaimsValidationError(field, f"expected a whole number, got {value!r}")
    if not low <= value <= high:
        raise ClaimsValidationError(field, f"must be between {low} and {high}, got {value}")


def _money(policy: Policy, case: Case, field: str, money: Money) -> None:
    if money.currency != case.currency:
        raise ClaimsValidationError(
            field, f"currency {money.currency} differs from the case currency {case.currency}")
    check_amount(policy, field, money.amount)


def _liability(case: Case) -> None:
    facts = case.liability
    for name in ("company_share", "customer_share", "third_party_share"):
        share = getattr(facts, name)
        if share is not None and not Decimal(0) <= share <= ONE:
            raise ClaimsValidationError(f"liability.{name}", "must be between 0 and 1")


def validate_case(policy: Policy, case: Case, now: datetime | None = None) -> None:
    """Raise :class:`ClaimsValidationError` for the first value out of bounds."""
    limits = policy.limits
    for field in MONEY_FIELDS:
        money = getattr(case, field)
        if money is not None:
            _money(policy, case, field, money)
    if case.contract_cap is not None and case.contract_cap.is_zero():
        raise ClaimsValidationError(
            "contract_cap", "must be greater than 0 (leave it out if the contract has none)")
    for i, item in enumerate(case.losses):
        _money(policy, case, f"losses[{i}].amount", item.amount)
    check_count("parties", case.parties, 1, limits.max_parties)
    check_count("people_idle", case.people_idle, 0, limits.max_people)
    check_count("customers_affected", case.customers_affected, 0, limits.max_records)
    if case.data_leak is not None:
        check_count("data_leak.records", case.data_leak.records, 0, limits.max_records)
    if case.monthly_uptime is not None and not 0 <= case.monthly_uptime <= 100:
        raise ClaimsValidationError("monthly_uptime", "is a percentage between 0 and 100")
    _liability(case)
    hours = case.downtime_hours(now)
    if hours is not None:
        check_hours(policy, "timeline", hours)
