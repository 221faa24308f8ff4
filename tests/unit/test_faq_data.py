"""Static checks on the FAQ retrieval data, its responses and the out-of-scope sets.

Only needs PyYAML: Rasa lives in another environment and is never imported here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "nlu"
FAQ_NLU = NLU_DIR / "faq.yml"
OOS_NLU = NLU_DIR / "out_of_scope.yml"
FAQ_DOMAIN = ROOT / "domain" / "faq.yml"
HELDOUT_FAQ = ROOT / "tests" / "nlu" / "heldout_faq.yml"
HELDOUT_OOS = ROOT / "tests" / "nlu" / "heldout_out_of_scope.yml"
TOPICS_DOC = ROOT / "docs" / "faq_topics.md"

MIN_TOPICS = 42
MIN_TRAIN_PER_LANGUAGE = 14
MIN_HELDOUT_PER_LANGUAGE = 5
MIN_OOS_TRAIN_PER_LANGUAGE = 40
MIN_OOS_HELDOUT_PER_LANGUAGE = 60

REQUIRED_TOPICS = {
    "how_long_negotiation", "how_long_appraisal", "how_long_litigation", "how_long_enforcement",
    "how_long_overall", "what_delays_payment", "sla_credit_calculation", "direct_loss",
    "indirect_loss", "liability_share", "compensation_cap", "downtime_loss", "remedies_available",
    "service_credit_extension", "free_upgrade", "data_recovery", "renewal_discount",
    "evidence_to_keep", "first_steps_after_incident", "third_party_liability",
    "customer_caused_incident", "force_majeure", "planned_maintenance", "data_leak_rights",
    "data_leak_distress", "data_leak_investigation_costs", "data_leak_notification",
    "data_leak_legal_liability", "recall_compensation", "cyber_insurance",
    "insurance_claim_process", "claim_deadlines", "dispute_resolution_options",
    "arbitration_vs_court", "third_party_appraisal", "confidentiality", "reach_human",
    "how_much_compensation", "claim_process_steps", "payment_methods",
    "interruption_notification", "partial_outage",
}
# Topics whose answers touch on law and must end with the notice.
LEGAL_TOPICS = {
    "how_long_litigation", "how_long_enforcement", "liability_share", "compensation_cap",
    "third_party_liability", "customer_caused_incident", "force_majeure", "data_leak_rights",
    "data_leak_distress", "data_leak_investigation_costs", "data_leak_legal_liability",
    "cyber_insurance", "insurance_claim_process", "claim_deadlines", "dispute_resolution_options",
    "arbitration_vs_court", "regional_differences",
}
NOTICE_ZH = "（以上为一般信息，不构成法律意见。）"
NOTICE_EN = "(General information, not legal advice.)"
ZH_CONDITION = [{"type": "slot", "name": "language", "value": "zh"}]

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TOPIC_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def is_chinese(text: str) -> bool:
    return bool(CJK.search(text))


def normalise(text: str) -> str:
    """Lower-case, NFKC, punctuation and symbols dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "S")))
    return re.sub(r"\s+", " ", text).strip()


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), path
    return data


def examples_by_intent(path: Path) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for item in load(path).get("nlu") or []:
        if "intent" not in item:
            continue
        for line in item["examples"].splitlines():
            line = line.strip()
            if not line:
                continue
            assert line.startswith("- "), (path.name, line)
            result[item["intent"]].append(line[2:].strip())
    return dict(result)


def split_languages(examples: list[str]) -> tuple[int, int]:
    zh = sum(is_chinese(e) for e in examples)
    return len(examples) - zh, zh


def faq_topics() -> list[str]:
    return [i.split("/", 1)[1] for i in examples_by_intent(FAQ_NLU)]


def sentence_count(text: str) -> int:
    parts = re.split(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z(\"])", text)
    return len([p for p in parts if p.strip()])


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("path", [FAQ_NLU, OOS_NLU, FAQ_DOMAIN, HELDOUT_FAQ, HELDOUT_OOS])
def test_parses_with_version(path: Path) -> None:
    assert load(path).get("version") == "3.1"


def test_domain_declares_the_faq_intent_and_its_responses() -> None:
    data = load(FAQ_DOMAIN)
    assert set(data) == {"version", "intents", "actions", "responses"}
    assert data["intents"] == ["faq"]
    assert data["actions"] == ["action_answer_faq"]  # tailored from the case, else generic


# ---------------------------------------------------------------- topics


def test_topics_named_and_complete() -> None:
    intents = list(examples_by_intent(FAQ_NLU))
    assert all(i.startswith("faq/") for i in intents), intents
    topics = faq_topics()
    assert len(topics) == len(set(topics))
    assert len(topics) >= MIN_TOPICS
    assert set(topics) >= REQUIRED_TOPICS, REQUIRED_TOPICS - set(topics)
    assert all(TOPIC_NAME.match(t) for t in topics), topics


def test_every_topic_has_a_response_and_vice_versa() -> None:
    responses = load(FAQ_DOMAIN)["responses"]
    assert set(responses) == {f"utter_faq/{t}" for t in faq_topics()}


def test_heldout_covers_exactly_the_training_topics() -> None:
    assert set(examples_by_intent(HELDOUT_FAQ)) == set(examples_by_intent(FAQ_NLU))


def test_topics_documented() -> None:
    doc = TOPICS_DOC.read_text(encoding="utf-8")
    for topic in faq_topics():
        assert f"`faq/{topic}`" in doc, topic


# ---------------------------------------------------------------- counts


def test_training_counts_per_language() -> None:
    for intent, examples in examples_by_intent(FAQ_NLU).items():
        en, zh = split_languages(examples)
        assert en >= MIN_TRAIN_PER_LANGUAGE, (intent, en)
        assert zh >= MIN_TRAIN_PER_LANGUAGE, (intent, zh)


def test_heldout_counts_per_language() -> None:
    for intent, examples in examples_by_intent(HELDOUT_FAQ).items():
        en, zh = split_languages(examples)
        assert en >= MIN_HELDOUT_PER_LANGUAGE, (intent, en)
        assert zh >= MIN_HELDOUT_PER_LANGUAGE, (intent, zh)


def test_out_of_scope_counts() -> None:
    train = examples_by_intent(OOS_NLU)
    held = examples_by_intent(HELDOUT_OOS)
    assert set(train) == {"out_of_scope"} and set(held) == {"out_of_scope"}
    en, zh = split_languages(train["out_of_scope"])
    assert en >= MIN_OOS_TRAIN_PER_LANGUAGE and zh >= MIN_OOS_TRAIN_PER_LANGUAGE, (en, zh)
    en, zh = split_languages(held["out_of_scope"])
    assert en >= MIN_OOS_HELDOUT_PER_LANGUAGE and zh >= MIN_OOS_HELDOUT_PER_LANGUAGE, (en, zh)


# ---------------------------------------------------------------- overlap


def all_training() -> list[tuple[str, str, str]]:
    rows = []
    for path in sorted(NLU_DIR.rglob("*.yml")):
        for intent, examples in examples_by_intent(path).items():
            rows += [(path.name, intent, e) for e in examples]
    return rows


def strip_annotations(text: str) -> str:
    return re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", text)


def test_faq_examples_carry_no_entity_annotations() -> None:
    for path in (FAQ_NLU, OOS_NLU):
        for intent, examples in examples_by_intent(path).items():
            for e in examples:
                assert strip_annotations(e) == e, (intent, e)


def test_no_duplicates_within_or_across_our_intents() -> None:
    """No faq/out_of_scope example twice, nor shared with any other intent in nlu/."""
    owner: dict[str, tuple[str, str]] = {}
    clashes = []
    for filename, intent, example in all_training():
        key = normalise(strip_annotations(example))
        ours = intent.startswith("faq/") or intent == "out_of_scope"
        if key in owner:
            other_intent = owner[key][1]
            mine = ours or other_intent.startswith("faq/") or other_intent == "out_of_scope"
            if mine:
                clashes.append((example, owner[key], (filename, intent)))
        else:
            owner[key] = (filename, intent)
    assert not clashes, clashes


@pytest.mark.parametrize("heldout", [HELDOUT_FAQ, HELDOUT_OOS])
def test_heldout_never_in_training(heldout: Path) -> None:
    seen_exact = {e.strip().lower() for _, _, e in all_training()}
    seen_norm = {normalise(strip_annotations(e)) for _, _, e in all_training()}
    leaked = [
        e
        for examples in examples_by_intent(heldout).values()
        for e in examples
        if e.strip().lower() in seen_exact or normalise(e) in seen_norm
    ]
    assert not leaked, leaked


def test_heldout_has_no_duplicates() -> None:
    counts: dict[str, int] = defaultdict(int)
    for path in (HELDOUT_FAQ, HELDOUT_OOS):
        for examples in examples_by_intent(path).values():
            for e in examples:
                counts[normalise(e)] += 1
    assert not [k for k, n in counts.items() if n > 1]


# ---------------------------------------------------------------- responses


def test_responses_have_one_zh_and_one_en_variation() -> None:
    for name, variations in load(FAQ_DOMAIN)["responses"].items():
        assert len(variations) == 2, name
        zh = [v for v in variations if v.get("condition") == ZH_CONDITION]
        en = [v for v in variations if "condition" not in v]
        assert len(zh) == 1 and len(en) == 1, name
        assert is_chinese(zh[0]["text"]), name
        assert not is_chinese(en[0]["text"]), name


def test_response_length_and_legal_notice() -> None:
    for name, variations in load(FAQ_DOMAIN)["responses"].items():
        topic = name.split("/", 1)[1]
        for v in variations:
            text = v["text"].strip()
            zh = "condition" in v
            notice = NOTICE_ZH if zh else NOTICE_EN
            body = text
            if topic in LEGAL_TOPICS:
                assert text.endswith(notice), (name, text[-40:])
                body = text[: -len(notice)].strip()
            else:
                assert notice not in text, name
            n = sentence_count(body)
            limit = 6 if topic not in LEGAL_TOPICS else 5
            assert 2 <= n <= limit, (name, "zh" if zh else "en", n)
