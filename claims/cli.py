"""``python -m claims``: classify, estimate and explain from arguments or a JSON case.

Useful to support agents checking a number by hand and to tests; prints the same text the
bot shows (``--json`` prints the machine-readable result instead).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from claims.case import (
    Case,
    Category,
    DataLeak,
    EvidenceKind,
    EvidenceRef,
    LiabilityFacts,
    LossItem,
    LossKind,
    Money,
    TimelineEntry,
    TimelineKind,
    to_decimal,
)
from claims.categories import classify, classify_case
from claims.compensation import estimate_compensation
from claims.durations import estimate_case_durations
from claims.escalation import assess_escalation
from claims.evidence import evidence_checklist
from claims.policy import Policy, PolicyError, load_policy
from claims.render import (
    render_classification,
    render_durations,
    render_escalation,
    render_estimate,
    render_evidence,
)
from claims.stages import Stage

#: Fixed reference time for ``--downtime-hours`` so output does not depend on the clock.
REFERENCE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


class CliError(Exception):
    """Bad input on the command line; printed without a traceback."""


def _loss(spec: str, currency: str) -> LossItem:
    """``kind=amount`` or ``kind=amount:proven``."""
    try:
        kind, rest = spec.split("=", 1)
        amount, _, flag = rest.partition(":")
        return LossItem(LossKind(kind.strip()), Money(to_decimal(amount), currency),
                        proven=flag.strip().lower() in ("proven", "yes", "true", "1"))
    except (ValueError, TypeError) as exc:
        known = ", ".join(k.value for k in LossKind)
        raise CliError(f"--loss {spec!r}: expected kind=amount[:proven]; kinds: {known}") from exc


def _case_from_args(args: argparse.Namespace) -> Case:
    if args.case:
        raw = sys.stdin.read() if args.case == "-" else Path(args.case).read_text("utf-8")
        try:
            case = Case.from_dict(json.loads(raw))
        except (ValueError, KeyError, TypeError) as exc:
            raise CliError(f"invalid case JSON: {exc}") from exc
    else:
        case = Case(currency=args.currency)
    cur = case.currency
    if args.lang:
        case.language = args.lang
    if getattr(args, "text", None):
        case.description = " ".join(filter(None, [case.description, args.text]))
    if getattr(args, "category", None):
        case.category = Category(args.category)
    if getattr(args, "stage", None):
        case.stage = Stage(args.stage)
    if getattr(args, "monthly_fee", None) is not None:
        case.monthly_fee = Money(to_decimal(args.monthly_fee), cur)
    if getattr(args, "hourly_revenue", None) is not None:
        case.hourly_revenue = Money(to_decimal(args.hourly_revenue), cur)
    if getattr(args, "contract_cap", None) is not None:
        case.contract_cap = Money(to_decimal(args.contract_cap), cur)
    if getattr(args, "downtime_hours", None) is not None:
        hours = to_decimal(args.downtime_hours)
        case.timeline = [e for e in case.timeline
                         if e.kind not in (TimelineKind.STARTED, TimelineKind.RESTORED)]
        case.timeline += [
            TimelineEntry(TimelineKind.STARTED, REFERENCE_TIME, source="cli"),
            TimelineEntry(TimelineKind.RESTORED,
                          REFERENCE_TIME + timedelta(seconds=float(hours * 3600)), source="cli"),
        ]
    for spec in getattr(args, "loss", None) or []:
        case.losses.append(_loss(spec, cur))
    for kind in getattr(args, "have", None) or []:
        case.evidence.append(EvidenceRef(EvidenceKind(kind)))
    if getattr(args, "records", None):
        case.data_leak = DataLeak(args.records, tuple(args.data_kind or ()))
    if getattr(args, "company_share", None) is not None:
        case.liability = LiabilityFacts(company_share=to_decimal(args.company_share))
    for flag in ("customer_config_changed", "unsupported_hardware", "force_majeure",
                 "announced_maintenance"):
        if getattr(args, flag, False):
            setattr(case.liability, flag, True)
    if getattr(args, "third_party", None):
        case.liability = LiabilityFacts.from_dict(
            {**case.liability.to_dict(), "third_party": args.third_party})
    if getattr(args, "parties", None):
        case.parties = args.parties
    if getattr(args, "cross_border", False):
        case.cross_border = True
    return case


def _emit(args: argparse.Namespace, text: str, data: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


def _language(args: argparse.Namespace, case: Case | None = None) -> str:
    return str(args.lang or (case.language if case else "zh"))


def cmd_classify(policy: Policy, args: argparse.Namespace) -> None:
    if args.case:
        case = _case_from_args(args)
        result = classify_case(policy, case, args.hint or ())
        lang = _language(args, case)
    else:
        result = classify(policy, text=args.text or "", hints=args.hint or (),
                          data_kinds=args.data_kind or (), leaked_records=args.records or 0)
        lang = _language(args)
    _emit(args, render_classification(policy, result, lang), result.to_dict())


def cmd_estimate(policy: Policy, args: argparse.Namespace) -> None:
    case = _case_from_args(args)
    lang = _language(args, case)
    estimate = estimate_compensation(policy, case)
    durations = estimate_case_durations(policy, case, amount=estimate.expected,
                                        sla_credit_only=estimate.is_sla_credit_only())
    text = render_estimate(policy, estimate, lang) + "\n\n" + render_durations(
        policy, durations, lang)
    _emit(args, text, {"estimate": estimate.to_dict(), "durations": durations.to_dict()})


def cmd_durations(policy: Policy, args: argparse.Namespace) -> None:
    case = _case_from_args(args)
    amount = None if args.amount is None else Money(to_decimal(args.amount), case.currency)
    result = estimate_case_durations(policy, case, amount=amount,
                                     sla_credit_only=args.sla_credit_only)
    _emit(args, render_durations(policy, result, _language(args, case)), result.to_dict())


def cmd_evidence(policy: Policy, args: argparse.Namespace) -> None:
    case = _case_from_args(args)
    result = evidence_checklist(policy, case)
    _emit(args, render_evidence(policy, result, _language(args, case)), result.to_dict())


def cmd_escalate(policy: Policy, args: argparse.Namespace) -> None:
    case = _case_from_args(args)
    result = assess_escalation(policy, case, text=args.message or "")
    _emit(args, render_escalation(policy, result, _language(args, case)), result.to_dict())


def cmd_explain(policy: Policy, args: argparse.Namespace) -> None:
    """Everything at once: category, evidence, estimate, durations, escalation."""
    case = _case_from_args(args)
    lang = _language(args, case)
    cls = classify_case(policy, case)
    if case.category is None and cls.category is not None:
        case.category = cls.category
    estimate = estimate_compensation(policy, case)
    durations = estimate_case_durations(policy, case, amount=estimate.expected,
                                        sla_credit_only=estimate.is_sla_credit_only())
    checklist = evidence_checklist(policy, case)
    escalation = assess_escalation(policy, case)
    parts = [
        render_classification(policy, cls, lang),
        render_evidence(policy, checklist, lang),
        render_estimate(policy, estimate, lang),
        render_durations(policy, durations, lang),
        render_escalation(policy, escalation, lang),
    ]
    _emit(args, "\n\n".join(parts), {
        "classification": cls.to_dict(), "evidence": checklist.to_dict(),
        "estimate": estimate.to_dict(), "durations": durations.to_dict(),
        "escalation": escalation.to_dict(),
    })


def cmd_check_policy(policy: Policy, args: argparse.Namespace) -> None:
    print(f"ok: {policy.source} (version {policy.version})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m claims", description=__doc__)
    parser.add_argument("--policy", help="policy YAML (default: $CLAIMS_POLICY_FILE or shipped)")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--case", help="JSON case file (Case.to_dict format), or - for stdin")
        p.add_argument("--lang", choices=["zh", "en"], help="output language")
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
        p.add_argument("--currency", default="CNY")
        p.add_argument("--category", choices=[c.value for c in Category])
        p.add_argument("--stage", choices=[s.value for s in Stage])
        p.add_argument("--text", help="the customer's description")
        p.add_argument("--records", type=int, help="leaked personal records")
        p.add_argument("--data-kind", action="append", help="leaked data kind (repeatable)")

    def facts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--downtime-hours")
        p.add_argument("--monthly-fee")
        p.add_argument("--hourly-revenue")
        p.add_argument("--contract-cap")
        p.add_argument("--loss", action="append", help="kind=amount[:proven] (repeatable)")
        p.add_argument("--have", action="append", choices=[k.value for k in EvidenceKind],
                       help="evidence already provided (repeatable)")
        p.add_argument("--company-share", help="agreed company share, 0..1")
        p.add_argument("--customer-config-changed", action="store_true")
        p.add_argument("--unsupported-hardware", action="store_true")
        p.add_argument("--force-majeure", action="store_true")
        p.add_argument("--announced-maintenance", action="store_true")
        p.add_argument("--third-party", help="payment_gateway, network_provider, ...")
        p.add_argument("--parties", type=int)
        p.add_argument("--cross-border", action="store_true")

    p = sub.add_parser("classify", help="guess the incident category")
    common(p)
    p.add_argument("--hint", action="append", help="category hint from NLU (repeatable)")
    p.set_defaults(func=cmd_classify)
    for name, func, helptext in (
        ("estimate", cmd_estimate, "compensation and time-to-payment estimate"),
        ("durations", cmd_durations, "stage durations from the current stage"),
        ("evidence", cmd_evidence, "evidence checklist and what is missing"),
        ("escalate", cmd_escalate, "escalation rules and priority"),
        ("explain", cmd_explain, "all of the above"),
    ):
        p = sub.add_parser(name, help=helptext)
        common(p)
        facts(p)
        p.set_defaults(func=func)
        if name == "durations":
            p.add_argument("--amount")
            p.add_argument("--sla-credit-only", action="store_true")
        if name == "escalate":
            p.add_argument("--message", help="latest customer message to scan for signals")
    p = sub.add_parser("check-policy", help="validate the policy file")
    p.set_defaults(func=cmd_check_policy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        policy = load_policy(args.policy)
        args.func(policy, args)
    except (PolicyError, CliError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


__all__ = ["main", "build_parser", "Decimal"]
