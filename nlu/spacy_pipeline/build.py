"""Build our spaCy pipeline: blank Chinese + jieba segmenter + an entity_ruler.

Why: no pretrained spaCy model can be downloaded here, and Rasa's SpacyNLP needs a pipeline
it can ``spacy.load(path)``.  The saved pipeline contains only built-in components (the
zh tokenizer and ``entity_ruler``), so it loads in Rasa's process where none of our code is
importable.  The output is deterministic: the same sources give byte-identical files.

Run with the Rasa environment::

    .venv-rasa/bin/python nlu/spacy_pipeline/build.py --out build/spacy_zh
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parents[1] / "build" / "spacy_zh"


def _skip_heavy_backends() -> None:
    """Keep thinc from importing TensorFlow (installed for Rasa): it costs seconds per run.

    Only this script's process is affected; Rasa loads the saved pipeline in its own.
    """
    for name in ("tensorflow", "torch", "mxnet", "cupy"):
        sys.modules.setdefault(name, None)


def make_nlp():
    """A blank zh pipeline with jieba and our entity_ruler patterns (not yet saved)."""
    _skip_heavy_backends()
    import spacy

    sys.path.insert(0, str(HERE))
    from patterns import all_patterns

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.meta["name"] = "claim_intake_zh"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Blank zh/jieba pipeline with entity_ruler patterns (claims bot)"
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True, "overwrite_ents": False})
    ruler.add_patterns(all_patterns())
    return nlp


def build(out: Path) -> Path:
    """Write the pipeline to ``out``, replacing whatever was there (idempotent)."""
    nlp = make_nlp()
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    out = build(args.out)
    n_patterns = sum(1 for _ in (out / "entity_ruler" / "patterns.jsonl").open(encoding="utf-8"))
    print(f"wrote spaCy pipeline to {out} ({n_patterns} entity_ruler patterns)")
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        print(f"  {path.relative_to(out)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
