from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from claims.case import (
    Case,
    Category,
    CurrencyMismatch,
    DataLeak,
    EvidenceKind,
    EvidenceRef,
    LiabilityFacts,
    LossItem,
    LossKind,
    Money,
    Stage,
    TimelineEntry,
    TimelineKind,
)
from claims.stages import TRANSITIONS, InvalidTransition

from .conftest import T0, outage_case


def test_enum_values_are_the_contract() -> None:
    assert [c.value for c in Category] == [
        "outage", "data_loss", "security_breach", "functional_defect",
        "transmission_failure", "service_interruption", "release_recall",
    ]
    assert [s.value for s in Stage] == [
        "reported", "evidence_collection", "investigation", "proposal", "negotiation",
        "appraisal", "litigation", "enforcement", "compensated", "closed", "withdrawn",
        "rejected",
    ]


def test_money_arithmetic_and_comparison() -> None:
    a, b = Money(Decimal("10.50")), Money("2.25")
    assert a + b == Money(Decimal("12.75"))
    assert a - b == Money(Decimal("8.25"))
    assert a * Decimal("2") == Money(Decimal("21.00"))
    assert 3 * b == Money(Decimal("6.75"))
    assert b < a and a >= b and not a < b
    assert str(Money(Decimal("1234.5"))) == "1,234.50 CNY"
    assert Money(Decimal("1.005")).quantize().amount == Decimal("1.01")


@pytest.mark.parametrize("op", ["add", "sub", "lt", "ge"])
def test_money_mixed_currency_raises(op: str) -> None:
    cny, usd = Money(Decimal(1)), Money(Decimal(1), "USD")
    with pytest.raises(CurrencyMismatch):
        {"add": lambda: cny + usd, "sub": lambda: cny - usd,
         "lt": lambda: cny < usd, "ge": lambda: cny >= usd}[op]()


def test_money_refuses_float() -> None:
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(Decimal(1)) * 1.5  # type: ignore[operator]
    with pytest.raises(ValueError):
        Money(Decimal(1), "yuan")


def test_timeline_needs_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TimelineEntry(TimelineKind.STARTED, datetime(2024, 1, 1))


def test_downtime_sums_intervals_and_handles_open_outage() -> None:
    case = Case(timeline=[
        TimelineEntry(TimelineKind.STARTED, T0),
        TimelineEntry(TimelineKind.DETECTED, T0 + timedelta(minutes=5)),
        TimelineEntry(TimelineKind.RESTORED, T0 + timedelta(hours=2)),
        TimelineEntry(TimelineKind.STARTED, T0 + timedelta(hours=5)),
        TimelineEntry(TimelineKind.RESTORED, T0 + timedelta(hours=6, minutes=30)),
    ])
    assert case.downtime() == timedelta(hours=3, minutes=30)
    assert case.downtime_hours() == Decimal("3.5")
    open_case = Case(timeline=[TimelineEntry(TimelineKind.STARTED, T0)])
    assert open_case.downtime() is None
    assert open_case.downtime(now=T0 + timedelta(hours=4)) == timedelta(hours=4)
    assert Case().downtime() is None


VALID_PATHS = [
    ["evidence_collection", "investigation", "proposal", "compensated", "closed"],
    ["evidence_collection", "investigation", "proposal", "negotiation", "compensated"],
    ["evidence_collection", "investigation", "proposal", "negotiation", "appraisal",
     "negotiation", "compensated"],
    ["evidence_collection", "investigation", "proposal", "negotiation", "appraisal",
     "litigation", "enforcement", "compensated", "closed"],
    ["evidence_collection", "investigation", "evidence_collection", "investigation", "rejected",
     "litigation", "closed"],
    ["withdrawn"],
    ["rejected", "closed"],
]


@pytest.mark.parametrize("path", VALID_PATHS)
def test_valid_paths(path: list[str]) -> None:
    case = Case()
    for i, stage in enumerate(path):
        case.move_to(stage, T0 + timedelta(days=i), note="reason")
    assert case.stage == Stage(path[-1])
    assert [c.stage.value for c in case.stage_history] == path
    assert case.entered_current_stage() == T0 + timedelta(days=len(path) - 1)


INVALID = [
    ("reported", "compensated", ["evidence_collection", "rejected", "withdrawn"]),
    ("reported", "negotiation", ["evidence_collection", "rejected", "withdrawn"]),
    ("evidence_collection", "proposal", ["investigation", "rejected", "withdrawn"]),
    ("negotiation", "enforcement",
     ["appraisal", "closed", "compensated", "litigation", "withdrawn"]),
    ("appraisal", "compensated", ["litigation", "negotiation", "withdrawn"]),
    ("enforcement", "negotiation", ["closed", "compensated"]),
    ("compensated", "negotiation", ["closed"]),
    ("closed", "reported", []),
    ("withdrawn", "evidence_collection", []),
]


@pytest.mark.parametrize(("current", "target", "allowed"), INVALID)
def test_invalid_transitions_raise_with_allowed(current: str, target: str,
                                                allowed: list[str]) -> None:
    case = Case(stage=Stage(current))
    with pytest.raises(InvalidTransition) as info:
        case.move_to(target, T0)
    assert [s.value for s in info.value.allowed] == allowed
    assert case.stage == Stage(current) and case.stage_history == []


def test_transition_table_covers_every_stage() -> None:
    assert set(TRANSITIONS) == set(Stage)
    # Every stage except the start is reachable.
    reachable = set().union(*TRANSITIONS.values())
    assert reachable == set(Stage) - {Stage.REPORTED}


def test_move_to_rules() -> None:
    case = Case()
    with pytest.raises(ValueError, match="needs a reason"):
        case.move_to("rejected", T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        case.move_to("evidence_collection", datetime(2024, 1, 1))
    case.move_to("evidence_collection", T0)
    with pytest.raises(ValueError, match="earlier"):
        case.move_to("investigation", T0 - timedelta(seconds=1))


def test_case_round_trip_through_json() -> None:
    case = outage_case(
        5,
        reference="CLM-1",
        customer_name="王芳",
        customer_email="w@example.com",
        language="en",
        category=Category.OUTAGE,
        sub_type="server_crash",
        description="server crashed",
        affected_systems=["payment"],
        losses=[LossItem(LossKind.REFUND, Money(Decimal("100.10")), "refunds", True)],
        evidence=[EvidenceRef(EvidenceKind.SYSTEM_LOGS, "log", "a" * 64, "app.log")],
        liability=LiabilityFacts(third_party="payment_gateway", customer_share=Decimal("0.2")),
        data_leak=DataLeak(10, ("phone_number",)),
        monthly_fee=Money(Decimal("5000")),
        monthly_uptime=Decimal("99.5"),
        people_idle=3,
        cross_border=True,
        escalations=["human_requested"],
    )
    case.move_to("evidence_collection", T0 + timedelta(days=1), "asked for logs")
    data = json.loads(json.dumps(case.to_dict()))
    assert data["losses"][0]["amount"] == {"amount": "100.10", "currency": "CNY"}
    assert data["timeline"][0]["at"] == "2024-05-01T09:00:00+00:00"
    assert Case.from_dict(data) == case


def test_value_object_validation() -> None:
    with pytest.raises(ValueError):
        EvidenceRef(EvidenceKind.OTHER, sha256="xyz")
    with pytest.raises(ValueError):
        DataLeak(-1)
    with pytest.raises(ValueError):
        LiabilityFacts(company_share=Decimal("1.2"))
    with pytest.raises(ValueError):
        LiabilityFacts(company_share=Decimal("0.6"), customer_share=Decimal("0.6"))
    with pytest.raises(ValueError):
        LossItem(LossKind.DIRECT, Money(Decimal(-1)))
    with pytest.raises(ValueError):
        Case(language="fr")
    assert TimelineEntry("started", datetime(2024, 1, 1, tzinfo=UTC)).kind is TimelineKind.STARTED
