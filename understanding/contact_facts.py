"""The customer's name, company, e-mail address and phone number from a message."""

from __future__ import annotations

import re

from understanding.lexicons import (
    COMPANY_SPLIT,
    EMAIL,
    NAME_PREFIX,
    NO_ANSWER,
    PHONE_LOOSE,
    PHONE_STRICT,
    YES_ANSWER,
)
from understanding.turn import Turn, entity_values


def find_contact(w: Turn) -> tuple[str | None, str | None]:
    """(e-mail, phone) from the entities or the text; a loose phone only when asked."""
    emails = [e for e in entity_values(w.message, "email") if EMAIL.fullmatch(e)]
    email = emails[0] if emails else None
    if email is None:
        m = EMAIL.search(w.text)
        email = m.group(0) if m else None
    phones = entity_values(w.message, "phone")
    phone = phones[0] if phones else None
    if phone is None:
        rest = EMAIL.sub(" ", w.text)
        m = PHONE_STRICT.search(rest)
        if m is None and (w.requested == "customer_contact" or w.intent == "give_contact"):
            m = PHONE_LOOSE.search(rest)
        if m is None:
            m = _named_phone(rest)
        phone = m.group(0).strip() if m else None
    if phone is not None:
        digits = re.sub(r"[^\d+]", "", phone)
        phone = digits if 7 <= len(digits.lstrip("+")) <= 15 else None
    return email, phone


# A phone word just before a number makes it a phone number wherever it is said.
_PHONE_WORD = re.compile(
    r"(?:phone|tel|telephone|mobile|cell|call me|reach me|whatsapp|"
    r"电话|電話|手机|手機|联系方式|聯繫方式)"
    r"[^0-9+]{0,15}$",
    re.IGNORECASE,
)


def _named_phone(text: str) -> re.Match[str] | None:
    for m in PHONE_LOOSE.finditer(text):
        if _PHONE_WORD.search(text[max(0, m.start() - 30) : m.start()]):
            return m
    return None


def read_contact(w: Turn) -> None:
    """The e-mail address and phone number, or a problem when contact was asked for."""
    email, phone = find_contact(w)
    if email:
        w.updates["customer_email"] = email
    if phone:
        w.updates["customer_phone"] = phone
    if email or phone:
        w.updates["customer_contact"] = email or phone
    elif w.requested == "customer_contact":
        w.problem("invalid_contact")


#: Words that open a message but are nobody's name ("Sorry, I've now opened the CSV...").
_NOT_NAMES = re.compile(
    r"^(?:sorry|ok(?:ay)?|yes|no|hi|hello|hey|thanks?|thank you|well|actually|so|um+|uh+"
    r"|不好意思|抱歉|对不起|好的|好|嗯|是的|谢谢|你好|您好|哦|那个)$",
    re.IGNORECASE,
)
#: A name answer is short: a long sentence after "your name?" is about something else.
_MAX_NAME_WORDS = 8
_MAX_ANSWER_WORDS = 14


def plausible_name(name: str, text: str) -> bool:
    """Whether ``name`` (cut from the answer ``text``) can be the customer's name."""
    if not name or len(name) > 60 or not re.search(r"\w", name) or _NOT_NAMES.match(name):
        return False
    words = len(re.findall(r"[A-Za-z]+", name)) + len(re.findall(r"[^\x00-\x7f\s]", name)) // 3
    answer = len(re.findall(r"[A-Za-z]+", text))
    return words <= _MAX_NAME_WORDS and (
        answer <= _MAX_ANSWER_WORDS or NAME_PREFIX.match(text) is not None
    )


def read_name(w: Turn) -> None:
    """The answer to "your name?": the name and, after a comma or "from", the company."""
    if w.requested != "customer_name":
        return
    if w.intent in ("affirm", "deny") and (YES_ANSWER.match(w.text) or NO_ANSWER.fullmatch(w.text)):
        return  # "yes" / "no" is no name; a name the classifier heard as yes or no is one

    text = EMAIL.sub(" ", w.text)
    text = PHONE_STRICT.sub(" ", text)
    text = NAME_PREFIX.sub("", text).strip()
    parts = COMPANY_SPLIT.split(text, maxsplit=1)
    name = parts[0].strip(" .。!！~")
    name = NAME_PREFIX.sub("", name).strip(" .。!！~")
    if plausible_name(name, w.text):
        w.updates["customer_name"] = name
    if len(parts) > 1:
        company = parts[1].strip(" .。!！~")
        company = re.sub(r"^(?:来自|來自|from|at|with)\s*", "", company, flags=re.I)
        if company and len(company) <= 80 and re.search(r"\w", company):
            w.updates["customer_company"] = company
