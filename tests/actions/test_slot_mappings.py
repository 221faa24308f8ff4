"""`action_validate_slot_mappings`: language, every intake slot of a message, the draft."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.slot_mappings import ValidateSlotMappings
from claims.case import Category, LossKind, Money, TimelineKind

from .conftest import D20, SENDER, entity, reference, said, seed_case, tracker, uow

LONG_ZH = "我们的支付系统昨天上午9点到下午1点宕机了，损失大约10万元，修复花了2万，影响3000个用户"
LONG_EN = (
    "Our payment system was down yesterday from 9am to 1pm, we lost about 100,000 yuan, "
    "recovery cost 20,000, 3000 users affected"
)
LEAK_ZH = "用户的身份证号和手机号被泄露了，大约2000条"
LEAK_STEPS_ZH = (
    "先处理最紧急的事：1）立即修改相关账户的密码，并开启双重验证；2）如涉及银行卡，"
    "联系银行冻结或密切关注交易；3）警惕冒充客服或银行的电话、短信和邮件，不要点击陌生链接；"
    "4）保存好收到的泄露通知和相关记录。然后我们继续登记。"
)
# Mid-intake: the incident form has what it needs up to the start time.
OUTAGE = {"description": "支付系统宕机", "category": "outage", "affected_systems": ["payment"]}


async def run(
    domain: DomainDict, t: Tracker
) -> tuple[list[EventType], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateSlotMappings().run(dispatcher, t, domain)
    return events, said(dispatcher)


def escalations(ref: str) -> list[tuple[str, str, Any]]:
    with uow() as u:
        return [(e.reason, e.actor, e.resolved_at) for e in u.cases.escalations(ref)]


# --------------------------------------------------------------------------- language


async def test_language_follows_the_cjk_share_of_the_text(domain: DomainDict) -> None:
    events, messages = await run(domain, tracker(domain, "hello there", intent="greet"))
    assert events == [SlotSet("language", "en")]
    assert messages == []

    zh = tracker(domain, "你好，请问怎么理赔", intent="greet", slots={"language": "en"})
    assert (await run(domain, zh)) == ([SlotSet("language", "zh")], [])


async def test_language_from_the_channel_metadata(domain: DomainDict) -> None:
    t = tracker(domain, "ok", intent="affirm", metadata={"language": "zh", "channel": "web"})
    events, _ = await run(domain, t)
    assert events == [SlotSet("language", "zh"), SlotSet("language_preference", "zh")]


async def test_an_explicit_request_sticks(domain: DomainDict) -> None:
    asked = tracker(
        domain, "请用英文", intent="change_language", entities=[entity("language", "en", "英文")]
    )
    events, _ = await run(domain, asked)
    assert events == [SlotSet("language", "en"), SlotSet("language_preference", "en")]

    # Later Chinese text does not switch back: the preference wins over the CJK share.
    later = tracker(
        domain, "你好", intent="greet", slots={"language": "en", "language_preference": "en"}
    )
    assert (await run(domain, later)) == ([SlotSet("language", "en")], [])


async def test_asking_in_words_for_english(domain: DomainDict) -> None:
    t = tracker(domain, "please answer in English", intent="change_language")
    events, _ = await run(domain, t)
    assert events == [SlotSet("language", "en"), SlotSet("language_preference", "en")]


# --------------------------------------------------------------------------- long reports


async def test_one_long_zh_report_fills_many_slots_and_saves_a_draft(domain: DomainDict) -> None:
    events, messages = await run(domain, tracker(domain, LONG_ZH, intent="report_incident"))
    ref = reference(1)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("description", LONG_ZH),
        SlotSet("affected_systems", ["payment"]),
        SlotSet("category", "outage"),
        SlotSet("category_reason", "提到“宕机”"),
        SlotSet("started_at", D20.format("09:00")),
        SlotSet("ended_at", D20.format("13:00")),
        SlotSet("revenue_lost", {"amount": "100000", "currency": "CNY"}),
        SlotSet("recovery_cost", {"amount": "20000", "currency": "CNY"}),
        SlotSet("customers_affected", 3000.0),
        SlotSet("case_reference", ref),
    ]
    assert messages == []

    with uow() as u:
        summary = u.cases.summary(ref)
        case = u.cases.get(ref)
        customer = u.cases.customer_for_identity(SENDER)
    assert summary is not None and case is not None and customer is not None
    assert (summary.status, summary.category, summary.language) == ("draft", "outage", "zh")
    assert summary.customer_id == customer.id
    assert customer.identities == (SENDER,)
    assert case.description == LONG_ZH
    assert case.category is Category.OUTAGE
    assert case.affected_systems == ["payment"]
    assert [(e.kind, e.at.isoformat()) for e in case.timeline] == [
        (TimelineKind.STARTED, "2026-11-20T01:00:00+00:00"),
        (TimelineKind.RESTORED, "2026-11-20T05:00:00+00:00"),
    ]
    assert [(loss.kind, loss.amount, loss.description) for loss in case.losses] == [
        (LossKind.DIRECT, Money(Decimal("100000.00"), "CNY"), "revenue_lost"),
        (LossKind.RECOVERY_COST, Money(Decimal("20000.00"), "CNY"), "recovery_cost"),
    ]
    assert case.customers_affected == 3000


async def test_the_report_transcribed_before_the_draft_is_filed_on_it(
    domain: DomainDict,
) -> None:
    with uow() as u:  # what the gateway does before it forwards the message to Rasa
        customer = u.cases.get_or_create_customer(SENDER)
        u.cases.append_message(None, "customer", "web", LONG_ZH, customer_id=customer.id)
        u.commit()
    await run(domain, tracker(domain, LONG_ZH, intent="report_incident"))
    with uow() as u:
        assert [m.text for m in u.cases.transcript(reference(1))] == [LONG_ZH]


async def test_one_long_en_report_switches_language_and_saves_a_draft(
    domain: DomainDict,
) -> None:
    t = tracker(domain, LONG_EN, intent="report_incident", sender_id="tg:42")
    events, messages = await run(domain, t)
    ref = reference(1)
    assert events == [
        SlotSet("language", "en"),
        SlotSet("description", LONG_EN),
        SlotSet("affected_systems", ["payment"]),
        SlotSet("category", "outage"),
        SlotSet("category_reason", 'mentions "down"'),
        SlotSet("started_at", D20.format("09:00")),
        SlotSet("ended_at", D20.format("13:00")),
        SlotSet("revenue_lost", {"amount": "100000", "currency": "CNY"}),
        SlotSet("recovery_cost", {"amount": "20000", "currency": "CNY"}),
        SlotSet("customers_affected", 3000.0),
        SlotSet("case_reference", ref),
    ]
    assert messages == []
    with uow() as u:
        summary = u.cases.summary(ref)
        assert summary is not None
        assert (summary.status, summary.language) == ("draft", "en")
        assert u.cases.find_draft_for_identity("tg:42") is not None
        assert u.cases.find_draft_for_identity(SENDER) is None


async def test_the_next_answer_updates_the_same_draft(domain: DomainDict) -> None:
    ref = seed_case(OUTAGE)
    slots = {**OUTAGE, "case_reference": ref, "intake_active": True}
    t = tracker(
        domain, "昨天上午9点开始的", intent="give_time", slots=slots,
        active_loop="incident_form", requested_slot="started_at",
    )  # fmt: skip
    events, messages = await run(domain, t)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("started_at", D20.format("09:00")),
        SlotSet("misunderstandings", 0),
    ]
    assert messages == []
    with uow() as u:
        case = u.cases.get(ref)
        assert case is not None
        assert [e.at.isoformat() for e in case.timeline] == ["2026-11-20T01:00:00+00:00"]
        customer = u.cases.customer_for_identity(SENDER)
        assert customer is not None and u.cases.cases_of_customer(customer.id) == [ref]


# --------------------------------------------------------------------------- in a form


async def test_a_digression_sets_nothing(domain: DomainDict) -> None:
    ref = seed_case(OUTAGE)
    t = tracker(
        domain, "我想问一下赔偿一般要多久？", intent="faq",
        slots={**OUTAGE, "case_reference": ref}, active_loop="incident_form",
        requested_slot="started_at",
    )  # fmt: skip
    events, messages = await run(domain, t)
    assert events == [SlotSet("language", "zh")]
    assert messages == []
    with uow() as u:
        case = u.cases.get(ref)
        assert case is not None and case.timeline == []


async def test_an_unusable_answer_keeps_the_question_and_escalates_the_draft(
    domain: DomainDict,
) -> None:
    ref = seed_case(OUTAGE)
    slots = {**OUTAGE, "case_reference": ref}

    async def answer(text: str, intent: str, count: int) -> tuple[list[EventType], Any]:
        t = tracker(
            domain, text, intent=intent, slots={**slots, "misunderstandings": count},
            active_loop="incident_form", requested_slot="started_at",
        )  # fmt: skip
        return await run(domain, t)

    def kept_asking(count: int) -> list[EventType]:
        return [SlotSet("language", "zh"), SlotSet("started_at", None),
                SlotSet("misunderstandings", count)]  # fmt: skip

    assert await answer("香蕉", "nlu_fallback", 0) == (kept_asking(1), [])
    assert escalations(ref) == []
    # The explanation is the form's (tests/actions/test_forms.py): said once, not here.
    assert await answer("香蕉", "nlu_fallback", 1) == (kept_asking(2), [])
    # claims.escalation's rule fired: the draft is in the staff queue.
    assert escalations(ref) == [("repeated_misunderstanding", "bot", None)]

    # An understood answer resets the counter; the escalation stays until a person acts.
    events, _ = await answer("昨天上午9点开始的", "give_time", 2)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("started_at", D20.format("09:00")),
        SlotSet("misunderstandings", 0),
    ]
    assert escalations(ref) == [("repeated_misunderstanding", "bot", None)]
    with uow() as u:
        summary = u.cases.summary(ref)
        assert summary is not None and summary.escalated and summary.status == "draft"


async def test_restore_before_start_is_refused_in_chinese(domain: DomainDict) -> None:
    ref = seed_case(OUTAGE)
    slots = {**OUTAGE, "case_reference": ref, "started_at": D20.format("09:00")}
    t = tracker(
        domain, "昨天上午8点恢复的", intent="give_time", slots=slots,
        active_loop="incident_form", requested_slot="ended_at",
    )  # fmt: skip
    events, messages = await run(domain, t)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("ended_at", None),
        SlotSet("misunderstandings", 0),
    ]
    assert messages == [
        {"text": "恢复时间早于开始时间（开始：2026-11-20 09:00）。请再确认一下恢复时间。"}
    ]


async def test_restore_before_start_is_refused_in_english(domain: DomainDict) -> None:
    slots = {
        "description": "payment down", "category": "outage", "affected_systems": ["payment"],
        "started_at": D20.format("09:00"), "language": "en",
    }  # fmt: skip
    t = tracker(
        domain, "It was restored yesterday at 8am", intent="give_time", slots=slots,
        active_loop="incident_form", requested_slot="ended_at",
    )  # fmt: skip
    events, messages = await run(domain, t)
    assert events == [
        SlotSet("language", "en"),
        SlotSet("ended_at", None),
        SlotSet("misunderstandings", 0),
        SlotSet("case_reference", reference(1)),
    ]
    assert messages == [
        {
            "text": "The restore time is before the start time (start: 2026-11-20 09:00). "
            "Could you check the restore time again?"
        }
    ]


async def test_a_negative_amount_is_refused(domain: DomainDict) -> None:
    ref = seed_case(OUTAGE)
    t = tracker(
        domain, "损失是-5000元", intent="give_amount", slots={**OUTAGE, "case_reference": ref},
        active_loop="impact_form", requested_slot="revenue_lost",
    )  # fmt: skip
    events, messages = await run(domain, t)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("revenue_lost", None),
        SlotSet("misunderstandings", 0),
    ]
    assert messages == [
        {"text": "金额不能是负数。请告诉我实际损失的金额，例如“5万元”或“$2,000”。"}
    ]
    with uow() as u:
        case = u.cases.get(ref)
        assert case is not None and case.losses == []


async def test_a_leak_gets_the_urgent_steps_once(domain: DomainDict) -> None:
    events, messages = await run(domain, tracker(domain, LEAK_ZH, intent="report_incident"))
    ref = reference(1)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("description", LEAK_ZH),
        SlotSet("category", "security_breach"),
        SlotSet("sub_type", "personal_data_leak"),
        SlotSet("category_reason", "提到“泄露”、提到“身份证”"),
        SlotSet("leaked_records", 2000.0),
        SlotSet("data_leaked", True),
        SlotSet("leaked_data_kinds", ["id_number", "phone_number"]),
        SlotSet("leak_advice_given", True),
        SlotSet("case_reference", ref),
    ]
    assert messages == [{"text": LEAK_STEPS_ZH}]
    with uow() as u:
        case = u.cases.get(ref)
        assert case is not None and case.data_leak is not None
        assert (case.data_leak.records, case.data_leak.kinds) == (
            2000, ("id_number", "phone_number"),
        )

    # Saying it again: the advice is not repeated.
    again = tracker(
        domain, "我们有2000条数据泄露了", intent="describe_impact",
        slots={"description": LEAK_ZH, "data_leaked": True, "leak_advice_given": True,
               "case_reference": ref, "category": "security_breach"},
    )  # fmt: skip
    _, messages = await run(domain, again)
    assert messages == []


async def test_a_correction_is_applied_and_said(domain: DomainDict) -> None:
    ref = seed_case({**OUTAGE, "started_at": D20.format("09:00")})
    slots = {**OUTAGE, "started_at": D20.format("09:00"), "case_reference": ref}
    t = tracker(domain, "不对，开始时间是8点", intent="correct_answer", slots=slots)
    events, messages = await run(domain, t)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("started_at", D20.format("08:00")),
        SlotSet("correction_note", "开始时间 → 2026-11-20 08:00"),
    ]
    assert messages == [{"text": "好的，已更新：开始时间 → 2026-11-20 08:00。"}]
    with uow() as u:
        case = u.cases.get(ref)
        assert case is not None
        assert [e.at.isoformat() for e in case.timeline] == ["2026-11-20T00:00:00+00:00"]


async def test_after_a_submitted_case_no_draft_is_written(domain: DomainDict) -> None:
    ref = seed_case(OUTAGE, status="open")
    slots = {**OUTAGE, "case_reference": ref, "case_submitted": True}
    t = tracker(domain, "另外修复花了2万", intent="give_amount", slots=slots)
    events, _ = await run(domain, t)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("recovery_cost", {"amount": "20000", "currency": "CNY"}),
    ]
    with uow() as u:
        case = u.cases.get(ref)
        assert case is not None and case.losses == []


async def test_a_new_report_never_overwrites_a_case_looked_up_earlier(
    domain: DomainDict,
) -> None:
    """A status lookup put an open case's reference in the slot; a new incident must become
    a new draft, not rewrite the submitted case."""
    ref = seed_case(OUTAGE, status="open")
    t = tracker(domain, LEAK_ZH, intent="report_incident", slots={"case_reference": ref})
    events, _ = await run(domain, t)
    assert events[-1] == SlotSet("case_reference", reference(2))
    with uow() as u:
        old = u.cases.get(ref)
        new = u.cases.summary(reference(2))
        assert old is not None and old.description == "支付系统宕机"
        assert new is not None and new.status == "draft"


# --------------------------------------------------------------------------- out of bounds


async def test_an_out_of_bounds_amount_is_refused_and_asked_again(domain: DomainDict) -> None:
    ref = seed_case(OUTAGE)
    slots = {**OUTAGE, "case_reference": ref, "intake_active": True}
    t = tracker(
        domain, "我们损失了5000000000000000元", intent="give_amount", slots=slots,
        active_loop="impact_form", requested_slot="revenue_lost",
    )  # fmt: skip
    events, messages = await run(domain, t)
    assert events == [
        SlotSet("language", "zh"),
        SlotSet("revenue_lost", None),
        SlotSet("misunderstandings", 0),
    ]
    assert messages == [{"text": (
        "“营收损失”的金额看起来不对。请重新告诉我一个实际的正数金额，并注明币种，"
        "且与其他金额用同一币种，例如“12,000元”。您说过的其他信息都保留着。"
    )}]  # fmt: skip
    with uow() as u:
        case = u.cases.get(ref)
        assert case is not None
        assert (case.description, case.losses) == ("支付系统宕机", [])


async def test_a_start_decades_ago_is_refused_in_english(domain: DomainDict) -> None:
    slots = {**OUTAGE, "language": "en", "ended_at": D20.format("13:00")}
    t = tracker(
        domain, "it started on 1990-01-01 09:00", intent="give_time", slots=slots,
        active_loop="incident_form", requested_slot="started_at",
    )  # fmt: skip
    events, messages = await run(domain, t)
    assert events == [
        SlotSet("language", "en"),
        SlotSet("started_at", None),
        SlotSet("misunderstandings", 0),
        SlotSet("case_reference", reference(1)),
    ]
    assert messages == [{"text": (
        "The start time looks wrong (the number is far too large, or the downtime would be "
        'implausibly long): please tell me again, e.g. "yesterday 9am" or "200 people". '
        "Everything else you told me is kept."
    )}]  # fmt: skip
    with uow() as u:
        case = u.cases.get(reference(1))
        assert case is not None
        assert [e.kind for e in case.timeline] == [TimelineKind.RESTORED]
