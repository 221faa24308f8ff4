from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claims.case import Case, Category, EvidenceKind, EvidenceRef, Money
from claims.cli import main

ROOT = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_estimate_en(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "--category", "outage", "--downtime-hours", "10",
                       "--monthly-fee", "20000", "--hourly-revenue", "3000",
                       "--loss", "refund=15000:proven", "--lang", "en")
    assert code == 0
    assert "Expected: 39,000.00 CNY" in out  # actual losses, not also the credit
    assert "Low: 27,000.00 CNY" in out
    assert "Ways to compensate (choose one):" in out
    assert "Expected time to payment: 24–127 days" in out
    assert "not a promise of payment" in out


def test_estimate_zh_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "--category", "security_breach", "--records", "1000",
                       "--data-kind", "phone_number", "--lang", "zh")
    assert code == 0 and "预计：30,000.00 CNY" in out and "规则版本" in out
    code, out, _ = run(capsys, "estimate", "--category", "security_breach", "--records", "1000",
                       "--json")
    data = json.loads(out)
    assert data["estimate"]["expected"] == {"amount": "30000.00", "currency": "CNY"}
    assert data["durations"]["low_days"] > 0


def test_case_file_and_explain(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    case = Case(description="服务器崩溃，宕机了", monthly_fee=Money("5000"),
                evidence=[EvidenceRef(EvidenceKind.SYSTEM_LOGS)])
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case.to_dict(), ensure_ascii=False), "utf-8")
    code, out, _ = run(capsys, "explain", "--case", str(path), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["classification"]["category"] == Category.OUTAGE.value
    assert data["evidence"]["missing"] == ["screenshots", "contract_sla", "revenue_records"]
    assert data["escalation"]["escalate"] is False
    code, out, _ = run(capsys, "evidence", "--case", str(path), "--lang", "en")
    # no category yet, so the generic list applies
    assert "Still missing: screenshots, contract and SLA terms\n" in out


def test_other_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "classify", "--text", "用户身份证号被泄露了", "--lang", "en")
    assert code == 0 and "Security breach / data leak – Personal data leak" in out
    code, out, _ = run(capsys, "durations", "--stage", "litigation", "--lang", "en")
    assert "Expected time to payment: 366–735 days" in out
    assert "Enforcement (only if the judgment is not paid): +60–365 days" in out
    code, out, _ = run(capsys, "escalate", "--message", "我要起诉", "--lang", "zh")
    assert "客户提到律师、诉讼或仲裁" in out and "litigation_mentioned" not in out
    code, out, _ = run(capsys, "check-policy")
    assert code == 0 and out.startswith("ok: ")


def test_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "estimate", "--loss", "weather=5")
    assert code == 1 and "kind=amount" in err
    bad = tmp_path / "p.yaml"
    bad.write_text("version: x\n", "utf-8")
    code, _, err = run(capsys, "--policy", str(bad), "estimate")
    assert code == 1 and "p.yaml: stage_names: missing" in err


def test_python_dash_m() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "claims", "estimate", "--category", "service_interruption",
         "--downtime-hours", "40", "--monthly-fee", "10000", "--lang", "en"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Expected: 5,000.00 CNY" in proc.stdout  # the 50% tier (uptime 94.44%)
