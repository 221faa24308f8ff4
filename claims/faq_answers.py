"""Answers to compensation questions from the customer's own case.

The generic FAQ text explains how claims work in general. Once the conversation has a case
(submitted, or a draft still being collected) a customer asking "how long will my claim
take?" or "how much could I get?" wants *their* numbers. They are worked out by
`assess_case` from the case as it stands now (with its current stage, evidence and facts),
the same computation the claim submission uses. A topic without a tailored answer, or a
case too thin to say anything specific, gets ``None`` and the caller falls back to the
generic text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from claims.assessment import Assessment, assess_case
from claims.case import Case
from claims.policy import Policy
from claims.render import (
    render_durations,
    render_estimate,
    render_evidence,
    render_liability,
    render_reasons,
)
from claims.stages import TERMINAL


def _durations(policy: Policy, a: Assessment, language: str) -> str | None:
    return render_durations(policy, a.durations, language)


def _amount(policy: Policy, a: Assessment, language: str) -> str | None:
    if a.estimate.expected.is_zero() and a.estimate.high.is_zero():
        return None  # nothing to put a number on yet: the generic text asks for the losses
    return render_estimate(policy, a.estimate, language)


def _liability(policy: Policy, a: Assessment, language: str) -> str | None:
    return render_liability(policy, a.estimate.liability, language)


def _remedies(policy: Policy, a: Assessment, language: str) -> str | None:
    if not a.estimate.remedies:
        return None
    return render_reasons(policy, "remedies", a.estimate.remedies, language)


def _evidence(policy: Policy, a: Assessment, language: str) -> str | None:
    if not a.evidence.required:
        return None
    return render_evidence(policy, a.evidence, language)


TAILORED: dict[str, Callable[[Policy, Assessment, str], str | None]] = {
    "how_long_overall": _durations,
    "how_long_negotiation": _durations,
    "how_long_appraisal": _durations,
    "how_long_litigation": _durations,
    "how_long_enforcement": _durations,
    "what_delays_payment": _durations,
    "how_much_compensation": _amount,
    "sla_credit_calculation": _amount,
    "compensation_cap": _amount,
    "liability_share": _liability,
    "remedies_available": _remedies,
    "evidence_to_keep": _evidence,
}
# Answers that touch on the law end with the "general information" notice.
LEGAL = frozenset({"how_long_litigation", "how_long_enforcement", "liability_share"})
# A draft has not been through the liability questions yet: its share would be a guess.
SUBMITTED_ONLY = frozenset({"liability_share"})


def _header(policy: Policy, case: Case, language: str, *, submitted: bool) -> str:
    values = {
        "reference": case.reference or "",
        "category": policy.category_name(case.category, language),
        "stage": policy.stage_names[case.stage].get(language),
    }
    key = "faq_case_header" if submitted else "faq_draft_header"
    return policy.text(key, language).format(**values)


def answer_from_case(
    policy: Policy, topic: str, case: Case, *, now: datetime, language: str, submitted: bool
) -> str | None:
    """The tailored answer to FAQ `topic` for `case`, or None to use the generic text.

    `submitted` says whether the case was filed (its stage then counts) or is a draft.
    """
    build = TAILORED.get(topic)
    if build is None or (topic in SUBMITTED_ONLY and not submitted):
        return None
    if submitted and case.stage in TERMINAL:
        # A compensated, closed or withdrawn case gets no fresh estimate or timetable.
        body: str | None = policy.text("faq_case_finished", language)
    else:
        assessment = assess_case(policy, case, now=now)
        if case.category is None:
            return None  # without even a category every number would be a guess
        body = build(policy, assessment, language)
    if body is None:
        return None
    if topic in LEGAL:
        body += "\n" + policy.text("general_information_notice", language)
    return _header(policy, case, language, submitted=submitted) + "\n" + body
