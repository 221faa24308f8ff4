"""Which language (zh or en) a customer writes in, and whether they ask to switch.

The ``language`` slot picks the zh or en variant of every response, so it is set after every
message from the text itself, unless the customer explicitly asks for a language.

Scoring rule of ``detect_language``: each Han character counts 1, each run of Latin letters
(a word) counts 1; digits, punctuation, emoji, kana and other scripts are ignored. The text
is Chinese when Han / (Han + Latin words) >= ``ZH_THRESHOLD`` (0.4). Counting Latin per
word rather than per letter keeps a product name inside Chinese ("我的payment系统挂了",
6 vs 1 -> zh) from outweighing the Chinese, while one quoted Chinese term inside an English
sentence ("The page shows 系统繁忙 when we log in", 4 vs 8 -> 0.33) stays English. A short
Chinese plea after English ("our API down, 请帮忙", 3 vs 3 -> 0.5) is taken as Chinese: the
customer reached for Chinese to ask for help.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ZH_THRESHOLD", "detect_language", "requested_language"]

ZH_THRESHOLD = 0.4

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")


#: A button's payload ("/report_incident{\"category\": \"outage\"}"): our words, not the customer's.
_PAYLOAD = re.compile(r"^\s*/\w+(?:\{.*\})?\s*$", re.DOTALL)


def detect_language(text: str, default: str = "zh") -> str:
    """Return "zh" or "en" by the share of Han characters among letters; ``default`` if none.

    A button payload says nothing about the customer's language: clicking a Chinese
    button keeps the chat in Chinese, so it gives ``default``.
    """
    if _PAYLOAD.match(text):
        return default
    han = len(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if han + words == 0:
        return default
    return "zh" if han / (han + words) >= ZH_THRESHOLD else "en"


_EN_NAMES = r"(?P<lang>english|chinese|mandarin|putonghua)"
_ZH_NAMES = (
    r"(?P<lang>中文|汉语|漢語|普通话|普通話|国语|國語|华语|華語|英文|英语|英語|"
    r"english|chinese)"
)
_TAIL_EN = r"(?:\s*(?:please|pls|plz|thanks|thank you|now|from now on|instead))*[\s.!?,]*$"
_TAIL_ZH = (
    r"(?:回答|回复|回覆|答复|答覆|交流|沟通|溝通|聊天|聊|说话|說話|对话|對話|和我说|跟我说|和我聊|"
    r"跟我聊|吧|吗|嗎|么|麼|呢|好吗|好嗎|可以吗|可以嗎|行吗|行嗎|好不好|谢谢|謝謝|啊|呀|哦)*"
    r"[\s,.!?~。，！？～]*$"
)
_START = r"(?:^|(?<=[,.!?;，。！？；]))\s*"

_PATTERNS: list[tuple[re.Pattern[str], bool]] = [
    # "please answer in English", "reply in Chinese", "can you speak chinese", "switch to english"
    (
        re.compile(
            _START
            + r"(?:(?:hi|hello|hey|ok|okay|sorry)[\s,]+)?"
            + r"(?:(?:please|pls|plz|kindly)\s+)?"
            + r"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?|"
            + r"i(?:'d| would) like (?:you )?to\s+|"
            + r"let'?s\s+|we\s+can\s+)?"
            + r"(?:answer|reply|respond|speak|talk|write|chat|continue|communicate|use|switch"
            + r"(?:\s+(?:the\s+)?language)?|change(?:\s+(?:the\s+)?language)?)"
            + r"(?:\s+(?:to\s+me|with\s+me|back))?\s+(?:in\s+|to\s+|into\s+)?"
            + _EN_NAMES
            + r"\??"
            + _TAIL_EN,
            re.IGNORECASE,
        ),
        False,
    ),
    # "English please", "in English", "Chinese?"
    (re.compile(r"^\s*(?:in\s+)?" + _EN_NAMES + r"\??" + _TAIL_EN, re.IGNORECASE), False),
    # "do you speak English?"
    (
        re.compile(
            _START + r"(?:do|can)\s+you\s+(?:speak|understand)\s+" + _EN_NAMES + _TAIL_EN,
            re.IGNORECASE,
        ),
        False,
    ),
    # "I don't speak Chinese" -> the other language
    (
        re.compile(
            r"\bi\s+(?:don'?t|do not|can'?t|cannot|can not)\s+(?:speak|read|understand)\s+"
            + _EN_NAMES
            + r"\b",
            re.IGNORECASE,
        ),
        True,
    ),
    # "说中文", "请用英文回答", "用中文", "換成中文", "可以说英文吗"
    (
        re.compile(
            _START
            + r"(?:请|請|麻烦|麻煩|劳驾|勞駕|能不能|能否|可不可以|可以|你|您|能|会|會|就|还是|還是|"
            + r"我们|我們|咱们|咱們|改|再)*"
            + r"(?:说|說|讲|講|用|使用|换成|換成|换|換|切换到|切換到|切换成|切換成|"
            + r"转成|轉成|改用|改成|"
            + r"改说|改說|回到|换回|換回)"
            + _ZH_NAMES
            + _TAIL_ZH,
            re.IGNORECASE,
        ),
        False,
    ),
    # "英文", "中文吧", "英文可以吗"
    (re.compile(r"^\s*" + _ZH_NAMES + _TAIL_ZH, re.IGNORECASE), False),
    # "我看不懂中文" -> the other language
    (
        re.compile(r"(?:看不懂|听不懂|聽不懂|不懂|不会说|不會說|不会讲|不會講)" + _ZH_NAMES),
        True,
    ),
]

_LANG_CODE = {
    "english": "en", "英文": "en", "英语": "en", "英語": "en",
    "chinese": "zh", "mandarin": "zh", "putonghua": "zh", "中文": "zh", "汉语": "zh",
    "漢語": "zh", "普通话": "zh", "普通話": "zh", "国语": "zh", "國語": "zh", "华语": "zh",
    "華語": "zh",
}  # fmt: skip


def requested_language(text: str) -> str | None:
    """Return "en"/"zh" when the message explicitly asks to switch language, else None.

    Conservative on purpose: a message that only mentions a language ("my English website
    is down", "用英文写的文档丢了") is not a request, because a wrong switch is more
    confusing than a missed one (the CJK share still applies).
    """
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None
    for pattern, opposite in _PATTERNS:
        m = pattern.search(s)
        if m and m.group("lang"):
            code = _LANG_CODE[m.group("lang").lower()]
            if opposite:
                code = "zh" if code == "en" else "en"
            return code
    return None
