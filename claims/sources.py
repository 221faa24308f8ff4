"""Where each policy number comes from: a seed article or a house default.

Every number in the policy file must be traceable, so a reader can tell a figure the seed
articles give from one we chose. The `sources` section maps a dotted key path (a number,
or the group holding it) to ``seed-00N §section: ...`` or ``house: <reason>``; loading
fails when a number has none, and ``python -m claims policy --explain`` prints them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

#: Sections of the policy file that hold numbers (texts and keyword lists do not).
NUMERIC_SECTIONS = ("liability", "compensation", "limits", "durations", "escalation")
SOURCE_FORMAT = re.compile(r"^(seed-00\d §\S.*|house: \S.*)$")
#: A source on a top-level section would cover too much to be a real citation.
MIN_SOURCE_DEPTH = 1


class SourceError(ValueError):
    """A number without a source, a malformed source, or a source for nothing."""


@dataclass(frozen=True, slots=True)
class NumberSource:
    """One number of the policy file with the source that covers it."""

    path: str
    value: str
    source: str
    covered_by: str


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        try:
            Decimal(value)
        except InvalidOperation:
            return False
        return True
    return False


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in ("zh", "en"):
                continue
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")
    elif _is_number(node):
        yield path, node


def numbers(root: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every numeric leaf of the numeric sections as (dotted path, value)."""
    for section in NUMERIC_SECTIONS:
        if section in root:
            yield from _walk(root[section], section)


def _ancestors(path: str) -> Iterator[str]:
    """``a.b[0].c`` → ``a.b[0].c``, ``a.b[0]``, ``a.b``, ``a``."""
    current = path
    while current:
        yield current
        cut = max(current.rfind("."), current.rfind("["))
        if cut <= 0:
            return
        current = current[:cut]


def _depth(path: str) -> int:
    return path.count(".") + path.count("[")


def trace_numbers(root: Mapping[str, Any]) -> list[NumberSource]:
    """Pair each number with its source; raise :class:`SourceError` for any gap."""
    raw = root.get("sources")
    if not isinstance(raw, Mapping):
        raise SourceError("sources: missing (every number needs a source)")
    sources = {str(k): str(v) for k, v in raw.items()}
    for key, text in sources.items():
        if not SOURCE_FORMAT.match(text):
            raise SourceError(f"sources.{key}: expected 'seed-00N §...' or 'house: <reason>'")
    result: list[NumberSource] = []
    used: set[str] = set()
    for path, value in numbers(root):
        cover = next((a for a in _ancestors(path)
                      if a in sources and _depth(a) >= MIN_SOURCE_DEPTH), None)
        if cover is None:
            raise SourceError(f"sources: no source for {path}")
        used.add(cover)
        result.append(NumberSource(path, str(value), sources[cover], cover))
    stale = sorted(set(sources) - used)
    if stale:
        raise SourceError(f"sources: no number at {', '.join(stale)}")
    return result


def explain_lines(traced: list[NumberSource]) -> list[str]:
    """One line per number: path, value and source."""
    return [f"{n.path} = {n.value}  [{n.source}]" for n in traced]
