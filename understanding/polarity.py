"""Yes or no to a yes/no question, in the customer's own words.

Why: answers such as "No, I didn't change anything. I haven't logged in for weeks",
"No, it's just my shop and your hosting" or "积分规则没改" are plain noes, but the classifier
hears them as corrections, small talk or evidence, and a full-match "no" pattern missed them,
so the liability questions were asked three times and then recorded as unknown. The reader
only runs while the bot waits for a yes/no answer; a message that says neither (or both
without a leading yes or no) gives None, and the question is asked again.
"""

from __future__ import annotations

import re

from understanding.clauses import nfkc

#: A leading word that answers the question by itself.
#: What may come before the answer: a filler or the question echoed ("Me? No, ...").
_LEAD = r"^\s*(?:(?:oh|well|um+|uh+|hmm+|so|honestly|sorry)[\s,.!]+|[^\s?？]{1,12}[?？]\s*)*"
_LEADING_NO = re.compile(
    _LEAD + r"(?:no+|nope|nah|not\s+(?:really|at\s+all|that\s+i\s+(?:know|am\s+aware)(?:\s+of)?)"
    r"|never|none|nothing|neither|nobody|no\s+one|not\s+(?:me|us|really)"
    r"|(?:i\s+)?(?:really\s+)?don'?t\s+think|not\s+as\s+far\s+as\s+i\s+(?:know|can\s+tell)"
    r"|not\s+that\s+i'?m\s+aware(?:\s+of)?|absolutely\s+not|definitely\s+not|of\s+course\s+not)\b"
    r"|" + _LEAD
    + r"(?:没有|沒有|没|沒|不是|不|无|無|否|并没有|並沒有|从来没有|從來沒有|好像没|应该没|應該沒)",
    re.IGNORECASE,
)
_LEADING_YES = re.compile(
    _LEAD + r"(?:yes|yeah|yep|yup|yea|correct|right|indeed|sure|affirmative"
    r"|(?:we|i)\s+did(?!\s*(?:n'?t|not))|that'?s\s+right|that'?s\s+correct)\b"
    r"|" + _LEAD + r"(?:是的|是|对|對|有的|有|嗯|确实|確實|没错|沒錯)",
    re.IGNORECASE,
)
#: A denial anywhere in the answer ("We didn't change anything", "最近一周没有任何变更").
_DENIAL = re.compile(
    r"\b(?:didn'?t|did\s+not|haven'?t|have\s+not|hasn'?t|has\s+not|wasn'?t|was\s+not"
    r"|weren'?t|were\s+not|isn'?t|is\s+not|never|nothing|nobody|no\s+one|none)\b"
    r"|\bno\s+(?:changes?|one|other|vendor|supplier|third|provider|partner|data|personal)\b"
    r"|\bnot\s+(?:involved|part\s+of|their\s+fault|a\s+thing|anybody|anyone)\b"
    r"|没|沒|未|无关|無關|无(?:自定义|任何|变更|改动|第三方)|并非|並非|不是|不涉及|不相关|不相關|与.{0,6}无关",
    re.IGNORECASE,
)
_AFFIRMATION = re.compile(
    r"\b(?:yes|yeah|yep|(?:we|i|they)\s+did(?!\s*(?:n'?t|not))|that\s+was\s+us)\b"
    r"|是的|确实|確實|有的",
    re.IGNORECASE,
)


def yes_or_no(text: str) -> bool | None:
    """True for a yes, False for a no, None when the message says neither clearly."""
    raw = nfkc(text or "").replace("’", "'").strip()
    if not raw or raw.startswith("/"):
        return None
    if _LEADING_NO.search(raw):
        return False
    if _LEADING_YES.search(raw):
        return True
    denied, affirmed = bool(_DENIAL.search(raw)), bool(_AFFIRMATION.search(raw))
    if denied != affirmed:
        return affirmed
    return None
