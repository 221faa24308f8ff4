"""What an agent's browser gets when it downloads a customer's evidence file.

Customers choose file names and contents; agents open downloads on office machines. So a
download never keeps an extension Windows would run or trust (``.hta``, ``.url``,
``.reg``, ``.lnk``, ``.bat`` …: the name becomes ``name_hta.txt``), and a CSV file's
cells that a spreadsheet would evaluate as formulas (starting with ``= + - @``, tab or
carriage return) get a leading ``'`` (OWASP's CSV-injection advice). The stored file and
its SHA-256 stay the original; the response says when it was changed.
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePosixPath

#: Extensions that run, install or open something on Windows or macOS when double-clicked.
DANGEROUS = frozenset(
    {
        ".hta", ".url", ".reg", ".lnk", ".bat", ".cmd", ".com", ".exe", ".scr", ".pif", ".msi",
        ".msp", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".ps1", ".psm1", ".jar", ".cpl",
        ".inf", ".scf", ".chm", ".iso", ".img", ".vhd", ".application", ".gadget", ".desktop",
        ".sh", ".command", ".app", ".html", ".htm", ".svg", ".xhtml", ".mht", ".mhtml", ".website",
        ".settingcontent-ms",
    }
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_download_name(name: str) -> str:
    """An ASCII file name whose extension nothing will execute."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    path = PurePosixPath(ascii_name.replace("\\", "/")).name or "evidence"
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in DANGEROUS:
        return f"{path[: -len(suffix)]}_{suffix[1:]}.txt"
    return path


def is_csv(name: str, mime: str) -> bool:
    return mime == "text/csv" or name.lower().endswith(".csv")


def neutralise_csv(data: bytes) -> bytes:
    """The CSV with every formula-looking cell prefixed by ``'``; UTF-8 in, UTF-8 out."""
    text = data.decode("utf-8", errors="replace")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(["'" + c if c.startswith(FORMULA_STARTS) else c for c in row])
    return out.getvalue().encode("utf-8")
