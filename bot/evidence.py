"""Evidence files from any channel: checked and kept by ``db.evidence_store``, put on a case.

Why the gateway does this and not a Rasa action: Rasa's REST channel carries text only, so
the file must be stored before Rasa hears about it; Rasa then gets a short text plus
metadata ``{"evidence": [{"sha256", "kind", "filename", "mime", "size", "reference"}]}``.

The file goes to the customer's draft case, else their newest open case; a customer with
neither gets a new draft case (the intake then fills it in), so no upload is ever lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from bot.transcript import Transcript, channel_of
from claims.lifecycle import CustomerCaller, attach_evidence
from db.evidence_store import EvidenceRejected, EvidenceStore, StoredFile
from db.uow import UnitOfWork

IMAGE_MIMES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def kind_of(mime: str) -> str:
    """Evidence kind from the sniffed type: images are screenshots, text is logs."""
    if mime in IMAGE_MIMES:
        return "screenshots"
    if mime.startswith("text/") or mime == "application/json":
        return "system_logs"
    return "other"


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


@dataclass(frozen=True, slots=True)
class AcceptedEvidence:
    reference: str
    stored: StoredFile
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "sha256": self.stored.sha256,
            "kind": self.kind,
            "filename": self.stored.original_name,
            "mime": self.stored.mime,
            "size": self.stored.size,
            "duplicate": self.stored.duplicate,
        }


class EvidenceIntake:
    """Synchronous (file and database I/O): call through ``asyncio.to_thread``."""

    def __init__(
        self, store: EvidenceStore, sessions: sessionmaker[Session], transcript: Transcript
    ) -> None:
        self.store = store
        self.sessions = sessions
        self.transcript = transcript

    @property
    def max_bytes(self) -> int:
        return self.store.max_bytes

    def accept(
        self,
        sender: str,
        data: bytes | BinaryIO,
        filename: str | None,
        *,
        language: str = "zh",
        description: str = "",
    ) -> AcceptedEvidence:
        """Keep the file and attach it; raises ``EvidenceRejected`` for files we refuse."""
        stored = self.store.put(data, filename)
        kind = kind_of(stored.mime)
        reference = attach_evidence(
            UnitOfWork(self.sessions), CustomerCaller(sender), stored, kind=kind,
            description=description or stored.original_name, channel=channel_of(sender),
            language=language,
        )
        return AcceptedEvidence(reference, stored, kind)


def rejection_key(error: EvidenceRejected) -> str:
    """The ``bot.messages`` key for a refusal code."""
    return f"evidence_{error.reason_code}"


__all__ = ["AcceptedEvidence", "EvidenceIntake", "EvidenceRejected", "human_size", "kind_of"]
