"""Token patterns for the entity_ruler of our blank zh/jieba spaCy pipeline.

Only what a deterministic signal marks is tagged: case references, emails and phone
numbers, which the actions route on. Amounts, times, durations, percentages and counts are
parsed once, by ``understanding.amounts`` / ``understanding.timeparse`` in the action server
(exact Decimals and aware datetimes), so spaCy does not tag them (docs/architecture.md).

Why token patterns and not a jieba user dictionary: spaCy's Chinese tokenizer calls the global
``jieba.cut`` and has no user-dictionary setting for jieba, and the saved pipeline must load
in Rasa's process without any of our code.  So every pattern is written against the tokens
jieba really produces (see README.md, "Tokenization quirks"), e.g. ``CLM-2026-000123``
is ``clm | - | 2026 | - | 000123``.

All matching is on ``LOWER`` because Rasa's SpacyNLP lowercases the text by default
(``case_sensitive: false``); the patterns therefore work on either case.

Everything here is plain data built deterministically (fixed order, no sets), so the
generated ``patterns.jsonl`` is byte-identical between builds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

Token = dict
Seq = list  # a list of token specs
Alt = list  # a list of alternative token sequences

LABELS = ("case_reference", "email", "phone")
#: What follows the year in a case reference, lower-cased: an old sequential number or a
#: new random part. The same as ``db.references.SUFFIX`` (this file is run by .venv-rasa
#: and imports none of our packages; tests/unit/test_references.py checks the two agree).
REFERENCE_SUFFIX = r"(?:\d{6,}|[23456789abcdefghjkmnpqrstuvwxyz]{6})"


def rx(pattern: str, **extra: object) -> Token:
    """A token whose lowercased text fully matches ``pattern``."""
    return {"LOWER": {"REGEX": f"^(?:{pattern})$"}, **extra}


def lit(*words: str, **extra: object) -> Token:
    """A token equal (lowercased) to one of ``words``."""
    if len(words) == 1:
        return {"LOWER": words[0], **extra}
    return {"LOWER": {"IN": list(words)}, **extra}


def glued(token: Token, **extra: object) -> Token:
    """The same token, but with no whitespace after it (parts of one written string)."""
    return {**token, "SPACY": False, **extra}


def expand(*slots: Alt | Token) -> list[Seq]:
    """All token sequences formed by picking one alternative for each slot, in order.

    A slot is either one token spec (a dict) or a list of alternative token sequences.
    """
    choices = [[[slot]] if isinstance(slot, dict) else slot for slot in slots]
    for alt in choices:
        if any(not isinstance(seq, list) for seq in alt):
            raise TypeError(f"slot must be a token or a list of token lists: {alt!r}")
    return [[tok for part in combo for tok in part] for combo in itertools.product(*choices)]


def tagged(label: str, seqs: Iterable[Seq]) -> list[dict]:
    return [{"label": label, "pattern": seq} for seq in seqs if seq]


# ---------------------------------------------------------------- references and contacts
def case_reference() -> list[dict]:
    """CLM-2026-7K3QX9 (or an old CLM-2026-000123): five tokens with nothing between them."""
    return tagged(
        "case_reference",
        [
            [
                glued(lit("clm")),
                glued(lit("-")),
                glued(rx(r"\d{4}")),
                glued(lit("-")),
                rx(REFERENCE_SUFFIX),
            ]
        ],
    )


def email() -> list[dict]:
    """name.surname+tag@mail.example.com: jieba cuts at . _ + @, so glue the pieces."""
    local = glued(rx(r"[a-z0-9._%+-]+"), OP="+")
    domain = glued(rx(r"[a-z0-9.-]+"), OP="+")
    return tagged(
        "email",
        [[local, glued(lit("@")), domain, glued(lit(".")), rx("[a-z]{2,24}")]],
    )


def phone() -> list[dict]:
    """Chinese mobiles (bare, +86, grouped 3-4-4), landlines, and +CC international numbers."""
    seqs: list[Seq] = []
    cc: Alt = [[], [glued(lit("+")), rx("86")], [rx("86")], [glued(lit("+"))]]
    seqs += expand([[], [glued(lit("+"))]], rx(r"(?:0086|86)?1[3-9]\d{9}"))
    seqs += expand(cc, rx(r"1[3-9]\d{9}"))
    sep: Alt = [[], [glued(lit("-"), OP="?")]]
    seqs += expand(cc, rx(r"1[3-9]\d"), sep, rx(r"\d{4}"), sep, rx(r"\d{4}"))
    seqs += expand(
        [[], [glued(lit("+")), rx("86")]],
        glued(rx(r"0\d{2,3}")),
        glued(lit("-")),
        rx(r"\d{7,8}"),
    )
    # international: + CC then 2-4 groups of 2-4 digits (e.g. +1 415 555 0100)
    for n in (2, 3, 4):
        groups = [rx(r"\d{2,4}")] * n
        seqs.append([glued(lit("+")), rx(r"\d{1,3}"), *groups])
    # North American: (415) 555-0100, 415-555-0100
    seqs.append([lit("("), rx(r"\d{3}"), lit(")"), rx(r"\d{3}"), lit("-"), rx(r"\d{4}")])
    dash = glued(lit("-"))
    seqs.append([glued(rx(r"\d{3}")), dash, glued(rx(r"\d{3}")), dash, rx(r"\d{4}")])
    return tagged("phone", _dedupe(seqs))


# ---------------------------------------------------------------- all
def _dedupe(seqs: Sequence[Seq]) -> list[Seq]:
    """Drop repeated sequences, keeping first-seen order (deterministic)."""
    seen: set[str] = set()
    out: list[Seq] = []
    for seq in seqs:
        key = repr(seq)
        if key not in seen:
            seen.add(key)
            out.append(seq)
    return out


def all_patterns() -> list[dict]:
    """Every entity_ruler pattern, in a fixed order."""
    return [*case_reference(), *email(), *phone()]
