"""Affected systems and personal-data kinds: the vocabulary of `nlu/`, as search patterns.

The CRF tags ``system`` and ``data_kind`` entities and `nlu/synonyms.yml` normalises them
to a code; when it tags nothing, the intake searches the text itself. Both sides use the same
phrases: the codes and phrases come from `nlu/lookups/systems.yml` and `nlu/synonyms.yml`,
read on first use. Only spellings the NLU files lack (traditional characters, singulars)
are added here, as ``EXTRA_*``; tests check that they name codes the NLU files know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from understanding.nlu_data import lookup, synonyms

#: The personal-data codes (``data_kind`` synonyms); tests check them against `nlu/` and
#: the policy's names. Systems need no list: they are what the ``system`` lookup names.
DATA_KINDS: tuple[str, ...] = (
    "phone_number", "id_number", "bank_card", "address", "password", "email_address", "name",
    "health", "purchase_history", "location",
)  # fmt: skip

#: Spellings of a system the NLU files do not list (traditional characters, other forms).
EXTRA_SYSTEMS: dict[str, tuple[str, ...]] = {
    "database": ("數據庫", "postgres", "postgresql"),
    "login": ("登陸", "單點登錄"),
    "website": ("網站", "網頁"),
    "app": ("客戶端",),
    "email": ("郵件",),
    "storage": ("存儲", "網盤"),
    "order_system": ("訂單系統",),
    "billing": ("計費", "結算", "賬單", "invoice"),
    "cdn": ("内容分发",),
}
#: Spellings of a personal-data kind the NLU files do not list. Singular English forms are
#: listed one by one: "emails" and "names" are data kinds, "email" and "name" are not.
EXTRA_DATA_KINDS: dict[str, tuple[str, ...]] = {
    "phone_number": ("手機號", "電話號碼", "mobile number"),
    "id_number": ("身份證", "證件號", "passport number"),
    "bank_card": ("銀行卡", "信用卡", "credit card", "card number"),
    "address": ("address",),
    "password": ("密碼", "password"),
    "email_address": ("郵箱", "e-mail address"),
    "name": ("full name",),
    "health": ("病歷", "健康", "体检", "體檢", "medical", "health"),
    "purchase_history": ("購買記錄", "消費記錄"),
}

_LATIN = re.compile(r"[A-Za-z0-9 \-]+")


def phrase_pattern(phrase: str) -> str:
    """A phrase as a regular expression: Latin words whole (with a plural), a space or hyphen
    optional ("web site", "log-in"); anything with other characters as it is written."""
    if not _LATIN.fullmatch(phrase):
        return re.escape(phrase)
    words = [re.escape(w) for w in re.split(r"[ \-]+", phrase.strip()) if w]
    return r"(?<![a-z0-9])" + r"[ \-]?".join(words) + r"(?:s|es)?(?![a-z0-9])"


def _compile(phrases: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({phrase_pattern(p) for p in phrases}, key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def system_phrases() -> dict[str, tuple[str, ...]]:
    """System code -> its phrases: the code itself when the lookup lists it, and its synonyms.

    A code is a system when the ``system`` lookup names it or one of its synonyms.
    """
    listed = {p.lower() for p in lookup("system")}
    out: dict[str, tuple[str, ...]] = {}
    for code, phrases in synonyms().items():
        if code.lower() in listed or any(p.lower() in listed for p in phrases):
            out[code] = ((code,) if code.lower() in listed else ()) + phrases
    return out


def _unambiguous(phrases: Iterable[str], others: Iterable[str]) -> list[str]:
    """The phrases whose pattern matches none of ``others`` whole: "email" (a system in the
    lookup) would also read "emails" (a personal-data kind), so only the CRF may decide it."""
    taken = [o.lower() for o in others]
    return [p for p in phrases if not any(re.fullmatch(phrase_pattern(p), o, re.I) for o in taken)]


@cache
def systems() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(system code, pattern) in the order of `nlu/synonyms.yml`."""
    table = synonyms()
    personal = [p for code in DATA_KINDS for p in table.get(code, ())]
    return tuple(
        (code, _compile(_unambiguous((*phrases, *EXTRA_SYSTEMS.get(code, ())), personal)))
        for code, phrases in system_phrases().items()
    )


@cache
def data_kinds() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(personal-data code, pattern) in the order of ``DATA_KINDS``."""
    table = synonyms()
    return tuple(
        (code, _compile((*table.get(code, ()), *EXTRA_DATA_KINDS.get(code, ()))))
        for code in DATA_KINDS
    )
