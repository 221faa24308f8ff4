"""Case references: random, unambiguous, one shape everywhere (db/references.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from db import references

ROOT = Path(__file__).resolve().parents[2]


def spacy_patterns():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "patterns", ROOT / "nlu" / "spacy_pipeline" / "patterns.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_entity_ruler_accepts_what_the_references_module_does() -> None:
    assert references.SUFFIX.lower() == spacy_patterns().REFERENCE_SUFFIX


def test_new_references_are_random_and_unambiguous() -> None:
    drawn = {references.random_reference(2026) for _ in range(200)}
    assert len(drawn) == 200
    for ref in drawn:
        assert re.fullmatch(r"CLM-2026-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", ref)
        assert references.is_reference(ref)
        assert references.find_reference(f"查询{ref.lower()}的进度") == ref


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("status of CLM-2026-000123?", "CLM-2026-000123"),  # old sequential ones still work
        ("CLM-2026-000123有进展吗", "CLM-2026-000123"),
        ("clm-2026-7k3qx9", "CLM-2026-7K3QX9"),
        ("CLM-2026-7K3QXO", None),  # O is not in the alphabet
        ("CLM-2026-7K3QX9B", None),
        ("XCLM-2026-7K3QX9", None),
        ("no reference here", None),
    ],
)
def test_references_in_text(text: str, found: str | None) -> None:
    assert references.find_reference(text) == found
