"""Run a built pipeline over texts and print the entities as JSON (for tests and debugging).

Why a separate process: the tests run in ``.venv`` (no spaCy), so they call this script with
the ``.venv-rasa`` interpreter.  Texts come as arguments, or as a JSON list on stdin with
``--stdin``.  Each result holds the entities found in the text as given and in the
lowercased text (what Rasa's SpacyNLP feeds spaCy by default), plus the token boundaries.

    .venv-rasa/bin/python nlu/spacy_pipeline/probe.py --model build/spacy_zh "损失10万元"
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "build" / "spacy_zh"


def _skip_heavy_backends() -> None:
    """Keep thinc from importing TensorFlow (installed for Rasa): it costs seconds per run.

    Only this script's process is affected; Rasa loads the saved pipeline in its own.
    """
    for name in ("tensorflow", "torch", "mxnet", "cupy"):
        sys.modules.setdefault(name, None)


def analyse(nlp, text: str) -> dict:
    """Entities of ``text`` (original and lowercased) with char offsets, and its tokens."""

    def ents(doc) -> list[list]:
        return [[e.label_, e.text, e.start_char, e.end_char] for e in doc.ents]

    doc = nlp(text)
    return {
        "text": text,
        "ents": ents(doc),
        "ents_lower": ents(nlp(text.lower())),
        "tokens": [[t.idx, t.idx + len(t.text), t.text] for t in doc],
    }


def main(argv: list[str] | None = None) -> int:
    _skip_heavy_backends()
    import spacy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--stdin", action="store_true", help="read a JSON list of texts")
    parser.add_argument("texts", nargs="*")
    args = parser.parse_args(argv)
    texts = json.load(sys.stdin) if args.stdin else args.texts
    nlp = spacy.load(args.model)
    results = [analyse(nlp, t) for t in texts]
    json.dump(results, sys.stdout, ensure_ascii=False, indent=None if args.stdin else 1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
