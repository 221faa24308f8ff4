"""Evidence files on disk, content-addressed by sha256, outside any web root.

Why this shape: the same screenshot sent twice (or by two customers) is stored once; the
stored name is derived from the content (``<sha256><ext>``), so no customer-chosen name
ever reaches the file system; and the type is decided by the bytes, not by the name, so a
``.png`` that is really a program is refused. Files are read back only by the staff API
through :meth:`EvidenceStore.open`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["EvidenceRejected", "EvidenceStore", "StoredFile", "sniff", "safe_name"]

CHUNK = 1024 * 1024


class EvidenceRejected(ValueError):
    """A file we will not keep. ``reason_code`` is stable (tests, bot replies); see below.

    Codes: ``empty``, ``too_large``, ``executable``, ``type_not_allowed``,
    ``type_mismatch``.
    """

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What the store kept: hash, size, sniffed MIME, stored and (cleaned) original name."""

    sha256: str
    size: int
    mime: str
    stored_name: str
    original_name: str
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class _Type:
    mime: str
    ext: str
    family: str


PNG = _Type("image/png", ".png", "png")
JPEG = _Type("image/jpeg", ".jpg", "jpeg")
GIF = _Type("image/gif", ".gif", "gif")
WEBP = _Type("image/webp", ".webp", "webp")
PDF = _Type("application/pdf", ".pdf", "pdf")
TEXT = _Type("text/plain", ".txt", "text")
LOG = _Type("text/plain", ".log", "text")
CSV = _Type("text/csv", ".csv", "text")
JSON = _Type("application/json", ".json", "json")
EML = _Type("message/rfc822", ".eml", "eml")
DOCX = _Type(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "docx"
)
XLSX = _Type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "xlsx")

#: Families a file name may claim; a known extension whose family differs from the
#: content is a mismatch. Text-ish families accept each other where that is harmless.
EXT_FAMILY: dict[str, set[str]] = {
    ".png": {"png"},
    ".jpg": {"jpeg"},
    ".jpeg": {"jpeg"},
    ".jfif": {"jpeg"},
    ".gif": {"gif"},
    ".webp": {"webp"},
    ".pdf": {"pdf"},
    ".txt": {"text", "json", "eml"},
    ".log": {"text", "json"},
    ".csv": {"text"},
    ".json": {"json"},
    ".eml": {"eml"},
    ".docx": {"docx"},
    ".xlsx": {"xlsx"},
}

#: Names we refuse whatever the content: nobody needs to send us these as evidence.
DANGEROUS_EXT = {
    ".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".js", ".jar",
    ".sh", ".bin", ".elf", ".app", ".dmg", ".apk", ".html", ".htm", ".svg", ".xhtml",
    ".php", ".py", ".pl", ".rb", ".docm", ".xlsm",
}  # fmt: skip

_EXECUTABLE_MAGIC = (
    (b"\x7fELF", "an ELF program"),
    (b"MZ", "a Windows program"),
    (b"\xfe\xed\xfa\xce", "a Mach-O program"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O program"),
    (b"\xce\xfa\xed\xfe", "a Mach-O program"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O program"),
    (b"\xca\xfe\xba\xbe", "a Mach-O/Java program"),
    (b"#!", "a script"),
)

_EML_HEADERS = {
    "from", "to", "subject", "date", "received", "return-path", "message-id",
    "mime-version", "delivered-to", "content-type", "cc", "reply-to",
}  # fmt: skip
_HEADER_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]")


def _is_eml(text: str) -> bool:
    known = 0
    for line in text.splitlines()[:40]:
        if not line.strip():
            break
        if line[:1] in (" ", "\t"):
            continue
        match = _HEADER_RE.match(line)
        if match is None:
            return False
        known += match.group(1).lower() in _EML_HEADERS
    return known >= 2


def _sniff_zip(data: bytes) -> _Type:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as exc:
        raise EvidenceRejected("type_not_allowed", "the file is a damaged ZIP archive") from exc
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        if "word/vbaProject.bin" in names:
            raise EvidenceRejected("type_not_allowed", "documents with macros are not accepted")
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        if "xl/vbaProject.bin" in names:
            raise EvidenceRejected("type_not_allowed", "workbooks with macros are not accepted")
        return XLSX
    raise EvidenceRejected(
        "type_not_allowed", "ZIP archives are not accepted; send the files themselves"
    )


def sniff(data: bytes, name_ext: str = "") -> _Type:
    """Decide the type from the bytes; raise :class:`EvidenceRejected` for anything else."""
    for magic, what in _EXECUTABLE_MAGIC:
        if data.startswith(magic):
            raise EvidenceRejected("executable", f"the file is {what}; programs are refused")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if b"\x00" in data:
        raise EvidenceRejected("type_not_allowed", "this kind of binary file is not accepted")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceRejected(
            "type_not_allowed", "text files must be UTF-8; this file is an unknown binary type"
        ) from exc
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<svg", "<?xml", "<script")):
        raise EvidenceRejected("type_not_allowed", "HTML, SVG and XML files are not accepted")
    if head.startswith(("{", "[")):
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            return JSON
    if _is_eml(text):
        return EML
    if name_ext == ".csv":
        return CSV
    if name_ext == ".log":
        return LOG
    return TEXT


def safe_name(original: str | None) -> str:
    """A displayable original name: no folders, control characters or leading dots."""
    name = unicodedata.normalize("NFC", original or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "file"


def _fmt_mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


class EvidenceStore:
    """Content-addressed files under ``root`` (``<root>/<sha[:2]>/<sha><ext>``)."""

    def __init__(self, root: str | os.PathLike[str], max_bytes: int = 20 * 1024 * 1024) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def _read(self, data: bytes | bytearray | BinaryIO) -> bytes:
        if isinstance(data, bytes | bytearray):
            raw = bytes(data)
            if len(raw) > self.max_bytes:
                raise EvidenceRejected(
                    "too_large",
                    f"the file is {_fmt_mb(len(raw))}; the limit is {_fmt_mb(self.max_bytes)}",
                )
            return raw
        buf = bytearray()
        while True:
            chunk = data.read(CHUNK)
            if not chunk:
                break
            buf += chunk
            if len(buf) > self.max_bytes:
                raise EvidenceRejected(
                    "too_large", f"the file is over the {_fmt_mb(self.max_bytes)} limit"
                )
        return bytes(buf)

    def put(self, data: bytes | bytearray | BinaryIO, original_name: str | None) -> StoredFile:
        """Check and keep a file; the same content is written only once."""
        raw = self._read(data)
        if not raw:
            raise EvidenceRejected("empty", "the file is empty")
        original = safe_name(original_name)
        ext = os.path.splitext(original)[1].lower()
        if ext in DANGEROUS_EXT:
            raise EvidenceRejected("type_not_allowed", f"{ext} files are not accepted")
        kind = sniff(raw, ext)
        if ext in EXT_FAMILY and kind.family not in EXT_FAMILY[ext]:
            raise EvidenceRejected(
                "type_mismatch",
                f"the name says {ext} but the content is {kind.mime}",
            )
        digest = hashlib.sha256(raw).hexdigest()
        stored_name = f"{digest}{kind.ext}"
        target = self._path(digest, kind.ext)
        duplicate = target.exists()
        if not duplicate:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(raw)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o640)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return StoredFile(digest, len(raw), kind.mime, stored_name, original, duplicate)

    def _path(self, sha256: str, ext: str = "") -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / f"{sha256}{ext}"

    def path_of(self, sha256: str) -> Path | None:
        """The stored file of ``sha256`` if present."""
        folder = self._path(sha256).parent
        if not folder.is_dir():
            return None
        for candidate in folder.glob(f"{sha256}*"):
            if candidate.name.startswith(sha256) and not candidate.name.startswith("."):
                return candidate
        return None

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256) is not None

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored file for reading. For the staff API only: never serve ``root``."""
        path = self.path_of(sha256)
        if path is None:
            raise FileNotFoundError(sha256)
        return path.open("rb")

    def delete(self, sha256: str) -> bool:
        """Remove a stored file (privacy deletion); True if something was removed."""
        path = self.path_of(sha256)
        if path is None:
            return False
        path.unlink(missing_ok=True)
        return True
