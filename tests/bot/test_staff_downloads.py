"""Evidence downloads are safe to open (issue 16): dangerous names and CSV formulas.

Before: ``link.url`` and ``t.reg`` (accepted as text evidence) were downloaded under their
own names, so a double-click opened a web shortcut or changed the registry; a CSV cell
``=HYPERLINK(...)`` ran as a formula in the agent's spreadsheet.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.staff.downloads import neutralise_csv, safe_download_name
from db.evidence_store import EvidenceStore
from db.uow import UnitOfWork
from tests.bot.test_staff_api import auth, make_app, seed, sessions, store, template_db

__all__ = ["sessions", "store", "template_db"]  # fixtures shared with the API tests


def download(
    sessions: sessionmaker[Session], store: EvidenceStore, name: str, data: bytes
) -> tuple[bytes, dict[str, str]]:
    ref = seed(sessions, store)
    with UnitOfWork(sessions) as uow:
        uow.cases.add_evidence(ref, store.put(data, name), kind="other", channel="web")
        uow.commit()
    app, _ = make_app(sessions, store)
    client = TestClient(app)
    sha = next(
        e["sha256"] for e in client.get(f"/api/cases/{ref}", headers=auth()).json()["evidence"]
        if e["original_name"] == name
    )
    got = client.get(f"/api/cases/{ref}/evidence/{sha}", headers=auth())
    assert got.status_code == 200
    return got.content, dict(got.headers)


@pytest.mark.parametrize(
    ("name", "data"),
    [("link.url", b"[InternetShortcut]\nURL=http://x.example\n"),
     ("t.reg", b"Windows Registry Editor Version 5.00\n")],
)  # fmt: skip
def test_dangerous_names_are_not_kept(
    sessions: sessionmaker[Session], store: EvidenceStore, name: str, data: bytes
) -> None:
    body, headers = download(sessions, store, name, data)
    assert body == data
    assert headers["content-type"] == "application/octet-stream"
    stem, ext = name.split(".")
    assert headers["content-disposition"] == f'attachment; filename="{stem}_{ext}.txt"'


def test_csv_formulas_are_neutralised(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    data = b'date,amount,note\n2026-01-02,=1+1,"=HYPERLINK(""http://x"",""y"")"\n@SUM(A1),+3,-2\n'
    body, headers = download(sessions, store, "losses.csv", data)
    assert body.decode().splitlines() == [
        "date,amount,note",
        "2026-01-02,'=1+1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
        "'@SUM(A1),'+3,'-2",
    ]
    assert headers["x-evidence-changed"] == "csv-formulas"


def test_names_are_ascii_and_have_no_path() -> None:
    assert safe_download_name("..\\..\\evil.BAT") == "evil_bat.txt"
    assert safe_download_name('报告"1".pdf') == "___1_.pdf"
    assert neutralise_csv(b"a,b\n") == b"a,b\n"
