"""The intake's slot tables in Python mirror the Rasa domain; these tests keep them equal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from claims.policy import load_policy
from understanding.case_slots import case_from_slots, slots_from_case
from understanding.slots import (
    BOOL_SLOTS,
    COUNT_SLOTS,
    FORM_SLOTS,
    INTAKE_SLOTS,
    MONEY_SLOTS,
    TIME_SLOTS,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    merged: dict[str, Any] = {"slots": {}, "forms": {}}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for key in ("slots", "forms"):
            merged[key].update(data.get(key) or {})
    return merged


#: Forms that are no part of the intake: the access code (actions/access.py).
NOT_INTAKE = {"access_code_form"}


def test_form_slots_are_the_domains_required_slots(domain: dict[str, Any]) -> None:
    forms = {name: tuple(f["required_slots"]) for name, f in domain["forms"].items()
             if name not in NOT_INTAKE}  # fmt: skip
    assert forms == FORM_SLOTS


def test_every_form_slot_is_an_intake_slot() -> None:
    assert {s for slots in FORM_SLOTS.values() for s in slots} <= set(INTAKE_SLOTS)


def test_every_intake_slot_is_a_custom_mapped_domain_slot(domain: dict[str, Any]) -> None:
    slots = domain["slots"]
    missing = [s for s in INTAKE_SLOTS if s not in slots]
    assert missing == []
    for name in INTAKE_SLOTS:
        assert slots[name]["mappings"] == [{"type": "custom"}], name


@pytest.mark.parametrize(
    ("names", "kind"),
    [(TIME_SLOTS, "text"), (COUNT_SLOTS, "float"), (BOOL_SLOTS, "bool"), (MONEY_SLOTS, "any")],
)
def test_slot_groups_have_the_domains_types(
    domain: dict[str, Any], names: tuple[str, ...], kind: str
) -> None:
    assert {n: domain["slots"][n]["type"] for n in names} == dict.fromkeys(names, kind)


def test_a_case_gives_back_only_domain_slots(domain: dict[str, Any]) -> None:
    now = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    slots = {
        "description": "支付系统宕机", "category": "security_breach", "started_at":
        "2026-11-20T09:00:00+08:00", "ended_at": "ongoing", "data_leaked": True,
        "leaked_data_kinds": ["phone_number"], "leaked_records": 20.0,
        "revenue_lost": {"amount": "100", "currency": "CNY"}, "customer_config_changed": True,
        "third_party_involved": True, "third_party": "cloud_provider",
        "evidence_items": ["screenshots"], "customer_name": "张三", "customers_affected": 3.0,
    }  # fmt: skip
    back = slots_from_case(case_from_slots(slots, load_policy(), now=now))
    assert set(back) <= set(domain["slots"])

