"""extract_updates: exact slot updates for what real customers type."""

from __future__ import annotations

from typing import Any

import pytest

from claims.policy import Policy
from understanding.extraction import extract_updates
from understanding.slots import INTAKE_SLOTS
from understanding.turn import IncomingMessage

from .conftest import NOW, cny, run

D20 = "2026-11-20T{}:00+08:00"
D21 = "2026-11-21T{}:00+08:00"

LONG_ZH = "我们的支付系统昨天上午9点到下午1点宕机了，损失大约10万元，修复花了2万，影响3000个用户"
LONG_EN = (
    "Our payment system was down yesterday from 9am to 1pm, we lost about 100,000 yuan, "
    "recovery cost 20,000, 3000 users affected"
)
LONG_EN2 = (
    "Our payment system went down yesterday at 9am and came back at 1pm. We lost about $15k "
    "in sales and paid a consultant $2,000 to fix it. 3000 customers were affected."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            LONG_ZH,
            {
                "description": LONG_ZH,
                "category": "outage",
                "category_reason": "提到“宕机”",
                "affected_systems": ["payment"],
                "started_at": D20.format("09:00"),
                "ended_at": D20.format("13:00"),
                "revenue_lost": cny("100000"),
                "recovery_cost": cny("20000"),
                "customers_affected": 3000.0,
            },
        ),
        (
            LONG_EN,
            {
                "description": LONG_EN,
                "category": "outage",
                "category_reason": 'mentions "down"',
                "affected_systems": ["payment"],
                "started_at": D20.format("09:00"),
                "ended_at": D20.format("13:00"),
                "revenue_lost": cny("100000"),
                "recovery_cost": cny("20000"),
                "customers_affected": 3000.0,
            },
        ),
        (
            LONG_EN2,
            {
                "description": LONG_EN2,
                "category": "outage",
                "category_reason": 'mentions "down"',
                "affected_systems": ["payment"],
                "started_at": D20.format("09:00"),
                "ended_at": D20.format("13:00"),
                "revenue_lost": {"amount": "15000", "currency": "USD"},
                "recovery_cost": {"amount": "2000", "currency": "USD"},
                "customers_affected": 3000.0,
            },
        ),
        (
            "用户的身份证号和手机号被泄露了，大约2000条",
            {
                "description": "用户的身份证号和手机号被泄露了，大约2000条",
                "category": "security_breach",
                "sub_type": "personal_data_leak",
                "category_reason": "提到“泄露”、提到“身份证”",
                "leaked_records": 2000.0,
                "data_leaked": True,
                "leaked_data_kinds": ["id_number", "phone_number"],
            },
        ),
        (
            "网站从昨天晚上8点一直到现在还打不开",
            {
                "description": "网站从昨天晚上8点一直到现在还打不开",
                "category": "outage",
                "category_reason": "提到“打不开”",
                "affected_systems": ["website"],
                "started_at": D20.format("20:00"),
                "ended_at": "ongoing",
            },
        ),
        (
            "昨天早上8点一直到中午都登不上系统",  # 一直 is no minute; 一直到 marks the end
            {
                "description": "昨天早上8点一直到中午都登不上系统",
                "started_at": D20.format("08:00"),
                "ended_at": D20.format("12:00"),
            },
        ),
    ],
)
def test_long_first_message_fills_everything(
    policy: Policy, text: str, expected: dict[str, Any]
) -> None:
    result = run(policy, text)
    assert result.updates == expected
    assert result.problems == ()
    assert set(result.updates) <= set(INTAKE_SLOTS)


@pytest.mark.parametrize(
    ("text", "intent", "requested", "slots", "updates", "problems"),
    [
        # a bare time: the requested slot decides
        ("昨天上午9点", "give_time", "started_at", {}, {"started_at": D20.format("09:00")}, ()),
        (
            "下午1点",
            "give_time",
            "ended_at",
            {"started_at": D20.format("09:00")},
            {"ended_at": D20.format("13:00")},
            (),
        ),
        ("still down", "give_time", "ended_at", {"started_at": D20.format("09:00")},
         {"ended_at": "ongoing"}, ()),
        ("还没恢复", "give_time", "ended_at", {"started_at": D20.format("09:00")},
         {"ended_at": "ongoing"}, ()),
        ("restored at 2pm", "give_time", None, {"started_at": D20.format("09:00"), "description": "x"},  # noqa: E501
         {"ended_at": D20.format("14:00")}, ()),
        # asked when it started, the moment it was noticed is the start the customer knows
        ("we noticed it at 9:30 yesterday", "give_time", "started_at", {},
         {"started_at": D20.format("09:30"), "detected_at": D20.format("09:30")}, ()),
        # until / 直到 / 一直到 end a range; a part of the day keeps its hour
        ("昨天早上8点直到中午才恢复", "give_time", None, {"description": "x"},
         {"started_at": D20.format("08:00"), "ended_at": D20.format("12:00")}, ()),
        ("yesterday from 8am until noon we could not log in", "give_time", None,
         {"description": "x"},
         {"started_at": D20.format("08:00"), "ended_at": D20.format("12:00")}, ()),
        ("昨天早上8点一直登不上", "give_time", "started_at", {},
         {"started_at": D20.format("08:00")}, ()),  # not 08:01
        ("昨天中午", "give_time", "started_at", {}, {"started_at": D20.format("12:00")}, ()),
        ("前天晚上", "give_time", "started_at", {},
         {"started_at": "2026-11-19T20:00:00+08:00"}, ()),
        ("中午才恢复", "give_time", "ended_at", {"started_at": D20.format("09:00")},
         {"ended_at": D20.format("12:00")}, ()),  # noon not begun today: the start's day
        # "just now" is a moment, not "until now"
        ("刚才恢复了", "give_time", "ended_at", {"started_at": D20.format("09:00")},
         {"ended_at": NOW.isoformat()}, ()),
        ("昨天9点宕机，刚才恢复了", "give_time", None, {"description": "x"},
         {"started_at": D20.format("09:00"), "ended_at": NOW.isoformat()}, ()),
        ("从昨天9点到现在", "give_time", None, {"description": "x"},
         {"started_at": D20.format("09:00"), "ended_at": "ongoing"}, ()),
        # a day word wins over numbered things read as days of the month
        ("2号服务器从昨天下午3点宕机到5点", "give_time", None, {"description": "x"},
         {"started_at": D20.format("15:00"), "ended_at": D20.format("17:00")}, ()),
        ("2号服务器宕机了，昨天下午3点开始的", "give_time", None, {"description": "x"},
         {"started_at": D20.format("15:00")}, ()),
        # a part of day without its clock time is not stored unasked: the form asks for it
        ("the 2nd and 3rd servers went down yesterday afternoon", "give_time", None,
         {"description": "x"},
         {"started_hint": "the 2nd and 3rd servers went down yesterday afternoon"}, ()),
        ("14号晚上10点", "give_time", "started_at", {},
         {"started_at": "2026-11-14T22:00:00+08:00"}, ()),
        ("上个月底", "give_time", "started_at", {},
         {"started_at": "2026-10-31T00:00:00+08:00"}, ()),
        ("一直", "give_time", "started_at", {}, {}, ("invalid_time",)),
        ("一下", "give_time", "started_at", {}, {}, ("invalid_time",)),
        ("晚上好", "give_time", "started_at", {}, {}, ("invalid_time",)),
        # validations
        ("明天上午9点", "give_time", "started_at", {}, {}, ("in_future",)),
        ("昨天早上7点", "give_time", "ended_at", {"started_at": D20.format("09:00")}, {},
         ("end_before_start",)),
        ("不记得了", "give_time", "started_at", {}, {}, ("invalid_time",)),
        ("blah", "give_time", "ended_at", {}, {}, ("invalid_time",)),
    ],
)  # fmt: skip
def test_times(
    policy: Policy,
    text: str,
    intent: str,
    requested: str | None,
    slots: dict[str, Any],
    updates: dict[str, Any],
    problems: tuple[str, ...],
) -> None:
    result = run(policy, text, intent, requested, slots)
    assert result.updates == updates
    assert result.problems == problems


AFTERNOON = NOW.replace(hour=13, minute=10)  # the afternoon has begun, 15:00 is ahead


@pytest.mark.parametrize(
    ("text", "requested", "updates", "problems"),
    [
        # a guessed afternoon is 13:00: not now itself ("until now"), not yesterday's
        # an end said only as a part of day is not guessed unasked: the form asks for it
        ("今天上午10点系统宕机，今天下午恢复了", None, {"started_at": D21.format("10:00")}, ()),
        ("it went down at 10am today, came back this afternoon", None,
         {"started_at": D21.format("10:00")}, ()),
        ("今天上午10点系统宕机，下午恢复了", None, {"started_at": D21.format("10:00")}, ()),
        ("今天下午恢复了", "ended_at", {"ended_at": D21.format("13:00")}, ()),
        ("下午系统挂了", "started_at", {"started_at": D21.format("13:00")}, ()),
        ("晚上系统挂了", "started_at", {}, ("invalid_time",)),  # not begun: asked again
        # siblings: "until now" and "not yet" stay ongoing
        ("今天上午10点宕机，到现在还没恢复", None,
         {"started_at": D21.format("10:00"), "ended_at": "ongoing"}, ()),
        ("从今天上午10点到现在", None,
         {"started_at": D21.format("10:00"), "ended_at": "ongoing"}, ()),
    ],
)  # fmt: skip
def test_part_of_today_said_while_it_lasts(
    policy: Policy,
    text: str,
    requested: str | None,
    updates: dict[str, str],
    problems: tuple[str, ...],
) -> None:
    message = IncomingMessage(text, "give_time", (), requested, AFTERNOON)
    result = extract_updates(message, {"description": "x"}, policy)
    assert {k: v for k, v in result.updates.items() if k.endswith("_at")} == updates
    assert result.problems == problems


@pytest.mark.parametrize(
    ("text", "intent", "requested", "updates", "problems"),
    [
        ("10万", "give_amount", "revenue_lost", {"revenue_lost": cny("100000")}, ()),
        ("about $5k", "give_amount", "revenue_lost",
         {"revenue_lost": {"amount": "5000", "currency": "USD"}}, ()),
        ("没有损失", "deny", "revenue_lost", {"revenue_lost": cny("0")}, ()),
        ("no loss really", "give_amount", "revenue_lost", {"revenue_lost": cny("0")}, ()),
        ("-500元", "give_amount", "revenue_lost", {}, ("negative_amount",)),
        ("不知道", "give_amount", "revenue_lost", {}, ("invalid_amount",)),
        # a recovery cost answers the loss question: no "I couldn't read that amount"
        ("修复花了3000元", "give_amount", "revenue_lost", {"recovery_cost": cny("3000")}, ()),
        ("我们的月费是2000元", "give_amount", None, {"monthly_fee": cny("2000")}, ()),
        ("十来万", "give_amount", "revenue_lost", {"revenue_lost": cny("100000")}, ()),
        ("two hundred thousand yuan", "give_amount", "revenue_lost",
         {"revenue_lost": cny("200000")}, ()),
        ("损失5万，加班费用8000元", "give_amount", "revenue_lost",
         {"revenue_lost": cny("50000"), "recovery_cost": cny("8000")}, ()),
        ("丢了120个订单", "describe_impact", "revenue_lost", {"orders_lost": 120.0},
         ("invalid_amount",)),
        ("20个员工停工了一天", "describe_impact", None, {"people_idle": 20.0}, ()),
        # 晚上 + 万达 is no 上万; a bare number word is no money
        ("昨天晚上万达店的收银系统挂了，营业额损失了大概两千块", "give_amount", "revenue_lost",
         {"started_hint": "昨天晚上万达店的收银系统挂了", "revenue_lost": cny("2000")}, ()),
        ("two hundred of them failed", "give_amount", "revenue_lost", {}, ("invalid_amount",)),
        ("two hundred dollars", "give_amount", "revenue_lost",
         {"revenue_lost": {"amount": "200", "currency": "USD"}}, ()),
        # a year datetime cannot hold loses only the time, not the message
        ("系统在0000年2月底宕机，损失5万元", "give_amount", "revenue_lost",
         {"revenue_lost": cny("50000")}, ()),
        ("we lost 5000 yuan, the site went down at the end of December 9999", "give_amount",
         "revenue_lost", {"revenue_lost": cny("5000")}, ()),
        ("系统在9999年12月底宕机，损失5万元", "give_amount", "revenue_lost",
         {"revenue_lost": cny("50000")}, ()),
        ("系统在2025年2月底宕机，损失5万元", "give_amount", "revenue_lost",
         {"started_hint": "系统在2025年2月底宕机", "revenue_lost": cny("50000")}, ()),
        # the year of a date is no amount, even when an amount was asked for
        ("end of December 2025 the site went down, we lost 5000 yuan", "give_amount",
         "revenue_lost",
         {"started_hint": "end of December 2025 the site went down", "revenue_lost": cny("5000")},
         ()),
        ("2025", "give_amount", "revenue_lost", {"revenue_lost": cny("2025")}, ()),
    ],
)  # fmt: skip
def test_money_and_counts(
    policy: Policy,
    text: str,
    intent: str,
    requested: str | None,
    updates: dict[str, Any],
    problems: tuple[str, ...],
) -> None:
    slots = {"description": "支付系统宕机"}
    result = run(policy, text, intent, requested, slots)
    assert result.updates == updates
    assert result.problems == problems


@pytest.mark.parametrize(
    ("text", "intent", "requested", "updates"),
    [
        ("", "affirm", "data_leaked", {"data_leaked": True}),
        ("没有", "deny", "data_leaked", {"data_leaked": False}),
        ("没有泄露", None, "data_leaked", {"data_leaked": False}),
        ("是的", "affirm", "customer_config_changed", {"customer_config_changed": True}),
        ("没有", "deny", "customer_config_changed",
         {"customer_config_changed": False, "third_party_involved": False}),
        ("nothing changed", None, "customer_config_changed",
         {"customer_config_changed": False, "third_party_involved": False}),
        ("都没有", None, "customer_config_changed",
         {"customer_config_changed": False, "third_party_involved": False}),
        ("我们改了配置", None, "customer_config_changed", {"customer_config_changed": True}),
        ("we changed the config the day before", None, "customer_config_changed",
         {"customer_config_changed": True}),
        ("we run it on unsupported hardware", None, "customer_config_changed",
         {"customer_config_changed": True}),
        ("支付网关出了故障", None, "customer_config_changed",
         {"third_party_involved": True, "third_party": "payment_gateway"}),
        ("the cloud provider had an outage", None, "third_party_involved",
         {"third_party_involved": True, "third_party": "cloud_provider"}),
        ("no", "deny", "third_party_involved", {"third_party_involved": False}),
    ],
)  # fmt: skip
def test_booleans(
    policy: Policy, text: str, intent: str | None, requested: str, updates: dict[str, Any]
) -> None:
    slots = {"description": "x", "category": "outage"}
    assert run(policy, text, intent, requested, slots).updates == updates


def test_data_kind_entities_set_leak(policy: Policy) -> None:
    ents = ({"entity": "data_kind", "value": "bank_card", "start": 0, "end": 3},)
    slots = {"description": "被黑了", "category": "security_breach"}
    result = run(policy, "银行卡", "describe_impact", "data_leaked", slots, ents)
    assert result.updates == {"data_leaked": True, "leaked_data_kinds": ["bank_card"]}


@pytest.mark.parametrize(
    ("text", "intent", "existing", "updates"),
    [
        ("日志和截图，还有银行流水", "describe_evidence", None,
         {"evidence_items": ["bank_statements", "system_logs", "screenshots"]}),
        ("I have the SLA contract and emails with support", "describe_evidence", None,
         {"evidence_items": ["contract_sla", "chat_records"]}),
        ("订单记录和收入报表", None, ["system_logs"],
         {"evidence_items": ["system_logs", "order_records", "revenue_records"]}),
        ("暂时没有", "deny", None, {"evidence_items": ["none"]}),
        ("none yet", None, None, {"evidence_items": ["none"]}),
        ("还有泄露通知", None, ["none"], {"evidence_items": ["breach_notice"]}),
    ],
)  # fmt: skip
def test_evidence(
    policy: Policy, text: str, intent: str | None, existing: Any, updates: dict[str, Any]
) -> None:
    slots = {"description": "x", "evidence_items": existing}
    assert run(policy, text, intent, "evidence_items", slots).updates == updates


@pytest.mark.parametrize(
    ("text", "requested", "updates", "problems"),
    [
        ("zhang@example.com", "customer_contact",
         {"customer_email": "zhang@example.com", "customer_contact": "zhang@example.com"}, ()),
        ("电话 138 1234 5678", "customer_contact",
         {"customer_phone": "13812345678", "customer_contact": "13812345678"}, ()),
        ("abc", "customer_contact", {}, ("invalid_contact",)),
        ("我叫张三，来自星辰科技", "customer_name",
         {"customer_name": "张三", "customer_company": "星辰科技"}, ()),
        ("My name is John Smith from Acme Ltd", "customer_name",
         {"customer_name": "John Smith", "customer_company": "Acme Ltd"}, ()),
        ("I'm Li Wei", "customer_name", {"customer_name": "Li Wei"}, ()),
    ],
)  # fmt: skip
def test_contact(
    policy: Policy,
    text: str,
    requested: str,
    updates: dict[str, Any],
    problems: tuple[str, ...],
) -> None:
    result = run(policy, text, "give_contact", requested, {"description": "x"})
    assert result.updates == updates
    assert result.problems == problems


def test_company_entity(policy: Policy) -> None:
    ents = ({"entity": "company", "value": "Acme", "start": 0, "end": 4},)
    result = run(policy, "Acme", "give_contact", None, {"description": "x"}, ents)
    assert result.updates == {"customer_company": "Acme"}


@pytest.mark.parametrize(
    ("text", "slots", "updates", "note"),
    [
        ("actually it started at 8, not 9", {"started_at": D20.format("09:00")},
         {"started_at": D20.format("08:00")}, "start time → 2026-11-20 08:00"),
        ("不对，损失是5万不是3万", {"revenue_lost": cny("30000")},
         {"revenue_lost": cny("50000")}, "营收损失 → 50,000 CNY"),
        ("更正：下午2点才恢复", {"started_at": D20.format("09:00"),
                                "ended_at": D20.format("13:00")},
         {"ended_at": D20.format("14:00")}, "恢复时间 → 2026-11-20 14:00"),
        ("actually my email is li@example.org", {"customer_email": "old@example.org"},
         {"customer_email": "li@example.org", "customer_contact": "li@example.org"},
         "contact → li@example.org"),
        ("不对，影响的是5000个用户", {"customers_affected": 3000.0},
         {"customers_affected": 5000.0}, "受影响客户数 → 5000"),
    ],
)  # fmt: skip
def test_corrections(
    policy: Policy, text: str, slots: dict[str, Any], updates: dict[str, Any], note: str
) -> None:
    base = {"description": "x", "category": "outage", **slots}
    result = run(policy, text, "correct_answer", None, base)
    assert result.updates == updates
    assert result.correction == note


def test_correction_with_nothing_recognisable(policy: Policy) -> None:
    result = run(policy, "不对", "correct_answer", None, {"description": "x"})
    assert result.updates == {}
    assert result.correction is None


@pytest.mark.parametrize(
    ("text", "intent", "requested", "updates"),
    [
        ("损失10万的话诉讼要多久？", "faq/how_long_litigation", "revenue_lost", {}),
        ("how long does it take if we lost $50k?", "faq/how_long_negotiation", None, {}),
        ("hello, our payment system is down", "greet", None, {}),
        ("thanks", "say_thanks", "started_at", {}),
        ("昨天上午9点", "nlu_fallback", "started_at", {"started_at": D20.format("09:00")}),
        ("10万", "chitchat/ask_weather", "revenue_lost", {"revenue_lost": cny("100000")}),
    ],
)  # fmt: skip
def test_digressions(
    policy: Policy, text: str, intent: str, requested: str | None, updates: dict[str, Any]
) -> None:
    result = run(policy, text, intent, requested, {"description": "x"})
    assert result.updates == updates
    assert result.problems == ()


def test_category_button_payload(policy: Policy) -> None:
    ents = ({"entity": "category", "value": "data_loss", "start": 0, "end": 0},)
    result = run(policy, '/report_incident{"category": "data_loss"}', "report_incident",
                 "category", {"description": "我们的数据没了"}, ents)  # fmt: skip
    assert result.updates == {"category": "data_loss", "category_reason": "您选择了该类别"}


def test_existing_category_is_kept_and_systems_merge(policy: Policy) -> None:
    ents = ({"entity": "system", "value": "database", "start": 0, "end": 3},)
    slots = {"category": "data_loss", "affected_systems": ["payment"]}
    result = run(policy, "数据库宕机了", "report_incident", None, slots, ents)
    assert result.updates == {
        "description": "数据库宕机了",
        "affected_systems": ["payment", "database"],
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 10_000,
        "😀😀😀",
        '/report_incident{"category": "nonsense"',
        "\x00\x01\x02",
    ],
)
@pytest.mark.parametrize("requested", [None, "started_at", "revenue_lost"])
def test_bad_input_gives_no_updates(policy: Policy, text: str, requested: str | None) -> None:
    result = run(policy, text, "report_incident", requested)
    assert result.updates == {}
    assert result.correction is None


def test_odd_entities_do_not_raise(policy: Policy) -> None:
    ents: tuple[Any, ...] = ({"entity": "money"}, {"value": None}, {"entity": "system", "value": 3})
    result = run(policy, "系统挂了" * 2500, "report_incident", None, {}, ents)
    assert len(result.updates["description"]) == 1000


def test_a_quoted_sql_attack_is_kept_as_the_description(policy: Policy) -> None:
    text = "The attacker typed '); DROP TABLE cases; -- into our login form and the database died"
    result = run(policy, text, "report_incident")
    assert result.updates["description"] == text
    assert result.updates["category"] == "security_breach"


@pytest.mark.parametrize(
    "text",
    ["no data was leaked", "Our API was down for 2 hours, no customer data was leaked",
     "没有任何客户数据被泄露", "数据没有泄露"],
)
def test_a_leak_ruled_out_unasked_is_recorded_as_no_leak(policy: Policy, text: str) -> None:
    assert run(policy, text).updates.get("data_leaked") is False


def test_a_report_heard_as_a_correction_is_still_a_report(policy: Policy) -> None:
    text = "Our order system was down yesterday from 10am to 2pm and we lost 30,000 yuan"
    fresh = run(policy, text, "correct_answer")
    assert fresh.correction is None
    assert fresh.updates["description"] == text
    assert fresh.updates["category"] == "outage"
    # Once there is a case, the same intent is a real correction.
    later = run(policy, "actually it started at 8, not 10", "correct_answer",
                slots={"description": "x", "started_at": "2026-11-20T10:00:00+08:00"})
    assert later.correction is not None


@pytest.mark.parametrize(
    ("text", "value", "start"),
    [("we have system logs and screenshots", "system", 8), ("有系统日志和截图", "系统", 1)],
)
def test_a_generic_word_tagged_as_a_system_names_no_system(
    policy: Policy, text: str, value: str, start: int
) -> None:
    entity = {"entity": "system", "value": value, "start": start, "end": start + len(value)}
    updates = run(policy, text, intent="describe_evidence", requested="evidence_items",
                  slots={"affected_systems": ["payment"]}, entities=(entity,)).updates  # fmt: skip
    assert "affected_systems" not in updates
