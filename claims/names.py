"""Every customer-facing name of a code, in zh and en: the one way code turns a code into words.

Why one home: customers saw two names for one stage when the gateway kept its own list
beside the policy's. The names are data in the policy file (``stage_names``,
``categories.<code>.name``, ``reason_names``, ``evidence_names``, ``loss_names``), validated
on load so every code has both names; the bot, the staff notifications, the case packet and
the staff console read them only through :class:`Names`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from claims.case import Category, EvidenceKind, LossKind
from claims.policy import ESCALATION_REASONS, Bilingual, Policy
from claims.stages import Stage

Kind = Literal["stage", "category", "reason", "evidence", "loss"]
KINDS: tuple[Kind, ...] = ("stage", "category", "reason", "evidence", "loss")

#: Every code of every kind the domain knows.
CODES: dict[Kind, tuple[str, ...]] = {
    "stage": tuple(s.value for s in Stage),
    "category": tuple(c.value for c in Category),
    "reason": tuple(sorted(ESCALATION_REASONS)),
    "evidence": tuple(e.value for e in EvidenceKind),
    "loss": tuple(k.value for k in LossKind),
}


def spoken(code: str) -> str:
    """A code nobody named yet (e.g. an old reason in the database), as plain words."""
    return code.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Names:
    """The names of one policy; unknown codes read as words, never as ``snake_case``."""

    policy: Policy

    def _table(self, kind: Kind) -> dict[str, Bilingual]:
        p = self.policy
        if kind == "stage":
            return {s.value: n for s, n in p.stage_names.items()}
        if kind == "category":
            return {c.value: cp.name for c, cp in p.categories.items()}
        if kind == "reason":
            return dict(p.reason_names)
        if kind == "evidence":
            return {e.value: n for e, n in p.evidence_names.items()}
        return {k.value: n for k, n in p.loss_names.items()}

    def of(self, kind: Kind, code: str, language: str | None) -> str:
        """The name of ``code`` in ``language`` (English unless ``zh``)."""
        name = self._table(kind).get(str(code))
        return name.get(language or "en") if name is not None else spoken(str(code))

    def both(self, kind: Kind, code: str) -> Bilingual | None:
        return self._table(kind).get(str(code))

    def stage(self, code: str, language: str | None) -> str:
        return self.of("stage", code, language)

    def category(self, code: str | None, language: str | None) -> str:
        if code is None:
            return self.policy.text("unknown_category", language or "en")
        return self.of("category", code, language)

    def reason(self, code: str, language: str | None = "en") -> str:
        return self.of("reason", code, language)

    def evidence(self, code: str, language: str | None) -> str:
        return self.of("evidence", code, language)

    def loss(self, code: str, language: str | None) -> str:
        return self.of("loss", code, language)

    def stages(self, language: str | None) -> dict[str, str]:
        """Stage code → name, in the stage order (for pickers and the stage graph)."""
        return {code: self.stage(code, language) for code in CODES["stage"]}
