"""Loss assessment: group what the customer claims and compute downtime losses.

Seed 000 separates direct losses (orders, refunds, repair costs), indirect losses (lost
opportunities, churn; hard to compute), time costs and legal costs; seed 001 adds downtime
(production halt, idle staff) and regulatory fines; seed 003 adds, for data leaks, the
records and kinds of personal data exposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from claims.case import Case, DataLeak, LossKind, Money

#: Which compensation rule each loss kind falls under.
GROUPS: dict[LossKind, str] = {
    LossKind.DIRECT: "direct",
    LossKind.LOST_ORDERS: "direct",
    LossKind.REFUND: "direct",
    LossKind.RECOVERY_COST: "direct",
    LossKind.DOWNTIME: "direct",
    LossKind.OTHER: "direct",
    LossKind.INDIRECT: "indirect",
    LossKind.LOST_OPPORTUNITY: "indirect",
    LossKind.CHURN: "indirect",
    LossKind.TIME_COST: "costs",
    LossKind.LEGAL: "costs",
    LossKind.INVESTIGATION: "costs",
    LossKind.REGULATORY_FINE: "fines",
}
GROUP_NAMES = ("direct", "indirect", "costs", "fines")


@dataclass(frozen=True, slots=True)
class Claimed:
    """What was claimed in one group and how much of it is documented."""

    total: Money
    proven: Money

    @property
    def unproven(self) -> Money:
        return self.total - self.proven

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total.to_dict(), "proven": self.proven.to_dict()}


@dataclass(frozen=True, slots=True)
class LossSummary:
    """Claimed losses by group plus the losses we can compute from the timeline."""

    currency: str
    groups: dict[str, Claimed]
    downtime_hours: Decimal | None
    downtime_revenue: Money | None = None
    staff_idle: Money | None = None
    data_leak: DataLeak | None = None
    kinds: frozenset[LossKind] = field(default_factory=frozenset)

    def claimed_total(self) -> Money:
        """Everything claimed plus computed downtime and idle-staff losses."""
        total = Money.zero(self.currency)
        for claimed in self.groups.values():
            total = total + claimed.total
        for extra in (self.downtime_revenue, self.staff_idle):
            if extra is not None:
                total = total + extra
        return total

    def to_dict(self) -> dict[str, Any]:
        def m(v: Money | None) -> dict[str, str] | None:
            return None if v is None else v.to_dict()

        return {
            "currency": self.currency,
            "groups": {k: v.to_dict() for k, v in self.groups.items()},
            "downtime_hours": None if self.downtime_hours is None else str(self.downtime_hours),
            "downtime_revenue": m(self.downtime_revenue),
            "staff_idle": m(self.staff_idle),
            "data_leak": None if self.data_leak is None else self.data_leak.to_dict(),
            "claimed_total": self.claimed_total().to_dict(),
        }


def summarize_losses(case: Case, now: datetime | None = None) -> LossSummary:
    """Group the case's loss items and compute downtime and idle-staff losses.

    Hourly revenue is only used when no lost orders or downtime amounts were claimed,
    so the same income is not counted twice; idle staff only when no time cost was.
    """
    zero = Money.zero(case.currency)
    groups = {g: Claimed(zero, zero) for g in GROUP_NAMES}
    for item in case.losses:
        group = GROUPS[item.kind]
        current = groups[group]
        groups[group] = Claimed(
            current.total + item.amount,
            current.proven + item.amount if item.proven else current.proven,
        )
    kinds = frozenset(item.kind for item in case.losses)
    hours = case.downtime_hours(now)
    revenue = None
    if (
        hours is not None
        and case.hourly_revenue is not None
        and not kinds & {LossKind.LOST_ORDERS, LossKind.DOWNTIME}
    ):
        revenue = case.hourly_revenue * hours
    idle = None
    if (
        hours is not None
        and case.hourly_staff_cost is not None
        and case.people_idle > 0
        and LossKind.TIME_COST not in kinds
    ):
        idle = case.hourly_staff_cost * (hours * case.people_idle)
    return LossSummary(case.currency, groups, hours, revenue, idle, case.data_leak, kinds)
