"""Which money and count slots the amounts and numbers of a message belong to."""

from __future__ import annotations

from understanding.amounts import BARE_RANK, NegativeAmount, parse_count, parse_money, price_rank
from understanding.clauses import FINE, clauses, has
from understanding.lexicons import (
    CURRENCY_HINT,
    IDLE_WORDS,
    LEAK_WORDS,
    LOSS_KIND_WORDS,
    MONTHLY_WORDS,
    NO_LOSS,
    ORDER_WORDS,
    PEOPLE_WORDS,
    RECORD_WORDS,
    RECOVERY_WORDS,
    REVENUE_WORDS,
    STAFF_WORDS,
    USER_WORDS,
)
from understanding.slots import MONEY_SLOTS, money_value
from understanding.timeparse import (
    parse_datetime,
)
from understanding.turn import Turn

#: What :func:`money_slot_for` returns for a loss kept in ``other_losses``.
OTHER_LOSS = "other_losses:"


def money_slot_for(clause: str, requested: str | None) -> str | None:
    """The money slot a clause's words name, else the one asked for.

    Investigation, fines, refunds and legal costs are ``"other_losses:<kind>"``: they go to
    the ``other_losses`` list under their own loss kind, never into lost revenue.
    """
    for kind, pattern in LOSS_KIND_WORDS:
        if has(pattern, clause):
            return OTHER_LOSS + kind
    if has(MONTHLY_WORDS, clause):
        return "monthly_fee"
    if has(RECOVERY_WORDS, clause):
        return "recovery_cost"
    if has(REVENUE_WORDS, clause):
        return "revenue_lost"
    if requested in MONEY_SLOTS:
        return requested
    return None


def read_money(w: Turn) -> None:
    """Amounts into money slots; a year or a bare number without a slot word is no amount.

    Per slot, a stated total beats a price per item ("120 people at 35 dollars each, so
    around 4,200 dollars" is 4,200), else the first amount said wins.
    """
    req = w.requested
    currency = w.policy.currency
    rank: dict[str, int] = {}
    for clause in clauses(w.text, FINE):
        try:
            money = parse_money(clause, currency)
        except NegativeAmount:
            w.problem("negative_amount")
            continue
        if money is None:
            continue
        slot = money_slot_for(clause, req)
        bare = not has(CURRENCY_HINT, clause)
        if bare and parse_datetime(clause, w.now, w.zone) is not None:
            continue  # "end of December 2025": the number is a year, not an amount
        if slot is None:
            if bare:
                continue
            slot = "revenue_lost"
        this = price_rank(clause)
        if slot.startswith(OTHER_LOSS):
            add_other_loss(w, slot.removeprefix(OTHER_LOSS), money_value(money))
        elif slot not in w.updates or this < rank.get(slot, BARE_RANK):
            w.updates[slot] = money_value(money)
            rank[slot] = this
    told = any(slot in w.updates for slot in (*MONEY_SLOTS, "other_losses"))
    if req in MONEY_SLOTS and not told:
        if has(NO_LOSS, w.text) and "negative_amount" not in w.problems:
            w.updates[req] = {"amount": "0", "currency": currency}
        elif "negative_amount" not in w.problems:
            w.problem("invalid_amount")


def add_other_loss(w: Turn, kind: str, money: dict[str, str]) -> None:
    """One more loss of ``kind``; the same kind said again replaces its amount."""
    old = w.get("other_losses")
    items = [dict(i) for i in old if isinstance(i, dict)] if isinstance(old, list) else []
    items = [i for i in items if i.get("kind") != kind]
    items.append({"kind": kind, **money})
    w.updates["other_losses"] = items


def count_slot_for(clause: str) -> str | None:
    """The count slot a clause's words name (orders, records, idle staff, customers)."""
    if has(ORDER_WORDS, clause) and not has(USER_WORDS, clause):
        return "orders_lost"
    if has(RECORD_WORDS, clause):
        return "leaked_records"
    if has(STAFF_WORDS, clause) or (has(PEOPLE_WORDS, clause) and has(IDLE_WORDS, clause)):
        return "people_idle"
    if has(USER_WORDS, clause) or has(PEOPLE_WORDS, clause):
        return "customers_affected"
    return None


def read_counts(w: Turn) -> None:
    """Head and item counts into count slots; a number that is an amount is no count."""
    for clause in clauses(w.text, FINE):
        slot = count_slot_for(clause)
        if slot is None:
            continue
        try:
            money = parse_money(clause, w.policy.currency)
        except NegativeAmount:
            continue
        count = parse_count(clause)
        if count is None or count.value < 0:
            continue
        if money is not None and money.amount == count.value and has(CURRENCY_HINT, clause):
            continue  # the number is an amount ("客户损失10万元"), not a head count
        if slot not in w.updates:
            w.updates[slot] = float(count.value)
        if slot == "customers_affected" and has(LEAK_WORDS, clause):
            # "5万名用户的手机号被泄露": whose data leaked is how many records leaked.
            w.updates.setdefault("leaked_records", float(count.value))
