"""Claim stages and the transitions between them.

The stage graph is structural (it encodes how a claim moves through intake, talks,
appraisal and the courts), so it lives in code; how long each stage takes is policy
(see ``durations.py`` and ``policy.yaml``).
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a claim is in its life; values are stored in the db and sent as JSON."""

    REPORTED = "reported"
    EVIDENCE_COLLECTION = "evidence_collection"
    INVESTIGATION = "investigation"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    APPRAISAL = "appraisal"
    LITIGATION = "litigation"
    ENFORCEMENT = "enforcement"
    COMPENSATED = "compensated"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


S = Stage

#: Allowed next stages. A customer may withdraw at any open stage; the company may
#: reject after looking at the facts; a rejection can still be fought in court.
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    S.REPORTED: frozenset({S.EVIDENCE_COLLECTION, S.WITHDRAWN, S.REJECTED}),
    S.EVIDENCE_COLLECTION: frozenset({S.INVESTIGATION, S.WITHDRAWN, S.REJECTED}),
    S.INVESTIGATION: frozenset(
        {S.PROPOSAL, S.EVIDENCE_COLLECTION, S.WITHDRAWN, S.REJECTED}
    ),
    S.PROPOSAL: frozenset({S.NEGOTIATION, S.COMPENSATED, S.WITHDRAWN, S.REJECTED}),
    S.NEGOTIATION: frozenset(
        {S.COMPENSATED, S.APPRAISAL, S.LITIGATION, S.CLOSED, S.WITHDRAWN}
    ),
    S.APPRAISAL: frozenset({S.NEGOTIATION, S.LITIGATION, S.WITHDRAWN}),
    S.LITIGATION: frozenset({S.ENFORCEMENT, S.COMPENSATED, S.CLOSED, S.WITHDRAWN}),
    S.ENFORCEMENT: frozenset({S.COMPENSATED, S.CLOSED}),
    S.COMPENSATED: frozenset({S.CLOSED}),
    S.REJECTED: frozenset({S.NEGOTIATION, S.LITIGATION, S.CLOSED}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

#: Stages after which no money is expected to move any more.
TERMINAL: frozenset[Stage] = frozenset({S.COMPENSATED, S.CLOSED, S.WITHDRAWN})

#: Stages whose transition needs a written reason (the customer must be told why).
NEEDS_REASON: frozenset[Stage] = frozenset({S.REJECTED, S.WITHDRAWN})

#: The usual path to payment, used to sum durations from the current stage.
HAPPY_PATH: tuple[Stage, ...] = (
    S.REPORTED,
    S.EVIDENCE_COLLECTION,
    S.INVESTIGATION,
    S.PROPOSAL,
    S.NEGOTIATION,
    S.COMPENSATED,
)

#: The path when talks fail and the claim goes to court. Appraisal (only when the two
#: sides disagree on liability or amount) and enforcement (only when a judgment is not
#: paid) are conditional, seed 000, so they are not on it; see ``CONDITIONAL``.
DISPUTE_PATH: tuple[Stage, ...] = (
    S.REPORTED,
    S.EVIDENCE_COLLECTION,
    S.INVESTIGATION,
    S.PROPOSAL,
    S.NEGOTIATION,
    S.LITIGATION,
    S.COMPENSATED,
)

#: Stages that happen only under a condition, with the text key naming it.
CONDITIONAL: dict[Stage, str] = {
    S.APPRAISAL: "only_if_disputed",
    S.ENFORCEMENT: "only_if_unpaid",
}

#: The stages before a decision on the claim is made.
DECISION_PATH: tuple[Stage, ...] = HAPPY_PATH[: HAPPY_PATH.index(S.PROPOSAL) + 1]


class InvalidTransition(ValueError):
    """Raised for a move the stage graph does not allow; carries the allowed targets."""

    def __init__(self, current: Stage, target: Stage, allowed: frozenset[Stage]) -> None:
        self.current = current
        self.target = target
        self.allowed: tuple[Stage, ...] = tuple(sorted(allowed, key=lambda s: s.value))
        names = ", ".join(s.value for s in self.allowed) or "none (final stage)"
        super().__init__(f"cannot move from {current.value} to {target.value}; allowed: {names}")


def allowed_next(current: Stage) -> frozenset[Stage]:
    """The stages a claim may move to from ``current``."""
    return TRANSITIONS[Stage(current)]


def can_move(current: Stage, target: Stage) -> bool:
    """True when the stage graph allows ``current`` → ``target``."""
    return Stage(target) in TRANSITIONS[Stage(current)]


def check_transition(current: Stage, target: Stage) -> None:
    """Raise :class:`InvalidTransition` unless ``current`` → ``target`` is allowed."""
    if not can_move(current, target):
        raise InvalidTransition(Stage(current), Stage(target), allowed_next(current))
