"""``python -m db.retention``: anonymise closed cases older than ``RETENTION_DAYS``.

Why: personal data is kept only as long as the claim needs it (issue 16, privacy). A case
closed (``status = closed``) and untouched for ``RETENTION_DAYS`` days is anonymised the
way a customer's deletion does it (db/privacy.py ``anonymise_cases``): the row stays for
statistics, the words, names and files go. Run it daily (cron, or a scheduler); each run
is audited as ``retention_purge``.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from db.database import open_database
from db.evidence_store import EvidenceStore
from db.models import CaseRow, utcnow
from db.privacy import anonymise_cases
from db.settings import DbSettings
from db.uow import UnitOfWork


def purge_closed_cases(
    uow: UnitOfWork, days: int, *, now: datetime | None = None, store: EvidenceStore | None = None
) -> dict[str, Any]:
    """Anonymise closed cases last changed more than ``days`` days before ``now``."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    stmt = select(CaseRow).where(
        CaseRow.status == "closed",
        CaseRow.anonymised_at.is_(None),
        CaseRow.updated_at < cutoff,
    )
    cases = list(uow.session.execute(stmt).scalars())
    redacted, removed = anonymise_cases(uow, cases, now, store=store)
    summary = {
        "cases_anonymised": [r.reference for r in cases],
        "messages_redacted": redacted,
        "files_removed": len(removed),
        "retention_days": days,
    }
    uow.cases.audit("retention_purge", actor="retention", details=summary)
    return summary


def main() -> int:
    settings = DbSettings()
    if settings.retention_days is None:
        print("RETENTION_DAYS is not set: nothing purged")
        return 0
    database = open_database(settings)
    try:
        database.migrate()
        with UnitOfWork(database.sessions) as uow:
            done = purge_closed_cases(uow, settings.retention_days, store=database.evidence)
            uow.commit()
    finally:
        database.dispose()
    print(f"anonymised {len(done['cases_anonymised'])} closed case(s) older than "
          f"{settings.retention_days} days")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
