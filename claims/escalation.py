"""When a person must take over, and how urgent the case is.

Each rule is named so the staff console can show which one fired. Weights and keyword
lists are policy; the rules themselves (leaked personal data, a large loss, lawyers or a
regulator mentioned, repeated misunderstanding, a request for a person, a vulnerable
customer) are the ones the claim team asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claims.case import Case, Money
from claims.leak import leak_value
from claims.losses import summarize_losses
from claims.policy import Policy
from claims.validation import validate_case

MAX_PRIORITY = 100

#: Keyword kind in the policy → the Case flag it sets.
SIGNAL_FLAGS = {
    "litigation": "mentions_litigation",
    "regulator": "mentions_regulator",
    "human": "requested_human",
    "vulnerable": "vulnerable",
}


@dataclass(frozen=True, slots=True)
class FiredRule:
    rule: str
    weight: int
    escalate: bool
    zh: str
    en: str

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "weight": self.weight, "escalate": self.escalate,
                "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class EscalationResult:
    """Whether to hand over to a person, the priority (0–100) and the rules that fired."""

    escalate: bool
    priority: int
    fired: tuple[FiredRule, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.fired)

    def to_dict(self) -> dict[str, Any]:
        return {"escalate": self.escalate, "priority": self.priority,
                "rules": list(self.rules), "fired": [f.to_dict() for f in self.fired]}


def detect_signals(policy: Policy, text: str) -> frozenset[str]:
    """Keyword kinds (litigation, regulator, human, vulnerable) found in a message."""
    lowered = text.lower()
    return frozenset(kind for kind, words in policy.escalation.keywords.items()
                     if any(w and w in lowered for w in words))


def apply_signals(policy: Policy, case: Case, text: str) -> frozenset[str]:
    """Set the case's escalation flags from a customer message; returns the kinds found."""
    found = detect_signals(policy, text)
    for kind in found:
        setattr(case, SIGNAL_FLAGS[kind], True)
    return found


def misunderstood_too_often(policy: Policy, case: Case) -> bool:
    """The assistant failed to understand the customer's answers too many times in a row."""
    return case.misunderstandings >= policy.escalation.misunderstanding_limit


def chat_escalations(policy: Policy, case: Case) -> list[str]:
    """Escalations the conversation itself raises on a draft, before anything is filed.

    Only the misunderstanding rule: the others judge the claim and run when it is filed.
    The counter lives in the chat (it restarts at every understood answer), so this is
    asked on every draft save, while the count is still high.
    """
    return ["repeated_misunderstanding"] if misunderstood_too_often(policy, case) else []


def assess_escalation(policy: Policy, case: Case, *, text: str = "") -> EscalationResult:
    """Run every escalation rule on the case (and on ``text``, the latest message).

    What the claim is worth counts the leaked records at their policy value (seed 003), so
    a large leak with no claimed amount still reaches a person.
    """
    validate_case(policy, case)
    ep = policy.escalation
    signals = detect_signals(policy, text) if text else frozenset()
    fired: list[FiredRule] = []

    def fire(rule: str, **params: Any) -> None:
        r = ep.rules[rule]
        t = policy.escalation_text[rule]
        fired.append(FiredRule(rule, r.weight, r.escalate,
                               t.zh.format(**params), t.en.format(**params)))

    if case.data_leak is not None and case.data_leak.records > 0:
        fire("personal_data_leak", records=case.data_leak.records)
    threshold = ep.loss_thresholds.get(case.currency)
    if threshold is not None:
        worth = summarize_losses(case).claimed_total() + leak_value(policy, case)
        limit = Money(threshold, case.currency)
        if worth >= limit:
            fire("loss_over_threshold", amount=str(worth), threshold=str(limit))
    if case.mentions_litigation or "litigation" in signals:
        fire("litigation_mentioned")
    if case.mentions_regulator or "regulator" in signals:
        fire("regulator_mentioned")
    if misunderstood_too_often(policy, case):
        fire("repeated_misunderstanding", count=case.misunderstandings)
    if case.requested_human or "human" in signals:
        fire("human_requested")
    if case.vulnerable or "vulnerable" in signals:
        fire("vulnerable_customer")
    priority = min(MAX_PRIORITY, sum(f.weight for f in fired))
    return EscalationResult(any(f.escalate for f in fired), priority, tuple(fired))
