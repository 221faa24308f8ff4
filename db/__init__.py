"""The case store: SQLAlchemy 2 models, migrations, repository, evidence files.

Cases must never be lost, so a draft is saved as the intake goes, every write appends to
an audit log, and evidence files are kept by content hash. SQLite (WAL, foreign keys on)
is the embedded default; PostgreSQL via ``DATABASE_URL`` is what production runs. Both
run the same test suite.

Public API (import from the submodules)::

    from db.settings import DbSettings            # DATABASE_URL, EVIDENCE_DIR, EVIDENCE_MAX_BYTES
    from db.engine import make_engine, make_session_factory
    from db.migrate import upgrade                # upgrade(url_or_engine=None) at startup
    from db.uow import UnitOfWork, update_case
    from db.repository import CaseRepository, ChannelIdentity, CaseNotFound
    from db.evidence_store import EvidenceStore, EvidenceRejected, StoredFile
    from db.packet import case_packet, render_markdown
    from db.privacy import export_customer_data, delete_customer_data

    engine = make_engine()                        # DbSettings().database_url
    upgrade(engine)
    sessions = make_session_factory(engine)
    with UnitOfWork(sessions) as uow:             # one per request; rolls back unless
        case = uow.cases.find_draft_for_identity("telegram:42")   # committed
        if case is None:
            case = uow.cases.add(Case(language="zh"), identity="telegram:42")
        uow.cases.append_message(case.reference, "customer", "telegram", text)
        uow.commit()

    # concurrent-safe change (retries on a concurrent write; fn may run more than once):
    update_case(sessions, "CLM-2026-000001", lambda case, uow: case.move_to(...))

Rules callers rely on:

- ``uow.cases.save(case)`` checks the version the case had when ``get`` handed it out in
  the same unit of work; a concurrent change raises ``StaleDataError``. Use
  ``update_case`` when you need the change to land anyway.
- Times go in timezone-aware (naive ones are refused) and come back in UTC.
- Money is ``Numeric(18, 2)`` + currency: amounts are rounded half-up to cents.
- Case references are ``CLM-<year>-<6 digits>``, allocated atomically per year.
- ``EvidenceStore.put`` raises ``EvidenceRejected(reason_code, message)`` with
  ``empty``, ``too_large``, ``executable``, ``type_not_allowed`` or ``type_mismatch``;
  the type is decided by content. ``EvidenceStore.open(sha256)`` is for the staff API
  only; the store's folder must never be served.
- The audit log has no update/delete API; the migration adds triggers that refuse
  UPDATE/DELETE on ``audit_log`` (PostgreSQL and SQLite).
- ``delete_customer_data`` blanks personal fields, drops channel identities, redacts the
  transcript, deletes evidence files no other case uses and keeps anonymised case rows.
"""
