"""Issue 17: one table test per finding of "Compensation fidelity"."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from claims.assessment import assess_case
from claims.case import Case, Category, DataLeak, LiabilityFacts, LossItem, LossKind, Stage
from claims.cli import main
from claims.compensation import estimate_compensation
from claims.durations import estimate_case_durations
from claims.escalation import assess_escalation
from claims.policy import DEFAULT_POLICY_PATH, Policy, PolicyError, parse_policy
from claims.render import render_durations, render_estimate
from claims.sources import numbers

from .conftest import cny, outage_case

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def loss(kind: str, amount: str, proven: bool = False) -> LossItem:
    return LossItem(LossKind(kind), cny(amount), proven=proven)


# --- 1. traceability ----------------------------------------------------------------------


def test_every_number_has_a_source(policy: Policy) -> None:
    raw = yaml.safe_load(DEFAULT_POLICY_PATH.read_text("utf-8"))
    paths = [p for p, _ in numbers(raw)]
    assert [n.path for n in policy.number_sources] == paths and len(paths) > 100
    for n in policy.number_sources:
        assert re.match(r"^(seed-00[0-4] §\S|house: \S)", n.source), n


REMARKED_AS_HOUSE = [
    "durations.stages.enforcement.low", "durations.stages.enforcement.high",
    "compensation.recall.extra_of_monthly_fee.expected",
    "compensation.proof_factors.proven.low", "durations.stages.litigation.high",
    "durations.stages.appraisal.high", "compensation.sla.hourly_credit_rate",
]
FROM_SEEDS = {
    "compensation.free_days_per_day": "seed-002",
    "durations.stages.negotiation.low": "seed-000",
    "durations.stages.appraisal.low": "seed-000",
    "durations.stages.litigation.low": "seed-000",
    "durations.sla_payment.high": "seed-002",
}


@pytest.mark.parametrize("path", REMARKED_AS_HOUSE)
def test_numbers_the_seeds_do_not_give_are_house_values(policy: Policy, path: str) -> None:
    source = {n.path: n.source for n in policy.number_sources}[path]
    assert source.startswith("house: ")


@pytest.mark.parametrize(("path", "seed"), FROM_SEEDS.items())
def test_seed_numbers_cite_their_seed(policy: Policy, path: str, seed: str) -> None:
    assert {n.path: n.source for n in policy.number_sources}[path].startswith(seed + " §")


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["sources"].pop("compensation.month_hours"),
     "sources: no source for compensation.month_hours"),
    (lambda d: d["compensation"].update(new_rate="0.3"),
     "sources: no source for compensation.new_rate"),
    (lambda d: d["sources"].update({"compensation.month_hours": "trust me"}),
     "expected 'seed-00N §...' or 'house: <reason>'"),
    (lambda d: d["sources"].update({"compensation.gone": "house: x"}),
     "sources: no number at compensation.gone"),
])
def test_a_number_without_a_source_fails_to_load(change: Any, message: str) -> None:
    data = copy.deepcopy(yaml.safe_load(DEFAULT_POLICY_PATH.read_text("utf-8")))
    change(data)
    with pytest.raises(PolicyError, match=re.escape(message)):
        parse_policy(data)


def test_policy_explain_lists_every_number(capsys: pytest.CaptureFixture[str],
                                           policy: Policy) -> None:
    code, out, _ = run(capsys, "policy", "--explain")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(policy.number_sources) + 1
    assert "compensation.free_days_per_day = 1  [seed-002 §三" in out
    assert lines[-1].endswith("house values, 0 without a source")


# --- 2. alternatives, not sums ------------------------------------------------------------

ALTERNATIVES = [
    # fields, recommended method, {method: expected}, total expected
    (dict(hours=10, category=Category.OUTAGE, monthly_fee=cny(20000), hourly_revenue=cny(3000)),
     "actual_loss", {"sla_credit": "5000.00", "actual_loss": "24000.00",
                     "free_service": "666.67"}, "24000.00"),
    (dict(hours=10, category=Category.OUTAGE, monthly_fee=cny(20000), hourly_revenue=cny(100)),
     "sla_credit", {"sla_credit": "5000.00", "actual_loss": "800.00",
                    "free_service": "666.67"}, "5000.00"),
    # the leak is a separate head: added to the recommended credit
    (dict(hours=10, category=Category.OUTAGE, monthly_fee=cny(20000), data_leak=DataLeak(100)),
     "sla_credit", {"sla_credit": "5000.00", "free_service": "666.67"}, "8000.00"),
    # no credit is owed below half the blame, so no free days are offered either
    (dict(hours=10, category=Category.OUTAGE, monthly_fee=cny(20000),
          liability=LiabilityFacts(unsupported_hardware=True, customer_ignored_notice=True)),
     None, {}, "0.00"),
]


@pytest.mark.parametrize(("fields", "recommended", "options", "total"), ALTERNATIVES)
def test_methods_are_alternatives(policy: Policy, fields: dict[str, Any], recommended: str | None,
                                  options: dict[str, str], total: str) -> None:
    fields = dict(fields)
    est = estimate_compensation(policy, outage_case(fields.pop("hours"), **fields))
    assert est.recommended == recommended
    assert {o.method: str(o.expected.amount) for o in est.options} == options
    assert str(est.expected.amount) == total
    for line in est.lines:
        assert line.in_total is (line.method in ("separate", recommended))


def test_the_rule_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "compensation.md").read_text("utf-8")
    assert "alternatives" in doc and "separate heads" in doc


# --- 3. validation at the edge --------------------------------------------------------------

BAD_CLI = [
    (["--monthly-fee", "-5"], "--monthly-fee: must not be negative"),
    (["--hourly-revenue", "-1", "--downtime-hours", "2"], "--hourly-revenue: must not be"),
    (["--contract-cap", "-100"], "--contract-cap: must not be negative"),
    (["--contract-cap", "0"], "contract_cap: must be greater than 0"),
    (["--downtime-hours", "100000000"], "--downtime-hours: must be at most 87840 hours"),
    (["--downtime-hours", "-3"], "--downtime-hours: must not be negative"),
    (["--downtime-hours", "soon"], "--downtime-hours: not a number of hours"),
    (["--loss", "direct=1e26"], "--loss: must be at most"),
    (["--monthly-fee", "1e26"], "--monthly-fee: must be at most"),
    (["--loss", "direct=100:maybe"], "must be proven or unproven"),
    (["--loss", "direct"], "expected kind=amount"),
    (["--parties", "-3"], "--parties: must be between 1 and 100, got -3"),
    (["--records", "-1"], "--records: must be between 0 and"),
    (["--company-share", "2"], "--company-share: must be between 0 and 1"),
    (["--currency", "EURO"], "currency"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_CLI)
def test_bad_cli_input_is_a_clear_error(capsys: pytest.CaptureFixture[str], argv: list[str],
                                        message: str) -> None:
    code, out, err = run(capsys, "estimate", "--category", "outage", *argv)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err and "Traceback" not in err


@pytest.mark.parametrize(("content", "message"), [
    ("[]", "case: expected a JSON object, got list"),
    ('{"losses": {"kind": "direct"}}', "losses: expected a list"),
    ('{"losses": [{"kind": "direct", "amount": "-5"}]}', "losses[0]"),
    ('{"monthly_fee": "-1"}', "monthly_fee: must not be negative"),
    ('{"parties": -3}', "parties: must be at least 1"),
    ('{"timeline": [{"kind": "started", "at": "yesterday"}]}', "timeline[0]"),
    ('{"data_leak": {"records": "many"}}', "data_leak"),
    ("{not json", "invalid case JSON"),
])
def test_bad_case_file_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        content: str, message: str) -> None:
    path = tmp_path / "case.json"
    path.write_text(content, "utf-8")
    code, _, err = run(capsys, "explain", "--case", str(path))
    assert code == 1 and message in err


def test_zero_fee_does_not_cap_a_proven_loss_at_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "--category", "outage", "--monthly-fee", "0",
                       "--loss", "direct=50000:proven", "--lang", "en")
    assert code == 0 and "Expected: 50,000.00 CNY" in out and "Contract cap: 1,000,000" in out


# --- 4. seed-faithful rules -----------------------------------------------------------------


def test_force_majeure_extends_the_deadline_only(policy: Policy) -> None:
    base = dict(category=Category.OUTAGE, losses=[loss("lost_orders", "50000", True)])
    plain = outage_case(10, **base)
    fm = outage_case(10, **base, liability=LiabilityFacts(force_majeure=True))
    e_plain, e_fm = estimate_compensation(policy, plain), estimate_compensation(policy, fm)
    assert e_fm.expected == e_plain.expected == cny("50000.00")
    assert e_fm.remedies == e_plain.remedies and not e_fm.liability.excluded
    assert "force_majeure" in [a.rule for a in e_fm.assumptions]
    d_plain = estimate_case_durations(policy, plain, estimate=e_plain)
    d_fm = estimate_case_durations(policy, fm, estimate=e_fm)
    extra = policy.durations.force_majeure_extra
    assert (d_fm.low_days, d_fm.high_days) == (d_plain.low_days + extra.low,
                                               d_plain.high_days + extra.high)


def test_an_exclusion_lists_no_remedies_and_no_payment(policy: Policy) -> None:
    case = outage_case(10, category=Category.SERVICE_INTERRUPTION, monthly_fee=cny(10000),
                       liability=LiabilityFacts(announced_maintenance=True))
    est = estimate_compensation(policy, case)
    durations = estimate_case_durations(policy, case, estimate=est)
    assert est.expected.is_zero() and est.remedies == ()
    assert durations.no_payment and all(s.step != "payment" for s in durations.expected.steps)
    text = render_durations(policy, durations, "en")
    assert "No payment is expected" in text and "time to payment" not in text


STAGE_TIMES = [
    # stage, expected total, conditional extra steps (000: appraisal only if disputed,
    # enforcement only if the judgment is not paid)
    (Stage.REPORTED, (24, 127), ["appraisal", "enforcement"]),  # no evidence yet
    (Stage.APPRAISAL, (64, 227), ["enforcement"]),
    (Stage.LITIGATION, (366, 735), ["enforcement"]),
    (Stage.ENFORCEMENT, (61, 370), []),
]


@pytest.mark.parametrize(("stage", "total", "extras"), STAGE_TIMES)
def test_conditional_dispute_stages(policy: Policy, stage: Stage, total: tuple[int, int],
                                    extras: list[str]) -> None:
    case = Case(category=Category.DATA_LOSS, stage=stage)
    result = estimate_case_durations(policy, case)
    assert (result.low_days, result.high_days) == total
    assert [c.step for c in result.conditional] == extras
    route = [s.step for s in (result.disputed.steps if result.disputed else ())]
    assert "appraisal" not in route[1:] and "enforcement" not in route


def test_sla_credit_is_anchored_to_the_interruption(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "--category", "service_interruption",
                       "--downtime-hours", "10", "--monthly-fee", "10000", "--lang", "en")
    assert code == 0 and "Expected time to payment: 1–5 days" in out
    assert "within 3 working days of the interruption" in out


@pytest.mark.parametrize(("kinds", "expected"), [
    (("name",), "6000.00"), (("id_number",), "6000.00"), (("phone_number",), "3000.00")])
def test_name_is_sensitive(policy: Policy, kinds: tuple[str, ...], expected: str) -> None:
    case = Case(category=Category.SECURITY_BREACH, data_leak=DataLeak(100, kinds))
    assert str(estimate_compensation(policy, case).expected.amount) == expected


@pytest.mark.parametrize(("currency", "expected", "rules"), [
    ("CNY", "3000.00", ["data_leak_economic", "data_leak_distress"]),
    ("USD", "450.00", ["data_leak_economic", "data_leak_distress"]),
    ("HKD", "3300.00", ["data_leak_economic", "data_leak_distress"]),
    ("JPY", "0.00", ["data_leak_no_rate"]),
])
def test_leak_items_in_any_currency(policy: Policy, currency: str, expected: str,
                                    rules: list[str]) -> None:
    case = Case(category=Category.SECURITY_BREACH, currency=currency, data_leak=DataLeak(100))
    est = estimate_compensation(policy, case)
    assert str(est.expected.amount) == expected and [x.rule for x in est.lines] == rules


@pytest.mark.parametrize("argv", [
    ["--category", "outage", "--downtime-hours", "10", "--monthly-fee", "20000"],
    ["--category", "service_interruption", "--downtime-hours", "40", "--monthly-fee", "10000"],
    ["--category", "security_breach", "--records", "5000", "--stage", "negotiation"],
    ["--category", "data_loss", "--loss", "direct=300000:proven", "--parties", "4"],
])
def test_one_duration_estimate_per_case(capsys: pytest.CaptureFixture[str],
                                        argv: list[str]) -> None:
    _, estimate_out, _ = run(capsys, "estimate", *argv, "--json")
    _, durations_out, _ = run(capsys, "durations", *argv, "--json")
    _, explain_out, _ = run(capsys, "explain", *argv, "--json")
    from_estimate = json.loads(estimate_out)["durations"]
    assert json.loads(durations_out) == from_estimate == json.loads(explain_out)["durations"]


def test_assessment_and_cli_share_the_timetable(policy: Policy) -> None:
    case = outage_case(10, category=Category.OUTAGE, monthly_fee=cny(20000))
    assessed = assess_case(policy, copy.deepcopy(case), now=NOW)
    assert assessed.durations == estimate_case_durations(policy, case, now=NOW)


# --- 5. explanations ------------------------------------------------------------------------

LIABILITY_TEXTS = [
    # facts, must appear (en), must not appear (en)
    ({}, "company's own fault", "remaining"),
    ({"customer_config_changed": True}, "remaining 30%", "own fault"),
    ({"third_party": "payment_gateway"}, "not counted here", "may recover"),
    ({"third_party": "cloud_provider", "unsupported_hardware": True}, "remaining 35%",
     "own fault"),
]


@pytest.mark.parametrize(("facts", "present", "absent"), LIABILITY_TEXTS)
def test_liability_texts_match_the_shares(policy: Policy, facts: dict[str, Any], present: str,
                                          absent: str) -> None:
    case = outage_case(5, category=Category.OUTAGE, liability=LiabilityFacts(**facts),
                       losses=[loss("direct", "1000", True)])
    text = render_estimate(policy, estimate_compensation(policy, case), "en")
    assert present in text and absent not in text


@pytest.mark.parametrize("category", [Category.SECURITY_BREACH, Category.RELEASE_RECALL])
def test_no_interruption_assumptions_for_leaks_and_recalls(policy: Policy,
                                                           category: Category) -> None:
    est = estimate_compensation(policy, Case(category=category, data_leak=DataLeak(10)))
    rules = {r.rule for r in (*est.assumptions, *est.sensitivities)}
    assert not rules & {"no_monthly_fee", "no_downtime", "give_monthly_fee", "give_times",
                        "uptime_from_downtime"}
    # a recall still needs the fee for its extra compensation, and says so in its own words
    assert ("no_monthly_fee_recall" in rules) is (category == Category.RELEASE_RECALL)


@pytest.mark.parametrize(("proven", "asks_for_proof"), [(True, False), (False, True)])
def test_documents_are_asked_for_only_when_something_is_unproven(
        policy: Policy, proven: bool, asks_for_proof: bool) -> None:
    case = Case(category=Category.DATA_LOSS, losses=[loss("direct", "5000", proven)])
    est = estimate_compensation(policy, case)
    assert ("add_proof" in [s.rule for s in est.sensitivities]) is asks_for_proof


def test_one_share_rounding_in_one_report(policy: Policy) -> None:
    case = outage_case(3, category=Category.OUTAGE, hourly_revenue=cny(1000),
                       losses=[loss("direct", "1000")],
                       liability=LiabilityFacts(company_share=Decimal("0.0125")))
    text = render_estimate(policy, estimate_compensation(policy, case), "en")
    assert set(re.findall(r"share (?:of )?(\d+(?:\.\d+)?)%", text)) == {"1.25"}


@pytest.mark.parametrize(("minutes", "hours_text", "expected"), [
    (620, "10.33 hours", "8264.00"),   # 10.33 h × 1,000 × 80%
    (90, "1.5 hours", "1200.00"),
])
def test_line_texts_can_be_recomputed(policy: Policy, minutes: int, hours_text: str,
                                      expected: str) -> None:
    case = outage_case(Decimal(minutes) / 60, category=Category.OUTAGE,
                       hourly_revenue=cny(1000))
    line = next(x for x in estimate_compensation(policy, case).lines
                if x.rule == "downtime_revenue")
    assert hours_text in line.en and "counted 50/80/100%" in line.en and "share of 100%" in line.en
    assert str(line.expected.amount) == expected


@pytest.mark.parametrize(("hours", "rule", "percent"), [
    (Decimal("0.5"), "sla_hourly_credit", "0.5"), (8, "sla_uptime_credit", "25"),
    (30, "sla_hourly_credit", "30"), (40, "sla_uptime_credit", "50"),
    (60, "sla_hourly_credit", "60")])
def test_every_sla_tier_is_reachable_from_downtime(policy: Policy, hours: Decimal | int,
                                                   rule: str, percent: str) -> None:
    case = outage_case(hours, category=Category.SERVICE_INTERRUPTION, monthly_fee=cny(10000))
    line = next(x for x in estimate_compensation(policy, case).lines if x.rule.startswith("sla"))
    assert line.rule == rule and f"{percent}% of the" in line.en


@pytest.mark.parametrize(("records", "kinds", "escalates"), [
    (5000, ("id_number",), True), (100, ("phone_number",), False)])
def test_escalation_counts_what_a_leak_is_worth(policy: Policy, records: int,
                                                kinds: tuple[str, ...], escalates: bool) -> None:
    case = Case(category=Category.SECURITY_BREACH, data_leak=DataLeak(records, kinds))
    assert ("loss_over_threshold" in assess_escalation(policy, case).rules) is escalates


CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(?:hint|keyword|personal_data):")


@pytest.mark.parametrize("argv", [
    ["--category", "outage", "--downtime-hours", "10", "--monthly-fee", "20000",
     "--loss", "lost_orders=3000", "--third-party", "payment_gateway"],
    ["--text", "服务器崩溃", "--records", "20", "--data-kind", "id_number", "--stage", "appraisal"],
    ["--category", "release_recall", "--monthly-fee", "800"],
])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_texts_use_customer_facing_labels(capsys: pytest.CaptureFixture[str], argv: list[str],
                                          lang: str) -> None:
    code, out, _ = run(capsys, "explain", *argv, "--lang", lang)
    assert code == 0 and not CODE.findall(out), CODE.findall(out)


# --- the documented examples are what the code prints ------------------------------------

ROOT = Path(__file__).resolve().parents[3]


def _examples(text: str) -> list[tuple[list[str], str]]:
    """Each ```sh block running ``python -m claims`` with the prose after it."""
    out = []
    for block in re.finditer(r"```sh\n(.*?)```(.*?)(?=```sh|\Z)", text, re.S):
        command = block.group(1).replace("\\\n", " ")
        if "-m claims estimate" in command:
            argv = command.split("-m claims", 1)[1].split()
            out.append((argv, block.group(2)))
    return out


@pytest.mark.parametrize("doc", ["docs/compensation.md", "README.md"])
def test_documented_examples_match_the_output(capsys: pytest.CaptureFixture[str],
                                              doc: str) -> None:
    examples = _examples((ROOT / doc).read_text("utf-8"))
    assert examples
    for argv, prose in examples:
        code, out, _ = run(capsys, *argv)
        assert code == 0
        expected = re.search(r"Expected: ([\d,.]+) CNY", out)
        assert expected is not None
        amount = expected.group(1).removesuffix(".00")
        assert amount in prose, (argv, amount)
        total = re.search(r"Expected time to payment: (\d+–\d+) days", out)
        assert total is not None and total.group(1) in prose, (argv, total)
