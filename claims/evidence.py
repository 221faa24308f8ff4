"""Evidence checklists per category and what a case still lacks.

Seed 000 names system logs, business data and chat records as the evidence that proves the
incident and the loss; the per-category lists live in the policy. Facts of the case add
requirements: a data leak needs the breach notice, lost orders need order records.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from claims.case import Case, Category, EvidenceKind, LossKind
from claims.policy import Policy

#: Asked for when the category is not known yet.
GENERIC_REQUIRED = (EvidenceKind.SYSTEM_LOGS, EvidenceKind.SCREENSHOTS, EvidenceKind.CONTRACT_SLA)

#: Loss kinds that can only be proven with a particular document.
LOSS_EVIDENCE: dict[LossKind, EvidenceKind] = {
    LossKind.LOST_ORDERS: EvidenceKind.ORDER_RECORDS,
    LossKind.REFUND: EvidenceKind.BANK_STATEMENTS,
    LossKind.DOWNTIME: EvidenceKind.REVENUE_RECORDS,
    LossKind.REGULATORY_FINE: EvidenceKind.BANK_STATEMENTS,
}


@dataclass(frozen=True, slots=True)
class EvidenceChecklist:
    """Required and optional evidence for a case, what is there and what is missing."""

    category: Category | None
    required: tuple[EvidenceKind, ...]
    optional: tuple[EvidenceKind, ...]
    present: tuple[EvidenceKind, ...]
    missing: tuple[EvidenceKind, ...]

    @property
    def completeness(self) -> Decimal:
        """Share of the required kinds that are present, 0..1 (two decimals)."""
        if not self.required:
            return Decimal(1)
        have = len(self.required) - len(self.missing)
        return (Decimal(have) / Decimal(len(self.required))).quantize(Decimal("0.01"))

    @property
    def complete(self) -> bool:
        return not self.missing

    def names(self, policy: Policy, language: str, kinds: tuple[EvidenceKind, ...]) -> list[str]:
        return [policy.evidence_names[k].get(language) for k in kinds]

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": None if self.category is None else self.category.value,
            "required": [k.value for k in self.required],
            "optional": [k.value for k in self.optional],
            "present": [k.value for k in self.present],
            "missing": [k.value for k in self.missing],
            "completeness": str(self.completeness),
        }


def required_evidence(policy: Policy, case: Case) -> tuple[EvidenceKind, ...]:
    """The category's required list plus what the case's own facts call for."""
    if case.category is None:
        base: list[EvidenceKind] = list(GENERIC_REQUIRED)
    else:
        base = list(policy.categories[case.category].required_evidence)
    extra: list[EvidenceKind] = []
    if case.data_leak is not None and case.data_leak.records > 0:
        extra.append(EvidenceKind.BREACH_NOTICE)
    for item in case.losses:
        kind = LOSS_EVIDENCE.get(item.kind)
        if kind is not None:
            extra.append(kind)
    if case.hourly_revenue is not None:
        extra.append(EvidenceKind.REVENUE_RECORDS)
    for kind in extra:
        if kind not in base:
            base.append(kind)
    return tuple(base)


def evidence_checklist(policy: Policy, case: Case) -> EvidenceChecklist:
    """What the customer should hand in for this case and what is still missing."""
    required = required_evidence(policy, case)
    optional: tuple[EvidenceKind, ...] = ()
    if case.category is not None:
        optional = tuple(k for k in policy.categories[case.category].optional_evidence
                         if k not in required)
    have = case.evidence_kinds()
    present = tuple(k for k in EvidenceKind if k in have)
    missing = tuple(k for k in required if k not in have)
    return EvidenceChecklist(case.category, required, optional, present, missing)
