"""Which FAQ or small-talk topic a question is about.

Rasa's intent classifier decides *that* a message is a question (an FAQ or something out
of scope) or small talk; this module decides *which* one. A linear SVM over character and
word n-grams, fitted on first use (about a second) from every paraphrase in `nlu/faq.yml`,
`nlu/out_of_scope.yml` and `nlu/chitchat.yml`, replaces the two ResponseSelectors: each of
those carried its own 700 MB copy of the vocabulary, trained for twenty minutes, and ranked
topics less accurately on the held-out sets. Out of scope is one more class of the FAQ
classifier, so "is this one of our questions at all" is decided with all 3,800 FAQ
paraphrases in view. The fit is deterministic: every machine gives a question the same topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

from understanding.nlu_data import NLU_DIR

OUT_OF_SCOPE = "out_of_scope"
#: group -> (NLU file, intent prefix) pairs; "faq/x" gives topic x, a plain intent itself.
GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "faq": (("faq.yml", "faq/"), ("out_of_scope.yml", OUT_OF_SCOPE)),
    "chitchat": (("chitchat.yml", "chitchat/"), ("out_of_scope.yml", OUT_OF_SCOPE)),
}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\([^)]+\)|\{[^}]+\})")

#: A decision score below this means no topic is a plausible match: the caller answers with
#: the fallback (rephrase, or a person) instead of a wrong topic.
MIN_SCORE = -0.7
#: When Rasa was unsure of the intent, a topic this clear still answers the question.
CLEAR_SCORE = -0.3


@dataclass(frozen=True, slots=True)
class TopicGuess:
    """The best topic and the SVM's decision score for it (above 0: inside its side)."""

    topic: str
    score: float


def training_examples(path: Path, prefix: str) -> list[tuple[str, str]]:
    """(text, topic) pairs of the intents starting with ``prefix`` in a Rasa NLU file."""
    pairs: list[tuple[str, str]] = []
    for block in yaml.safe_load(path.read_text("utf-8")).get("nlu", []):
        intent = str(block.get("intent") or "")
        if not intent.startswith(prefix):
            continue
        topic = intent.split("/", 1)[1] if "/" in intent else intent
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((_ANNOTATION.sub(lambda m: m.group("text"), line[2:].strip()), topic))
    return pairs


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


class TopicClassifier:
    """Character 1–4-grams (Chinese needs no segmenter for these) plus word 1–2-grams."""

    def __init__(self, examples: Sequence[tuple[str, str]]) -> None:
        if len({topic for _, topic in examples}) < 2:
            raise ValueError("a topic classifier needs examples of at least two topics")
        features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
            TfidfVectorizer(
                analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                token_pattern=r"(?u)\b\w+\b",
            ),
        )
        self._model = Pipeline([("features", features), ("svm", LinearSVC(C=1.0))])
        self._model.fit([_normalise(t) for t, _ in examples], [topic for _, topic in examples])

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(str(t) for t in self._model.classes_)

    def guess(self, text: str) -> TopicGuess:
        scores = self._model.decision_function([_normalise(text)])[0]
        best = int(scores.argmax())
        return TopicGuess(str(self._model.classes_[best]), float(scores[best]))

    def guess_many(self, texts: Iterable[str]) -> list[TopicGuess]:
        rows = self._model.decision_function([_normalise(t) for t in texts])
        classes = self._model.classes_
        return [TopicGuess(str(classes[int(r.argmax())]), float(r.max())) for r in rows]


@lru_cache(maxsize=len(GROUPS))
def classifier(group: str) -> TopicClassifier:
    """The fitted classifier of one group (`faq` or `chitchat`), kept after first use."""
    examples = [
        pair for name, prefix in GROUPS[group] for pair in training_examples(NLU_DIR / name, prefix)
    ]
    return TopicClassifier(examples)


def topic_of(group: str, text: str, min_score: float = MIN_SCORE) -> str | None:
    """The topic of ``text`` within ``group``; None when it is out of scope or no topic is a
    plausible match."""
    guess = classifier(group).guess(text)
    if guess.topic == OUT_OF_SCOPE or guess.score < min_score:
        return None
    return guess.topic


def out_of_scope(text: str, min_score: float = MIN_SCORE) -> bool:
    """Whether ``text`` reads as a question outside what the FAQ covers."""
    guess = classifier("faq").guess(text)
    return guess.topic == OUT_OF_SCOPE and guess.score >= min_score
