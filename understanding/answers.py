"""Answers that are not facts: "don't know", "not sure", "doesn't apply", "skip".

Why: customers who do not know an answer were asked the same question again and again
("不清楚" for a time, "hard to say" for a loss). Such an answer is recognised here (text ->
"this is an unknown answer"); what an unknown fact means for a case is `claims.questions`'
rule. Only a message that is such an answer and nothing more counts: "not sure, maybe
50,000 yuan" is an amount, read by the other extractors.
"""

from __future__ import annotations

import re

from understanding.clauses import nfkc

_EN = r"""
    (?:i\s+)?(?:really\s+|honestly\s+)?(?:do\s*n[o']?t|dont|do\s+not)\s+(?:really\s+)?(?:know|remember|recall)
        (?:\s+(?:yet|that|exactly|sorry|for\s+sure|any\s+more))*
  | (?:i'?m\s+|i\s+am\s+)?(?:not|un)\s*(?:sure|certain)(?:\s+(?:yet|sorry|exactly))*
  | no\s+(?:idea|clue)(?:\s+at\s+all)? | not\s+a\s+clue | dunno | idk | i\s+have\s+no\s+idea
  | (?:it'?s\s+)?hard\s+to\s+(?:say|tell) | (?:i\s+)?can'?t\s+(?:say|tell|remember)
  | (?:i\s+)?couldn'?t\s+(?:say|tell(?:\s+you)?) | who\s+knows | unknown | not\s+known
  | n/?a | not\s+applicable | (?:it\s+)?does\s*n[o']?t\s+apply | (?:that\s+)?doesn'?t\s+apply
  | skip(?:\s+(?:it|this|this\s+one|that))? | pass | next(?:\s+question)?
"""
_ZH = r"""
    (?:我|我们)?(?:也|还|真的|确实)?(?:不|不太|不大|没法|无法|说不)(?:清楚|知道|确定|记得|好说|准|上来|出来)(?:了)?
  | (?:我|我们)?(?:也)?说不(?:好|清|准|上来|出来)
  | 不晓得 | 不了解 | 搞不清(?:楚)? | 记不(?:清|得)(?:了)? | 没(?:有)?印象 | 不确定 | 未知 | 不详
  | 不适用 | 不相关 | 没法(?:说|回答) | 无法(?:回答|确定)
  | 跳过(?:吧|这个|这题|这一题)? | 下一(?:个|题)
"""
_FILLER_EN = (
    r"(?:sorry|um+|uh+|hmm+|well|honestly|actually|really|yet|no|please|mate"
    r"|at\s+the\s+moment|right\s+now)"
)
_FILLER_ZH = r"(?:抱歉|不好意思|对不起|嗯+|呃+|唉|哎|这个|暂时|目前|现在|还|啊|呀|吧|呢|哦|了)"

_UNKNOWN_EN = re.compile(
    rf"^(?:{_FILLER_EN}[\s,]*)*(?:{_EN})(?:[\s,]*{_FILLER_EN})*$", re.I | re.X
)
_UNKNOWN_ZH = re.compile(rf"^(?:{_FILLER_ZH})*(?:{_ZH})(?:{_FILLER_ZH})*$", re.X)
_PUNCT = re.compile(r"[\s.,!?;:~…。，！？；：、（）()\"“”-]+")
#: Nobody says only "don't know" in more words than this.
_MAX_LEN = 60


def is_unknown_answer(text: str) -> bool:
    """Whether the message only says the customer does not know / the question does not
    apply / they want to skip it (both languages; punctuation and fillers ignored)."""
    raw = nfkc(text or "").strip()
    if not raw or len(raw) > _MAX_LEN or raw.startswith("/"):
        return False
    words = _PUNCT.sub(" ", raw.lower().replace("’", "'").replace("‘", "'")).strip()
    if _UNKNOWN_EN.match(words):
        return True
    return bool(_UNKNOWN_ZH.match(words.replace(" ", "")))


#: Free-text answers that always carry a number: a version ("4.2.0", "v3") or an SLA
#: promise ("99.9%"); without one the message is not an answer to them.
_NEEDS_NUMBER = frozenset({"release_version", "sla_terms"})


#: The heart of a "don't know" inside a longer message ("Don't know yet. Finance will have to
#: work that out.", "钱这块我不清楚，不归我管").
_SAYS_UNKNOWN = re.compile(
    r"(?:do\s*n[o']?t|dont|do\s+not)\s+(?:really\s+)?know|not\s+(?:really\s+)?sure|no\s+idea"
    r"|no\s+clue|(?:can'?t|cannot|couldn'?t)\s+(?:really\s+)?(?:say|tell|remember)"
    r"|hard\s+to\s+(?:say|tell)|wouldn'?t\s+(?:want\s+to\s+)?(?:guess|know)|no\s+way\s+to\s+know"
    r"|不清楚|不知道|不晓得|说不好|不好说|说不上来|说不准|记不住|记不清|不确定|没法估|无法估|估不出",
    re.I,
)


def says_unknown(text: str) -> bool:
    """Whether the message says, somewhere, that the customer does not know. Only an
    answer when it holds no fact for the question (the caller checks that)."""
    raw = nfkc(text or "").replace("’", "'")
    return not raw.lstrip().startswith("/") and bool(_SAYS_UNKNOWN.search(raw))


def text_answer(slot: str, text: str, limit: int = 300) -> str | None:
    """A free-text answer (a version, the remedy wanted, SLA terms) in the customer's words;
    None for an empty message, a button payload, a question, or a version / SLA without a
    number."""
    raw = (text or "").strip()
    if not raw or raw.startswith("/") or len(re.findall(r"\w", raw)) < 2:
        return None
    if raw.rstrip().endswith(("?", "？")):
        return None  # a question back is not the answer
    if slot in _NEEDS_NUMBER and not re.search(r"\d", nfkc(raw)):
        return None
    return raw[:limit]
