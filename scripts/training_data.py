"""Write the NLU data Rasa trains on, derived from `nlu/`, into build/training/nlu.

`nlu/` stays the one source of truth. Rasa's intent classifier only has to learn *that*
a message is an FAQ or small talk; which topic it is about is `understanding.topics`. So
the retrieval intents `faq/<topic>` and `chitchat/<topic>` become the plain intents `faq`
and `chitchat` (with no ResponseSelector, Rasa would only featurize every answer text for
nothing), and an FAQ question that appears anywhere else in `nlu/` is dropped from the FAQ
(one example, one intent). Every other file is copied unchanged. Deterministic: the same
`nlu/` always gives the same files.

    .venv/bin/python scripts/training_data.py [--out build/training/nlu]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "nlu"
OUT = ROOT / "build" / "training" / "nlu"
DEDUPED = {"faq.yml"}  # checked against every other file
PLAIN = ("faq", "chitchat")  # retrieval intents that reach Rasa without their topic


def examples(block: dict[str, object]) -> list[str]:
    lines = str(block.get("examples") or "").splitlines()
    return [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]


def _key(example: str) -> str:
    return " ".join(example.lower().split())


def plain_intent(intent: str) -> str:
    base = intent.split("/", 1)[0]
    return base if base in PLAIN else intent


def fresh(block: dict[str, object], seen: set[str]) -> list[str]:
    """The block's examples that no other file has, each once."""
    kept = []
    for example in examples(block):
        if _key(example) not in seen:
            seen.add(_key(example))
            kept.append(example)
    return kept


def intent_blocks(path: Path, seen: set[str] | None) -> list[tuple[str, list[str]]]:
    """(intent, examples) of a file, retrieval intents made plain and merged; without the
    examples in ``seen`` (those of every other file) when it is given."""
    merged: dict[str, list[str]] = {}
    for block in yaml.safe_load(path.read_text("utf-8")).get("nlu", []):
        kept = fresh(block, seen) if seen is not None else examples(block)
        merged.setdefault(plain_intent(str(block["intent"])), []).extend(kept)
    return list(merged.items())


def write_blocks(path: Path, blocks: list[tuple[str, list[str]]]) -> None:
    out = ['version: "3.1"', "# Written by scripts/training_data.py from nlu/.", "nlu:"]
    for intent, kept in blocks:
        out += [f"  - intent: {intent}", "    examples: |"] + [f"      - {e}" for e in kept]
    path.write_text("\n".join(out) + "\n", "utf-8")


def other_examples(paths: list[Path]) -> set[str]:
    seen: set[str] = set()
    for path in paths:
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
            if "intent" in block:
                seen.update(_key(e) for e in examples(block))
    return seen


def build(source: Path = SOURCE, out: Path = OUT) -> list[Path]:
    files = sorted(p for p in source.rglob("*.yml") if "spacy_pipeline" not in p.parts)
    if out.exists():
        shutil.rmtree(out)
    plain = [p for p in files if p.name not in DEDUPED]
    seen = other_examples(plain)
    written = []
    for path in files:
        target = out / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.name in DEDUPED:
            write_blocks(target, intent_blocks(path, seen))
        elif any(f"intent: {name}/" in path.read_text("utf-8") for name in PLAIN):
            write_blocks(target, intent_blocks(path, None))
        else:
            shutil.copyfile(path, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    written = build(out=args.out)
    sys.stdout.write(f"[train] wrote {len(written)} NLU files into {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
