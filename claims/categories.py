"""Incident categories and a transparent classifier over what the intake collected.

The classifier is deliberately simple and explainable: explicit hints (the NLU
``category`` entity) weigh most, then keywords from the policy, then facts such as leaked
personal data. Staff can see exactly why a category was chosen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from claims.case import Case, Category
from claims.policy import Policy

HINT_WEIGHT = 3
KEYWORD_WEIGHT = 1
DATA_KIND_WEIGHT = 2
#: One decisive word outweighs a hint and a generic keyword of another category.
DECISIVE_WEIGHT = 4
#: A score this high counts as fully supported evidence for a category.
FULL_SCORE = 4


@dataclass(frozen=True, slots=True)
class Classification:
    """The chosen category (or None), sub-type, a confidence in [0, 1] and why."""

    category: Category | None
    sub_type: str | None
    confidence: float
    reasons: tuple[str, ...]
    scores: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": None if self.category is None else self.category.value,
            "sub_type": self.sub_type,
            "confidence": self.confidence,
            "reasons": list(self.reasons),
            "scores": dict(self.scores),
        }


def category_names(policy: Policy, language: str) -> dict[str, str]:
    """Category value → display name in ``language``."""
    return {c.value: p.name.get(language) for c, p in policy.categories.items()}


def _matches(text: str, words: Iterable[str]) -> list[str]:
    found = [w for w in words if w and w in text]
    # Drop words contained in a longer matched word so "泄露" and "泄露了" count once.
    return [w for w in found if not any(w != o and w in o for o in found)]


def normalise_hint(hint: str) -> Category | None:
    """Map an entity value or a category's display name to a Category, if possible."""
    value = hint.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Category(value)
    except ValueError:
        return None


def classify(
    policy: Policy,
    *,
    text: str = "",
    hints: Iterable[str] = (),
    affected_systems: Iterable[str] = (),
    data_kinds: Iterable[str] = (),
    leaked_records: int = 0,
) -> Classification:
    """Pick the most likely category from the answers collected so far."""
    lowered = " ".join([text, *affected_systems]).lower()
    scores: dict[Category, int] = dict.fromkeys(Category, 0)
    reasons: dict[Category, list[str]] = {c: [] for c in Category}
    for hint in hints:
        cat = normalise_hint(hint)
        if cat is not None:
            scores[cat] += HINT_WEIGHT
            reasons[cat].append(f"hint:{cat.value}")
    for cat, cp in policy.categories.items():
        for word in _matches(lowered, (*cp.keywords_zh, *cp.keywords_en)):
            scores[cat] += KEYWORD_WEIGHT
            reasons[cat].append(f"keyword:{word}")
        decisive = _matches(lowered, cp.decisive)
        if decisive:
            scores[cat] += DECISIVE_WEIGHT
            reasons[cat].append(f"keyword:{decisive[0]}")
    kinds = [k for k in data_kinds if k]
    if kinds or leaked_records > 0:
        scores[Category.SECURITY_BREACH] += DATA_KIND_WEIGHT
        label = ",".join(kinds) if kinds else str(leaked_records)
        reasons[Category.SECURITY_BREACH].append(f"personal_data:{label}")
    ranked = sorted(Category, key=lambda c: (-scores[c], list(Category).index(c)))
    best = ranked[0]
    top = scores[best]
    nonzero = {c.value: s for c, s in scores.items() if s}
    if top == 0:
        return Classification(None, None, 0.0, (), nonzero)
    total = sum(scores.values())
    # Share of the evidence for the winner, damped when there is little evidence at all.
    confidence = (top / total) * min(1.0, top / FULL_SCORE)
    if scores[ranked[1]] == top:
        confidence = min(confidence, 0.5)
    sub = sub_type_for(policy, best, lowered, kinds)
    return Classification(best, sub, round(confidence, 2), tuple(reasons[best]), nonzero)


def sub_type_for(
    policy: Policy, category: Category, text: str, data_kinds: Iterable[str] = ()
) -> str | None:
    """The sub-type whose keywords match best, or None."""
    best: tuple[int, str] | None = None
    for key, sub in policy.categories[category].sub_types.items():
        hits = len(_matches(text.lower(), sub.keywords))
        if key == "personal_data_leak" and any(True for _ in data_kinds):
            hits += 2
        if hits and (best is None or hits > best[0]):
            best = (hits, key)
    return None if best is None else best[1]


def classify_case(policy: Policy, case: Case, hints: Iterable[str] = ()) -> Classification:
    """Classify a case from its description, systems and leak facts."""
    leak = case.data_leak
    all_hints = list(hints)
    if case.category is not None:
        all_hints.append(case.category.value)
    return classify(
        policy,
        text=case.description,
        hints=all_hints,
        affected_systems=case.affected_systems,
        data_kinds=leak.kinds if leak else (),
        leaked_records=leak.records if leak else 0,
    )
