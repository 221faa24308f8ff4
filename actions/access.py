"""The one-time code that lets a conversation reach a case it does not own.

Why: a reference, an email or a phone number is no proof (they travel in letters and
forwarded mails, and the old "contact anywhere in the message" check let one long message
test thousands of phone numbers). So status or resume of someone else's case asks for a
code that we email to the address on the case (``db.access_codes``: hashed, 10 minutes,
five attempts, then a lockout). The answer is the same for a reference that does not exist.

The code is read deterministically: while ``access_code_form`` is active Rasa sends every
message to it, whatever intent the classifier heard in six digits, and the form's
validation checks the one 6-digit group of the message. ``action_access_code_done``
(``actions/account.py``) goes on with the status or the resume once the form is done.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from actions.access_mail import CodeMailer, code_mailer
from actions.common import language_of, render
from db.access_codes import Outcome, code_in

logger = logging.getLogger(__name__)

ACCESS_FORM = "access_code_form"
#: What the conversation asked for before the code: ``"<purpose> <reference>"``.
PENDING = "access_pending"
STATUS, RESUME = "status", "resume"
ABANDONED = "abandoned"


def pending_access(tracker: Tracker) -> tuple[str, str] | None:
    """(purpose, reference) the code is for, if one was asked for."""
    purpose, _, reference = str(tracker.get_slot(PENDING) or "").partition(" ")
    return (purpose, reference) if purpose in (STATUS, RESUME) and reference else None


def send_code(
    mailer: CodeMailer, domain: DomainDict, language: str, to: str, reference: str, code: str
) -> None:
    """Mail the code; a failure is logged and answered like a success (no oracle)."""
    values = {"reference": reference, "code": code}
    subject = render(domain, "utter_access_code_mail_subject", language, **values)["text"]
    body = render(domain, "utter_access_code_mail", language, **values)["text"]
    try:
        mailer.send(to, subject, body)
    except (OSError, smtplib.SMTPException):
        logger.exception("could not mail the access code for %s", reference)


def ask_for_code(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, reference: str,
    purpose: str,
) -> list[EventType]:
    """Email a code to the case's own address and wait for it (same words for any case)."""
    mailer = code_mailer()
    if mailer is None:
        dispatcher.utter_message(response="utter_access_code_unavailable", reference=reference)
        return []
    request = store.request_access_code(tracker.sender_id, reference)
    if request.locked:
        dispatcher.utter_message(response="utter_access_locked")
        return []
    if request.email and request.code:
        send_code(mailer, domain, language_of(tracker), request.email, reference, request.code)
    dispatcher.utter_message(response="utter_access_code_sent", reference=reference)
    return [
        SlotSet("access_code", None), SlotSet("access_outcome", None),
        SlotSet(PENDING, f"{purpose} {reference}"), FollowupAction(ACCESS_FORM),
    ]  # fmt: skip


class ValidateAccessCodeForm(FormValidationAction):
    """Check the code typed into ``access_code_form``; the form ends unless it was wrong."""

    def name(self) -> str:
        return "validate_access_code_form"

    def validate_access_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        pending = pending_access(tracker)
        code = code_in(str(value or ""))
        if pending is None or code is None:
            return {"access_code": ABANDONED, "access_outcome": ABANDONED}
        outcome = store.check_access_code(tracker.sender_id, pending[1], code)
        if outcome is Outcome.WRONG:
            dispatcher.utter_message(response="utter_access_code_wrong")
            return {"access_code": None}
        return {"access_code": outcome.value, "access_outcome": outcome.value}
