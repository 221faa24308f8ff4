from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from claims.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy, parse_policy


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_POLICY_PATH.read_text("utf-8"))
    return data


def broken(raw: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    node = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is KeyError:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


def test_shipped_policy_loads() -> None:
    policy = load_policy()
    assert policy.version == "2026.12-1"
    assert policy.compensation.cap_months == 12


ERRORS = [
    ("categories.hardware_fire", {"name": {"zh": "x", "en": "x"}},
     "categories.hardware_fire: unknown category 'hardware_fire'"),
    ("compensation.sla.hourly_credit_rate", "-0.01",
     "compensation.sla.hourly_credit_rate: must not be negative, got -0.01"),
    ("compensation.data_leak.per_record.CNY.economic.low", "-5",
     "compensation.data_leak.per_record.CNY.economic.low: must not be negative"),
    ("categories.outage", KeyError, "categories: missing categories: outage"),
    ("categories.outage.evidence.required", ["system_logs", "tea_leaves"],
     "unknown evidence kind 'tea_leaves'"),
    ("durations.stages.negotiation", {"low": 50, "high": 3},
     "durations.stages.negotiation: low (50) is greater than high (3)"),
    ("liability.customer_rules.customer_config_changed.share", "1.5",
     "must be at most 1, got 1.5"),
    ("compensation.proof_factors.proven", {"low": "1", "expected": "0.5", "high": "1"},
     "compensation.proof_factors.proven: must satisfy low <= expected <= high"),
    ("lines.direct_loss", KeyError, "lines: missing keys: direct_loss"),
    ("version", KeyError, "version: missing"),
    ("compensation.sla.max_credit", "lots", "not a number: 'lots'"),
    ("escalation.rules.moon_phase", {"weight": 1}, "unknown escalation rule"),
]


@pytest.mark.parametrize(("path", "value", "message"), ERRORS)
def test_invalid_policy_has_clear_error(raw: dict[str, Any], path: str, value: Any,
                                        message: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(broken(raw, path, value))
    assert message in str(info.value)


def test_env_var_and_file_errors(raw: dict[str, Any], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    custom = tmp_path / "policy.yaml"
    custom.write_text(yaml.safe_dump(broken(raw, "version", "custom-1"), allow_unicode=True),
                      "utf-8")
    monkeypatch.setenv("CLAIMS_POLICY_FILE", str(custom))
    assert load_policy().version == "custom-1"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(broken(raw, "compensation.sla.hourly_credit_rate", "-1")),
                   "utf-8")
    with pytest.raises(PolicyError, match=r"bad\.yaml: compensation\.sla\.hourly_credit_rate"):
        load_policy(bad)
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")
    (tmp_path / "junk.yaml").write_text("a: [", "utf-8")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(tmp_path / "junk.yaml")


def test_policy_cites_seeds() -> None:
    text = DEFAULT_POLICY_PATH.read_text("utf-8")
    for seed in ("000_3aa749e6c249615f.txt", "001_c235485f5fd39964.txt",
                 "002_8aac5a8fa07c8d29.txt", "003_7ee4b3f78b447e2a.txt",
                 "004_9128ca972436512a.txt"):
        assert seed in text
