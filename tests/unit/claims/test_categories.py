from __future__ import annotations

import pytest

from claims.case import Case, Category, DataLeak
from claims.categories import category_names, classify, classify_case
from claims.policy import Policy

TABLE = [
    ("促销活动时服务器崩溃，用户无法下单", Category.OUTAGE, "server_crash"),
    ("Our server crashed and the shop was down all morning", Category.OUTAGE, "server_crash"),
    ("昨晚数据库故障，系统瘫痪了", Category.OUTAGE, "database_failure"),
    ("升级后客户记录不见了，数据丢失", Category.DATA_LOSS, "data_deleted"),
    ("the migration corrupted our records, data loss everywhere", Category.DATA_LOSS,
     "data_corrupted"),
    ("黑客攻击，用户身份证号和银行卡号被泄露", Category.SECURITY_BREACH, "personal_data_leak"),
    ("someone tampered with the ledger after a breach", Category.SECURITY_BREACH,
     "data_tampering"),
    ("文档编辑功能报错，无法保存文件", Category.FUNCTIONAL_DEFECT, "broken_feature"),
    ("the app is incompatible with older browser versions, a compatibility bug",
     Category.FUNCTIONAL_DEFECT, "compatibility"),
    ("视频会议卡顿，传输延迟很严重", Category.TRANSMISSION_FAILURE, "severe_delay"),
    ("files uploaded over the transfer arrive corrupt and we cannot open them",
     Category.TRANSMISSION_FAILURE, "transfer_corruption"),
    ("本月服务中断多次，可用率远低于SLA", Category.SERVICE_INTERRUPTION, "sla_breach"),
    ("the cloud provider had an interruption, a third party outage",
     Category.SERVICE_INTERRUPTION, "third_party_outage"),
    ("你们已经召回并回滚了那个有问题的发布", Category.RELEASE_RECALL, "rollback"),
    ("you recalled the release after the update broke everything", Category.RELEASE_RECALL,
     "defective_release"),
]


@pytest.mark.parametrize(("text", "category", "sub_type"), TABLE)
def test_classify_table(policy: Policy, text: str, category: Category, sub_type: str) -> None:
    result = classify(policy, text=text)
    assert result.category == category, result
    assert result.sub_type == sub_type
    assert 0 < result.confidence <= 1
    assert result.reasons


def test_hint_outweighs_keywords(policy: Policy) -> None:
    result = classify(policy, text="服务器很慢", hints=["data_loss"])
    assert result.category == Category.DATA_LOSS
    assert result.reasons[0] == "hint:data_loss"


def test_data_kinds_point_to_breach(policy: Policy) -> None:
    result = classify(policy, text="", data_kinds=["id_number"])
    assert result.category == Category.SECURITY_BREACH
    assert result.sub_type == "personal_data_leak"
    assert result.reasons == ("personal_data:id_number",)
    assert result.confidence == 0.5


def test_nothing_known(policy: Policy) -> None:
    result = classify(policy, text="你好")
    assert result.category is None and result.confidence == 0.0
    assert result.to_dict() == {"category": None, "sub_type": None, "confidence": 0.0,
                                "reasons": [], "scores": {}}


def test_exact_confidence(policy: Policy) -> None:
    # 4 outage keywords → full score, nothing else → confidence 1.0
    assert classify(policy, text="服务器崩溃，系统瘫痪，宕机").confidence == 1.0
    # a tie: half the evidence, damped by 3/4 for thin evidence, first category wins
    tie = classify(policy, hints=["outage", "data_loss"])
    assert tie.category == Category.OUTAGE and tie.confidence == 0.38


def test_classify_case_uses_leak(policy: Policy) -> None:
    case = Case(description="customer complaints", data_leak=DataLeak(20, ("bank_card",)))
    assert classify_case(policy, case).category == Category.SECURITY_BREACH


def test_category_names(policy: Policy) -> None:
    assert category_names(policy, "en")["outage"] == "Service outage / system failure"
    assert category_names(policy, "zh")["release_recall"] == "缺陷版本召回"
    assert len(category_names(policy, "zh")) == 7


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a decisive word outweighs the generic words of another category
        ("Our 99.9% uptime promise was broken: the portal was down all morning, SLA credit "
         "please.", Category.SERVICE_INTERRUPTION),
        ("你们的版本被撤回了，我们的收银程序一直崩溃", Category.RELEASE_RECALL),
        ("A storage fault wiped a month of invoices and support says there is no way to recover "
         "them.", Category.DATA_LOSS),
        # the issue's own misses
        ("the print button does nothing since the update", Category.FUNCTIONAL_DEFECT),
        ("the invoices we send through your gateway arrive garbled",
         Category.TRANSMISSION_FAILURE),
        ("a storage fault wiped two weeks of our orders", Category.DATA_LOSS),
    ],
)  # fmt: skip
def test_decisive_words_and_plain_reports(policy: Policy, text: str, category: Category) -> None:
    assert classify(policy, text=text).category is category
