"""Whether an account intent (export, delete, cancel, status) is what the customer means.

The classifier hears "export", "delete", "cancel" and "status" as the customer's requests
about their own data, claim or chat. Customers reporting an incident use the same words for
the product they use: "the CSV export of your CRM fails", "the delete button does nothing",
"your status page is green but we are down". Running the GDPR export on such a report
dumps the customer's data into a chat about a broken feature, so the intent is taken only
when the words are about the customer's own data, claim or conversation; a message that
names a feature of that name, or tells of a failure while a report is being taken, is a
report. Deterministic, so the actions and the extraction decide the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from claims.categories import classify
from claims.policy import Policy
from understanding.clauses import has
from understanding.lexicons import FAILURE_WORDS
from understanding.slots import filled

#: The intents that act on the customer's account or claim rather than report an incident.
ACCOUNT_INTENTS = frozenset({"export_data", "delete_data", "cancel_intake", "ask_status"})

# About the customer's own data, claim or conversation.
_OWN = re.compile(
    r"\b(?:my|our)\s+(?:own\s+)?(?:personal\s+)?(?:data|information|info|details|records?|account|profile)\b"
    r"(?!\s+(?:export|import|sync|feature|tool|module))|"
    r"\b(?:data|information|everything)\s+(?:you|that you)\s+(?:have|hold|keep|store|stored)\b|"
    r"\b(?:about|on|of)\s+me\b|\bgdpr\b|\bright to (?:be forgotten|erasure|access)\b|"
    r"\bdata (?:subject|access) request\b|"
    r"\b(?:my|this|the|our)\s+(?:claim|case|request|report|application|complaint|ticket|"
    r"chat|conversation|intake)\b|\bcase\s+(?:number|reference)\b|\bCLM-\d|"
    r"\bforget (?:it|about it)\b|\bnever ?mind\b|\b(?:stop|quit|abort)\b\s*(?:this|it|now)?\s*$|"
    r"我的(?:个人)?(?:数据|資料|资料|信息|資訊|记录|記錄|隐私|隱私)|关于我的|關於我的|"
    r"(?:我的|这个|這個|本次|该|該)(?:理赔|理賠|申请|申請|案件|报案|報案|工单|工單|投诉|投訴|对话|對話|聊天)|"
    r"(?:理赔|理賠|案件|申请|申請)(?:进度|進度|状态|狀態|编号|編號)|"
    r"不(?:用|要)(?:了|报了|報了|申请了|申請了)|算了",
    re.IGNORECASE,
)
# The word names a feature of the product: a report about it, whatever else is said.
_FEATURE = re.compile(
    r"\b(?:export(?:ing|s|ed)?|delet(?:e|es|ing|ion)|cancel(?:l?ation|l?ing|s)?|status)\s+"
    r"(?:button|feature|function(?:ality)?|option|tool|page|module|api|endpoint|job|menu|"
    r"screen|link|dialog|wizard|flow|step|report|file|csv|task)s?\b|"
    r"\b(?:csv|excel|pdf|xlsx?|bulk|data|report|batch|scheduled|nightly)\s+"
    r"(?:export|exports|delete|deletion)\b|"
    r"\b(?:the|your|a|its)\s+(?:export|delete|cancel)\b(?!\s+(?:of\s+)?(?:my|our|me|it|this|all))|"
    r"(?:导出|導出|删除|刪除|取消|状态|狀態)(?:功能|按钮|按鈕|按键|按鍵|选项|選項|模块|模塊|接口|页面|頁面|菜单|菜單|任务|任務|操作)|"
    r"(?:点|點|按)(?:了)?(?:导出|導出|删除|刪除|取消)",
    re.IGNORECASE,
)
# A failure told in the message: "fails", "doesn't work", "没反应".
_BROKEN = re.compile(
    FAILURE_WORDS.pattern
    + r"|doesn'?t work|does not work|not working|stopped working|nothing happens|"
    r"greyed out|grayed out|\bbroken\b|\bstuck\b|\bhangs?\b|times? out|没反应|沒反應|不能用|用不了|"
    r"失灵|失靈|报错|報錯|点不了|點不了|无效|無效|不好使|不工作",
    re.IGNORECASE,
)


def account_request_meant(
    intent: str | None, text: str, slots: Mapping[str, Any], policy: Policy
) -> bool:
    """Whether ``intent`` (an account intent) is the customer's request, not a report.

    Own data, claim or chat named: meant. A feature named "export"/"delete"/"cancel"/
    "status": a report. A failure told while a report is in progress, or a message that
    plainly reports an incident: a report. Anything else keeps the classifier's intent.
    """
    if intent not in ACCOUNT_INTENTS or not text:
        return True
    if has(_FEATURE, text):
        return False
    if has(_OWN, text):
        return True
    if not has(_BROKEN, text):
        return True
    in_progress = bool(slots.get("intake_active")) or filled(slots.get("description"))
    return not (in_progress or classify(policy, text=text).category is not None)
