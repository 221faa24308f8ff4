"""The few sentences the gateway says itself (when Rasa cannot be asked), in zh and en."""
# ruff: noqa: E501 - sentences read better unwrapped

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
    "rasa_down_queued": {
        "zh": "非常抱歉，助手暂时无法回复。您的消息已保存，助手恢复后会在这里立即回复您；如果着急，可以说“转人工”。",
        "en": "Sorry, the assistant can't reply right now. Your message is saved and you'll get the answer here as soon as it is back; ask for a human if it's urgent.",
    },
    "no_reply": {
        "zh": "抱歉，我暂时无法处理这条消息，但它已经保存。请稍后再发一次，或说“转人工”。",
        "en": "Sorry, I couldn't process that message just now, but it has been saved. Please send it again in a moment, or ask for a human.",
    },
    "error": {
        "zh": "非常抱歉，处理您的消息时出了问题。我们已记录此错误，请稍后再试，或说“转人工”。",
        "en": "Sorry, something went wrong while handling your message. We've logged the error; please try again, or ask for a human.",
    },
    "unsupported": {
        "zh": "抱歉，我只能处理文字、图片和文件。请用文字描述，或把截图、日志作为文件发送。",
        "en": "Sorry, I can only handle text, photos and files. Please describe it in words, or send screenshots and logs as files.",
    },
    "evidence_received": {
        "zh": "已收到证据文件“{name}”（{size}，SHA-256 {short}…），已附到案件 {reference}。",
        "en": "Got your evidence file \"{name}\" ({size}, SHA-256 {short}…) and attached it to case {reference}.",
    },
    "evidence_told_rasa": {
        "zh": "我上传了证据：{names}",
        "en": "I uploaded evidence: {names}",
    },
    "evidence_empty": {
        "zh": "这个文件是空的，我没有保存它。请重新发送。",
        "en": "That file is empty, so I didn't keep it. Please send it again.",
    },
    "evidence_too_large": {
        "zh": "这个文件太大了（最大 {limit}）。请压缩后再发送，或只发送相关部分。",
        "en": "That file is too large (at most {limit}). Please compress it or send only the relevant part.",
    },
    "evidence_executable": {
        "zh": "出于安全原因，我不接收程序或脚本文件。请发送截图、PDF、文本日志或表格。",
        "en": "For safety I don't accept programs or scripts. Please send screenshots, PDFs, text logs or spreadsheets.",
    },
    "evidence_type_not_allowed": {
        "zh": "这种文件类型不能作为证据。可以发送：图片（PNG/JPEG/GIF/WebP）、PDF、文本日志、CSV、JSON、邮件（.eml）、Word 或 Excel 文件。",
        "en": "That file type can't be used as evidence. You can send images (PNG/JPEG/GIF/WebP), PDF, text logs, CSV, JSON, e-mail (.eml), Word or Excel files.",
    },
    "evidence_type_mismatch": {
        "zh": "这个文件的内容和它的扩展名不符（{detail}），我没有保存它。请发送原始文件。",
        "en": "This file's content doesn't match its name ({detail}), so I didn't keep it. Please send the original file.",
    },
    "language_set": {
        "zh": "好的，我会用中文回复。",
        "en": "OK, I'll answer in English.",
    },
    "language_choose": {
        "zh": "请选择语言 / Choose a language:",
        "en": "Choose a language / 请选择语言:",
    },
    "body_too_large": {
        "zh": "请求太大了（最多 {limit}），我没有读取它。消息请分成几条发送；文件请压缩后再上传。",
        "en": "That request is too large (at most {limit}), so I did not read it. Please split messages, or compress files before uploading.",
    },
    "slow_down": {
        "zh": "您发送得太快了，请慢一点，{seconds} 秒后再试。",
        "en": "You're sending too fast; please slow down and try again in {seconds} s.",
    },
    "evidence_no_case": {
        "zh": "请先用一句话告诉我发生了什么，然后再发送证据文件。这个文件我没有保存。",
        "en": "Please tell me in a message what happened first, then send the evidence file again. I did not keep this one.",
    },
    "session_expired": {
        "zh": "这个聊天会话已失效或已过期。请刷新页面开始新的会话；之前已登记的案件不会丢失，您可以用案件编号继续。",
        "en": "This chat session is unknown or has expired. Please reload the page to start a new session; cases you already reported are kept, and you can continue one with its reference.",
    },
    "handoff_waiting": {
        "zh": "已为您转接人工客服，请稍候；您在这里发送的消息都会转给客服。",
        "en": "You're being connected to a person; please wait. Everything you send here goes to the agent.",
    },
}


def gateway_message(key: str, language: str, **values: object) -> str:
    texts = GATEWAY_MESSAGES[key]
    return texts.get(language, texts["en"]).format(**values)
