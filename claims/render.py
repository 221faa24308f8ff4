"""Readable zh/en text for estimates, durations and checklists.

The CLI prints these and the bot shows the same text, so staff and customers see one
wording. All labels come from the policy's ``texts``; this module only lays them out.
"""

from __future__ import annotations

from claims.case import LiabilityResult, Money, Reason
from claims.categories import Classification
from claims.compensation import Estimate
from claims.durations import DurationEstimate, Scenario
from claims.escalation import EscalationResult
from claims.evidence import EvidenceChecklist
from claims.policy import Policy


def _colon(language: str) -> str:
    return "：" if language == "zh" else ": "


def _pct(share: object) -> str:
    from decimal import Decimal

    value = Decimal(str(share)) * 100
    return f"{value.quantize(Decimal('0.1')).normalize():f}%"


def _money(m: Money) -> str:
    return str(m)


def render_estimate(policy: Policy, estimate: Estimate, language: str) -> str:
    """The compensation estimate as a short report."""
    t = lambda key: policy.text(key, language)  # noqa: E731
    c = _colon(language)
    out = [f"{t('estimate_title')}"]
    out.append(f"  {t('low')}{c}{_money(estimate.low)}")
    out.append(f"  {t('expected')}{c}{_money(estimate.expected)}")
    out.append(f"  {t('high')}{c}{_money(estimate.high)}")
    if estimate.cap is None:
        out.append(f"  {t('cap')}{c}{t('no_cap')}")
    else:
        suffix = ""
        if estimate.capped:
            suffix = f"（{t('capped')}）" if language == "zh" else f" ({t('capped')})"
        out.append(f"  {t('cap')}{c}{_money(estimate.cap)}{suffix}")
    out.append("")
    out.append(render_liability(policy, estimate.liability, language))
    if estimate.lines:
        out.append("")
        out.append(t("lines") + c.strip())
        for line in estimate.lines:
            span = f"{_money(line.low)} / {_money(line.expected)} / {_money(line.high)}"
            if not line.in_total:
                span = f"{_money(line.expected)} ({t('not_in_total')})"
            out.append(f"  - {line.text(language)}")
            out.append(f"    {span}")
    for key, items in (("assumptions", estimate.assumptions),
                       ("sensitivities", estimate.sensitivities),
                       ("remedies", estimate.remedies)):
        if items:
            out.append("")
            out.append(render_reasons(policy, key, items, language))
    out.append("")
    out.append(estimate.notice.text(language))
    out.append(f"({t('policy_version')} {estimate.policy_version})")
    return "\n".join(out)


def render_liability(policy: Policy, liability: LiabilityResult, language: str) -> str:
    """The company's share of the blame and the rules that set it."""
    t = lambda key: policy.text(key, language)  # noqa: E731
    out = [f"{t('liability')}{_colon(language)}{t('company_share')} "
           f"{_pct(liability.company_share)}"]
    out.extend(f"  - {r.text(language)}" for r in liability.reasons)
    return "\n".join(out)


def render_reasons(policy: Policy, title: str, items: tuple[Reason, ...], language: str) -> str:
    """A titled list (assumptions, sensitivities, remedies)."""
    out = [policy.text(title, language) + _colon(language).strip()]
    out.extend(f"  - {r.text(language)}" for r in items)
    return "\n".join(out)


def _scenario(policy: Policy, scenario: Scenario, language: str) -> list[str]:
    days = policy.text("days", language)
    c = _colon(language)
    return [
        f"  - {s.zh if language == 'zh' else s.en}{c}{s.low_days}–{s.high_days} {days}"
        for s in scenario.steps
    ]


def render_durations(policy: Policy, estimate: DurationEstimate, language: str) -> str:
    """Time per remaining stage and the total until payment."""
    t = lambda key: policy.text(key, language)  # noqa: E731
    c = _colon(language)
    days = t("days")
    out = [t("durations_title") + c.strip()]
    if estimate.finished:
        out.extend(f"  - {d.text(language)}" for d in estimate.drivers)
        return "\n".join(out)
    out.extend(_scenario(policy, estimate.expected, language))
    out.append(f"{t('total_time')}{c}{estimate.low_days}–{estimate.high_days} {days}")
    if estimate.disputed is not None:
        d = estimate.disputed
        out.append(f"{t('if_disputed')}{c}{d.low_days}–{d.high_days} {days}")
    if estimate.drivers:
        out.append(t("drivers") + c.strip())
        out.extend(f"  - {d.text(language)}" for d in estimate.drivers)
    return "\n".join(out)


def render_classification(policy: Policy, result: Classification, language: str) -> str:
    c = _colon(language)
    name = policy.category_name(result.category, language)
    if result.category is not None and result.sub_type:
        sub = policy.categories[result.category].sub_types.get(result.sub_type)
        if sub is not None:
            name = f"{name} – {sub.name.get(language)}"
    lines = [f"{policy.text('category', language)}{c}{name}",
             f"{policy.text('confidence', language)}{c}{_pct(result.confidence)}"]
    if result.reasons:
        lines.append("  " + ", ".join(result.reasons))
    return "\n".join(lines)


def render_evidence(policy: Policy, checklist: EvidenceChecklist, language: str) -> str:
    c = _colon(language)
    sep = "、" if language == "zh" else ", "
    out = [policy.text("evidence_title", language) + c.strip()]
    for kind in checklist.required:
        mark = "✓" if kind in checklist.present else "✗"
        out.append(f"  {mark} {policy.evidence_names[kind].get(language)}")
    if checklist.missing:
        names = sep.join(checklist.names(policy, language, checklist.missing))
        out.append(f"{policy.text('evidence_missing', language)}{c}{names}")
    return "\n".join(out)


def render_escalation(policy: Policy, result: EscalationResult, language: str) -> str:
    c = _colon(language)
    title = policy.text("escalation_title", language)
    if not result.fired:
        return f"{title}{c}{policy.text('no_escalation', language)}"
    out = [f"{title}{c}{policy.text('priority', language)} {result.priority}"]
    out.extend(f"  - [{f.rule}] {f.text(language)}" for f in result.fired)
    return "\n".join(out)
