"""Evidence files: type by content, size limit, one copy per content, safe names."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from db.evidence_store import EvidenceRejected, EvidenceStore, safe_name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 60
PE = b"MZ\x90\x00" + b"\x00" * 60


def office(kind: str, macro: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
        zf.writestr(main, "<x/>")
        if macro:
            zf.writestr(main.split("/")[0] + "/vbaProject.bin", b"\x00\x01")
    return buf.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence", max_bytes=20 * 1024 * 1024)


@pytest.mark.parametrize(
    ("data", "name", "mime", "ext"),
    [
        (PNG, "screen.png", "image/png", ".png"),
        (JPEG, "photo.JPG", "image/jpeg", ".jpg"),
        (b"GIF89a" + b"\x00" * 20, "a.gif", "image/gif", ".gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "a.webp", "image/webp", ".webp"),
        (PDF, "contract.pdf", "application/pdf", ".pdf"),
        ("支付失败 2026-03-01 09:30\n".encode(), "app.log", "text/plain", ".log"),
        (b"order,amount\n1,12.50\n", "orders.csv", "text/csv", ".csv"),
        (json.dumps({"error": 500}).encode(), "resp.json", "application/json", ".json"),
        (
            b"From: a@example.com\r\nTo: b@example.com\r\nSubject: outage\r\n\r\nbody",
            "notice.eml",
            "message/rfc822",
            ".eml",
        ),
        (office("docx"), "report.docx", "wordprocessingml", ".docx"),
        (office("xlsx"), "losses.xlsx", "spreadsheetml", ".xlsx"),
        (PNG, "no-extension", "image/png", ".png"),
    ],
)
def test_allowed_types_are_sniffed_from_content(
    store: EvidenceStore, data: bytes, name: str, mime: str, ext: str
) -> None:
    stored = store.put(data, name)
    assert mime in stored.mime
    assert stored.stored_name == stored.sha256 + ext
    assert stored.size == len(data)
    with store.open(stored.sha256) as fh:
        assert fh.read() == data


@pytest.mark.parametrize("payload", [ELF, PE, b"\xcf\xfa\xed\xfe" + b"\x00" * 20, b"#!/bin/sh\n"])
def test_a_png_that_is_really_a_program_is_refused(
    store: EvidenceStore, payload: bytes, tmp_path: Path
) -> None:
    with pytest.raises(EvidenceRejected) as err:
        store.put(payload, "cat.png")
    assert err.value.reason_code == "executable"
    assert not any(p.is_file() for p in (tmp_path / "evidence").rglob("*"))


def test_too_large_is_refused_with_a_clear_reason(store: EvidenceStore) -> None:
    big = PNG + b"\x00" * (25 * 1024 * 1024)
    with pytest.raises(EvidenceRejected) as err:
        store.put(big, "big.png")
    assert err.value.reason_code == "too_large"
    assert "20.0 MB" in err.value.message and "25.0 MB" in err.value.message
    with pytest.raises(EvidenceRejected) as err2:
        store.put(io.BytesIO(big), "big.png")
    assert err2.value.reason_code == "too_large"


def test_same_file_twice_is_stored_once(store: EvidenceStore, tmp_path: Path) -> None:
    first = store.put(PNG, "a.png")
    second = store.put(io.BytesIO(PNG), "copy of a.png")
    assert first.sha256 == second.sha256
    assert (first.duplicate, second.duplicate) == (False, True)
    files = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert len(files) == 1


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "empty.png", "empty"),
        (PDF, "screen.png", "type_mismatch"),
        (b"just some text", "a.json", "type_mismatch"),
        (PDF, "invoice.exe", "type_not_allowed"),
        (b"<html><script>alert(1)</script></html>", "page.txt", "type_not_allowed"),
        (b"\x00\x01\x02binary", "blob", "type_not_allowed"),
        (b"\xff\xfe\xfd not utf8", "x.txt", "type_not_allowed"),
        (office("docx", macro=True), "r.docx", "type_not_allowed"),
        (office("xlsx")[:0] + b"PK\x03\x04garbage", "a.zip", "type_not_allowed"),
    ],
)
def test_refusals(store: EvidenceStore, data: bytes, name: str, code: str) -> None:
    with pytest.raises(EvidenceRejected) as err:
        store.put(data, name)
    assert err.value.reason_code == code


def test_names_are_safe(store: EvidenceStore) -> None:
    stored = store.put(PNG, "../../etc/\x00passwd\n.png")
    assert stored.original_name == "passwd.png"
    assert "/" not in stored.stored_name
    assert safe_name("C:\\Users\\x\\..\\截图 1.png") == "截图 1.png"
    assert safe_name("...") == "file"
    assert len(safe_name("a" * 500 + ".png")) <= 200
    with pytest.raises(ValueError):
        store.open("../../etc/passwd")
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)
    assert store.delete(stored.sha256) is True
    assert store.exists(stored.sha256) is False
