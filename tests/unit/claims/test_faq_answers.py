"""Tailored FAQ answers: the customer's own numbers, or None for the generic text."""

from __future__ import annotations

from datetime import timedelta

import pytest

from claims.assessment import assess_case
from claims.case import Case, Category, LiabilityFacts, LossItem, LossKind, Stage
from claims.faq_answers import TAILORED, answer_from_case
from claims.policy import Policy

from .conftest import T0, cny, outage_case

NOW = T0 + timedelta(days=1)


def outage(**fields: object) -> Case:
    case = outage_case(4, category=Category.OUTAGE, **fields)
    case.losses = [LossItem(LossKind.DIRECT, cny(50000), "revenue_lost")]
    return case


def answer(policy: Policy, topic: str, case: Case, language: str = "en", **kw: bool) -> str | None:
    return answer_from_case(policy, topic, case, now=NOW, language=language,
                            submitted=kw.get("submitted", False))


def test_how_long_gives_the_case_total(policy: Policy) -> None:
    case = outage()
    expected = assess_case(policy, outage(), now=NOW).durations
    text = answer(policy, "how_long_overall", case)
    assert text is not None
    assert text.startswith("Based on what you have told me so far (")
    assert f"{expected.low_days}–{expected.high_days} days" in text


def test_how_much_gives_the_case_estimate(policy: Policy) -> None:
    estimate = assess_case(policy, outage(), now=NOW).estimate
    text = answer(policy, "how_much_compensation", outage(), "zh")
    assert text is not None
    assert text.startswith("按您目前告诉我的情况（")
    assert str(estimate.expected) in text and str(estimate.high) in text


def test_a_submitted_case_names_its_reference_and_current_stage(policy: Policy) -> None:
    case = outage(reference="CLM-2026-000042")
    case.stage = Stage.NEGOTIATION
    text = answer(policy, "how_long_negotiation", case, submitted=True)
    assert text is not None
    first = text.splitlines()[0]
    assert "CLM-2026-000042" in first
    assert policy.stage_names[Stage.NEGOTIATION].en in first


def test_later_stages_shorten_the_remaining_time(policy: Policy) -> None:
    early, late = outage(), outage()
    late.stage = Stage.NEGOTIATION
    assert assess_case(policy, late, now=NOW).durations.high_days < \
        assess_case(policy, early, now=NOW).durations.high_days
    assert answer(policy, "how_long_overall", early) != answer(policy, "how_long_overall", late)


def test_liability_share_reflects_the_customers_own_change(policy: Policy) -> None:
    own = answer(policy, "liability_share", outage(), submitted=True)
    changed = answer(policy, "liability_share",
                     outage(liability=LiabilityFacts(customer_config_changed=True)),
                     submitted=True)
    assert own is not None and changed is not None
    assert "100%" in own and "100%" not in changed
    assert changed.endswith("(General information, not legal advice.)")


def test_a_draft_gets_no_liability_share_before_the_liability_questions(
    policy: Policy,
) -> None:
    assert answer(policy, "liability_share", outage()) is None


@pytest.mark.parametrize("stage", [Stage.COMPENSATED, Stage.CLOSED, Stage.WITHDRAWN])
def test_a_finished_case_gets_no_fresh_estimate(policy: Policy, stage: Stage) -> None:
    case = outage(reference="CLM-2026-000042")
    case.stage = stage
    text = answer(policy, "how_much_compensation", case, submitted=True)
    assert text is not None
    assert text.splitlines()[1] == policy.text("faq_case_finished", "en")
    assert "Compensation estimate" not in text


def test_court_answers_carry_the_legal_notice(policy: Policy) -> None:
    for topic in ("how_long_litigation", "how_long_enforcement"):
        text = answer(policy, topic, outage(), "zh")
        assert text is not None and text.endswith("（以上为一般信息，不构成法律意见。）")


def test_evidence_lists_what_is_still_missing(policy: Policy) -> None:
    checklist = assess_case(policy, outage(), now=NOW).evidence
    text = answer(policy, "evidence_to_keep", outage())
    assert text is not None
    for name in checklist.names(policy, "en", checklist.missing):
        assert name in text


@pytest.mark.parametrize("topic", ["force_majeure", "reach_human", "confidentiality"])
def test_general_topics_stay_generic(policy: Policy, topic: str) -> None:
    assert topic not in TAILORED
    assert answer(policy, topic, outage()) is None


def test_no_number_without_losses_or_downtime(policy: Policy) -> None:
    bare = Case(category=Category.OUTAGE, description="the site was down")
    assert answer(policy, "how_much_compensation", bare) is None
    assert answer(policy, "how_long_overall", bare) is not None  # time needs no amount


def test_no_tailored_answer_without_a_category(policy: Policy) -> None:
    assert answer(policy, "how_long_overall", Case(description="hello")) is None


def test_the_case_is_classified_when_the_customer_chose_no_category(policy: Policy) -> None:
    case = Case(description="your database lost two weeks of our records, data loss")
    text = answer(policy, "how_long_overall", case)
    assert text is not None and case.category is not None
