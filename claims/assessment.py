"""One call that answers everything about a case: what it is, who is liable, what it may
be worth, how long it takes, what evidence is missing and whether a person must look.

The action server, the staff console and the FAQ's tailored answers all use this, so the
numbers a customer sees are the ones an agent sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from claims.case import Case
from claims.categories import Classification, classify_case
from claims.compensation import Estimate, estimate_compensation
from claims.durations import DurationEstimate, estimate_case_durations
from claims.escalation import EscalationResult, assess_escalation
from claims.evidence import EvidenceChecklist, evidence_checklist
from claims.liability import assess_liability
from claims.policy import Policy
from claims.render import render_durations, render_estimate, render_evidence


@dataclass(frozen=True)
class Assessment:
    classification: Classification
    estimate: Estimate
    durations: DurationEstimate
    evidence: EvidenceChecklist
    escalation: EscalationResult

    def to_dict(self) -> dict[str, Any]:
        """The `estimate` part of the machine-readable case message (JSON-safe)."""
        return {
            "policy_version": self.estimate.policy_version,
            "compensation": self.estimate.to_dict(),
            "durations": self.durations.to_dict(),
            "classification": self.classification.to_dict(),
            "missing_evidence": [kind.value for kind in self.evidence.missing],
            "escalation": {
                "escalate": self.escalation.escalate,
                "priority": self.escalation.priority,
                "rules": list(self.escalation.rules),
            },
        }

    def texts(self, policy: Policy, language: str) -> dict[str, str]:
        """Readable blocks for the customer, in their language."""
        return {
            "estimate": render_estimate(policy, self.estimate, language),
            "durations": render_durations(policy, self.durations, language),
            "evidence": render_evidence(policy, self.evidence, language),
        }


def assess_case(policy: Policy, case: Case, *, now: datetime, text: str = "") -> Assessment:
    """Classify (when the customer did not choose), then estimate money and time."""
    classification = classify_case(policy, case)
    if case.category is None and classification.category is not None:
        case.category = classification.category
        case.sub_type = case.sub_type or classification.sub_type
    liability = assess_liability(policy, case.liability)
    estimate = estimate_compensation(policy, case, liability=liability, now=now)
    durations = estimate_case_durations(policy, case, estimate=estimate)
    escalation = assess_escalation(policy, case, text=text)
    case.priority = escalation.priority
    return Assessment(
        classification=classification,
        estimate=estimate,
        durations=durations,
        evidence=evidence_checklist(policy, case),
        escalation=escalation,
    )
