"""The intake's system and personal-data lexicons are the NLU files' vocabulary."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from claims.policy import load_policy
from tests.unit.test_nlu_data import CANONICAL
from understanding.nlu_data import lookup, synonyms
from understanding.nlu_lexicons import (
    DATA_KINDS,
    EXTRA_DATA_KINDS,
    EXTRA_SYSTEMS,
    data_kinds,
    phrase_pattern,
    system_phrases,
    systems,
)

ROOT = Path(__file__).resolve().parents[3]


def _found(table: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> list[str]:
    return [code for code, pattern in table if pattern.search(text)]


def test_every_system_lookup_phrase_is_found_as_a_system() -> None:
    missing = [p for p in lookup("system") if not _found(systems(), p)]
    assert missing == ["email"]  # also reads "emails", a personal-data kind: left to the CRF


def test_every_system_synonym_is_found_as_its_own_code() -> None:
    for code, phrases in system_phrases().items():
        for phrase in phrases:
            if phrase != "email":
                assert code in _found(systems(), phrase), (code, phrase)


def test_every_data_kind_synonym_is_found_as_its_own_code() -> None:
    for code in DATA_KINDS:
        for phrase in synonyms()[code]:
            assert code in _found(data_kinds(), phrase), (code, phrase)


def test_the_codes_are_the_nlu_files_codes() -> None:
    assert [code for code, _ in systems()] == list(system_phrases())
    assert set(EXTRA_SYSTEMS) <= set(system_phrases())
    assert set(DATA_KINDS) <= set(synonyms())
    assert set(EXTRA_DATA_KINDS) <= set(DATA_KINDS)


def test_the_data_kinds_are_the_policys() -> None:
    assert set(DATA_KINDS) == set(load_policy().data_kind_names)


def test_systems_follow_the_test_data_canonical_list() -> None:
    assert set(system_phrases()) == CANONICAL["system"]
    assert set(DATA_KINDS) == CANONICAL["data_kind"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("我的payment系统挂了", ["payment"]),  # a Latin word inside Chinese
        ("our web site and the log-in page", ["login", "website"]),
        ("the websites were down", ["website"]),
        ("apple pay failed", []),  # "app" is a whole word
        ("數據庫連不上", ["database"]),  # traditional spelling, from the extras
        ("the postgresql cluster", ["database"]),
        ("网络中断", ["network"]),
        ("our email service is down", ["email"]),
        ("customers got phishing emails", []),  # "emails" is a personal-data kind: the CRF decides
    ],
)
def test_systems_in_text(text: str, found: list[str]) -> None:
    assert sorted(_found(systems(), text)) == sorted(found)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("my name is Li", []),  # "name" alone is no data kind, "names" is
        ("names and emails leaked", ["email_address", "name"]),
        ("send me an email", []),
        ("手机号和身份证号", ["id_number", "phone_number"]),
        ("a home address", ["address"]),
    ],
)
def test_data_kinds_in_text(text: str, found: list[str]) -> None:
    assert sorted(_found(data_kinds(), text)) == sorted(found)


def test_phrase_pattern() -> None:
    assert phrase_pattern("支付") == "支付"
    assert phrase_pattern("web site") == r"(?<![a-z0-9])web[ \-]?site(?:s|es)?(?![a-z0-9])"


def test_nothing_is_read_at_import_time() -> None:
    code = (
        "import understanding.extraction, understanding.nlu_data as d; "
        "assert d.synonyms.cache_info().currsize == 0; "
        "assert d.lookup.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
