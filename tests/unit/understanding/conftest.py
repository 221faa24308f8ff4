"""Fixed clock and helpers for the intake tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from claims.policy import Policy, load_policy
from understanding.extraction import extract_updates
from understanding.turn import Extraction, IncomingMessage

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=SH)


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


def run(
    policy: Policy,
    text: str,
    intent: str | None = "report_incident",
    requested: str | None = None,
    slots: Mapping[str, Any] | None = None,
    entities: tuple[Mapping[str, Any], ...] = (),
) -> Extraction:
    return extract_updates(
        IncomingMessage(text, intent, entities, requested, NOW), slots or {}, policy
    )


def cny(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "CNY"}
