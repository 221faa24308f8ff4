"""Answers to compensation questions from the customer's own case.

The generic FAQ text explains how claims work in general. Once the conversation has a case
(submitted, or a draft still being collected) a customer asking "how long will my claim
take?" or "how much could I get?" wants *their* numbers, so those answers come from the same
assessment the claim submission and the staff console show. A topic without a tailored
answer, or a case too thin to say anything specific, gets ``None`` and the caller falls back
to the generic text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from claims.assessment import Assessment, assess_case
from claims.case import Case
from claims.policy import Policy
from claims.render import render_durations, render_estimate, render_evidence


def _header(policy: Policy, case: Case, language: str, *, submitted: bool) -> str:
    values = {
        "reference": case.reference or "",
        "category": policy.category_name(case.category, language),
        "stage": policy.stage_names[case.stage].get(language),
    }
    key = "faq_case_header" if submitted else "faq_draft_header"
    return policy.text(key, language).format(**values)


def _legal(policy: Policy, language: str) -> str:
    return policy.text("general_information_notice", language)


def _durations(policy: Policy, case: Case, a: Assessment, language: str) -> str:
    return render_durations(policy, a.durations, language)


def _durations_with_notice(policy: Policy, case: Case, a: Assessment, language: str) -> str:
    return render_durations(policy, a.durations, language) + "\n" + _legal(policy, language)


def _amount(policy: Policy, case: Case, a: Assessment, language: str) -> str | None:
    if a.estimate.expected.is_zero() and a.estimate.high.is_zero():
        return None  # nothing to put a number on yet: the generic text asks for the losses
    return render_estimate(policy, a.estimate, language)


def _liability(policy: Policy, case: Case, a: Assessment, language: str) -> str:
    colon = "：" if language == "zh" else ": "
    share = f"{(a.estimate.liability.company_share * 100).normalize():f}%"
    lines = [f"{policy.text('liability', language)}{colon}"
             f"{policy.text('company_share', language)} {share}"]
    lines += [f"  - {r.text(language)}" for r in a.estimate.liability.reasons]
    return "\n".join([*lines, _legal(policy, language)])


def _remedies(policy: Policy, case: Case, a: Assessment, language: str) -> str | None:
    if not a.estimate.remedies:
        return None
    colon = "：" if language == "zh" else ": "
    lines = [policy.text("remedies", language) + colon.strip()]
    return "\n".join(lines + [f"  - {r.text(language)}" for r in a.estimate.remedies])


def _evidence(policy: Policy, case: Case, a: Assessment, language: str) -> str | None:
    if not a.evidence.required:
        return None
    return render_evidence(policy, a.evidence, language)


Answer = Callable[[Policy, Case, Assessment, str], "str | None"]

TAILORED: dict[str, Answer] = {
    "how_long_overall": _durations,
    "how_long_negotiation": _durations,
    "how_long_appraisal": _durations,
    "what_delays_payment": _durations,
    "how_long_litigation": _durations_with_notice,
    "how_long_enforcement": _durations_with_notice,
    "how_much_compensation": _amount,
    "sla_credit_calculation": _amount,
    "compensation_cap": _amount,
    "liability_share": _liability,
    "remedies_available": _remedies,
    "evidence_to_keep": _evidence,
}


def answer_from_case(
    policy: Policy, topic: str, case: Case, *, now: datetime, language: str, submitted: bool
) -> str | None:
    """The tailored answer to FAQ `topic` for `case`, or None to use the generic text.

    `submitted` says whether the case was filed (its stage then counts) or is a draft.
    """
    build = TAILORED.get(topic)
    if build is None:
        return None
    assessment = assess_case(policy, case, now=now)
    if case.category is None:
        return None  # without even a category every number would be a guess
    body = build(policy, case, assessment, language)
    if body is None:
        return None
    return _header(policy, case, language, submitted=submitted) + "\n" + body
