"""The few sentences the gateway says itself (when Rasa cannot be asked), in zh and en."""

from __future__ import annotations

GATEWAY_MESSAGES: dict[str, dict[str, str]] = {
    "too_long": {
        "zh": "您的消息太长了（最多 {limit} 个字符），我没有处理它。请分成几条较短的消息发送，或把长文档作为证据文件上传。",
        "en": "Your message is too long (at most {limit} characters), so I did not process it. Please split it into shorter messages, or upload long documents as evidence files.",
    },
    "empty": {
        "zh": "我没有收到任何文字。请描述发生了什么，或者问我一个问题。",
        "en": "I didn't receive any text. Please describe what happened or ask me a question.",
    },
    "rasa_down": {
        "zh": "非常抱歉，助手暂时无法回复。您的消息已保存，请稍后再试；如果着急，可以说“转人工”。",
        "en": "Sorry, the assistant can't reply right now. Your message has been saved; please try again in a moment, or ask for a human if it's urgent.",
    },
}


def gateway_message(key: str, language: str, **values: object) -> str:
    texts = GATEWAY_MESSAGES[key]
    return texts.get(language, texts["en"]).format(**values)
