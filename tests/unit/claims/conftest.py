"""Shared fixtures: the shipped policy and a case builder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from claims.case import Case, Money, TimelineEntry, TimelineKind
from claims.policy import Policy, load_policy

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


def outage_case(hours: Decimal | int | None = None, **fields: Any) -> Case:
    """A case with a started/restored pair ``hours`` apart."""
    case = Case(**fields)
    if hours is not None:
        case.timeline = [
            TimelineEntry(TimelineKind.STARTED, T0),
            TimelineEntry(TimelineKind.RESTORED,
                          T0 + timedelta(seconds=int(Decimal(hours) * 3600))),
        ]
    return case


@pytest.fixture
def make_case() -> Callable[..., Case]:
    return outage_case


def cny(amount: str | int) -> Money:
    return Money(Decimal(amount))
