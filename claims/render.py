"""Readable zh/en text for estimates, durations and checklists.

The CLI prints these and the bot shows the same text, so staff and customers see one
wording. All labels come from the policy's ``texts``; this module only lays them out.
"""

from __future__ import annotations

from decimal import Decimal

from claims.case import Category, LiabilityResult, Money, Reason
from claims.categories import Classification
from claims.compensation import SEPARATE, Estimate, LineItem, MethodOption
from claims.durations import DurationEstimate, Scenario
from claims.escalation import EscalationResult
from claims.evidence import EvidenceChecklist
from claims.formatting import percent
from claims.policy import Policy


def _colon(language: str) -> str:
    return "：" if language == "zh" else ": "


def _pct(share: Decimal) -> str:
    return f"{percent(share)}%"


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
    out.extend(_estimate_lines(policy, estimate, language))
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


def _span(line: LineItem | MethodOption) -> str:
    return f"{_money(line.low)} / {_money(line.expected)} / {_money(line.high)}"


def _line_block(lines: list[LineItem], language: str, indent: str) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.append(f"{indent}- {line.text(language)}")
        out.append(f"{indent}  {_span(line)}")
    return out


def _estimate_lines(policy: Policy, estimate: Estimate, language: str) -> list[str]:
    """Alternatives as options (the recommended one marked), then separate heads."""
    t = lambda key: policy.text(key, language)  # noqa: E731
    c = _colon(language)
    if len(estimate.options) < 2:
        lines = list(estimate.lines)
        return ["", t("lines") + c.strip(), *_line_block(lines, language, "  ")] if lines else []
    out = ["", t("methods") + c.strip()]
    for option in estimate.options:
        mark = ""
        if option.recommended:
            mark = f"（{t('recommended')}）" if language == "zh" else f" ({t('recommended')})"
        out.append(f"  - {option.text(language)}{c}{_span(option)}{mark}")
        out.extend(_line_block([x for x in estimate.lines if x.method == option.method],
                               language, "      "))
    separate = [x for x in estimate.lines if x.method == SEPARATE]
    if separate:
        out.extend(["", t("separate_heads") + c.strip(), *_line_block(separate, language, "  ")])
    return out


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
    """Time per remaining stage, the total until payment and the conditional extras."""
    t = lambda key: policy.text(key, language)  # noqa: E731
    c = _colon(language)
    days = t("days")
    out = [t("durations_title") + c.strip()]
    if estimate.finished:
        out.extend(f"  - {d.text(language)}" for d in estimate.drivers)
        return "\n".join(out)
    out.extend(_scenario(policy, estimate.expected, language))
    if estimate.no_payment:
        out.append(t("no_payment"))
        out.append(f"{t('time_to_decision')}{c}{estimate.low_days}–{estimate.high_days} {days}")
    else:
        out.append(f"{t('total_time')}{c}{estimate.low_days}–{estimate.high_days} {days}")
    if estimate.disputed is not None:
        d = estimate.disputed
        out.append(f"{t('if_disputed')}{c}{d.low_days}–{d.high_days} {days}")
    if estimate.conditional:
        out.append(t("possible_extra") + c.strip())
        out.extend(f"  - {s.zh if language == 'zh' else s.en}{c}+{s.low_days}–{s.high_days} {days}"
                   for s in estimate.conditional)
    if estimate.drivers:
        out.append(t("drivers") + c.strip())
        out.extend(f"  - {d.text(language)}" for d in estimate.drivers)
    return "\n".join(out)


def _classification_reason(policy: Policy, reason: str, language: str) -> str:
    """``hint:outage`` → the category's name; ``keyword:宕机`` → “宕机”; kinds by name."""
    kind, _, value = reason.partition(":")
    if kind == "hint":
        try:
            return policy.category_name(Category(value), language)
        except ValueError:
            return value
    if kind == "personal_data" and value.isdigit():
        return f"{value} 条个人信息" if language == "zh" else f"{value} personal records"
    if kind == "personal_data":
        sep = "、" if language == "zh" else ", "
        names = policy.data_kind_names
        return sep.join(names[k].get(language) if k in names else k for k in value.split(","))
    return f"“{value}”" if language == "zh" else f'"{value}"'


def render_classification(policy: Policy, result: Classification, language: str) -> str:
    c = _colon(language)
    name = policy.category_name(result.category, language)
    if result.category is not None and result.sub_type:
        sub = policy.categories[result.category].sub_types.get(result.sub_type)
        if sub is not None:
            name = f"{name} – {sub.name.get(language)}"
    confidence = _pct(Decimal(str(result.confidence)))
    lines = [f"{policy.text('category', language)}{c}{name}",
             f"{policy.text('confidence', language)}{c}{confidence}"]
    if result.reasons:
        sep = "、" if language == "zh" else ", "
        lines.append("  " + sep.join(_classification_reason(policy, r, language)
                                     for r in result.reasons))
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
    out.extend(f"  - {f.text(language)}" for f in result.fired)
    return "\n".join(out)
