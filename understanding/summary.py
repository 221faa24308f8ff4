"""The confirmation summary: one labelled zh/en line per fact the intake collected."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from claims.case import (
    EvidenceKind,
    Money,
    ThirdParty,
)
from claims.policy import Policy
from understanding.slots import (
    MONEY_SLOTS,
    NONE_MARKER,
    ONGOING,
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
    "orders_lost": ("损失订单数", "lost orders"),
    "people_idle": ("停工人数", "idle staff"),
    "customers_affected": ("受影响客户数", "customers affected"),
    "customer_config_changed": ("客户修改过配置", "customer changed the configuration"),
    "third_party_involved": ("涉及第三方", "third party involved"),
    "evidence_items": ("证据", "evidence"),
    "customer_name": ("姓名", "name"),
    "customer_company": ("公司", "company"),
    "customer_contact": ("联系方式", "contact"),
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
    if isinstance(value, list):
        return ("、" if language == "zh" else ", ").join(str(v) for v in value)
    return str(value)


def _downtime_text(start: datetime, end: datetime, language: str) -> str:
    minutes = int((end - start).total_seconds() // 60)
    hours, mins = divmod(max(minutes, 0), 60)
    if language == "zh":
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def summary_lines(slots: Mapping[str, Any], policy: Policy, language: str) -> list[str]:
    """One line per known fact, for the confirmation step before submitting."""
    zh = language == "zh"
    colon = "：" if zh else ": "
    sep = "、" if zh else ", "
    zone = zone_named(str(slots.get("timezone") or DEFAULT_TZ))
    lines: list[str] = []

    def add(slot: str, text: str) -> None:
        lines.append(f"{slot_label(slot, language)}{colon}{text}")

    category = to_category(str(slots.get("category") or ""))
    if category is not None:
        name = f"{policy.categories[category].name.zh} / {policy.categories[category].name.en}"
        sub = str(slots.get("sub_type") or "")
        subs = policy.categories[category].sub_types
        if sub in subs:
            name += f"（{subs[sub].name.get(language)}）" if zh else f" ({subs[sub].name.en})"
        add("category", name)
    systems = slots.get("affected_systems") or []
    if systems:
        add("affected_systems", sep.join(str(s) for s in systems))
    start = slot_datetime(slots.get("started_at"), zone)
    if start is not None:
        add("started_at", format_time(slots.get("started_at"), zone, language))
    ended = slots.get("ended_at")
    end = slot_datetime(ended, zone)
    if ended == ONGOING:
        add("ended_at", format_time(ONGOING, zone, language))
    elif end is not None:
        text = format_time(ended, zone, language)
        if start is not None and end >= start:
            span = _downtime_text(start, end, language)
            text += f"（停机 {span}）" if zh else f" (down for {span})"
        add("ended_at", text)
    if filled(slots.get("detected_at")):
        add("detected_at", format_time(slots.get("detected_at"), zone, language))
    if slots.get("data_leaked") is True:
        names = policy.data_kind_names
        kinds = [
            names[k].get(language) if k in names else str(k)
            for k in slots.get("leaked_data_kinds") or []
        ]
        text = "是" if zh else "yes"
        if slot_count(slots.get("leaked_records")):
            n = slot_count(slots.get("leaked_records"))
            text += f"，约 {n} 条" if zh else f", about {n} records"
        if kinds:
            text += f"（{sep.join(kinds)}）" if zh else f" ({sep.join(kinds)})"
        add("data_leaked", text)
    elif slots.get("data_leaked") is False:
        add("data_leaked", "否" if zh else "no")
    for slot in MONEY_SLOTS:
        if filled(slots.get(slot)):
            add(slot, format_money(slots.get(slot)))
    for slot in ("customers_affected", "orders_lost", "people_idle"):
        if slot_count(slots.get(slot)):
            add(slot, str(slot_count(slots.get(slot))))
    for slot in ("customer_config_changed", "third_party_involved"):
        value = slots.get(slot)
        if isinstance(value, bool):
            text = format_value(slot, value, zone, language)
            third = slots.get("third_party")
            if slot == "third_party_involved" and value and third:
                names3 = policy.liability.third_party_names
                try:
                    tp = ThirdParty(third)
                    tname = names3[tp].get(language) if tp in names3 else tp.value
                except ValueError:
                    tname = str(third)
                text += f"（{tname}）" if zh else f" ({tname})"
            add(slot, text)
    items = slots.get("evidence_items") or []
    if items:
        if list(items) == [NONE_MARKER]:
            add("evidence_items", "暂无" if zh else "none yet")
        else:
            ev_names = policy.evidence_names
            shown = []
            for item in items:
                if item == NONE_MARKER:
                    continue
                try:
                    shown.append(ev_names[EvidenceKind(item)].get(language))
                except (ValueError, KeyError):
                    shown.append(str(item))
            add("evidence_items", sep.join(shown))
    who = [str(slots[s]) for s in ("customer_name", "customer_company") if filled(slots.get(s))]
    contact = (
        slots.get("customer_contact") or slots.get("customer_email") or slots.get("customer_phone")
    )
    if contact:
        who.append(str(contact))
    if who:
        add("customer_contact", sep.join(who))
    return lines
