"""Pure intake rules: one customer message (plus what is known) -> slot updates -> a Case.

The Rasa action server calls :func:`extract_updates` after every user message and from the
form validators. Customers rarely answer one question at a time: a first message often
holds the system, the times, the losses and the head count at once, so every message is
searched for every fact, and the slot the bot just asked for only breaks ties. All money,
time and count reading is delegated to ``claims.amounts`` and ``claims.timeparse`` so the
rules live in one tested place; this module only decides which slot a value belongs to.

Nothing here raises on odd input: a message we cannot read yields no updates.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from claims.amounts import NegativeAmount, parse_count, parse_money
from claims.case import (
    Case,
    Category,
    DataLeak,
    EvidenceKind,
    EvidenceRef,
    LiabilityFacts,
    LossItem,
    LossKind,
    Money,
    ThirdParty,
    TimelineEntry,
    TimelineKind,
)
from claims.categories import classify, sub_type_for
from claims.language import detect_language
from claims.policy import Policy
from claims.timeparse import (
    DEFAULT_TZ,
    correction_time,
    parse_datetime,
    parse_range,
    refine_time,
)

__all__ = [
    "INTAKE_SLOTS",
    "FORM_SLOTS",
    "Extraction",
    "IncomingMessage",
    "case_from_slots",
    "extract_updates",
    "required_slots",
    "slots_from_case",
    "summary_lines",
]

log = logging.getLogger(__name__)

#: Every slot this module may set.
INTAKE_SLOTS: tuple[str, ...] = (
    "description", "category", "category_reason", "sub_type", "affected_systems",
    "started_at", "ended_at", "detected_at", "data_leaked", "leaked_data_kinds",
    "leaked_records", "revenue_lost", "recovery_cost", "monthly_fee", "orders_lost",
    "people_idle", "customers_affected", "customer_config_changed", "third_party_involved",
    "third_party", "evidence_items", "customer_name", "customer_company", "customer_email",
    "customer_phone", "customer_contact",
)  # fmt: skip

#: Form -> required slots in ask order (mirrors domain/intake.yml).
FORM_SLOTS: dict[str, tuple[str, ...]] = {
    "incident_form": (
        "description", "category", "affected_systems", "started_at", "ended_at",
        "data_leaked", "leaked_data_kinds",
    ),
    "impact_form": ("revenue_lost",),
    "liability_form": ("customer_config_changed", "third_party_involved"),
    "evidence_form": ("evidence_items",),
    "contact_form": ("customer_name", "customer_contact"),
}  # fmt: skip

ONGOING = "ongoing"
NONE_MARKER = "none"
MAX_DESCRIPTION = 1000
#: Longer texts are cut before parsing: nobody states a fact after 4000 characters, and the
#: regexes must stay fast on pasted logs.
MAX_PARSE = 4000

TIME_SLOTS = ("started_at", "ended_at", "detected_at")
MONEY_SLOTS = ("revenue_lost", "recovery_cost", "monthly_fee")
COUNT_SLOTS = ("customers_affected", "orders_lost", "people_idle", "leaked_records")
BOOL_SLOTS = ("data_leaked", "customer_config_changed", "third_party_involved")

_SKIP_INTENTS = frozenset({
    "out_of_scope", "greet", "say_goodbye", "say_thanks", "challenge_bot", "ask_status",
    "request_human", "change_language", "nlu_fallback",
})  # fmt: skip
#: Intents whose text can be the incident description when none is known yet.
_DESCRIPTION_INTENTS = frozenset(
    {"report_incident", "describe_impact", "give_time", "give_amount", "describe_evidence"}
)


@dataclass(frozen=True)
class IncomingMessage:
    """One user message as the action server sees it."""

    text: str
    intent: str | None
    entities: tuple[Mapping[str, Any], ...]
    requested_slot: str | None
    now: datetime
    tz: str = DEFAULT_TZ


@dataclass(frozen=True)
class Extraction:
    """Slot updates (only changed slots), problem codes and a correction note."""

    updates: dict[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    correction: str | None = None


# --------------------------------------------------------------------------- helpers


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _zone(tz: str) -> tzinfo:
    try:
        return ZoneInfo(tz)
    except Exception:  # noqa: BLE001 - a bad zone name must not lose the message
        return ZoneInfo(DEFAULT_TZ)


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _entities(message: IncomingMessage, name: str) -> list[str]:
    out: list[str] = []
    for ent in message.entities or ():
        try:
            if ent.get("entity") == name and ent.get("value") not in (None, ""):
                value = str(ent.get("value")).strip()
                if value and value not in out:
                    out.append(value)
        except AttributeError:
            continue
    return out


def _iso_to_dt(value: Any, zone: tzinfo) -> datetime | None:
    if not isinstance(value, str) or not value or value == ONGOING:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=zone)


def _money_dict(money: Money) -> dict[str, str]:
    return {"amount": str(money.amount), "currency": money.currency}


def _merge(old: Any, new: Iterable[str]) -> list[str]:
    out = [str(x) for x in old] if isinstance(old, list) else []
    for item in new:
        if item not in out:
            out.append(item)
    return out


def _any(pattern: re.Pattern[str], text: str) -> bool:
    return pattern.search(text) is not None


# Clause splitting: coarse clauses keep ranges together ("from 9 to 1pm"); fine clauses
# also split at conjunctions so "lost 100k and spent 20k fixing it" gives two amounts.
# A comma between digits ("100,000") is a thousands separator, not a clause break.
_PUNCT = r"(?:(?<!\d),|,(?!\d{3}(?!\d))|[;!?。，；！？\n]|\.(?!\d))+"
_COARSE = re.compile(_PUNCT)
# "and" before an ordinal lists things or days ("the 2nd and 3rd servers"): no clause break
_THEN = re.compile(
    r"\band then\b|\band\b(?!\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b)|\bthen\b|"
    r"然后|然後|后来|後來|之后|之後",
    re.I,
)
_FINE = re.compile(_PUNCT + r"|、|\band\b|\bplus\b|以及|另外|还有|還有|並且|并且|而且|同时")


def _clauses(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [c.strip() for c in pattern.split(text) if c and c.strip()]


def _time_clauses(text: str) -> list[str]:
    """Coarse clauses, also split at "and"/"然后" unless they join a range ("between 9 and 11")."""
    out: list[str] = []
    for clause in _clauses(text, _COARSE):
        if re.search(r"\bbetween\b", clause, re.I):
            out.append(clause)
        else:
            out.extend(_clauses(clause, _THEN))
    return out


def _junk(text: str) -> bool:
    """A keyboard held down or an injected intent: nothing a customer states.

    SQL is *not* junk: a customer may quote the attack that hit them, and it is stored
    through bound parameters like any other text.
    """
    stripped = text.strip()
    if len(set(stripped)) <= 3 and len(stripped) > 10:
        return True
    return bool(re.match(r"^/\w+\{", stripped))


# --------------------------------------------------------------------------- keywords

_ONGOING = re.compile(
    r"还没恢复|還沒恢復|没有恢复|沒有恢復|尚未恢复|仍未恢复|还没好|還沒好|至今|到现在还|到現在還|"
    r"一直没|仍然|依然|还在宕|还是不能|还是无法|持续中|"
    r"\bstill (?:down|out|broken|not|offline|unavailable|failing|ongoing|happening)|"
    r"\bnot (?:yet )?(?:restored|fixed|resolved|back)\b|\bongoing\b|\bisn'?t (?:fixed|back)\b|"
    r"\bhasn'?t (?:been )?(?:restored|fixed|resolved|come back)\b",
    re.IGNORECASE,
)
_END_WORDS = re.compile(
    r"恢复|恢復|结束|結束|修好|好了|正常了|解决|解決|修复了|到|until|till|\brestored|\bback\b|"
    r"\bfixed|\bresolved|came back|\bended|\bfinished|recovered|working again",
    re.IGNORECASE,
)
_DETECT_WORDS = re.compile(
    r"发现|發現|注意到|察觉|察覺|\bnoticed|\bdetected|\bdiscovered|\bfound\b|\brealized|\brealised",
    re.IGNORECASE,
)
_START_WORDS = re.compile(
    r"开始|開始|起|从|從|宕机|宕機|挂了|掛了|崩|\bsince\b|\bfrom\b|\bstarted|\bbegan|went down|"
    r"\bwent offline|\bcrashed|\bstopped|\bdown\b",
    re.IGNORECASE,
)
_DAY_WORDS = re.compile(
    r"昨|今天|今日|今早|今晚|前天|明天|\d+\s*[月/\-.]\s*\d+|月|号|號|周|週|星期|礼拜|禮拜|"
    r"yesterday|today|tonight|last night|this morning|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|\bmon\b|\btue|\bwed\b|\bthu|\bfri\b|jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|oct|nov|dec|ago|前|刚才|刚刚|剛才|剛剛|方才|just now",
    re.IGNORECASE,
)

_REVENUE_WORDS = re.compile(
    r"损失|損失|营收|營收|收入|营业额|營業額|销售|銷售|订单|訂單|生意|赔|亏|虧|少赚|\blost\b|\bloss|"
    r"revenue|sales|income|turnover|\borders?\b",
    re.IGNORECASE,
)
_RECOVERY_WORDS = re.compile(
    r"修复|修復|恢复费|恢復費|恢复成本|加班|外包|技术支持费|顾问|顧問|处理费|維修|维修|"
    r"recover|\bfix|repair|consultant|overtime|contractor|clean-?up|remediation",
    re.IGNORECASE,
)
_MONTHLY_WORDS = re.compile(
    r"月费|月費|套餐|订阅|訂閱|每月|每个月|年费|subscription|monthly|per month|a month|plan\b",
    re.IGNORECASE,
)
_CURRENCY_HINT = re.compile(
    r"元|块|塊|万|萬|亿|億|[¥$€£]|\brmb\b|\bcny\b|\busd\b|\beur\b|\byuan\b|dollars?|euros?|"
    r"\d\s*(?:k|m|mn|w)\b|thousand|million",
    re.IGNORECASE,
)
_NO_LOSS = re.compile(
    r"没有损失|沒有損失|无损失|無損失|没损失|没什么损失|没有|没|無|无|零|^\s*0\s*$|\bno loss|"
    r"\bnothing\b|\bnone\b|\bno\b|\bzero\b|didn'?t lose|did not lose",
    re.IGNORECASE,
)

_ORDER_WORDS = re.compile(r"订单|訂單|单|笔|筆|\borders?\b|\btransactions?\b", re.IGNORECASE)
_RECORD_WORDS = re.compile(r"条|條|\brecords?\b|\brows?\b|\bentries\b", re.IGNORECASE)
_USER_WORDS = re.compile(
    r"用户|用戶|客户|客戶|顾客|顧客|买家|會員|会员|商户|商戶|\busers?\b|\bcustomers?\b|"
    r"\bclients?\b|\bsubscribers?\b|\baccounts?\b|\bmerchants?\b|\bmembers?\b",
    re.IGNORECASE,
)
_STAFF_WORDS = re.compile(
    r"员工|員工|同事|职员|職員|\bstaff\b|\bemployees?\b|\bcolleagues?\b|\bworkers?\b",
    re.IGNORECASE,
)
_IDLE_WORDS = re.compile(
    r"停工|闲置|閒置|无法工作|無法工作|没法工作|干等|等待|\bidle\b|couldn'?t work|"
    r"could not work|unable to work|sat around",
    re.IGNORECASE,
)
_PEOPLE_WORDS = re.compile(r"人|\bpeople\b|\bpersons?\b", re.IGNORECASE)

_LEAK_WORDS = re.compile(
    r"(?:泄露|泄漏|洩露)(?!通知)|外泄|外洩|被盗|被盜|被拖库|\bleak|\bexposed|"
    r"\bbreach(?!\s+notic)|\bstolen|\bcompromised",
    re.IGNORECASE,
)
_NEG_BEFORE = re.compile(
    r"(?:没有|沒有|没|沒|未|不是|不|无|無|\bno\b|\bnot\b|n't|\bnever\b|\bwithout\b|\bnothing\b)"
    r"[^,.;!?，。；！？]{0,20}$",
    re.IGNORECASE,
)

_DATA_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("phone_number", r"手机号|手機號|电话号码|電話號碼|联系电话|phone numbers?|mobile numbers?"),  # noqa: E501
        ("id_number", r"身份证|身份證|证件号|證件號|id numbers?|passport numbers?"),
        ("bank_card", r"银行卡|銀行卡|信用卡|bank cards?|credit cards?|card numbers?"),
        ("address", r"地址|住址|\baddress(?:es)?\b"),
        ("password", r"密码|密碼|passwords?|credentials"),
        ("email_address", r"邮箱|郵箱|email address(?:es)?|e-mail address(?:es)?|\bemails\b"),
        ("name", r"姓名|名字|\bnames\b|full names?"),
        ("health", r"病历|病歷|健康|体检|體檢|medical|health"),
        ("purchase_history", r"购买记录|購買記錄|消费记录|消費記錄|交易记录|purchase history|order history"),  # noqa: E501
    )
)  # fmt: skip

_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("payment", r"支付|收款|\bpayments?\b|checkout"),
        ("database", r"数据库|數據庫|\bdb\b|database|mysql|postgres"),
        ("login", r"登录|登陸|登陆|單點登錄|\blog-?in\b|sign-?in|\bsso\b"),
        ("api", r"\bapi\b|接口"),
        ("website", r"网站|網站|官网|網頁|网页|商城|website|web ?site|web ?shop"),
        ("app", r"\bapp\b|客户端|客戶端|小程序|mobile app"),
        ("crm", r"\bcrm\b|客户管理系统"),
        ("erp", r"\berp\b"),
        ("email", r"邮件|郵件|邮箱系统|email service|mail server"),
        ("storage", r"存储|存儲|网盘|網盤|storage"),
        ("order_system", r"订单系统|訂單系統|下单系统|order(?:ing)? system"),
        ("billing", r"计费|計費|结算|結算|账单|賬單|billing|invoic"),
        ("cdn", r"\bcdn\b|内容分发"),
    )
)  # fmt: skip

_EVIDENCE: tuple[tuple[EvidenceKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (EvidenceKind.BANK_STATEMENTS, r"银行流水|銀行流水|银行对账单|銀行對賬單|bank statements?"),
        (EvidenceKind.BREACH_NOTICE, r"泄露通知|泄漏通知|洩露通知|breach notice|breach notification"),  # noqa: E501
        (EvidenceKind.SYSTEM_LOGS, r"日志|日誌|\blogs?\b"),
        (EvidenceKind.SCREENSHOTS, r"截图|截圖|截屏|屏幕录像|screenshots?|screen shots?|screen recording"),  # noqa: E501
        (EvidenceKind.ORDER_RECORDS, r"订单|訂單|order records?|order history|orders\b"),
        (EvidenceKind.REVENUE_RECORDS, r"收入|流水|营收|營收|报表|報表|revenue|sales report|financial report"),  # noqa: E501
        (EvidenceKind.CONTRACT_SLA, r"合同|合約|协议|協議|\bsla\b|contract|agreement"),
        (EvidenceKind.CHAT_RECORDS, r"聊天记录|聊天記錄|沟通记录|溝通記錄|客服|工单|工單|邮件|郵件|\bemails?\b|\bchats?\b|tickets?|support"),  # noqa: E501
        (EvidenceKind.INCIDENT_REPORT, r"事故报告|事故報告|故障报告|故障報告|incident report|post-?mortem|\brca\b"),  # noqa: E501
    )
)  # fmt: skip
_NO_EVIDENCE = re.compile(
    r"暂时没有|暫時沒有|还没有|還沒有|没有|沒有|暂无|暫無|无|無|\bnone\b|\bnothing\b|not yet|"
    r"\bno\b|don'?t have|do not have",
    re.IGNORECASE,
)

_THIRD_PARTIES: tuple[tuple[ThirdParty, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (ThirdParty.PAYMENT_GATEWAY, r"支付网关|支付網關|支付接口|支付通道|支付宝|支付寶|微信支付|银联|銀聯|"  # noqa: E501
         r"payment gateway|payment provider|payment processor|stripe|paypal|alipay|wechat pay"),
        (ThirdParty.NETWORK_PROVIDER, r"运营商|運營商|网络供应商|網絡供應商|电信|電信|联通|聯通|宽带|寬帶|"  # noqa: E501
         r"network provider|\bisp\b|carrier|telecom"),
        (ThirdParty.CLOUD_PROVIDER, r"云服务商|雲服務商|云厂商|雲廠商|云服务|雲服務|阿里云|腾讯云|华为云|"  # noqa: E501
         r"cloud provider|\baws\b|amazon web services|azure|google cloud|gcp"),
        (ThirdParty.SOFTWARE_SUPPLIER, r"第三方软件|第三方軟件|软件供应商|軟件供應商|third[- ]party software|"  # noqa: E501
         r"software supplier|software vendor"),
        (ThirdParty.OTHER, r"第三方|third[- ]party|another company|外部服务"),
    )
)  # fmt: skip
_FAILURE = re.compile(
    r"故障|出问题|出問題|问题|問題|挂|掛|宕|失败|失敗|中断|中斷|断|斷|异常|異常|出错|出錯|"
    r"fail|down|outage|issue|problem|broke|error|crash|went out",
    re.IGNORECASE,
)
_CONFIG_CHANGED = re.compile(
    r"改了|改过|改過|修改|调整|調整|动过|動過|换了|換了|升级了|配置|设置|設置|不支持的硬件|硬件不符|"
    r"changed|modified|tweaked|edited|updated|config|settings|unsupported hardware|"
    r"own hardware|custom hardware",
    re.IGNORECASE,
)
_CONFIG_STRONG = re.compile(
    r"(?:我们|我們|我|自己|客户|客戶).{0,4}(?:改|修改|调整|調整|动|動|换|換)|"
    r"(?:改|修改|调整|調整|动|動)(?:了|过|過)?.{0,3}(?:配置|设置|設置|参数|參數)|"
    r"不支持的硬件|硬件不符|硬件不达标|硬件不達標|"
    r"\b(?:we|i|our team)\b.{0,20}\b(?:changed|modified|tweaked|edited|altered)\b|"
    r"\b(?:changed|modified|tweaked|edited)\b.{0,20}\b(?:config|configuration|settings)\b|"
    r"unsupported hardware|hardware (?:below|under|that doesn'?t meet)",
    re.IGNORECASE,
)
_NO_ANSWER = re.compile(
    r"^\s*(?:没有|沒有|没|沒|都没有|都沒有|都没|都不是|不是|无|無|否|不|没改|没有改|没动过|"
    r"no|nope|nah|none|neither|nothing|not really|no changes?|nothing changed|"
    r"neither of (?:them|those)|we didn'?t|didn'?t)"
    r"[\s,.!。，！~]*(?:都没有|都沒有|都没|nothing changed|we didn'?t change anything|"
    r"no third part(?:y|ies)|没有第三方|也没有|也沒有|neither)?[\s,.!。，！~]*",
    re.IGNORECASE,
)
_YES_ANSWER = re.compile(
    r"^\s*(?:是|是的|对|對|有|有的|嗯|yes|yeah|yep|yup|correct|right|sure|indeed)[\s,.!。，！~]*$",
    re.IGNORECASE,
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PHONE_STRICT = re.compile(r"(?<!\d)(?:(?:\+|00)86[\s\-]?)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")
_PHONE_LOOSE = re.compile(r"(?<![\w\d])\+?\d[\d\s\-()]{6,18}\d(?!\d)")
_NAME_PREFIX = re.compile(
    r"^\s*(?:我叫|我是|我的名字是|名字是|姓名[:：]?|本人|"
    r"my name is|my name's|name[:：]|i am|i'm|im|this is|it's|call me)\s*",
    re.IGNORECASE,
)
_COMPANY_SPLIT = re.compile(r"\s*(?:[,，;；]|来自|來自|\bfrom\b|\bat\b|\bwith\b)\s*", re.IGNORECASE)

_CORRECTION_START = re.compile(
    r"^\s*(?:actually|correction|sorry,?\s+i meant|i meant|wait,?|no,?\s+it was|"
    r"不对|不對|更正|纠正|糾正|说错了|說錯了|搞错了|搞錯了|应该是|應該是|其实|其實)",
    re.IGNORECASE,
)
_NEGATED_PART = re.compile(
    r"(?:而?不是|並不是|并不是|并非|並非)[^,;!?。，；！？是]*"
    r"|\b(?:not|rather than|instead of)\b[^,;!?]*?(?=[,;!?]|\bbut\b|$)",
    re.IGNORECASE,
)

_QUESTION = re.compile(
    r"[?？]|吗|嗎|呢|怎么|怎樣|怎样|如何|多久|多长时间|多少|为什么|為什麼|能不能|可不可以|会不会"
    r"|^\s*(?:how|what|why|when|where|which|who|can|could|do|does|did|is|are|will|would|should|may)\b",
    re.I,
)


# --------------------------------------------------------------------------- labels

_LABELS: dict[str, tuple[str, str]] = {
    "description": ("事故描述", "description"),
    "category": ("事故类别", "category"),
    "affected_systems": ("受影响系统", "affected systems"),
    "started_at": ("开始时间", "start time"),
    "ended_at": ("恢复时间", "restore time"),
    "detected_at": ("发现时间", "detection time"),
    "data_leaked": ("数据泄露", "data leaked"),
    "leaked_data_kinds": ("泄露的数据", "leaked data"),
    "leaked_records": ("泄露条数", "leaked records"),
    "revenue_lost": ("营收损失", "lost revenue"),
    "recovery_cost": ("修复费用", "recovery cost"),
    "monthly_fee": ("月费", "monthly fee"),
    "orders_lost": ("损失订单数", "lost orders"),
    "people_idle": ("停工人数", "idle staff"),
    "customers_affected": ("受影响客户数", "customers affected"),
    "customer_config_changed": ("客户修改过配置", "customer changed the configuration"),
    "third_party_involved": ("涉及第三方", "third party involved"),
    "evidence_items": ("证据", "evidence"),
    "customer_name": ("姓名", "name"),
    "customer_company": ("公司", "company"),
    "customer_contact": ("联系方式", "contact"),
}


def _label(slot: str, language: str) -> str:
    zh, en = _LABELS.get(slot, (slot, slot))
    return zh if language == "zh" else en


def _fmt_time(value: Any, zone: tzinfo, language: str) -> str:
    if value == ONGOING:
        return "尚未恢复" if language == "zh" else "still ongoing"
    dt = _iso_to_dt(value, zone)
    return str(value) if dt is None else dt.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _fmt_money(value: Any) -> str:
    try:
        money = Money.from_dict(value)
    except (TypeError, ValueError, KeyError, ArithmeticError):
        return str(value)
    amount = money.amount
    text = f"{amount:,}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{text} {money.currency}"


def _fmt_value(slot: str, value: Any, zone: tzinfo, language: str) -> str:
    if slot in TIME_SLOTS:
        return _fmt_time(value, zone, language)
    if slot in MONEY_SLOTS:
        return _fmt_money(value)
    if isinstance(value, bool):
        if language == "zh":
            return "是" if value else "否"
        return "yes" if value else "no"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, list):
        return ("、" if language == "zh" else ", ").join(str(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- extraction


class _Work:
    """Mutable state of one extraction: updates so far and problems found."""

    def __init__(self, message: IncomingMessage, slots: Mapping[str, Any], policy: Policy):
        self.message = message
        self.slots = slots
        self.policy = policy
        self.zone = _zone(message.tz or DEFAULT_TZ)
        self.now = message.now.astimezone(self.zone)
        raw = _norm(message.text or "")
        self.is_payload = raw.lstrip().startswith("/")
        self.text = "" if self.is_payload else raw.strip()[:MAX_PARSE]
        self.original = "" if self.is_payload else (message.text or "").strip()
        self.requested = message.requested_slot
        self.intent = message.intent or None
        default_lang = slots.get("language") if slots.get("language") in ("zh", "en") else "zh"
        self.language = detect_language(self.text, default=str(default_lang))
        self.updates: dict[str, Any] = {}
        self.problems: list[str] = []
        # True when the classifier heard a question or small talk: only recognised facts
        # count then, never the catch-all "other" answers.
        self.strict = False

    def get(self, slot: str) -> Any:
        return self.updates[slot] if slot in self.updates else self.slots.get(slot)

    def problem(self, code: str) -> None:
        if code not in self.problems:
            self.problems.append(code)

    def result(self, correction: str | None = None) -> Extraction:
        changed = {k: v for k, v in self.updates.items() if self.slots.get(k) != v}
        return Extraction(changed, tuple(self.problems), correction if changed else None)


def _is_skip_intent(intent: str | None) -> bool:
    if not intent:
        return False
    return intent.startswith(("faq", "chitchat")) or intent in _SKIP_INTENTS


def extract_updates(
    message: IncomingMessage, slots: Mapping[str, Any], policy: Policy
) -> Extraction:
    """Slot updates for one message; never raises (odd input gives no updates)."""
    try:
        return _extract(message, slots or {}, policy)
    except Exception:  # noqa: BLE001 - a crash here would drop the customer's message
        log.exception("intake extraction failed; returning no updates")
        return Extraction({}, (), None)


def _extract(message: IncomingMessage, slots: Mapping[str, Any], policy: Policy) -> Extraction:
    w = _Work(message, slots, policy)
    unheard_report = w.intent == "nlu_fallback" and not w.requested
    # A "correction" before anything was said has nothing to correct: it is the report.
    nothing_to_correct = w.intent == "correct_answer" and not _filled(w.slots.get("description"))
    if (unheard_report or nothing_to_correct) and _plainly_an_incident(w):
        w.intent = "report_incident"
    if _is_skip_intent(w.intent) and not unheard_report:
        _answer_requested_only(w)
        return w.result()
    if w.is_payload:
        # Button payloads ("/report_incident{"category": "outage"}") carry only entities.
        _category(w, describing=False)
        _systems(w)
        return w.result()
    yes_no = w.intent in ("affirm", "deny")
    if (not w.text and not message.entities and not yes_no) or _junk(w.text):
        return w.result()
    if w.intent == "correct_answer" or (
        _any(_CORRECTION_START, w.text) and w.intent != "report_incident"
    ):
        note = _correction(w)
        return w.result(note)

    _run_all(w, describing=_description(w))
    return w.result()


def _run_all(w: _Work, *, describing: bool) -> None:
    _systems(w)
    _category(w, describing=describing)
    _times(w)
    _money(w)
    _counts(w)
    _leak(w)
    _booleans(w)
    _evidence(w)
    _contact(w)
    _name(w)
    for company in _entities(w.message, "company")[:1]:
        w.updates["customer_company"] = company


def _plainly_an_incident(w: _Work) -> bool:
    """A statement that names an incident is a report even when the classifier missed it."""
    if _filled(w.slots.get("description")) or not w.text or _any(_QUESTION, w.text):
        return False
    return classify(w.policy, text=w.text).category is not None


def _answer_requested_only(w: _Work) -> None:
    """A question or small talk while a question of ours is pending.

    The classifier often hears an answer such as "no, nothing changed on our side" or
    "still down" as an FAQ. A statement (not a question) is therefore read as an answer,
    with every rule but the catch-alls; a real question is left to the FAQ.
    """
    if not w.requested or not w.text or _any(_QUESTION, w.text):
        return
    w.strict = True
    _run_all(w, describing=_description(w))
    # Not an attempt at an answer: say nothing about unreadable times or amounts.
    w.problems = [p for p in w.problems if not p.startswith("invalid_")]


def _description(w: _Work) -> bool:
    """Use the text as the description when the customer is telling what happened."""
    if not re.search(r"\w", w.text):
        return False
    known = _filled(w.slots.get("description"))
    wants = w.requested == "description" or (
        not known
        and (w.intent == "report_incident" or w.requested is None)
        and (w.intent is None or w.intent in _DESCRIPTION_INTENTS)
    )
    if not wants:
        return False
    w.updates["description"] = w.original[:MAX_DESCRIPTION]
    return True


#: Words a classifier may tag as a system that name none ("system logs", "系统日志"):
#: only the report itself or the answer to "which system?" may give them.
_GENERIC_SYSTEMS = frozenset({"system", "systems", "the system", "系统"})


def _systems(w: _Work) -> None:
    found = [v.lower() for v in _entities(w.message, "system")]
    if w.requested != "affected_systems" and "description" not in w.updates:
        found = [v for v in found if v.strip() not in _GENERIC_SYSTEMS]
    if not found and (w.requested == "affected_systems" or "description" in w.updates):
        found = [name for name, pat in _SYSTEMS if pat.search(w.text)]
        if not found and w.requested == "affected_systems" and 0 < len(w.text) <= 40:
            found = [w.text.strip(" 。.!！")]
    if found:
        w.updates["affected_systems"] = _merge(w.slots.get("affected_systems"), found)


def _reason_text(reasons: Iterable[str], language: str, chosen: bool) -> str:
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


def _category(w: _Work, *, describing: bool) -> None:
    """An explicit category wins; otherwise classify a fresh description."""
    hints = _entities(w.message, "category")
    chosen = next((c for c in (_to_category(h) for h in hints) if c is not None), None)
    description = str(w.get("description") or "")
    if chosen is not None:
        w.updates["category"] = chosen.value
        w.updates["sub_type"] = sub_type_for(w.policy, chosen, description)
        w.updates["category_reason"] = _reason_text((), w.language, chosen=True)
        return
    if _filled(w.slots.get("category")) or not (describing or w.requested == "category"):
        return
    kinds = list(w.get("leaked_data_kinds") or []) + _entities(w.message, "data_kind")
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
    w.updates["category_reason"] = _reason_text(result.reasons, w.language, chosen=False)


def _to_category(value: str) -> Category | None:
    try:
        return Category(value.strip().lower())
    except ValueError:
        return None


# -- times


@dataclass
class _TimeFound:
    start: datetime | None = None
    end: datetime | None = None
    detected: datetime | None = None
    any_time: bool = False
    until_now: bool = False  # a range ended "到现在"/"until now"; "刚才恢复" is a moment


def _anchor(end: datetime, start: datetime | None, clause: str, now: datetime) -> datetime:
    """An end time said without a date belongs to the start's day (or the day after)."""
    if start is None or _any(_DAY_WORDS, clause):
        return end
    candidate = datetime.combine(start.date(), end.timetz())
    if candidate < start:
        candidate += timedelta(days=1)
    return candidate if candidate <= now else end


# A clause with one of these is a range end or a start of its own, never a refinement of
# the day just said ("昨天上午，11点恢复" ends at 11).
_RANGE_WORDS = re.compile(_END_WORDS.pattern + r"|至|\bto\b|\bthrough\b", re.IGNORECASE)


def _role(clause: str) -> str | None:
    """The field a clause's own words assign its moment to, if any."""
    if _any(_DETECT_WORDS, clause):
        return "detected"
    if _any(_END_WORDS, clause) and not re.search(r"从|從|\bfrom\b|\bsince\b", clause, re.I):
        return "end"
    if _any(_START_WORDS, clause):
        return "start"
    return None


def _place(w: _Work, found: _TimeFound, clause: str, moment: datetime, slot: str | None) -> bool:
    """Put ``moment`` into ``slot`` (an end anchored to the start's day) unless it is taken."""
    if slot is None or getattr(found, slot) is not None:
        return False
    if slot == "end":
        known_start = _iso_to_dt(w.slots.get("started_at"), w.zone)
        moment = _anchor(moment, found.start or known_start, clause, w.now)
    setattr(found, slot, moment)
    return True


def _slot_for_moment(w: _Work, found: _TimeFound, clause: str) -> str | None:
    """The field a single moment said in ``clause`` fills: its words, else the question."""
    role = _role(clause)
    if role is not None:
        return role
    if w.requested == "ended_at":
        return "end"
    if w.requested == "detected_at":
        return "detected"
    known_start = _iso_to_dt(w.slots.get("started_at"), w.zone)
    if found.start is None and (w.requested == "started_at" or known_start is None):
        return "start"
    if found.end is None and not _filled(w.slots.get("ended_at")):
        return "end"
    return None


def _on_start_day(w: _Work, found: _TimeFound, clause: str) -> datetime | None:
    """An end said as a part of day not begun today ("中午才恢复" at 10:00) is on the start's
    day; without that context timeparse gives None rather than guess yesterday."""
    start = found.start or _iso_to_dt(w.slots.get("started_at"), w.zone)
    if start is None or _slot_for_moment(w, found, clause) != "end":
        return None
    return parse_datetime(clause, w.now, w.zone, day=start.date())


def _scan_times(w: _Work, text: str) -> _TimeFound:
    found = _TimeFound()
    # (field filled, clause) of the previous clause when it said a single moment
    prev: tuple[str | None, str] | None = None
    for clause in _time_clauses(text):
        last, prev = prev, None
        has_money = _any(_CURRENCY_HINT, clause) and (
            _any(_REVENUE_WORDS, clause) or _any(_RECOVERY_WORDS, clause)
        )
        if has_money and not (_any(_START_WORDS, clause) or _any(_END_WORDS, clause)):
            continue
        start, end = parse_range(clause, w.now, w.zone)
        if start is None:
            start = _on_start_day(w, found, clause)
        if start is None:
            continue
        found.any_time = True
        if end is not None:
            if found.start is None:
                found.start = start
            if found.end is None:
                found.end, found.until_now = end, end == w.now
            continue
        if last is not None and not _any(_RANGE_WORDS, clause):
            # "昨天傍晚，大概六点半": a clock-only clause sharpens the day/part of day just said
            refined = refine_time(last[1], clause, w.now, w.zone)
            if refined is not None:
                slot = _role(clause) or last[0]
                if slot is not None and slot == last[0]:
                    setattr(found, slot, None)  # the previous clause's guessed hour gives way
                if _place(w, found, f"{last[1]} {clause}", refined, slot):
                    continue
                start = refined
        slot = _slot_for_moment(w, found, clause)
        prev = (slot if _place(w, found, clause, start, slot) else None, clause)
    return found


def _times(w: _Work) -> None:
    found = _scan_times(w, w.text)
    ongoing = _any(_ONGOING, w.text)
    if found.until_now:
        ongoing, found.end = True, None  # "到现在" / "until now"
    if found.start is not None:
        if found.start > w.now:
            w.problem("in_future")
        else:
            w.updates["started_at"] = found.start.isoformat()
    if found.detected is not None:
        if found.detected > w.now:
            w.problem("in_future")
        else:
            w.updates["detected_at"] = found.detected.isoformat()
    start = _iso_to_dt(w.get("started_at"), w.zone)
    if ongoing and (found.end is None or w.requested == "ended_at"):
        w.updates["ended_at"] = ONGOING
    elif found.end is not None:
        if found.end > w.now:
            w.problem("in_future")
        elif start is not None and found.end < start:
            w.problem("end_before_start")
        else:
            w.updates["ended_at"] = found.end.isoformat()
    req = w.requested
    answered = req not in TIME_SLOTS or req in w.updates or found.any_time
    if not answered and not (req == "ended_at" and ongoing):
        w.problem("invalid_time")


# -- money and counts


def _money_slot_for(clause: str, requested: str | None) -> str | None:
    if _any(_MONTHLY_WORDS, clause):
        return "monthly_fee"
    if _any(_RECOVERY_WORDS, clause):
        return "recovery_cost"
    if _any(_REVENUE_WORDS, clause):
        return "revenue_lost"
    if requested in MONEY_SLOTS:
        return requested
    return None


def _money(w: _Work) -> None:
    req = w.requested
    currency = w.policy.currency
    for clause in _clauses(w.text, _FINE):
        try:
            money = parse_money(clause, currency)
        except NegativeAmount:
            w.problem("negative_amount")
            continue
        if money is None:
            continue
        slot = _money_slot_for(clause, req)
        bare = not _any(_CURRENCY_HINT, clause)
        if bare and parse_datetime(clause, w.now, w.zone) is not None:
            continue  # "end of December 2025": the number is a year, not an amount
        if slot is None:
            if bare:
                continue
            slot = "revenue_lost"
        if slot not in w.updates:
            w.updates[slot] = _money_dict(money)
    if req in MONEY_SLOTS and req not in w.updates:
        if _any(_NO_LOSS, w.text) and "negative_amount" not in w.problems:
            w.updates[req] = {"amount": "0", "currency": currency}
        elif "negative_amount" not in w.problems:
            w.problem("invalid_amount")


def _count_slot_for(clause: str) -> str | None:
    if _any(_ORDER_WORDS, clause) and not _any(_USER_WORDS, clause):
        return "orders_lost"
    if _any(_RECORD_WORDS, clause):
        return "leaked_records"
    if _any(_STAFF_WORDS, clause) or (_any(_PEOPLE_WORDS, clause) and _any(_IDLE_WORDS, clause)):
        return "people_idle"
    if _any(_USER_WORDS, clause) or _any(_PEOPLE_WORDS, clause):
        return "customers_affected"
    return None


def _counts(w: _Work) -> None:
    for clause in _clauses(w.text, _FINE):
        slot = _count_slot_for(clause)
        if slot is None:
            continue
        try:
            money = parse_money(clause, w.policy.currency)
        except NegativeAmount:
            continue
        count = parse_count(clause)
        if count is None or count.value < 0:
            continue
        if money is not None and money.amount == count.value and _any(_CURRENCY_HINT, clause):
            continue  # the number is an amount ("客户损失10万元"), not a head count
        if slot not in w.updates:
            w.updates[slot] = float(count.value)


# -- leak, liability


def _negated(text: str, start: int) -> bool:
    return _any(_NEG_BEFORE, text[max(0, start - 28) : start])


def _leak(w: _Work) -> None:
    kinds = [k.lower() for k in _entities(w.message, "data_kind")]
    leak_match = _LEAK_WORDS.search(w.text)
    leak_said = leak_match is not None and not _negated(w.text, leak_match.start())
    asked = w.requested in ("data_leaked", "leaked_data_kinds")
    if leak_said or asked or kinds:
        kinds += [k for k, pat in _DATA_KINDS if pat.search(w.text) and k not in kinds]
    if kinds or leak_said:
        w.updates["data_leaked"] = True
        if kinds:
            w.updates["leaked_data_kinds"] = _merge(w.slots.get("leaked_data_kinds"), kinds)
    elif leak_match is not None:
        w.updates["data_leaked"] = False  # "没有泄露" / "no data was leaked", asked or not
    elif (
        w.requested == "leaked_data_kinds" and w.text and not w.strict
        and not _any(_QUESTION, w.text)
    ):
        w.updates["leaked_data_kinds"] = _merge(w.slots.get("leaked_data_kinds"), ["other"])


def _booleans(w: _Work) -> None:
    req = w.requested
    text = w.text
    if req in BOOL_SLOTS and req not in w.updates:
        if w.intent == "affirm" or (w.intent != "deny" and _any(_YES_ANSWER, text)):
            w.updates[req] = True
        elif w.intent == "deny":
            w.updates[req] = False
    _third_party(w)
    liability_q = req in ("customer_config_changed", "third_party_involved")
    config = _CONFIG_STRONG.search(text) or (_CONFIG_CHANGED.search(text) if liability_q else None)
    if config is not None:
        negated = _negated(text, config.start()) or bool(
            re.search(r"没|沒|未|didn'?t|did not|haven'?t|never|\bno\b", config.group(0), re.I)
        )
        if not negated:
            w.updates["customer_config_changed"] = True
        elif liability_q:
            w.updates["customer_config_changed"] = False
    if req == "customer_config_changed" and _NO_ANSWER.fullmatch(text):
        # "没有" to "did you change anything, or was a third party involved?" answers both.
        w.updates.setdefault("customer_config_changed", False)
        w.updates.setdefault("third_party_involved", False)
    elif req == "third_party_involved" and _NO_ANSWER.fullmatch(text):
        w.updates.setdefault("third_party_involved", False)
    if req == "customer_config_changed" and w.intent == "deny":
        w.updates.setdefault("third_party_involved", False)


def _third_party(w: _Work) -> None:
    text = w.text
    liability_q = w.requested in ("customer_config_changed", "third_party_involved")
    for kind, pat in _THIRD_PARTIES:
        m = pat.search(text)
        if m is None:
            continue
        if _negated(text, m.start()):
            if liability_q:
                w.updates["third_party_involved"] = False
            return
        if liability_q or _any(_FAILURE, text):
            w.updates["third_party_involved"] = True
            w.updates["third_party"] = kind.value
        return


# -- evidence and contact


def _evidence(w: _Work) -> None:
    if w.requested != "evidence_items" and w.intent != "describe_evidence":
        return
    text = w.text
    kinds: list[str] = []
    for kind, pat in _EVIDENCE:
        m = pat.search(text)
        if m is not None and not _negated(text, m.start()):
            kinds.append(kind.value)
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    old = [x for x in (w.slots.get("evidence_items") or []) if x != NONE_MARKER]
    if kinds:
        w.updates["evidence_items"] = _merge(old, kinds)
    elif _any(_NO_EVIDENCE, w.text) and not old:
        w.updates["evidence_items"] = [NONE_MARKER]
    elif (
        w.text and w.requested == "evidence_items" and not w.strict
        and not _any(_QUESTION, w.text)
    ):
        w.updates["evidence_items"] = _merge(old, [EvidenceKind.OTHER.value])


def _find_contact(w: _Work) -> tuple[str | None, str | None]:
    emails = [e for e in _entities(w.message, "email") if _EMAIL.fullmatch(e)]
    email = emails[0] if emails else None
    if email is None:
        m = _EMAIL.search(w.text)
        email = m.group(0) if m else None
    phones = _entities(w.message, "phone")
    phone = phones[0] if phones else None
    if phone is None:
        rest = _EMAIL.sub(" ", w.text)
        m = _PHONE_STRICT.search(rest)
        if m is None and (w.requested == "customer_contact" or w.intent == "give_contact"):
            m = _PHONE_LOOSE.search(rest)
        phone = m.group(0).strip() if m else None
    if phone is not None:
        digits = re.sub(r"[^\d+]", "", phone)
        phone = digits if 7 <= len(digits.lstrip("+")) <= 15 else None
    return email, phone


def _contact(w: _Work) -> None:
    email, phone = _find_contact(w)
    if email:
        w.updates["customer_email"] = email
    if phone:
        w.updates["customer_phone"] = phone
    if email or phone:
        w.updates["customer_contact"] = email or phone
    elif w.requested == "customer_contact":
        w.problem("invalid_contact")


def _name(w: _Work) -> None:
    if w.requested != "customer_name" or w.intent in ("affirm", "deny"):
        return
    text = _EMAIL.sub(" ", w.text)
    text = _PHONE_STRICT.sub(" ", text)
    text = _NAME_PREFIX.sub("", text).strip()
    parts = _COMPANY_SPLIT.split(text, maxsplit=1)
    name = parts[0].strip(" .。!！~")
    name = _NAME_PREFIX.sub("", name).strip(" .。!！~")
    if name and len(name) <= 60 and re.search(r"\w", name):
        w.updates["customer_name"] = name
    if len(parts) > 1:
        company = parts[1].strip(" .。!！~")
        company = re.sub(r"^(?:来自|來自|from|at|with)\s*", "", company, flags=re.I)
        if company and len(company) <= 80 and re.search(r"\w", company):
            w.updates["customer_company"] = company


# -- corrections


_COUNT_CORRECT = re.compile(
    r"用户|用戶|客户|客戶|\busers?\b|\bcustomers?\b|订单|訂單|\borders?\b|条|條|\brecords?\b|"
    r"员工|員工|\bstaff\b|\bpeople\b|人",
    re.IGNORECASE,
)


def _correction(w: _Work) -> str | None:
    """Apply a correction to the one slot it is about; return "label → value"."""
    text = w.text
    kept = _NEGATED_PART.sub(" ", text)
    lang = w.language

    def note(slot: str) -> str:
        value = w.updates[slot]
        return f"{_label(slot, lang)} → {_fmt_value(slot, value, w.zone, lang)}"

    # Category or systems chosen explicitly.
    cats = [c for c in (_to_category(h) for h in _entities(w.message, "category")) if c]
    if cats:
        w.updates["category"] = cats[0].value
        w.updates["sub_type"] = sub_type_for(w.policy, cats[0], str(w.get("description") or ""))
        w.updates["category_reason"] = _reason_text((), lang, chosen=True)
        return note("category")
    # Contact details.
    email, phone = _find_contact(w)
    if email or phone:
        _contact(w)
        return note("customer_contact")
    # Money: a keyword for the slot, or a money slot being asked, and an amount.
    money_slot = _money_slot_for(kept, w.requested)
    if (
        money_slot is None
        and any(_filled(w.slots.get(s)) for s in MONEY_SLOTS)
        and _any(_CURRENCY_HINT, kept)
        and not _any(_COUNT_CORRECT, kept)
    ):
        money_slot = next(s for s in MONEY_SLOTS if _filled(w.slots.get(s)))
    if money_slot is not None and not _any(_COUNT_CORRECT, kept):
        try:
            money = parse_money(kept, w.policy.currency)
        except NegativeAmount:
            w.problem("negative_amount")
            return None
        if money is not None:
            w.updates[money_slot] = _money_dict(money)
            return note(money_slot)
    # Counts.
    slot = _count_slot_for(kept)
    if slot is not None:
        count = parse_count(kept)
        if count is not None:
            w.updates[slot] = float(count.value)
            return note(slot)
    # Times.
    time_slot = _time_slot_for(w, kept)
    if time_slot is not None:
        if _any(_ONGOING, kept) and time_slot == "ended_at":
            w.updates["ended_at"] = ONGOING
            return note("ended_at")
        previous = _iso_to_dt(w.slots.get(time_slot), w.zone)
        at = correction_time(text, w.now, w.zone, previous=previous)
        if at is not None:
            start = _iso_to_dt(w.slots.get("started_at"), w.zone)
            end = _iso_to_dt(w.slots.get("ended_at"), w.zone)
            if at > w.now:
                w.problem("in_future")
                return None
            if time_slot == "ended_at" and start is not None and at < start:
                w.problem("end_before_start")
                return None
            if time_slot == "started_at" and end is not None and end < at:
                w.problem("end_before_start")
                return None
            w.updates[time_slot] = at.isoformat()
            return note(time_slot)
    # Systems.
    systems = [v.lower() for v in _entities(w.message, "system")]
    if systems:
        w.updates["affected_systems"] = list(dict.fromkeys(systems))
        return note("affected_systems")
    return None


def _time_slot_for(w: _Work, text: str) -> str | None:
    if _any(_DETECT_WORDS, text):
        return "detected_at"
    if re.search(
        r"恢复|恢復|结束|結束|修好|\brestored|\bback\b|\bfixed|\bresolved|\bended", text, re.I
    ):
        return "ended_at"
    if _any(_START_WORDS, text):
        return "started_at"
    if w.requested in TIME_SLOTS:
        return w.requested
    if parse_datetime(text, w.now, w.zone) is None and correction_time(text, w.now, w.zone) is None:
        return None
    for slot in TIME_SLOTS:
        if _filled(w.slots.get(slot)) and w.slots.get(slot) != ONGOING:
            return slot
    return None


# --------------------------------------------------------------------------- forms


def required_slots(form: str, slots: Mapping[str, Any]) -> list[str]:
    """The form's slots still to ask, in ask order; leak questions only where they apply."""
    needed: list[str] = []
    for slot in FORM_SLOTS.get(form, ()):
        if _filled(slots.get(slot)):
            continue
        if slot == "data_leaked" and slots.get("category") not in (
            Category.SECURITY_BREACH.value,
            Category.DATA_LOSS.value,
        ):
            continue
        if slot == "leaked_data_kinds" and slots.get("data_leaked") is not True:
            continue
        needed.append(slot)
    return needed


# --------------------------------------------------------------------------- case mapping


def _money_or_none(value: Any, currency: str) -> Money | None:
    if value is None or value == "":
        return None
    try:
        return Money.from_dict(value, currency)
    except (TypeError, ValueError, KeyError, ArithmeticError):
        return None


def _count(value: Any) -> int:
    try:
        n = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return 0
    return max(n, 0)


def case_from_slots(slots: Mapping[str, Any], policy: Policy, *, now: datetime) -> Case:
    """Build a (possibly partial) Case from the slots; unreadable values are left out."""
    zone = now.tzinfo or _zone(DEFAULT_TZ)
    revenue = _money_or_none(slots.get("revenue_lost"), policy.currency)
    recovery = _money_or_none(slots.get("recovery_cost"), policy.currency)
    fee = _money_or_none(slots.get("monthly_fee"), policy.currency)
    currency = next((m.currency for m in (revenue, recovery, fee) if m), policy.currency)

    timeline: list[TimelineEntry] = []
    ended = slots.get("ended_at")
    started = _iso_to_dt(slots.get("started_at"), zone)
    if started is not None:
        note = ONGOING if ended == ONGOING else ""
        timeline.append(TimelineEntry(TimelineKind.STARTED, started, "customer", note))
    restored = _iso_to_dt(ended, zone)
    if restored is not None:
        timeline.append(TimelineEntry(TimelineKind.RESTORED, restored))
    detected = _iso_to_dt(slots.get("detected_at"), zone)
    if detected is not None:
        timeline.append(TimelineEntry(TimelineKind.DETECTED, detected))

    losses: list[LossItem] = []
    if revenue is not None and revenue.amount >= 0:
        losses.append(LossItem(LossKind.DIRECT, revenue, "revenue_lost"))
    if recovery is not None and recovery.amount >= 0:
        losses.append(LossItem(LossKind.RECOVERY_COST, recovery, "recovery_cost"))

    third = slots.get("third_party")
    third_party = third if third in {t.value for t in ThirdParty} else None
    liability = LiabilityFacts(
        customer_config_changed=slots.get("customer_config_changed") is True,
        third_party_involved=slots.get("third_party_involved") is True,
        third_party=ThirdParty(third_party) if third_party else None,
    )

    leak: DataLeak | None = None
    if slots.get("data_leaked") is True:
        kinds = tuple(str(k) for k in slots.get("leaked_data_kinds") or ())
        leak = DataLeak(_count(slots.get("leaked_records")), kinds)

    evidence = []
    valid_kinds = {k.value for k in EvidenceKind}
    for item in slots.get("evidence_items") or ():
        if item in valid_kinds:
            evidence.append(EvidenceRef(EvidenceKind(item)))

    category = _to_category(str(slots.get("category") or ""))
    language = slots.get("language")
    return Case(
        reference=slots.get("case_reference") or None,
        customer_name=slots.get("customer_name") or None,
        customer_company=slots.get("customer_company") or None,
        customer_email=slots.get("customer_email") or None,
        customer_phone=slots.get("customer_phone") or None,
        language=language if language in ("zh", "en") else "zh",
        category=category,
        sub_type=(slots.get("sub_type") or None) if category else None,
        description=str(slots.get("description") or ""),
        affected_systems=[str(s) for s in slots.get("affected_systems") or ()],
        timeline=timeline,
        losses=losses,
        evidence=evidence,
        liability=liability,
        data_leak=leak,
        currency=currency,
        monthly_fee=fee,
        people_idle=_count(slots.get("people_idle")),
        customers_affected=_count(slots.get("customers_affected")),
    )


def slots_from_case(case: Case) -> dict[str, Any]:
    """Slots to resume a saved draft; facts the Case cannot hold are left unset.

    Liability answers are only restored when true: a Case cannot tell "no" from "not asked",
    and re-asking is better than skipping a question.
    """
    slots: dict[str, Any] = {
        "description": case.description or None,
        "category": case.category.value if case.category else None,
        "sub_type": case.sub_type,
        "affected_systems": list(case.affected_systems) or None,
        "customer_name": case.customer_name,
        "customer_company": case.customer_company,
        "customer_email": case.customer_email,
        "customer_phone": case.customer_phone,
        "customer_contact": case.customer_email or case.customer_phone,
        "case_reference": case.reference,
        "language": case.language,
    }
    started = [e for e in case.timeline if e.kind == TimelineKind.STARTED]
    restored = case.first(TimelineKind.RESTORED)
    detected = case.first(TimelineKind.DETECTED)
    if started:
        first = min(started, key=lambda e: e.at)
        slots["started_at"] = first.at.isoformat()
        if restored is None and first.note == ONGOING:
            slots["ended_at"] = ONGOING
    if restored is not None:
        slots["ended_at"] = restored.isoformat()
    if detected is not None:
        slots["detected_at"] = detected.isoformat()
    for item in case.losses:
        if item.kind == LossKind.DIRECT and "revenue_lost" not in slots:
            slots["revenue_lost"] = item.amount.to_dict()
        elif item.kind == LossKind.RECOVERY_COST and "recovery_cost" not in slots:
            slots["recovery_cost"] = item.amount.to_dict()
    if case.monthly_fee is not None:
        slots["monthly_fee"] = case.monthly_fee.to_dict()
    if case.customers_affected:
        slots["customers_affected"] = float(case.customers_affected)
    if case.people_idle:
        slots["people_idle"] = float(case.people_idle)
    liability = case.liability
    if liability.customer_config_changed:
        slots["customer_config_changed"] = True
    if liability.third_party_involved:
        slots["third_party_involved"] = True
    if liability.third_party is not None:
        slots["third_party"] = liability.third_party.value
    if case.data_leak is not None:
        slots["data_leaked"] = True
        if case.data_leak.kinds:
            slots["leaked_data_kinds"] = list(case.data_leak.kinds)
        if case.data_leak.records:
            slots["leaked_records"] = float(case.data_leak.records)
    if case.evidence:
        slots["evidence_items"] = list(dict.fromkeys(e.kind.value for e in case.evidence))
    return {k: v for k, v in slots.items() if v is not None}


# --------------------------------------------------------------------------- summary


def _downtime_text(start: datetime, end: datetime, language: str) -> str:
    minutes = int((end - start).total_seconds() // 60)
    hours, mins = divmod(max(minutes, 0), 60)
    if language == "zh":
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def summary_lines(slots: Mapping[str, Any], policy: Policy, language: str) -> list[str]:
    """One line per known fact, for the confirmation step before submitting."""
    zh = language == "zh"
    colon = "：" if zh else ": "
    sep = "、" if zh else ", "
    zone = _zone(str(slots.get("timezone") or DEFAULT_TZ))
    lines: list[str] = []

    def add(slot: str, text: str) -> None:
        lines.append(f"{_label(slot, language)}{colon}{text}")

    category = _to_category(str(slots.get("category") or ""))
    if category is not None:
        name = f"{policy.categories[category].name.zh} / {policy.categories[category].name.en}"
        sub = str(slots.get("sub_type") or "")
        subs = policy.categories[category].sub_types
        if sub in subs:
            name += f"（{subs[sub].name.get(language)}）" if zh else f" ({subs[sub].name.en})"
        add("category", name)
    systems = slots.get("affected_systems") or []
    if systems:
        add("affected_systems", sep.join(str(s) for s in systems))
    start = _iso_to_dt(slots.get("started_at"), zone)
    if start is not None:
        add("started_at", _fmt_time(slots.get("started_at"), zone, language))
    ended = slots.get("ended_at")
    end = _iso_to_dt(ended, zone)
    if ended == ONGOING:
        add("ended_at", _fmt_time(ONGOING, zone, language))
    elif end is not None:
        text = _fmt_time(ended, zone, language)
        if start is not None and end >= start:
            span = _downtime_text(start, end, language)
            text += f"（停机 {span}）" if zh else f" (down for {span})"
        add("ended_at", text)
    if _filled(slots.get("detected_at")):
        add("detected_at", _fmt_time(slots.get("detected_at"), zone, language))
    if slots.get("data_leaked") is True:
        names = policy.data_kind_names
        kinds = [
            names[k].get(language) if k in names else str(k)
            for k in slots.get("leaked_data_kinds") or []
        ]
        text = "是" if zh else "yes"
        if _count(slots.get("leaked_records")):
            n = _count(slots.get("leaked_records"))
            text += f"，约 {n} 条" if zh else f", about {n} records"
        if kinds:
            text += f"（{sep.join(kinds)}）" if zh else f" ({sep.join(kinds)})"
        add("data_leaked", text)
    elif slots.get("data_leaked") is False:
        add("data_leaked", "否" if zh else "no")
    for slot in MONEY_SLOTS:
        if _filled(slots.get(slot)):
            add(slot, _fmt_money(slots.get(slot)))
    for slot in ("customers_affected", "orders_lost", "people_idle"):
        if _count(slots.get(slot)):
            add(slot, str(_count(slots.get(slot))))
    for slot in ("customer_config_changed", "third_party_involved"):
        value = slots.get(slot)
        if isinstance(value, bool):
            text = _fmt_value(slot, value, zone, language)
            third = slots.get("third_party")
            if slot == "third_party_involved" and value and third:
                names3 = policy.liability.third_party_names
                try:
                    tp = ThirdParty(third)
                    tname = names3[tp].get(language) if tp in names3 else tp.value
                except ValueError:
                    tname = str(third)
                text += f"（{tname}）" if zh else f" ({tname})"
            add(slot, text)
    items = slots.get("evidence_items") or []
    if items:
        if list(items) == [NONE_MARKER]:
            add("evidence_items", "暂无" if zh else "none yet")
        else:
            ev_names = policy.evidence_names
            shown = []
            for item in items:
                if item == NONE_MARKER:
                    continue
                try:
                    shown.append(ev_names[EvidenceKind(item)].get(language))
                except (ValueError, KeyError):
                    shown.append(str(item))
            add("evidence_items", sep.join(shown))
    who = [str(slots[s]) for s in ("customer_name", "customer_company") if _filled(slots.get(s))]
    contact = (
        slots.get("customer_contact") or slots.get("customer_email") or slots.get("customer_phone")
    )
    if contact:
        who.append(str(contact))
    if who:
        add("customer_contact", sep.join(who))
    return lines
