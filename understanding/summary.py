"""The confirmation summary: one labelled zh/en line per fact the intake collected."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, tzinfo
from typing import Any

from claims.case import (
    EvidenceKind,
    Money,
    ThirdParty,
)
from claims.policy import Policy
from understanding.case_slots import other_loss_items
from understanding.slots import (
    MONEY_SLOTS,
    NONE_MARKER,
    ONGOING,
    TEXT_SLOTS,
    TIME_SLOTS,
    filled,
    slot_count,
    slot_datetime,
    to_category,
    zone_named,
)
from understanding.timeparse import (
    DEFAULT_TZ,
)

#: (slot, customer-facing text or None when the fact is unknown), in summary order.
Facts = Iterator[tuple[str, str | None]]

_LABELS: dict[str, tuple[str, str]] = {
    "description": ("事故描述", "description"),
    "category": ("事故类别", "category"),
    "affected_systems": ("受影响系统", "affected systems"),
    "started_at": ("开始时间", "start time"),
    "ended_at": ("恢复时间", "restore time"),
    "detected_at": ("发现时间", "detection time"),
    "data_leaked": ("数据泄露", "data leaked"),
    "leaked_data_kinds": ("泄露的数据", "leaked data"),
    "leaked_records": ("泄露条数", "leaked records"),
    "revenue_lost": ("营收损失", "lost revenue"),
    "recovery_cost": ("修复费用", "recovery cost"),
    "monthly_fee": ("月费", "monthly fee"),
    "other_losses": ("其他损失", "other losses"),
    "orders_lost": ("损失订单数", "lost orders"),
    "people_idle": ("停工人数", "idle staff"),
    "customers_affected": ("受影响客户数", "customers affected"),
    "customer_config_changed": ("客户修改过配置", "customer changed the configuration"),
    "third_party_involved": ("涉及第三方", "third party involved"),
    "evidence_items": ("证据", "evidence"),
    "customer_name": ("姓名", "name"),
    "customer_company": ("公司", "company"),
    "customer_contact": ("联系方式", "contact"),
    "release_version": ("版本", "version"),
    "sla_terms": ("SLA 承诺", "SLA terms"),
    "remedy_wanted": ("希望的处理方式", "remedy wanted"),
    "unknown_slots": ("暂不清楚（估算时按未知处理）", "not known yet (left out of the estimate)"),
}


def slot_label(slot: str, language: str) -> str:
    """The customer-facing name of an intake slot."""
    zh, en = _LABELS.get(slot, (slot, slot))
    return zh if language == "zh" else en


def format_time(value: Any, zone: tzinfo, language: str) -> str:
    """A time slot as the customer reads it (local time, or "still ongoing")."""
    if value == ONGOING:
        return "尚未恢复" if language == "zh" else "still ongoing"
    dt = slot_datetime(value, zone)
    return str(value) if dt is None else dt.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def format_money(value: Any) -> str:
    """A money slot as "100,000 CNY"."""
    try:
        money = Money.from_dict(value)
    except (TypeError, ValueError, KeyError, ArithmeticError):
        return str(value)
    amount = money.amount
    text = f"{amount:,}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{text} {money.currency}"


def format_value(slot: str, value: Any, zone: tzinfo, language: str) -> str:
    """Any slot value as the customer reads it."""
    if slot in TIME_SLOTS:
        return format_time(value, zone, language)
    if slot in MONEY_SLOTS:
        return format_money(value)
    if isinstance(value, bool):
        if language == "zh":
            return "是" if value else "否"
        return "yes" if value else "no"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if slot == "other_losses" and isinstance(value, list):
        return ("、" if language == "zh" else ", ").join(
            format_money(v) for v in value if isinstance(v, dict)
        )
    if isinstance(value, list):
        return ("、" if language == "zh" else ", ").join(str(v) for v in value)
    return str(value)


def _downtime_text(start: datetime, end: datetime, language: str) -> str:
    minutes = int((end - start).total_seconds() // 60)
    hours, mins = divmod(max(minutes, 0), 60)
    if language == "zh":
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def _category_name(slots: Mapping[str, Any], policy: Policy, language: str) -> str | None:
    category = to_category(str(slots.get("category") or ""))
    if category is None:
        return None
    names = policy.categories[category]
    name = names.name.get(language)  # the customer's language only
    sub = str(slots.get("sub_type") or "")
    if sub in names.sub_types:
        sub_name = names.sub_types[sub].name.get(language)
        name += f"（{sub_name}）" if language == "zh" else f" ({sub_name})"
    return name


def _time_facts(slots: Mapping[str, Any], zone: tzinfo, language: str) -> Facts:
    start = slot_datetime(slots.get("started_at"), zone)
    if start is not None:
        yield "started_at", format_time(slots.get("started_at"), zone, language)
    ended = slots.get("ended_at")
    end = slot_datetime(ended, zone)
    if ended == ONGOING:
        yield "ended_at", format_time(ONGOING, zone, language)
    elif end is not None:
        text = format_time(ended, zone, language)
        if start is not None and end >= start:
            span = _downtime_text(start, end, language)
            text += f"（停机 {span}）" if language == "zh" else f" (down for {span})"
        yield "ended_at", text
    if filled(slots.get("detected_at")):
        yield "detected_at", format_time(slots.get("detected_at"), zone, language)


def _leak_text(slots: Mapping[str, Any], policy: Policy, language: str) -> str | None:
    zh = language == "zh"
    if slots.get("data_leaked") is False:
        return "否" if zh else "no"
    if slots.get("data_leaked") is not True:
        return None
    names = policy.data_kind_names
    kinds = [
        names[k].get(language) if k in names else str(k)
        for k in slots.get("leaked_data_kinds") or []
    ]
    text = "是" if zh else "yes"
    records = slot_count(slots.get("leaked_records"))
    if records:
        text += f"，约 {records} 条" if zh else f", about {records} records"
    if kinds:
        joined = _sep(language).join(kinds)
        text += f"（{joined}）" if zh else f" ({joined})"
    return text


def _liability_facts(
    slots: Mapping[str, Any], policy: Policy, zone: tzinfo, language: str
) -> Facts:
    for slot in ("customer_config_changed", "third_party_involved"):
        value = slots.get(slot)
        if not isinstance(value, bool):
            continue
        text = format_value(slot, value, zone, language)
        third = slots.get("third_party")
        if slot == "third_party_involved" and value and third:
            names = policy.liability.third_party_names
            try:
                kind = ThirdParty(third)
                name = names[kind].get(language) if kind in names else kind.value
            except ValueError:
                name = str(third)
            text += f"（{name}）" if language == "zh" else f" ({name})"
        yield slot, text


def _evidence_text(slots: Mapping[str, Any], policy: Policy, language: str) -> str | None:
    items = slots.get("evidence_items") or []
    if not items:
        return None
    if list(items) == [NONE_MARKER]:
        return "暂无" if language == "zh" else "none yet"
    shown = []
    for item in items:
        if item == NONE_MARKER:
            continue
        try:
            shown.append(policy.evidence_names[EvidenceKind(item)].get(language))
        except (ValueError, KeyError):
            shown.append(str(item))
    return _sep(language).join(shown)


def _contact_text(slots: Mapping[str, Any], language: str) -> str | None:
    who = [str(slots[s]) for s in ("customer_name", "customer_company") if filled(slots.get(s))]
    contact = (
        slots.get("customer_contact") or slots.get("customer_email") or slots.get("customer_phone")
    )
    if contact:
        who.append(str(contact))
    return _sep(language).join(who) if who else None


def _sep(language: str) -> str:
    return "、" if language == "zh" else ", "


def _facts(slots: Mapping[str, Any], policy: Policy, language: str) -> Facts:
    zone = zone_named(str(slots.get("timezone") or DEFAULT_TZ))
    yield "category", _category_name(slots, policy, language)
    systems = slots.get("affected_systems") or []
    names = policy.system_names
    shown = [names[s].get(language) if s in names else str(s) for s in systems]
    yield "affected_systems", _sep(language).join(shown) or None
    yield from _time_facts(slots, zone, language)
    yield "data_leaked", _leak_text(slots, policy, language)
    for slot in MONEY_SLOTS:
        if filled(slots.get(slot)):
            yield slot, format_money(slots.get(slot))
    for item in other_loss_items(slots.get("other_losses"), policy.currency):
        name = policy.loss_names[item.kind].get(language)
        yield "other_losses", f"{name} {format_money(item.amount.to_dict())}"
    for slot in ("customers_affected", "orders_lost", "people_idle"):
        yield slot, str(slot_count(slots.get(slot)) or "") or None
    yield from _liability_facts(slots, policy, zone, language)
    for slot in TEXT_SLOTS:
        yield slot, str(slots.get(slot) or "") or None
    yield "evidence_items", _evidence_text(slots, policy, language)
    yield "customer_contact", _contact_text(slots, language)
    yield "unknown_slots", assumed_text(slots, language)


def assumed_text(slots: Mapping[str, Any], language: str) -> str | None:
    """The questions the customer could not answer, by their names (never slot codes):
    what the summary and the estimate say was assumed unknown."""
    unknown = [str(s) for s in slots.get("unknown_slots") or () if not filled(slots.get(s))]
    names = list(dict.fromkeys(slot_label(s, language) for s in unknown))
    return _sep(language).join(names) or None


def summary_lines(slots: Mapping[str, Any], policy: Policy, language: str) -> list[str]:
    """One line per known fact, for the confirmation step before submitting."""
    colon = "：" if language == "zh" else ": "
    return [
        f"{slot_label(slot, language)}{colon}{text}"
        for slot, text in _facts(slots, policy, language)
        if text is not None
    ]
