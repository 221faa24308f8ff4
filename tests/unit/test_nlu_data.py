"""Static checks on the Rasa NLU training data, synonyms, lookups, regexes and held-out sets.

Only needs PyYAML: Rasa itself lives in another environment and is never imported here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "nlu"
HELDOUT_DIR = ROOT / "tests" / "nlu"
CHITCHAT_DOMAIN = ROOT / "domain" / "chitchat.yml"

LEARNED_ENTITIES = {"category", "system", "company", "data_kind", "language", "rating"}
SPACY_ENTITIES = {"case_reference", "email", "phone"}
ALLOWED_ENTITIES = LEARNED_ENTITIES | SPACY_ENTITIES

CANONICAL = {
    "category": {
        "outage",
        "data_loss",
        "security_breach",
        "functional_defect",
        "transmission_failure",
        "service_interruption",
        "release_recall",
    },
    "system": {
        "payment",
        "database",
        "login",
        "api",
        "website",
        "app",
        "crm",
        "erp",
        "email",
        "storage",
        "network",
        "order_system",
        "billing",
        "membership",
        "cdn",
    },
    "data_kind": {
        "phone_number",
        "id_number",
        "bank_card",
        "address",
        "password",
        "email_address",
        "name",
        "health",
        "purchase_history",
        "location",
    },
    "language": {"en", "zh"},
    "rating": {"1", "2", "3", "4", "5"},
}

INTAKE_INTENTS = [
    "report_incident",
    "describe_impact",
    "give_time",
    "give_amount",
    "give_contact",
    "describe_evidence",
    "correct_answer",
    "ask_status",
    "resume_case",
    "export_data",
    "delete_data",
    "rate_service",
]
CONVERSATION_INTENTS = [
    "greet",
    "say_goodbye",
    "say_thanks",
    "challenge_bot",
    "change_language",
    "affirm",
    "deny",
    "cancel_intake",
    "request_human",
]
CHITCHAT_TOPICS = [
    "ask_name",
    "ask_how_are_you",
    "ask_who_made",
    "ask_is_free",
    "ask_capabilities",
    "ask_working_hours",
]
OWNED_TRAINING = {
    "intake.yml": INTAKE_INTENTS,
    "conversation.yml": CONVERSATION_INTENTS,
    "chitchat.yml": [f"chitchat/{t}" for t in CHITCHAT_TOPICS],
}
HELDOUT_FILES = {
    "heldout_intake.yml": INTAKE_INTENTS,
    "heldout_conversation.yml": CONVERSATION_INTENTS,
}
MIN_PER_LANGUAGE = 25
MIN_CHITCHAT_PER_LANGUAGE = 12
MIN_HELDOUT_PER_LANGUAGE = 8

# [text](entity) | [text](entity:value) | [text]{"entity": ..., "value": ...}
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_chinese(text: str) -> bool:
    return bool(CJK.search(text))


def parse_annotations(example: str) -> tuple[str, list[dict[str, str]]]:
    """Return the plain text and the annotated entities of one Rasa example."""
    entities: list[dict[str, str]] = []
    plain: list[str] = []
    pos = 0
    for m in ANNOTATION.finditer(example):
        plain.append(example[pos : m.start()])
        text = m.group("text")
        if m.group("short") is not None:
            name, _, value = m.group("short").partition(":")
            entity = {"entity": name.strip(), "value": value.strip() or text}
        else:
            data = json.loads(m.group("json"))
            entity = {"entity": data["entity"], "value": str(data.get("value", text))}
        entity["text"] = text
        entities.append(entity)
        plain.append(text)
        pos = m.end()
    plain.append(example[pos:])
    return "".join(plain), entities


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "S")))
    return re.sub(r"\s+", " ", text).strip()


def load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), f"{path} is not a mapping"
    return data


def split_examples(block: str) -> list[str]:
    out = []
    for line in block.splitlines():
        line = line.strip()
        if not line:
            continue
        assert line.startswith("- "), f"example line without '- ': {line!r}"
        out.append(line[2:].strip())
    return out


def intent_examples(path: Path) -> dict[str, list[str]]:
    data = load_yaml(path)
    result: dict[str, list[str]] = defaultdict(list)
    for item in data.get("nlu") or []:
        if "intent" in item:
            result[item["intent"]].extend(split_examples(item["examples"]))
    return dict(result)


def all_training_files() -> list[Path]:
    return sorted(p for p in NLU_DIR.rglob("*.yml"))


def training_examples() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = defaultdict(list)
    for path in all_training_files():
        for intent, examples in intent_examples(path).items():
            merged[intent].extend(examples)
    return dict(merged)


def heldout_examples() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = defaultdict(list)
    for name in HELDOUT_FILES:
        for intent, examples in intent_examples(HELDOUT_DIR / name).items():
            merged[intent].extend(examples)
    return dict(merged)


def synonym_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in load_yaml(NLU_DIR / "synonyms.yml")["nlu"]:
        if "synonym" not in item:
            continue
        for surface in split_examples(item["examples"]):
            mapping[surface.lower()] = str(item["synonym"])
    return mapping


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "path",
    [*all_training_files(), *(HELDOUT_DIR / n for n in HELDOUT_FILES), CHITCHAT_DOMAIN],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_file_parses_with_version(path: Path) -> None:
    data = load_yaml(path)
    assert data.get("version") == "3.1"
    for item in data.get("nlu") or []:
        kinds = {"intent", "synonym", "regex", "lookup"} & set(item)
        assert len(kinds) == 1, f"{path}: item needs exactly one kind: {item}"
        assert isinstance(item.get("examples"), str) and item["examples"].strip()
        if "intent" in item:
            for example in split_examples(item["examples"]):
                parse_annotations(example)  # valid JSON in annotations


def test_owned_files_exist() -> None:
    for name in [*OWNED_TRAINING, "synonyms.yml", "regexes.yml"]:
        assert (NLU_DIR / name).is_file(), name
    for name in ["systems.yml", "categories.yml"]:
        assert (NLU_DIR / "lookups" / name).is_file(), name
    for name in HELDOUT_FILES:
        assert (HELDOUT_DIR / name).is_file(), name


# ---------------------------------------------------------------- counts


@pytest.mark.parametrize("filename", list(OWNED_TRAINING))
def test_training_counts_per_language(filename: str) -> None:
    examples = intent_examples(NLU_DIR / filename)
    minimum = MIN_CHITCHAT_PER_LANGUAGE if filename == "chitchat.yml" else MIN_PER_LANGUAGE
    assert set(examples) == set(OWNED_TRAINING[filename])
    for intent in OWNED_TRAINING[filename]:
        plain = [parse_annotations(e)[0] for e in examples[intent]]
        zh = sum(is_chinese(t) for t in plain)
        en = len(plain) - zh
        assert zh >= minimum, f"{intent}: {zh} Chinese examples"
        assert en >= minimum, f"{intent}: {en} English examples"


@pytest.mark.parametrize("filename", list(HELDOUT_FILES))
def test_heldout_counts_per_language(filename: str) -> None:
    examples = intent_examples(HELDOUT_DIR / filename)
    assert set(examples) == set(HELDOUT_FILES[filename])
    for intent, items in examples.items():
        plain = [parse_annotations(e)[0] for e in items]
        zh = sum(is_chinese(t) for t in plain)
        assert zh >= MIN_HELDOUT_PER_LANGUAGE, f"{intent}: {zh} Chinese examples"
        assert len(plain) - zh >= MIN_HELDOUT_PER_LANGUAGE, f"{intent}: English examples"


def test_no_faq_or_out_of_scope_in_owned_files() -> None:
    for filename in OWNED_TRAINING:
        for intent in intent_examples(NLU_DIR / filename):
            assert not intent.startswith(("faq", "out_of_scope")), intent


# ---------------------------------------------------------------- overlap


def test_heldout_never_in_training() -> None:
    seen = {normalise(parse_annotations(e)[0]) for ex in training_examples().values() for e in ex}
    leaked = [
        e
        for ex in heldout_examples().values()
        for e in ex
        if normalise(parse_annotations(e)[0]) in seen
    ]
    assert not leaked, leaked


def test_no_example_in_two_intents() -> None:
    owner: dict[str, str] = {}
    clashes = []
    for intent, examples in training_examples().items():
        for example in examples:
            key = normalise(parse_annotations(example)[0])
            if key in owner and owner[key] != intent:
                clashes.append((example, owner[key], intent))
            owner.setdefault(key, intent)
    assert not clashes, clashes


def test_no_exact_duplicates_within_intent() -> None:
    for intent, examples in training_examples().items():
        plain = [parse_annotations(e)[0].strip() for e in examples]
        dupes = {p for p in plain if plain.count(p) > 1}
        assert not dupes, (intent, dupes)


def test_heldout_has_no_duplicates_across_intents() -> None:
    owner: dict[str, str] = {}
    for intent, examples in heldout_examples().items():
        for example in examples:
            key = normalise(parse_annotations(example)[0])
            assert owner.setdefault(key, intent) == intent, (example, owner[key], intent)


# ---------------------------------------------------------------- entities


def test_training_annotates_only_diet_entities() -> None:
    for path in all_training_files():
        for intent, examples in intent_examples(path).items():
            for example in examples:
                for ent in parse_annotations(example)[1]:
                    assert ent["entity"] in LEARNED_ENTITIES, (path.name, intent, example)


def test_heldout_entities_allowed_and_spacy_entities_covered() -> None:
    seen = set()
    for examples in heldout_examples().values():
        for example in examples:
            for ent in parse_annotations(example)[1]:
                assert ent["entity"] in ALLOWED_ENTITIES, example
                seen.add(ent["entity"])
    assert seen >= SPACY_ENTITIES, SPACY_ENTITIES - seen
    assert seen >= LEARNED_ENTITIES, LEARNED_ENTITIES - seen


@pytest.mark.parametrize("source", ["training", "heldout"])
def test_normalised_entities_resolve_to_canonical_values(source: str) -> None:
    synonyms = synonym_map()
    groups = training_examples() if source == "training" else heldout_examples()
    bad = []
    for examples in groups.values():
        for example in examples:
            for ent in parse_annotations(example)[1]:
                if ent["entity"] not in CANONICAL:
                    continue
                value = ent["value"]
                value = synonyms.get(value.lower(), value)
                if value not in CANONICAL[ent["entity"]]:
                    bad.append((ent["entity"], ent["text"], example))
    assert not bad, bad


def test_every_diet_entity_is_annotated_in_training() -> None:
    seen = {
        ent["entity"]
        for examples in training_examples().values()
        for e in examples
        for ent in parse_annotations(e)[1]
    }
    assert seen >= LEARNED_ENTITIES, LEARNED_ENTITIES - seen


def test_category_values_all_trained_in_both_languages() -> None:
    synonyms = synonym_map()
    langs: dict[str, set[str]] = defaultdict(set)
    for examples in training_examples().values():
        for example in examples:
            plain, ents = parse_annotations(example)
            for ent in ents:
                if ent["entity"] == "category":
                    value = synonyms.get(ent["value"].lower(), ent["value"])
                    langs[value].add("zh" if is_chinese(plain) else "en")
    for value in CANONICAL["category"]:
        assert langs[value] == {"zh", "en"}, (value, langs[value])


# ---------------------------------------------------------------- synonyms, lookups, regexes


def test_synonyms_are_consistent() -> None:
    data = load_yaml(NLU_DIR / "synonyms.yml")
    owner: dict[str, str] = {}
    targets = set()
    for item in data["nlu"]:
        assert "synonym" in item, item
        target = str(item["synonym"])
        targets.add(target)
        for surface in split_examples(item["examples"]):
            key = surface.lower()
            assert owner.setdefault(key, target) == target, (surface, owner[key], target)
    for entity in ("category", "system", "data_kind", "language"):
        assert CANONICAL[entity] <= targets, (entity, CANONICAL[entity] - targets)


def test_synonym_targets_are_canonical() -> None:
    everything = set().union(*CANONICAL.values())
    for target in set(synonym_map().values()):
        assert target in everything, target


@pytest.mark.parametrize("name", ["systems.yml", "categories.yml"])
def test_lookup_tables(name: str) -> None:
    data = load_yaml(NLU_DIR / "lookups" / name)
    assert data.get("version") == "3.1"
    items = data["nlu"]
    assert items and all("lookup" in item for item in items)
    for item in items:
        values = split_examples(item["examples"])
        assert len(values) >= 10
        assert len(set(values)) == len(values), item["lookup"]
        assert any(is_chinese(v) for v in values) and any(not is_chinese(v) for v in values)


def test_regexes_compile_and_match() -> None:
    data = load_yaml(NLU_DIR / "regexes.yml")
    assert data.get("version") == "3.1"
    patterns = {}
    for item in data["nlu"]:
        assert "regex" in item
        patterns[item["regex"]] = [re.compile(p) for p in split_examples(item["examples"])]
    assert {"case_reference", "email", "phone"} <= set(patterns)
    samples = {
        "case_reference": ("my case CLM-2026-000123 please", "CLM-26-123"),
        "email": ("mail me at li.wei@example.com", "li.wei at example"),
        "phone": ("电话13812345678", "2026"),
    }
    for name, (good, bad) in samples.items():
        assert any(p.search(good) for p in patterns[name]), name
        assert not any(p.search(bad) for p in patterns[name]), name


# ---------------------------------------------------------------- chitchat responses


def test_chitchat_domain_responses() -> None:
    data = load_yaml(CHITCHAT_DOMAIN)
    assert set(data) == {"version", "intents", "actions", "responses"}
    assert data["intents"] == ["chitchat"]
    assert data["actions"] == ["action_answer_chitchat"]
    responses = data["responses"]
    topics = {i.split("/", 1)[1] for i in intent_examples(NLU_DIR / "chitchat.yml")}
    assert topics == set(CHITCHAT_TOPICS)
    assert set(responses) == {f"utter_chitchat/{t}" for t in topics}
    zh_condition = [{"type": "slot", "name": "language", "value": "zh"}]
    for name, variations in responses.items():
        zh = [v for v in variations if v.get("condition") == zh_condition]
        en = [v for v in variations if "condition" not in v]
        assert zh and en and len(zh) + len(en) == len(variations), name
        assert all(is_chinese(v["text"]) for v in zh), name
        assert all(not is_chinese(v["text"]) for v in en), name
