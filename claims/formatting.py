"""How numbers appear in explanations, so every text shows what the arithmetic used.

Shares are rounded once (to 0.01 %) before they are used, and the same rounding formats
them, so a report never shows one share as two different percentages and a reader can
recompute each line from its text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SHARE_STEP = Decimal("0.0001")
HOURS_STEP = Decimal("0.01")


def round_share(share: Decimal) -> Decimal:
    """A liability share as the rules use it: 0..1 in steps of 0.01 %."""
    return share.quantize(SHARE_STEP, rounding=ROUND_HALF_UP).normalize()


def round_hours(hours: Decimal) -> Decimal:
    """Downtime hours as the rules use and show them: to 0.01 h."""
    return hours.quantize(HOURS_STEP, rounding=ROUND_HALF_UP)


def number(value: Decimal) -> str:
    """A plain decimal without trailing zeros or exponent: 12.50 → 12.5, 1E+2 → 100."""
    return f"{value.normalize():f}"


def percent(rate: Decimal) -> str:
    """A fraction as a percentage number (no % sign), to at most 0.01 %."""
    return number((rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percents(low: Decimal, expected: Decimal, high: Decimal) -> str:
    """Three fractions as ``80/100/100%`` (low/expected/high)."""
    return "/".join(percent(x) for x in (low, expected, high)) + "%"
