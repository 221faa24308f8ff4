"""Entities found by our built spaCy pipeline (blank zh/jieba + entity_ruler).

Why a subprocess: spaCy lives in ``.venv-rasa`` (Python 3.10), the tests run in ``.venv``.
The pipeline is built once per session into a tmp dir and every phrase is probed in one
call, so the module stays fast.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"
SRC = ROOT / "nlu" / "spacy_pipeline"

pytestmark = pytest.mark.skipif(
    not RASA_PY.exists(), reason=f"{RASA_PY} missing: the spaCy pipeline needs .venv-rasa"
)

# (text, exact [(label, entity text)] expected, in order). Amounts, times, durations,
# percentages and counts are not tagged any more (understanding/ parses them): their old
# cases stay as cases that must give nothing else.
CASES: list[tuple[str, list[tuple[str, str]]]] = [
    # references and contacts
    ("CLM-2026-000123", [("case_reference", "CLM-2026-000123")]),
    ("查询clm-2026-000123的进度", [("case_reference", "clm-2026-000123")]),
    ("案件号CLM-2026-000123查一下", [("case_reference", "CLM-2026-000123")]),
    # the random references of db/references.py
    ("CLM-2026-7K3QX9", [("case_reference", "CLM-2026-7K3QX9")]),
    ("查询clm-2026-h8m2pz的进度", [("case_reference", "clm-2026-h8m2pz")]),
    ("status of CLM-2026-H8M2PZ please", [("case_reference", "CLM-2026-H8M2PZ")]),
    ("CLM-2026-7K3QXI", []),
    ("zhang.san@example.com", [("email", "zhang.san@example.com")]),
    (
        "发邮件到li_si+claims@mail.example.com.cn谢谢",
        [("email", "li_si+claims@mail.example.com.cn")],
    ),
    ("mail me at Bob.Lee@Example.org.", [("email", "Bob.Lee@Example.org")]),
    ("电话13800138000", [("phone", "13800138000")]),
    ("+86 138 0013 8000", [("phone", "+86 138 0013 8000")]),
    ("+1 415 555 0100", [("phone", "+1 415 555 0100")]),
    ("联系电话：138-0013-8000", [("phone", "138-0013-8000")]),
    ("我的手机是+8613800138000", [("phone", "+8613800138000")]),
    ("打0755-12345678", [("phone", "0755-12345678")]),
    ("call me at (415) 555-0100", [("phone", "(415) 555-0100")]),
    # the same texts as before, amounts, times and counts no longer tagged
    ("损失10万元", []),
    ("¥5,000", []),
    ("5000 RMB", []),
    ("$1.2k", []),
    ("5000元", []),
    ("3.5万", []),
    ("两万块", []),
    ("USD 2,500.50", []),
    ("2 million yuan", []),
    ("€300", []),
    ("500块钱", []),
    ("赔偿两万块钱", []),
    ("赔偿5千元", []),
    ("我们损失了大约10万元", []),
    ("损失人民币5000元", []),
    ("损失了3.5万，另外还有2000元", []),
    ("we lost about 2 million dollars", []),
    ("eur 300 or 300 euros or 300€", []),
    ("5000rmb", []),
    ("10k usd", []),
    ("3小时", []),
    ("两天", []),
    ("半小时", []),
    ("two days", []),
    ("1.5 hours", []),
    ("90 minutes", []),
    ("3h", []),
    ("停机三个小时", []),
    ("中断了一个半小时", []),
    ("持续了2个月", []),
    ("停了45分钟", []),
    ("3天内", []),
    ("两到三天", []),
    ("3-4小时", []),
    ("for half an hour", []),
    ("3 to 4 hours", []),
    ("3年", []),
    ("昨天上午9点", []),
    ("2026-11-20 14:00", []),
    ("2026/11/20", []),
    ("11月20日下午3点", []),
    ("上周五下午三点", []),
    ("今天早上8点半", []),
    ("yesterday 9am", []),
    ("today at 14:30", []),
    ("last Friday 3pm", []),
    ("Nov 20 2pm", []),
    ("14:00", []),
    ("凌晨2点", []),
    ("2026年11月20日下午3点", []),
    ("前天凌晨3点15分", []),
    ("上个星期五下午", []),
    ("本周三上午10点", []),
    ("昨天14:00开始", []),
    ("十一月二十日", []),
    ("晚上十一点半", []),
    ("三小时前", []),
    ("It started November 20th, 2026 at 2:30 pm", []),
    ("at 9:30am yesterday", []),
    ("since 20 Nov 2026", []),
    ("2 hours ago", []),
    ("this morning at 9", []),
    ("99.9%", []),
    ("百分之五", []),
    ("5 percent", []),
    ("退还百分之十的费用", []),
    ("a 5 per cent credit", []),
    ("3000 users", []),
    ("5万名用户", []),
    ("约两千条记录", []),
    ("1,200 customers", []),
    ("3000个客户", []),
    ("12 people", []),
    ("损失3.5万用户", []),
    ("2000多名用户受影响", []),
    ("超过1,200名客户", []),
    ("大约三千个账户", []),
    ("about 1.2 million users were affected", []),
    ("we had 12k users", []),
    ("the outage lasted 3 hours and cost us $12,500", []),
    ("Our payment API was down for 3h since yesterday 9am, 3000 users affected.", []),
    ("昨天上午9点支付系统宕机3小时，5万名用户受影响，损失约10万元", []),
    ("损失8千", []),
    ("被扣了2千的加班费", []),
    ("扣了我2万5的货款", []),
    ("要求赔偿2万5千块", []),
    ("我们赔了1万5千", []),
    ("损失两万五", []),
    ("差了3千5百", []),
    ("亏了3万多", []),
    ("亏了10多万", []),
    ("损失20来万", []),
    ("损失了十来万", []),
    ("赔偿十几万", []),
    ("损失了二十多万", []),
    ("大概损失了8千左右", []),
    ("退款¥5,000还没到", []),
    ("总共5k", []),
    ("we lost two hundred thousand yuan", []),
    ("it cost us 30K", []),
    ("a refund of $1.2k please", []),
    ("€9,800 in fees", []),
    ("they lost 1.5 million dollars", []),
    ("twenty-five thousand dollars", []),
    ("about a thousand dollars", []),
    ("just five dollars", []),
    ("赔我一块钱", []),
    ("上个月底开始的", []),
    ("上月底就坏了", []),
    ("本月初就坏了", []),
    ("这个月初", []),
    ("11月底", []),
    ("11月中旬出的问题", []),
    ("十一月底", []),
    ("去年年底", []),
    ("月初的时候", []),
    ("从这周一开始就不行", []),
    ("这周一下午3点", []),
    ("这周末", []),
    ("上周五下午三点开始的", []),
    ("前天晚上就打不开了", []),
    ("It began last Sunday evening.", []),
    ("since last Sat night", []),
    ("it went down at 10pm on the 14th", []),
    ("on the 14th at 10pm", []),
    ("on the night of the 14th", []),
    ("the morning of November 14", []),
    ("the 2nd of March at 9am", []),
    ("since early November", []),
    ("late Oct 2026", []),
    ("mid-November", []),
    ("at the end of last month", []),
    ("it failed twice this week", []),
    ("Sat 3pm", []),
    ("timed out after 30s", []),
    ("还得多用一年", []),
    ("about 4,000 shoppers were hit", []),
    ("12,000 customers lost access", []),
    ("500 passengers", []),
    ("two hundred users", []),
    ("1万多个用户无法登录", []),
    ("大约800名患者的数据泄露", []),
    ("3000名消费者", []),
    ("200多位病人", []),
    ("一百多笔订单", []),
    ("30来个用户", []),
    ("2万5个用户", []),
    ("只有1个用户受影响", []),
    ("上周五下午三点开始，1万多个用户无法付款，损失2万5", []),
    ("At 10pm on the 14th about 4,000 shoppers could not pay and we lost 30k", []),
    # never entities
    ("这一块的功能坏了", []),
    ("那一块出问题了", []),
    ("我们一块去", []),
    ("写了两千字", []),
    ("跑了三千公里", []),
    ("I sat there and waited", []),
    ("we sat at 9 tables", []),
    ("the sun was out", []),
    ("the 3rd attempt failed", []),
    ("early access is broken", []),
    ("got lots of 502s and 503s", []),
    ("back in the 1990s", []),
    ("有一笔订单没到账", []),
    ("一位客户投诉", []),
    ("one order failed", []),
    ("one customer called", []),
    ("评分5", []),
    ("选3", []),
    ("I rate it 5", []),
    ("Option 3 please", []),
    ("我给5分", []),
    ("第2个问题", []),
    ("2026年", []),
    ("2026年的事故", []),
    ("in 2026", []),
    ("版本2.0发布后", []),
    ("version 2.3.1 broke the app", []),
    ("订单号123456789", []),
    ("3 of 5 servers", []),
    ("我们有3个系统受影响", []),
    ("你好，我想投诉", []),
    ("hello, I want to file a claim", []),
]


def _run(args: list[str], stdin: str | None = None) -> str:
    proc = subprocess.run(
        [str(RASA_PY), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spacy") / "spacy_zh"
    stdout = _run([str(SRC / "build.py"), "--out", str(out)])
    assert "wrote spaCy pipeline" in stdout
    return out


@pytest.fixture(scope="session")
def probed(built: Path) -> dict[str, dict]:
    texts = [text for text, _ in CASES]
    stdout = _run([str(SRC / "probe.py"), "--model", str(built), "--stdin"], json.dumps(texts))
    return {result["text"]: result for result in json.loads(stdout)}


def test_cases_are_unique_and_many() -> None:
    texts = [text for text, _ in CASES]
    assert len(texts) == len(set(texts))
    assert len(texts) >= 60


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t for t, _ in CASES])
def test_entities(probed: dict[str, dict], text: str, expected: list[tuple[str, str]]) -> None:
    found = [(label, value) for label, value, _, _ in probed[text]["ents"]]
    assert found == expected


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t for t, _ in CASES])
def test_lowercased_text_gives_same_spans(
    probed: dict[str, dict], text: str, expected: list[tuple[str, str]]
) -> None:
    """Rasa's SpacyNLP lowercases by default; the patterns must not depend on case."""
    result = probed[text]
    spans = [(label, start, end) for label, _, start, end in result["ents"]]
    assert [(label, start, end) for label, _, start, end in result["ents_lower"]] == spans


def test_offsets_are_char_offsets_on_token_boundaries(probed: dict[str, dict]) -> None:
    """Rasa slices the message with these offsets and aligns them with spaCy tokens."""
    for text, result in probed.items():
        starts = {start for start, _, _ in result["tokens"]}
        ends = {end for _, end, _ in result["tokens"]}
        for label, value, start, end in result["ents"]:
            assert text[start:end] == value, (text, label)
            assert start in starts and end in ends, (text, label, value)


def test_labels_are_exactly_ours(built: Path) -> None:
    meta = json.loads((built / "meta.json").read_text(encoding="utf-8"))
    assert meta["labels"]["entity_ruler"] == ["case_reference", "email", "phone"]
    assert meta["pipeline"] == ["entity_ruler"]


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    """Same sources, byte-identical output: a hash of the sources decides on rebuilds."""
    again = tmp_path / "again"
    _run([str(SRC / "build.py"), "--out", str(again)])

    def digest(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    assert digest(again) == digest(built)
