"""Case status: whether a case is still being told (draft), being worked (open) or done.

Why apart from the stage: the stage is where the claim is in its process (reported,
negotiation, ...), the status is whether the customer has filed it at all. The staff
list, the resumable draft and the duplicate-submit guard all ask the status.
"""

from __future__ import annotations

from enum import StrEnum

from claims.stages import Stage


class CaseStatus(StrEnum):
    """Values are stored in ``cases.status`` (a check constraint lists the same three)."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


#: Stages that end the case: the status becomes closed.
CLOSING_STAGES: frozenset[Stage] = frozenset({Stage.CLOSED, Stage.WITHDRAWN})


def status_after_stage(
    status: CaseStatus | str, before: Stage | str | None, after: Stage | str
) -> CaseStatus:
    """The status once the stage went from ``before`` (None: a new case) to ``after``.

    Staff moving a draft on means it is being worked (open); a closing stage closes it.
    """
    current = CaseStatus(status)
    if Stage(after) in CLOSING_STAGES:
        return CaseStatus.CLOSED
    if current is CaseStatus.DRAFT and before is not None and Stage(before) != Stage(after):
        return CaseStatus.OPEN
    return current


def is_draft(status: CaseStatus | str | None) -> bool:
    """Whether a (possibly unknown) status is a draft."""
    return status is not None and CaseStatus(status) is CaseStatus.DRAFT
