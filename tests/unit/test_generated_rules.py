"""`stories/rules_intake.yml` is what `scripts/gen_rules.py` writes, and both follow the forms."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import yaml

from understanding.slots import FORM_SLOTS

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_rules.py"
RULES = ROOT / "stories" / "rules_intake.yml"


def gen_rules() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rules", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_rules_are_the_generated_ones() -> None:
    assert RULES.read_text("utf-8") == gen_rules().render(), (
        "stories/rules_intake.yml is stale: run .venv/bin/python scripts/gen_rules.py"
    )


def test_the_rules_chain_the_forms_in_the_domains_order() -> None:
    domain = yaml.safe_load((ROOT / "domain" / "intake.yml").read_text("utf-8"))
    assert gen_rules().FORMS == list(domain["forms"]) == list(FORM_SLOTS)
