"""Slots to a Case and back: the one mapping between what the intake holds and the domain."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from claims.case import (
    Case,
    DataLeak,
    EvidenceKind,
    EvidenceRef,
    LiabilityFacts,
    LossItem,
    LossKind,
    ThirdParty,
    TimelineEntry,
    TimelineKind,
)
from claims.policy import Policy
from understanding.slots import (
    ONGOING,
    slot_count,
    slot_datetime,
    slot_money,
    to_category,
    zone_named,
)
from understanding.timeparse import (
    DEFAULT_TZ,
)


def case_from_slots(slots: Mapping[str, Any], policy: Policy, *, now: datetime) -> Case:
    """Build a (possibly partial) Case from the slots; unreadable values are left out."""
    zone = now.tzinfo or zone_named(DEFAULT_TZ)
    revenue = slot_money(slots.get("revenue_lost"), policy.currency)
    recovery = slot_money(slots.get("recovery_cost"), policy.currency)
    fee = slot_money(slots.get("monthly_fee"), policy.currency)
    others = other_loss_items(slots.get("other_losses"), policy.currency)
    told = (revenue, recovery, fee, *(item.amount for item in others))
    currency = next((m.currency for m in told if m), policy.currency)

    timeline: list[TimelineEntry] = []
    ended = slots.get("ended_at")
    started = slot_datetime(slots.get("started_at"), zone)
    if started is not None:
        note = ONGOING if ended == ONGOING else ""
        timeline.append(TimelineEntry(TimelineKind.STARTED, started, "customer", note))
    restored = slot_datetime(ended, zone)
    if restored is not None:
        timeline.append(TimelineEntry(TimelineKind.RESTORED, restored))
    detected = slot_datetime(slots.get("detected_at"), zone)
    if detected is not None:
        timeline.append(TimelineEntry(TimelineKind.DETECTED, detected))

    losses: list[LossItem] = []
    if revenue is not None and revenue.amount >= 0:
        losses.append(LossItem(LossKind.DIRECT, revenue, "revenue_lost"))
    if recovery is not None and recovery.amount >= 0:
        losses.append(LossItem(LossKind.RECOVERY_COST, recovery, "recovery_cost"))
    losses.extend(others)

    third = slots.get("third_party")
    third_party = third if third in {t.value for t in ThirdParty} else None
    liability = LiabilityFacts(
        customer_config_changed=slots.get("customer_config_changed") is True,
        third_party_involved=slots.get("third_party_involved") is True,
        third_party=ThirdParty(third_party) if third_party else None,
    )

    leak: DataLeak | None = None
    if slots.get("data_leaked") is True:
        kinds = tuple(str(k) for k in slots.get("leaked_data_kinds") or ())
        leak = DataLeak(slot_count(slots.get("leaked_records")), kinds)

    evidence = []
    valid_kinds = {k.value for k in EvidenceKind}
    for item in slots.get("evidence_items") or ():
        if item in valid_kinds:
            evidence.append(EvidenceRef(EvidenceKind(item)))

    category = to_category(str(slots.get("category") or ""))
    language = slots.get("language")
    return Case(
        reference=slots.get("case_reference") or None,
        customer_name=slots.get("customer_name") or None,
        customer_company=slots.get("customer_company") or None,
        customer_email=slots.get("customer_email") or None,
        customer_phone=slots.get("customer_phone") or None,
        language=language if language in ("zh", "en") else "zh",
        category=category,
        sub_type=(slots.get("sub_type") or None) if category else None,
        description=str(slots.get("description") or ""),
        affected_systems=[str(s) for s in slots.get("affected_systems") or ()],
        timeline=timeline,
        losses=losses,
        evidence=evidence,
        liability=liability,
        data_leak=leak,
        currency=currency,
        monthly_fee=fee,
        people_idle=slot_count(slots.get("people_idle")),
        customers_affected=slot_count(slots.get("customers_affected")),
    )


def other_loss_items(value: Any, currency: str) -> list[LossItem]:
    """The ``other_losses`` slot (``[{"kind", "amount", "currency"}]``) as loss items;
    an unreadable entry is left out."""
    items: list[LossItem] = []
    for entry in value if isinstance(value, list) else ():
        if not isinstance(entry, Mapping):
            continue
        money = slot_money(entry, currency)
        try:
            kind = LossKind(str(entry.get("kind")))
        except ValueError:
            continue
        if money is not None and money.amount >= 0:
            items.append(LossItem(kind, money, "other_losses"))
    return items


def slots_from_case(case: Case) -> dict[str, Any]:
    """Slots to resume a saved draft; facts the Case cannot hold are left unset.

    Liability answers are only restored when true: a Case cannot tell "no" from "not asked",
    and re-asking is better than skipping a question.
    """
    slots: dict[str, Any] = {
        "description": case.description or None,
        "category": case.category.value if case.category else None,
        "sub_type": case.sub_type,
        "affected_systems": list(case.affected_systems) or None,
        "customer_name": case.customer_name,
        "customer_company": case.customer_company,
        "customer_email": case.customer_email,
        "customer_phone": case.customer_phone,
        "customer_contact": case.customer_email or case.customer_phone,
        "case_reference": case.reference,
        "language": case.language,
    }
    started = [e for e in case.timeline if e.kind == TimelineKind.STARTED]
    restored = case.first(TimelineKind.RESTORED)
    detected = case.first(TimelineKind.DETECTED)
    if started:
        first = min(started, key=lambda e: e.at)
        slots["started_at"] = first.at.isoformat()
        if restored is None and first.note == ONGOING:
            slots["ended_at"] = ONGOING
    if restored is not None:
        slots["ended_at"] = restored.isoformat()
    if detected is not None:
        slots["detected_at"] = detected.isoformat()
    for item in case.losses:
        if item.kind == LossKind.DIRECT and "revenue_lost" not in slots:
            slots["revenue_lost"] = item.amount.to_dict()
        elif item.kind == LossKind.RECOVERY_COST and "recovery_cost" not in slots:
            slots["recovery_cost"] = item.amount.to_dict()
        elif item.description == "other_losses":
            slots.setdefault("other_losses", []).append(
                {"kind": item.kind.value, **item.amount.to_dict()}
            )
    if case.monthly_fee is not None:
        slots["monthly_fee"] = case.monthly_fee.to_dict()
    if case.customers_affected:
        slots["customers_affected"] = float(case.customers_affected)
    if case.people_idle:
        slots["people_idle"] = float(case.people_idle)
    liability = case.liability
    if liability.customer_config_changed:
        slots["customer_config_changed"] = True
    if liability.third_party_involved:
        slots["third_party_involved"] = True
    if liability.third_party is not None:
        slots["third_party"] = liability.third_party.value
    if case.data_leak is not None:
        slots["data_leaked"] = True
        if case.data_leak.kinds:
            slots["leaked_data_kinds"] = list(case.data_leak.kinds)
        if case.data_leak.records:
            slots["leaked_records"] = float(case.data_leak.records)
    if case.evidence:
        slots["evidence_items"] = list(dict.fromkeys(e.kind.value for e in case.evidence))
    return {k: v for k, v in slots.items() if v is not None}
