"""The keyword patterns that decide which slot a value said in a clause belongs to.

Hand-written because they are about phrasing ("still down", "we changed the config"), not
vocabulary; the vocabulary the NLU files also list (systems, personal-data kinds) comes
from `nlu/` through `understanding.nlu_lexicons` instead.
"""

from __future__ import annotations

import re

from claims.case import EvidenceKind, ThirdParty

ONGOING_WORDS = re.compile(
    r"还没恢复|還沒恢復|没有恢复|沒有恢復|尚未恢复|仍未恢复|还没好|還沒好|至今|到现在还|到現在還|"
    r"(?:还|還|仍|尚|依然|仍然)?(?:没|沒|未)(?:有)?(?:修好|修复|修復|解决|解決|好转|好轉|恢复正常|恢復正常)|"
    r"还是(?:打不开|打不開|用不了|登不上|进不去|進不去|不行|坏的|壞的)|还在(?:故障|报错|報錯)|"
    r"一直没|仍然|依然|还在宕|还是不能|还是无法|持续中|"
    r"(?:还|還)(?:没|沒)(?:有)?(?:完全)?(?:恢复|恢復|找回|回来|回來|修|好)|(?:没|沒)(?:有)?恢复|(?:没|沒)(?:有)?恢復|"
    r"(?:现在|現在|今天|目前)(?:还|還|仍|也)(?:是)?(?:打不开|打不開|用不了|不行|不能|没|沒|这样|這樣)|"
    r"\bstill (?:down|out|broken|not|offline|unavailable|failing|ongoing|happening|gone|missing|"
    r"wrong|the same|doing it|there|isn'?t|doesn'?t|can'?t|won'?t|having|getting|erroring|dead|"
    r"unusable)|\b(?:is|are|'s|'re) still (?:down|broken|gone|missing|wrong|happening)\b|"
    r"\bnot (?:yet )?(?:been )?(?:restored|fixed|resolved|back)\b|\bongoing\b|"
    r"\bisn'?t (?:fixed|back)\b|\b(?:don'?t|do not) think (?:it'?s|it has|it) (?:been )?fixed\b|"
    r"\b(?:hasn'?t|haven'?t) (?:been )?(?:restored|fixed|resolved|come back)\b",
    re.IGNORECASE,
)
#: "Not yet" to "when was it restored / the leak stopped?": still going on.
NOT_YET = re.compile(
    r"^\W*(?:no[\s,.]*)?(?:not\s+yet|still\s+open|still\s+not|nope,?\s+not\s+yet)\b"
    r"|^\W*(?:还|還)?(?:没有|沒有|没|沒)(?:呢|啊|吧)?\W*$|^\W*(?:还|還)(?:没有|沒有|没|沒)|^\W*尚未",
    re.IGNORECASE,
)
END_WORDS = re.compile(
    r"恢复|恢復|结束|結束|修好|好了|正常了|解决|解決|修复了|到|\buntil\b|\btill\b|\brestored|\bback\b|"
    r"\bfixed|\bresolved|came back|\bended|\bfinished|recovered|working again|"
    r"\b(?:arriving|running|loading|online|up|normal|on time|fine|ok|okay)\s+again\b|"
    r"back to normal|"
    # a leak ends when it is stopped
    r"\blocked (?:it |the \w+ |everything )?down\b|\bpatched\b|\bclosed (?:it|the|off)\b|"
    r"\brevoked\b|"
    r"\bsecured\b|堵住|堵上|封堵|关闭了|關閉了|修补|修補",
    re.IGNORECASE,
)
DETECT_WORDS = re.compile(
    r"发现|發現|注意到|察觉|察覺|\bnoticed|\bdetected|\bdiscovered|\bfound\b|\brealized|\brealised",
    re.IGNORECASE,
)
START_WORDS = re.compile(
    r"开始|開始|起|从|從|宕机|宕機|挂了|掛了|崩|\bsince\b|\bfrom\b|\bstarted|\bbegan|went down|"
    r"\bwent offline|\bcrashed|\bstopped|\bdown\b",
    re.IGNORECASE,
)
DAY_WORDS = re.compile(
    r"昨|今天|今日|今早|今晚|前天|明天|\d+\s*[月/\-.]\s*\d+|月|号|號|周|週|星期|礼拜|禮拜|"
    r"yesterday|today|tonight|last night|this morning|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|\bmon\b|\btue|\bwed\b|\bthu|\bfri\b|jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|oct|nov|dec|ago|前|刚才|刚刚|剛才|剛剛|方才|just now",
    re.IGNORECASE,
)

REVENUE_WORDS = re.compile(
    r"损失|損失|营收|營收|收入|营业额|營業額|销售|銷售|订单|訂單|生意|赔|亏|虧|少赚|\blost\b|\bloss|"
    # English words whole: "revenue_lost" in a pasted command or log line is no money word.
    r"(?<![a-z_])(?:revenues?|sales|incomes?|turnover)(?![a-z_])|\borders?\b",
    re.IGNORECASE,
)
RECOVERY_WORDS = re.compile(
    r"修复|修復|恢复费|恢復費|恢复成本|加班|外包|技术支持费|顾问|顧問|处理费|維修|维修|"
    r"recover|\bfix|repair|consultant|overtime|contractor|clean-?up|remediation",
    re.IGNORECASE,
)
#: Losses that are neither revenue nor the cost of the repair, each a claims.LossKind value:
#: the words of the clause decide ("we paid a forensic firm $8,000" is no lost revenue).
LOSS_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("investigation", r"调查|調查|取证|取證|鉴定|鑑定|审计|審計|forensic|investigat|\baudit"),
        ("regulatory_fine", r"罚款|罰款|罚金|罰金|处罚|處罰|\bfined\b|\bfines\b|"
         r"\b(?:a|the|regulatory|gdpr)\s+fine\b|\bpenalt(?:y|ies)\b|\bregulator"),
        ("refund", r"退款|退费|退費|退还|退還|退给|退給|\brefund|\breimburs|\bchargebacks?\b"),
        ("legal", r"律师|律師|法律费|法律費|诉讼费|訴訟費|\blawyers?\b|\blegal\b|\battorneys?\b"),
    )
)  # fmt: skip
MONTHLY_WORDS = re.compile(
    r"月费|月費|套餐|订阅|訂閱|每月|每个月|年费|subscription|monthly|per month|a month|plan\b",
    re.IGNORECASE,
)
CURRENCY_HINT = re.compile(
    r"元|块|塊|万|萬|亿|億|円|[¥$€£₹₩]|\b(?:rmb|cny|usd|eur|gbp|hkd|jpy|aud|cad|sgd|nzd|chf|inr|krw|twd|myr)\b|"
    r"\byuan\b|dollars?|euros?|pounds?|\bquid\b|\bbucks\b|\byen\b|"
    r"\d\s*(?:k|m|mn|w)\b|thousand|million",
    re.IGNORECASE,
)
# "No loss" said as such; a bare "没"/"no" only as the whole answer ("没有", "none"): the
# 没 of "没法正常卖货" says nothing about the amount.
NO_LOSS = re.compile(
    r"(?:没有|沒有|没|沒|无|無)(?:什么|什麼|任何|直接)?(?:金钱|金錢|经济|經濟)?(?:损失|損失)|"
    r"没(?:有)?亏|沒(?:有)?虧|零损失|零損失|\bno (?:money |financial |real )?loss(?:es)?\b|"
    r"didn'?t lose|did not lose|\bnothing lost\b|\blost nothing\b|"
    r"^\s*(?:(?:没有|沒有|没|沒|無|无|零|0|no|nope|none|nothing|zero)\s*[,，.!。！~]*\s*)+$",
    re.IGNORECASE,
)

ORDER_WORDS = re.compile(r"订单|訂單|单|笔|筆|\borders?\b|\btransactions?\b", re.IGNORECASE)
RECORD_WORDS = re.compile(r"条|條|\brecords?\b|\brows?\b|\bentries\b", re.IGNORECASE)
USER_WORDS = re.compile(
    r"用户|用戶|客户|客戶|顾客|顧客|买家|會員|会员|商户|商戶|\busers?\b|\bcustomers?\b|"
    r"\bclients?\b|\bsubscribers?\b|\baccounts?\b|\bmerchants?\b|\bmembers?\b",
    re.IGNORECASE,
)
STAFF_WORDS = re.compile(
    r"员工|員工|同事|职员|職員|\bstaff\b|\bemployees?\b|\bcolleagues?\b|\bworkers?\b",
    re.IGNORECASE,
)
IDLE_WORDS = re.compile(
    r"停工|闲置|閒置|无法工作|無法工作|没法工作|干等|等待|\bidle\b|couldn'?t work|"
    r"could not work|unable to work|sat around",
    re.IGNORECASE,
)
PEOPLE_WORDS = re.compile(r"人|\bpeople\b|\bpersons?\b", re.IGNORECASE)

LEAK_WORDS = re.compile(
    r"(?:泄露|泄漏|洩露)(?!通知)|外泄|外洩|被盗|被盜|被拖库|\bleak|\bexposed|"
    r"\bbreach(?!\s+notic)|\bstolen|\bcompromised",
    re.IGNORECASE,
)
NEG_BEFORE = re.compile(
    r"(?:没有|沒有|没|沒|未|不是|不|无|無|\bno\b|\bnot\b|n't|\bnever\b|\bwithout\b|\bnothing\b)"
    r"[^,.;!?，。；！？]{0,20}$",
    re.IGNORECASE,
)

EVIDENCE_WORDS: tuple[tuple[EvidenceKind, re.Pattern[str]], ...] = tuple(
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
NO_EVIDENCE = re.compile(
    r"暂时没有|暫時沒有|还没有|還沒有|没有|沒有|暂无|暫無|无|無|\bnone\b|\bnothing\b|not yet|"
    r"\bno\b|don'?t have|do not have",
    re.IGNORECASE,
)

THIRD_PARTY_WORDS: tuple[tuple[ThirdParty, re.Pattern[str]], ...] = tuple(
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
FAILURE_WORDS = re.compile(
    r"故障|出问题|出問題|问题|問題|挂|掛|宕|失败|失敗|中断|中斷|断|斷|异常|異常|出错|出錯|"
    r"fail|down|outage|issue|problem|broke|error|crash|went out",
    re.IGNORECASE,
)
CONFIG_CHANGED = re.compile(
    r"改了|改过|改過|修改|调整|調整|动过|動過|换了|換了|升级了|配置|设置|設置|不支持的硬件|硬件不符|"
    r"changed|modified|tweaked|edited|updated|config|settings|unsupported hardware|"
    r"own hardware|custom hardware",
    re.IGNORECASE,
)
CONFIG_STRONG = re.compile(
    r"(?:我们|我們|我|自己|客户|客戶).{0,4}(?:改|修改|调整|調整|动|動|换|換)|"
    r"(?:改|修改|调整|調整|动|動)(?:了|过|過)?.{0,3}(?:配置|设置|設置|参数|參數)|"
    r"不支持的硬件|硬件不符|硬件不达标|硬件不達標|"
    r"\b(?:we|i|our team)\b.{0,20}\b(?:changed|modified|tweaked|edited|altered)\b|"
    r"\b(?:changed|modified|tweaked|edited)\b.{0,20}\b(?:config|configuration|settings)\b|"
    r"unsupported hardware|hardware (?:below|under|that doesn'?t meet)",
    re.IGNORECASE,
)
NO_ANSWER = re.compile(
    r"^\s*(?:没有|沒有|没|沒|都没有|都沒有|都没|都不是|不是|无|無|否|不|没改|没有改|没动过|"
    r"no|nope|nah|none|neither|nothing|not really|no changes?|nothing changed|"
    r"neither of (?:them|those)|we didn'?t|didn'?t)"
    r"[\s,.!。，！~]*(?:都没有|都沒有|都没|nothing changed|we didn'?t change anything|"
    r"no third part(?:y|ies)|没有第三方|也没有|也沒有|neither)?[\s,.!。，！~]*",
    re.IGNORECASE,
)
#: "Yes, that's correct" to "is this summary right?": a confirmation, although "correct"
#: makes classifiers hear a correction.
CONFIRMATION = re.compile(
    r"^\s*(?:(?:yes|yeah|yep|yup|ok|okay|sure)\b[\s,.!]*)?"
    r"(?:(?:that'?s|that is|it'?s|it is|this is|all|everything(?:'s| is)?|looks|sounds)\s+)?"
    r"(?:(?:all|totally|exactly|completely|absolutely|perfectly)\s+)?"
    r"(?:correct|right|accurate|good|fine|ok|okay|yes)\b"
    r"(?:[\s,.!]*(?:please\s+)?"
    r"(?:submit(?:\s+it)?|go ahead|file it|send it|confirm(?:ed)?|thanks?|thank you))*"
    r"[\s,.!~]*$"
    r"|^\s*(?:是的|是|对|對|对的|對的|没错|沒錯|正确|正確|确认|確認|没问题|沒問題|都对|都對|信息正确|資訊正確)"
    r"[\s,，。!！~]*(?:(?:没错|沒錯|正确|正確|确认|確認|提交吧?|请提交|請提交|可以提交|谢谢|謝謝)[\s,，。!！~]*)*$",
    re.IGNORECASE,
)
#: Said to "did you change anything / was a third party involved?": the fault lies with the
#: provider ("the duplicates came from your side"), the third party worked fine ("their
#: status page was green"), or nobody else is part of it ("it's only your company").
NOT_CUSTOMERS_FAULT = re.compile(
    r"\b(?:on|at|from)\s+your\s+(?:side|end)\b|\byour\s+(?:fault|update|bug)\b"
    r"|\bin\s+your\s+(?:app|system|platform|software|sync|service)\b"
    r"|\b(?:only|just)\s+(?:you|your)\b|\bwas\s+(?:all\s+)?(?:fine|up|green|healthy|working)\b"
    r"|\bwere\s+(?:all\s+)?(?:fine|up|green|healthy|working)\b|\bworked\s+fine\b"
    r"|问题(?:出)?在(?:你们|贵司|貴司|你方)|是(?:你们|贵司|貴司)(?:通道)?的问题"
    r"|(?:那边|那邊|两端|兩端|都)(?:是)?正常|正常(?:进来|進來|收到|的)",
    re.IGNORECASE,
)
YES_ANSWER = re.compile(
    r"^\s*(?:是|是的|对|對|有|有的|嗯|yes|yeah|yep|yup|correct|right|sure|indeed)[\s,.!。，！~]*$",
    re.IGNORECASE,
)

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PHONE_STRICT = re.compile(r"(?<!\d)(?:(?:\+|00)86[\s\-]?)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")
PHONE_LOOSE = re.compile(r"(?<![\w\d])\+?\d[\d\s\-()]{6,18}\d(?!\d)")
NAME_PREFIX = re.compile(
    r"^\s*(?:我叫|我是|我的名字是|名字是|姓名[:：]?|本人|"
    r"my name is|my name's|name[:：]|i am|i'm|im|this is|it's|call me)\s*",
    re.IGNORECASE,
)
COMPANY_SPLIT = re.compile(r"\s*(?:[,，;；]|来自|來自|\bfrom\b|\bat\b|\bwith\b)\s*", re.IGNORECASE)

CORRECTION_START = re.compile(
    r"^\s*(?:actually|correction|sorry,?\s+i meant|i meant|wait,?|no,?\s+it was|"
    r"不对|不對|更正|纠正|糾正|说错了|說錯了|搞错了|搞錯了|应该是|應該是|其实|其實)",
    re.IGNORECASE,
)
#: Words that say the message corrects something said before, anywhere near its start
#: ("Sorry, I had that wrong", "Hang on, I mixed up my days", "哦我记错了").
CORRECTION_WORDS = re.compile(
    r"\bcorrection\b|\bafter all\b|\bon second thought\b|\bi (?:had|got) (?:that|it|this) wrong\b"
    r"|\bi mixed (?:it |them |that )?up\b"
    r"|\bmixed up my\b|\bscratch that\b|\bi was wrong\b|\bmy mistake\b|\bi misspoke\b"
    r"|\b(?:sorry,?\s+)?i meant\b|\bnot what i (?:said|meant)\b|\bi said .{0,20} but\b"
    r"|记错|記錯|说错|說錯|搞错|搞錯|弄错|弄錯|写错|寫錯|更正|纠正|糾正|不对|不對|刚才说的不|其实是|其實是",
    re.IGNORECASE,
)
NEGATED_PART = re.compile(
    r"(?:而?不是|並不是|并不是|并非|並非)[^,;!?。，；！？是]*"
    r"|\b(?:not|rather than|instead of)\b[^,;!?]*?(?=[,;!?]|\bbut\b|$)",
    re.IGNORECASE,
)

QUESTION = re.compile(
    r"[?？]|吗|嗎|呢|怎么|怎樣|怎样|如何|多久|多长时间|多少|为什么|為什麼|能不能|可不可以|会不会"
    r"|^\s*(?:how|what|why|when|where|which|who|can|could|do|does|did|is|are|will|would|should|may)\b",
    re.I,
)


# A clause with one of these is a range end or a start of its own, never a refinement of
# the day just said ("昨天上午，11点恢复" ends at 11).
RANGE_WORDS = re.compile(END_WORDS.pattern + r"|至|\bto\b|\bthrough\b", re.IGNORECASE)

#: Words of a count slot: a correction that has one is about a count, not an amount.
COUNT_CORRECT = re.compile(
    r"用户|用戶|客户|客戶|\busers?\b|\bcustomers?\b|订单|訂單|\borders?\b|条|條|\brecords?\b|"
    r"员工|員工|\bstaff\b|\bpeople\b|人",
    re.IGNORECASE,
)

#: Words a classifier may tag as a system that name none ("system logs", "系统日志"):
#: only the report itself or the answer to "which system?" may give them.
GENERIC_SYSTEMS = frozenset({"system", "systems", "the system", "系统"})
