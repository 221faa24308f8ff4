"""Which systems, category, leak, liability and evidence a message tells of."""

from __future__ import annotations

import re
from collections.abc import Iterable

from claims.case import (
    EvidenceKind,
)
from claims.categories import classify, sub_type_for
from understanding.clauses import has, merged, negated
from understanding.lexicons import (
    CONFIG_CHANGED,
    CONFIG_STRONG,
    EMAIL,
    EVIDENCE_WORDS,
    FAILURE_WORDS,
    GENERIC_SYSTEMS,
    LEAK_WORDS,
    NO_ANSWER,
    NO_EVIDENCE,
    NOT_CUSTOMERS_FAULT,
    PHONE_LOOSE,
    PHONE_STRICT,
    QUESTION,
    THIRD_PARTY_WORDS,
    YES_ANSWER,
)
from understanding.nlu_lexicons import data_kinds, systems
from understanding.polarity import yes_or_no
from understanding.slots import BOOL_SLOTS, NONE_MARKER, filled, to_category
from understanding.turn import Turn, entity_values

LIABILITY_QUESTIONS = frozenset({"customer_config_changed", "third_party_involved"})
#: Questions whose answers are about the customer, never about the affected systems.
_CONTACT_QUESTIONS = frozenset({"customer_name", "customer_contact"})


def without_contacts(text: str) -> str:
    """The text without its e-mail addresses and phone numbers and the few words before
    them ("my email is", "call me on"): what is left may name systems."""
    spans = [m.span() for pat in (EMAIL, PHONE_STRICT, PHONE_LOOSE) for m in pat.finditer(text)]
    for a, b in sorted(spans, reverse=True):
        text = text[: max(0, a - 25)] + " " + text[b:]
    return text


def read_systems(w: Turn) -> None:
    """Affected systems: the entities, else the lexicon, else a short answer as it is.

    Contact details are no systems: "my email is ann@example.com" names no e-mail system.
    """
    rest = without_contacts(w.text)
    if w.requested in _CONTACT_QUESTIONS or (w.intent == "give_contact" and rest != w.text):
        return
    found = [v.lower() for v in entity_values(w.message, "system")]
    if rest != w.text:
        found = [v for v in found if v in rest.lower()]
    if w.requested != "affected_systems" and "description" not in w.updates:
        found = [v for v in found if v.strip() not in GENERIC_SYSTEMS]
    if not found and (w.requested == "affected_systems" or "description" in w.updates):
        found = [name for name, pat in systems() if pat.search(rest)]
        if not found and w.requested == "affected_systems":
            found = [name for name in (system_answer(rest),) if name]
    if found:
        w.updates["affected_systems"] = merged(w.slots.get("affected_systems"), found)


#: The first sentence of an answer: "Managed PostgreSQL, cluster prod-eu-1. We pay extra."
_FIRST_SENTENCE = re.compile(r"^.+?(?:[。！!；;]|\.(?:\s|$)|$)", re.S)
_SYSTEM_ANSWER_MAX = 120


def system_answer(text: str) -> str | None:
    """The customer's own name for the affected system, when the lexicon knows none of its
    words ("the cloud phone system, our business VoIP plan"); None for a question."""
    first = _FIRST_SENTENCE.match(text.strip())
    name = (first.group(0) if first else "").strip(" \t\n。.!！;；")
    if not re.search(r"\w", name) or has(QUESTION, text):
        return None
    return name[:_SYSTEM_ANSWER_MAX]


def reason_text(reasons: Iterable[str], language: str, chosen: bool) -> str:
    """Why a category was chosen, in the customer's language."""
    if chosen:
        return "您选择了该类别" if language == "zh" else "you chose this category"
    parts: list[str] = []
    for reason in reasons:
        kind, _, detail = reason.partition(":")
        if kind == "keyword":
            parts.append(f"提到“{detail}”" if language == "zh" else f'mentions "{detail}"')
        elif kind == "personal_data":
            parts.append("涉及个人信息" if language == "zh" else "personal data involved")
        elif kind == "hint":
            parts.append("识别出的类别" if language == "zh" else "category recognised")
    sep = "、" if language == "zh" else ", "
    return sep.join(dict.fromkeys(parts))


def read_category(w: Turn, *, describing: bool) -> None:
    """An explicit category wins; otherwise classify a fresh description."""
    hints = entity_values(w.message, "category")
    chosen = next((c for c in (to_category(h) for h in hints) if c is not None), None)
    description = str(w.get("description") or "")
    if chosen is not None:
        w.updates["category"] = chosen.value
        w.updates["sub_type"] = sub_type_for(w.policy, chosen, description)
        w.updates["category_reason"] = reason_text((), w.language, chosen=True)
        return
    if filled(w.slots.get("category")) or not (describing or w.requested == "category"):
        return
    kinds = list(w.get("leaked_data_kinds") or []) + entity_values(w.message, "data_kind")
    result = classify(
        w.policy,
        text=w.text if w.requested == "category" else description,
        hints=hints,
        affected_systems=list(w.get("affected_systems") or []),
        data_kinds=kinds,
    )
    if result.category is None:
        return
    w.updates["category"] = result.category.value
    w.updates["sub_type"] = result.sub_type
    w.updates["category_reason"] = reason_text(result.reasons, w.language, chosen=False)


def kinds_named(text: str) -> tuple[list[str], list[str]]:
    """The personal-data kinds a text names and those it denies ("we don't collect phone
    numbers", "no addresses after all"); the longest phrase wins ("email addresses" is no
    address)."""
    spans = sorted(
        ((m.start(), m.end(), code) for code, pat in data_kinds() for m in pat.finditer(text)),
        key=lambda s: (s[0] - s[1], s[0]),
    )
    taken: list[tuple[int, int]] = []
    said: list[tuple[int, str]] = []
    denied: list[str] = []
    for start, end, code in spans:
        if any(start < b and a < end for a, b in taken):
            continue
        taken.append((start, end))
        if negated(text, start):
            denied.append(code)
        else:
            said.append((start, code))
    named = list(dict.fromkeys(code for _, code in sorted(said)))
    return named, [c for c in dict.fromkeys(denied) if c not in named]


def read_leak(w: Turn) -> None:
    """Whether data leaked and which personal-data kinds."""
    named, denied = kinds_named(w.text)
    kinds = [k.lower() for k in entity_values(w.message, "data_kind") if k.lower() not in denied]
    leak_match = LEAK_WORDS.search(w.text)
    leak_said = leak_match is not None and not negated(w.text, leak_match.start())
    asked = w.requested in ("data_leaked", "leaked_data_kinds")
    if leak_said or asked or kinds:
        kinds += [k for k in named if k not in kinds]
    if kinds or leak_said:
        w.updates["data_leaked"] = True
        if kinds:
            w.updates["leaked_data_kinds"] = merged(w.slots.get("leaked_data_kinds"), kinds)
    elif leak_match is not None and (asked or w.slots.get("data_leaked") is not True):
        # "没有泄露" / "no data was leaked"; a leak already told is not undone by a denial
        # about something else ("API密钥也没有外泄") unless the leak question is asked
        w.updates["data_leaked"] = False
    elif (
        w.requested == "leaked_data_kinds" and w.text and not w.strict and not has(QUESTION, w.text)
    ):
        w.updates["leaked_data_kinds"] = merged(w.slots.get("leaked_data_kinds"), ["other"])


def read_booleans(w: Turn) -> None:
    """Yes/no answers and the liability facts: a changed configuration, a third party."""
    req = w.requested
    text = w.text
    if req in BOOL_SLOTS:
        _yes_no_answer(w, req)
    _third_party(w)
    liability_q = req in LIABILITY_QUESTIONS
    config = CONFIG_STRONG.search(text) or (CONFIG_CHANGED.search(text) if liability_q else None)
    if config is not None:
        denied = negated(text, config.start()) or bool(
            re.search(r"没|沒|未|didn'?t|did not|haven'?t|never|\bno\b", config.group(0), re.I)
        )
        if not denied:
            w.updates["customer_config_changed"] = True
        elif liability_q:
            w.updates["customer_config_changed"] = False
    if req == "customer_config_changed" and NO_ANSWER.fullmatch(text):
        # "没有" to "did you change anything, or was a third party involved?" answers both.
        w.updates.setdefault("customer_config_changed", False)
        w.updates.setdefault("third_party_involved", False)
    elif req == "third_party_involved" and NO_ANSWER.fullmatch(text):
        w.updates.setdefault("third_party_involved", False)
    if req == "customer_config_changed" and w.intent == "deny":
        w.updates.setdefault("third_party_involved", False)


def _yes_no_answer(w: Turn, req: str) -> None:
    """The answer to the pending yes/no question: the customer's own yes or no wins over
    a keyword another reader found ("Leaked? No, nobody's details got out")."""
    said = yes_or_no(w.text)
    if said is None and req in LIABILITY_QUESTIONS and has(NOT_CUSTOMERS_FAULT, w.text):
        said = False  # "the problem is on your side", "问题在你们的同步"
    if said is None:
        if req in w.updates:
            return
        if w.intent == "affirm" or (w.intent != "deny" and has(YES_ANSWER, w.text)):
            said = True
        elif w.intent == "deny":
            said = False
    if said is None:
        return
    w.updates[req] = said
    if req == "data_leaked" and not said:
        w.updates.pop("leaked_data_kinds", None)


def _third_party(w: Turn) -> None:
    text = w.text
    liability_q = w.requested in LIABILITY_QUESTIONS
    for kind, pat in THIRD_PARTY_WORDS:
        m = pat.search(text)
        if m is None:
            continue
        if negated(text, m.start()):
            if liability_q:
                w.updates.setdefault("third_party_involved", False)
            return
        # A yes or no said to the question wins: "the bank provides the feed, but the
        # duplication happened on your side" names a third party that is not to blame.
        if (liability_q or has(FAILURE_WORDS, text)) and w.updates.get(
            "third_party_involved", True
        ):
            w.updates["third_party_involved"] = True
            w.updates["third_party"] = kind.value
        return


def read_evidence(w: Turn) -> None:
    """The kinds of evidence the customer says they have, or "none"."""
    if w.requested != "evidence_items" and w.intent != "describe_evidence":
        return
    text = w.text
    kinds: list[str] = []
    for kind, pat in EVIDENCE_WORDS:
        m = pat.search(text)
        if m is not None and not negated(text, m.start()):
            kinds.append(kind.value)
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    old = [x for x in (w.slots.get("evidence_items") or []) if x != NONE_MARKER]
    if kinds:
        w.updates["evidence_items"] = merged(old, kinds)
    elif has(NO_EVIDENCE, w.text) and not old:
        w.updates["evidence_items"] = [NONE_MARKER]
    elif w.text and w.requested == "evidence_items" and not w.strict and not has(QUESTION, w.text):
        w.updates["evidence_items"] = merged(old, [EvidenceKind.OTHER.value])
