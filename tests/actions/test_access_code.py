"""Issue 16: a case is reached from another conversation only with the code mailed to it.

Before: proof of ownership was the email, or ``phone[-8:]`` anywhere among the digits of
the message (one 2,000-digit message tested ~2,000 numbers), and the resume then copied
the victim's contact details into the chat. Now: contact details prove nothing; the bot
mails a one-time code to the case's own address (a real SMTP server here, aiosmtpd) and
waits for it in ``access_code_form``; five attempts, then a lockout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from actions.access import ValidateAccessCodeForm
from actions.access_mail import code_mailer
from actions.account import ActionAccessCodeDone, ActionCaseStatus, ActionResumeCase
from actions.intake import ActionStoreRating
from actions.slot_mappings import ValidateSlotMappings
from claims import lifecycle
from tests.mail_server import Inbox, smtp_server

from .conftest import SENDER, said, seed_case, tracker, uow

CASE = {
    "description": "支付系统宕机，订单丢失", "category": "outage", "affected_systems": ["payment"],
    "customer_name": "张三", "customer_email": "Zhang@Example.com",
    "customer_phone": "13812345678", "customer_contact": "Zhang@Example.com",
}  # fmt: skip
VICTIM_EMAIL = "Zhang@Example.com"
ATTACKER = "web:attacker"
UNKNOWN = "CLM-2026-ZZZZZZ"
CONTACT_SLOTS = {"customer_name", "customer_email", "customer_phone", "customer_contact",
                 "customer_company"}  # fmt: skip


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, dict[str, str]]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def inbox(smtp: tuple[Inbox, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    box, env = smtp
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    box.clear()
    code_mailer.cache_clear()
    yield box
    code_mailer.cache_clear()


def ask_status(
    domain: DomainDict, text: str, sender: str = ATTACKER
) -> tuple[list[Any], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = ActionCaseStatus().run(dispatcher, tracker(domain, text, intent="ask_status",
                                                        sender_id=sender), domain)  # fmt: skip
    return events, said(dispatcher)


def code_asked(ref: str, purpose: str = "status") -> list[Any]:
    return [SlotSet("access_code", None), SlotSet("access_outcome", None),
            SlotSet("access_pending", f"{purpose} {ref}"),
            FollowupAction("access_code_form")]  # fmt: skip


async def answer(
    domain: DomainDict, text: str, ref: str, purpose: str = "status", sender: str = ATTACKER
) -> tuple[list[Any], list[Any]]:
    """The conversation types ``text`` into the form; then the done action if it ended."""
    slots = {"access_pending": f"{purpose} {ref}", "access_code": text}
    t = tracker(domain, text, slots=slots, sender_id=sender, active_loop="access_code_form",
                requested_slot="access_code",
                after=[{"event": "slot", "name": "access_code", "value": text}])  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = await ValidateAccessCodeForm().run(dispatcher, t, domain)
    validated = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    if validated.get("access_code") is None:
        return events, said(dispatcher)
    done = tracker(domain, text, slots={**slots, **validated}, sender_id=sender)
    events = ActionAccessCodeDone().run(dispatcher, done, domain)
    return events, said(dispatcher)


def owner_of(identity: str) -> int | None:
    with uow() as u:
        found = u.cases.customer_for_identity(identity)
        return None if found is None else found.id


# ------------------------------------------------------------------ contact proves nothing


@pytest.mark.parametrize(
    "text",
    [
        "{ref} 进度如何，我的邮箱是 zhang@example.com",
        "{ref}，手机 138 1234 5678",
        # every 8-digit window of this message is a phone suffix the old check accepted
        "{ref} " + "".join(str(n % 10) for n in range(1990)) + "12345678",
    ],
)
def test_contact_details_in_the_message_never_open_a_foreign_case(
    domain: DomainDict, inbox: Inbox, text: str
) -> None:
    ref = seed_case(CASE, status="open")
    events, messages = ask_status(domain, text.format(ref=ref))
    assert messages == [{"response": "utter_access_code_sent", "reference": ref}]
    assert events == code_asked(ref)
    assert owner_of(ATTACKER) is None
    assert len(inbox.wait_for(VICTIM_EMAIL)) == 1


def test_an_unknown_reference_gets_the_same_answer_and_no_mail(
    domain: DomainDict, inbox: Inbox
) -> None:
    ref = seed_case(CASE, status="open")
    events, messages = ask_status(domain, f"{UNKNOWN} 进度如何")
    assert messages == [{"response": "utter_access_code_sent", "reference": UNKNOWN}]
    assert events == code_asked(UNKNOWN)
    ask_status(domain, f"{ref} 进度如何")
    assert [m["To"] for m in inbox.wait_for(VICTIM_EMAIL)] == [VICTIM_EMAIL]
    assert len(inbox.mails) == 1


def test_the_owner_needs_no_code(domain: DomainDict, inbox: Inbox) -> None:
    ref = seed_case(CASE, status="open")
    events, messages = ask_status(domain, f"{ref} 进度如何", sender=SENDER)
    assert events == [SlotSet("case_reference", ref)]
    assert [m["response"] for m in messages] == ["utter_case_status"]
    assert inbox.mails == []


# ------------------------------------------------------------------ the code


async def test_the_mailed_code_shows_the_status_and_links_the_conversation(
    domain: DomainDict, inbox: Inbox
) -> None:
    ref = seed_case(CASE, status="open")
    ask_status(domain, f"{ref} 进度如何")
    code = inbox.code_for(VICTIM_EMAIL)
    assert ref in str(inbox.to(VICTIM_EMAIL)[0]["Subject"])
    events, messages = await answer(domain, f"验证码 {code}", ref)
    assert [m["response"] for m in messages] == ["utter_case_status"]
    assert events[-1] == SlotSet("case_reference", ref)
    assert owner_of(ATTACKER) == owner_of(SENDER) is not None
    # Linked: the next question needs no code.
    again, _ = ask_status(domain, f"{ref} 进度")
    assert again == [SlotSet("case_reference", ref)]


async def test_resume_restores_the_draft_only_after_the_code(
    domain: DomainDict, inbox: Inbox
) -> None:
    ref = seed_case(CASE)
    dispatcher = CollectingDispatcher()
    t = tracker(domain, f"继续 {ref}，邮箱 zhang@example.com", intent="resume_case",
                sender_id=ATTACKER)  # fmt: skip
    events = ActionResumeCase().run(dispatcher, t, domain)
    assert events == code_asked(ref, "resume")
    assert not {e["name"] for e in events if e.get("event") == "slot"} & CONTACT_SLOTS
    events, messages = await answer(domain, inbox.code_for(VICTIM_EMAIL), ref, "resume")
    assert messages[-1] == {"response": "utter_resuming_case", "reference": ref}
    restored = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert restored["customer_email"] == VICTIM_EMAIL
    assert restored["case_reference"] == ref


async def test_five_attempts_then_locked_even_with_the_right_code(
    domain: DomainDict, inbox: Inbox
) -> None:
    ref = seed_case(CASE, status="open")
    ask_status(domain, f"{ref} 进度如何")  # attempt 1
    code = inbox.code_for(VICTIM_EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):  # attempts 2-4
        events, messages = await answer(domain, wrong, ref)
        assert events == [SlotSet("access_code", None)]
        assert messages == [{"response": "utter_access_code_wrong"}]
    events, messages = await answer(domain, wrong, ref)  # attempt 5: locked now
    assert messages == [{"response": "utter_access_locked"}]
    assert SlotSet("access_pending", None) in events
    _, messages = await answer(domain, code, ref)
    assert messages == [{"response": "utter_access_locked"}]
    assert owner_of(ATTACKER) is None
    _, messages = ask_status(domain, f"{ref} 进度如何")
    assert messages == [{"response": "utter_access_locked"}]
    # The case is locked for every other conversation too.
    _, messages = ask_status(domain, f"{ref} 进度如何", sender="tg:5")
    assert messages == [{"response": "utter_access_locked"}]


def test_an_enumeration_is_locked_out_after_five_references(
    domain: DomainDict, inbox: Inbox
) -> None:
    for n in range(5):
        ref = f"CLM-2026-{n:06d}"
        _, messages = ask_status(domain, f"{ref} 进度如何")
        assert messages == [{"response": "utter_access_code_sent", "reference": ref}]
    events, messages = ask_status(domain, "CLM-2026-000099 进度如何")
    assert (events, messages) == ([], [{"response": "utter_access_locked"}])


async def test_a_message_without_exactly_one_code_is_no_answer(
    domain: DomainDict, inbox: Inbox
) -> None:
    ref = seed_case(CASE, status="open")
    ask_status(domain, f"{ref} 进度如何")
    code = inbox.code_for(VICTIM_EMAIL)
    _, messages = await answer(domain, f"{code} 或 123456 或 654321", ref)
    assert messages == [{"response": "utter_access_code_abandoned"}]
    assert owner_of(ATTACKER) is None


def test_without_smtp_the_bot_says_so_and_offers_a_person(
    domain: DomainDict, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("SMTP_HOST", "SMTP_FROM"):
        monkeypatch.delenv(key, raising=False)
    code_mailer.cache_clear()
    ref = seed_case(CASE, status="open")
    events, messages = ask_status(domain, f"{ref} zhang@example.com")
    assert events == []
    assert messages == [{"response": "utter_access_code_unavailable", "reference": ref}]


# ------------------------------------------------------------------ every write checks


async def test_a_foreign_draft_in_the_slot_is_never_written(domain: DomainDict) -> None:
    ref = seed_case(CASE)
    t = tracker(domain, "我的邮箱改成 evil@attacker.example", intent="give_contact",
                sender_id=ATTACKER,
                slots={"case_reference": ref, "description": "支付系统宕机，订单丢失"})  # fmt: skip
    await ValidateSlotMappings().run(CollectingDispatcher(), t, domain)
    with uow() as u:
        case = u.cases.get(ref)
        assert case is not None and case.customer_email == VICTIM_EMAIL
    with pytest.raises(lifecycle.NotYourCase):
        told = store.load_case(ref)
        assert told is not None
        told.customer_email = "evil@attacker.example"
        lifecycle.save_draft(store._uow(), store.customer(ATTACKER), told)


def test_a_rating_is_kept_only_on_the_own_case(domain: DomainDict) -> None:
    ref = seed_case(CASE, status="open")
    t = tracker(domain, "1分", intent="rate_service", entities=[{"entity": "rating", "value": "1"}],
                slots={"case_reference": ref}, sender_id=ATTACKER)  # fmt: skip
    ActionStoreRating().run(CollectingDispatcher(), t, domain)
    with uow() as u:
        assert [a.action for a in u.cases.audit_trail(ref)].count("csat") == 0


async def test_a_code_typed_into_the_form_is_no_fact_of_the_incident(domain: DomainDict) -> None:
    """Six digits look like an amount or a rating to the intake; in the form they are not."""
    t = tracker(domain, "482913", intent="give_amount", active_loop="access_code_form",
                requested_slot="access_code", slots={"description": "支付系统宕机"})  # fmt: skip
    events = await ValidateSlotMappings().run(CollectingDispatcher(), t, domain)
    assert {e["name"] for e in events} <= {"language", "language_preference"}
    with uow() as u:
        assert u.cases.find_draft_for_identity(SENDER) is None
