"""scripts/training_data.py: what Rasa trains on is nlu/, faithfully and deterministically."""

from __future__ import annotations

from pathlib import Path

import yaml

from scripts.training_data import SOURCE, build, examples


def _intents(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
        if "intent" in block:
            out.setdefault(str(block["intent"]), []).extend(examples(block))
    return out


def test_the_faq_reaches_rasa_whole_as_plain_faq(tmp_path: Path) -> None:
    build(out=tmp_path)
    source = _intents(SOURCE / "faq.yml")
    written = _intents(tmp_path / "faq.yml")
    assert list(written) == ["faq"]
    every = {e for topic in source.values() for e in topic}
    assert set(written["faq"]) <= every
    elsewhere = {
        " ".join(e.lower().split())
        for path in SOURCE.glob("*.yml") if path.name != "faq.yml"
        for items in _intents(path).values() for e in items
    }  # fmt: skip
    missing = {e for e in every if e not in written["faq"]}
    assert {" ".join(e.lower().split()) for e in missing} <= elsewhere | {
        " ".join(e.lower().split()) for e in written["faq"]
    }


def test_small_talk_is_plain_and_everything_else_is_copied(tmp_path: Path) -> None:
    build(out=tmp_path)
    assert list(_intents(tmp_path / "chitchat.yml")) == ["chitchat"]
    assert (tmp_path / "intake.yml").read_bytes() == (SOURCE / "intake.yml").read_bytes()
    assert not (tmp_path / "spacy_pipeline").exists()


def test_the_data_is_deterministic_and_the_faq_has_no_duplicates(tmp_path: Path) -> None:
    build(out=tmp_path / "a")
    build(out=tmp_path / "b")
    for path in sorted((tmp_path / "a").rglob("*.yml")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    faq = [" ".join(e.lower().split()) for e in _intents(tmp_path / "a" / "faq.yml")["faq"]]
    assert len(set(faq)) == len(faq)
