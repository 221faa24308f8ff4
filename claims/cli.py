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
from claims.errors import ClaimsValidationError
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
from claims.sources import explain_lines
from claims.stages import Stage
from claims.validation import check_count, parse_amount, parse_hours

#: Fixed reference time for ``--downtime-hours`` so output does not depend on the clock.
REFERENCE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


class CliError(Exception):
    """Bad input on the command line; printed without a traceback."""


PROVEN_FLAGS = {"proven": True, "yes": True, "true": True, "1": True,
                "unproven": False, "no": False, "false": False, "0": False, "": False}


def _loss(policy: Policy, spec: str, currency: str) -> LossItem:
    """``kind=amount`` or ``kind=amount:proven`` (or ``:unproven``); anything else is an error."""
    usage = f"--loss {spec!r}: expected kind=amount[:proven|:unproven]"
    kind, sep, rest = spec.partition("=")
    amount, _, flag = rest.partition(":")
    try:
        loss_kind = LossKind(kind.strip())
    except ValueError:
        known = ", ".join(k.value for k in LossKind)
        raise CliError(f"{usage}; kinds: {known}") from None
    if not sep or flag.strip().lower() not in PROVEN_FLAGS:
        raise CliError(f"{usage}; the flag after ':' must be proven or unproven")
    value = parse_amount(policy, "--loss", amount)
    return LossItem(loss_kind, Money(value, currency),
                    proven=PROVEN_FLAGS[flag.strip().lower()])


def _read_case(path: str) -> Case:
    raw = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise CliError(f"invalid case JSON: {exc}") from exc
    return Case.from_dict(data)


def _case_from_args(policy: Policy, args: argparse.Namespace) -> Case:
    case = _read_case(args.case) if args.case else Case(currency=args.currency)
    cur = case.currency
    if args.lang:
        case.language = args.lang
    if getattr(args, "text", None):
        case.description = " ".join(filter(None, [case.description, args.text]))
    if getattr(args, "category", None):
        case.category = Category(args.category)
    if getattr(args, "stage", None):
        case.stage = Stage(args.stage)
    for flag in ("monthly_fee", "hourly_revenue", "contract_cap"):
        if getattr(args, flag, None) is not None:
            value = parse_amount(policy, "--" + flag.replace("_", "-"), getattr(args, flag))
            setattr(case, flag, Money(value, cur))
    _facts_from_args(policy, args, case)
    return case


def _facts_from_args(policy: Policy, args: argparse.Namespace, case: Case) -> None:
    """Timeline, losses, evidence, leak and liability flags; each value checked."""
    if getattr(args, "downtime_hours", None) is not None:
        hours = parse_hours(policy, "--downtime-hours", args.downtime_hours)
        case.timeline = [e for e in case.timeline
                         if e.kind not in (TimelineKind.STARTED, TimelineKind.RESTORED)]
        case.timeline += [
            TimelineEntry(TimelineKind.STARTED, REFERENCE_TIME, source="cli"),
            TimelineEntry(TimelineKind.RESTORED,
                          REFERENCE_TIME + timedelta(seconds=float(hours * 3600)), source="cli"),
        ]
    for spec in getattr(args, "loss", None) or []:
        case.losses.append(_loss(policy, spec, case.currency))
    for kind in getattr(args, "have", None) or []:
        case.evidence.append(EvidenceRef(EvidenceKind(kind)))
    if getattr(args, "records", None) is not None:
        check_count("--records", args.records, 0, policy.limits.max_records)
        case.data_leak = DataLeak(args.records, tuple(args.data_kind or ()))
    if getattr(args, "company_share", None) is not None:
        try:
            share = to_decimal(args.company_share)
        except (TypeError, ValueError) as exc:
            raise CliError(f"--company-share: not a number: {args.company_share!r}") from exc
        if not 0 <= share <= 1:
            raise CliError(f"--company-share: must be between 0 and 1, got {share}")
        case.liability = LiabilityFacts(company_share=share)
    for flag in ("customer_config_changed", "unsupported_hardware", "force_majeure",
                 "announced_maintenance"):
        if getattr(args, flag, False):
            setattr(case.liability, flag, True)
    if getattr(args, "third_party", None):
        case.liability = LiabilityFacts.from_dict(
            {**case.liability.to_dict(), "third_party": args.third_party})
    if getattr(args, "parties", None) is not None:
        check_count("--parties", args.parties, 1, policy.limits.max_parties)
        case.parties = args.parties
    if getattr(args, "cross_border", False):
        case.cross_border = True


def _emit(args: argparse.Namespace, text: str, data: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


def _language(args: argparse.Namespace, case: Case | None = None) -> str:
    return str(args.lang or (case.language if case else "zh"))


def cmd_classify(policy: Policy, args: argparse.Namespace) -> None:
    if args.case:
        case = _case_from_args(policy, args)
        result = classify_case(policy, case, args.hint or ())
        lang = _language(args, case)
    else:
        result = classify(policy, text=args.text or "", hints=args.hint or (),
                          data_kinds=args.data_kind or (), leaked_records=args.records or 0)
        lang = _language(args)
    _emit(args, render_classification(policy, result, lang), result.to_dict())


def cmd_estimate(policy: Policy, args: argparse.Namespace) -> None:
    case = _case_from_args(policy, args)
    lang = _language(args, case)
    estimate = estimate_compensation(policy, case)
    durations = estimate_case_durations(policy, case, estimate=estimate)
    text = render_estimate(policy, estimate, lang) + "\n\n" + render_durations(
        policy, durations, lang)
    _emit(args, text, {"estimate": estimate.to_dict(), "durations": durations.to_dict()})


def cmd_durations(policy: Policy, args: argparse.Namespace) -> None:
    case = _case_from_args(policy, args)
    result = estimate_case_durations(policy, case)
    _emit(args, render_durations(policy, result, _language(args, case)), result.to_dict())


def cmd_evidence(policy: Policy, args: argparse.Namespace) -> None:
    case = _case_from_args(policy, args)
    result = evidence_checklist(policy, case)
    _emit(args, render_evidence(policy, result, _language(args, case)), result.to_dict())


def cmd_escalate(policy: Policy, args: argparse.Namespace) -> None:
    case = _case_from_args(policy, args)
    result = assess_escalation(policy, case, text=args.message or "")
    _emit(args, render_escalation(policy, result, _language(args, case)), result.to_dict())


def cmd_explain(policy: Policy, args: argparse.Namespace) -> None:
    """Everything at once: category, evidence, estimate, durations, escalation."""
    case = _case_from_args(policy, args)
    lang = _language(args, case)
    cls = classify_case(policy, case)
    if case.category is None and cls.category is not None:
        case.category = cls.category
    estimate = estimate_compensation(policy, case)
    durations = estimate_case_durations(policy, case, estimate=estimate)
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


def cmd_policy(policy: Policy, args: argparse.Namespace) -> None:
    """The policy's version and, with ``--explain``, every number with its source."""
    traced = list(policy.number_sources)
    house = sum(1 for n in traced if n.source.startswith("house:"))
    if args.explain:
        print("\n".join(explain_lines(traced)))
    print(f"{policy.source} (version {policy.version}): {len(traced)} numbers, "
          f"{len(traced) - house} from the seeds, {house} house values, 0 without a source")


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
        if name == "escalate":
            p.add_argument("--message", help="latest customer message to scan for signals")
    p = sub.add_parser("check-policy", help="validate the policy file")
    p.set_defaults(func=cmd_check_policy)
    p = sub.add_parser("policy", help="the policy's numbers and where each comes from")
    p.add_argument("--explain", action="store_true", help="list every number with its source")
    p.set_defaults(func=cmd_policy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        policy = load_policy(args.policy)
        args.func(policy, args)
    except (PolicyError, CliError, ClaimsValidationError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


__all__ = ["main", "build_parser", "Decimal"]
