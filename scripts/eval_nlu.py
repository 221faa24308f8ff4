"""Evaluate the trained model on the held-out NLU sets, per language.

Reports intent precision/recall/F1, entity precision/recall/F1 (span and label must
match, whichever extractor found it), FAQ top-1 accuracy and out-of-scope rejection.
Starts its own Rasa server on a free loopback port unless --rasa-url is given; writes
reports/nlu_eval.json and reports/nlu_eval.md and prints the table.

    .venv/bin/python scripts/eval_nlu.py [--rasa-url URL --token T] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from understanding.topics import CLEAR_SCORE, out_of_scope, topic_of

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu"
REPORTS = ROOT / "reports"
CJK = re.compile(r"[\u3400-\u9fff]")
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<label>[^)]+)\)|\{(?P<json>[^}]+)\})")
# What each acceptance criterion requires (issues 5 and 6).
THRESHOLDS = {"intent_f1": 0.90, "entity_f1": 0.85, "faq_top1": 0.90, "oos_rejection": 0.90}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str  # full name, e.g. "faq/how_long_litigation"
    entities: frozenset[tuple[str, int, int]]

    @property
    def language(self) -> str:
        return "zh" if CJK.search(self.text) else "en"


def parse_example(raw: str, intent: str) -> Example:
    text, entities, offset, last = [], set(), 0, 0
    for match in ANNOTATION.finditer(raw):
        text.append(raw[last : match.start()])
        offset += match.start() - last
        span = match.group("text")
        label = match.group("label") or json.loads("{" + match.group("json") + "}")["entity"]
        entities.add((label, offset, offset + len(span)))
        text.append(span)
        offset += len(span)
        last = match.end()
    text.append(raw[last:])
    return Example("".join(text), intent, frozenset(entities))


def load_examples() -> list[Example]:
    examples = []
    for path in sorted(HELDOUT.glob("heldout_*.yml")):
        for block in yaml.safe_load(path.read_text("utf-8")).get("nlu", []):
            if "intent" not in block:
                continue
            for line in str(block["examples"]).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append(parse_example(line[2:].strip(), block["intent"]))
    return examples


def predicted_intent(parse: dict[str, Any]) -> str:
    """What the bot does with the message, as `action_answer_faq`, `action_answer_chitchat`
    and `action_handle_unclear` decide it: an FAQ or small-talk topic, out of scope, the
    fallback, or the intent itself."""
    name = str((parse.get("intent") or {}).get("name") or "")
    text = str(parse.get("text") or "")
    if name in ("faq", "out_of_scope"):
        topic = topic_of("faq", text)
        if topic:
            return f"faq/{topic}"
        return "out_of_scope" if name == "out_of_scope" or out_of_scope(text) else "nlu_fallback"
    if name == "chitchat":
        topic = topic_of("chitchat", text)
        return f"chitchat/{topic}" if topic else "nlu_fallback"
    if name == "nlu_fallback":
        topic = topic_of("faq", text, min_score=CLEAR_SCORE)
        if topic:
            return f"faq/{topic}"
        return "out_of_scope" if out_of_scope(text, min_score=CLEAR_SCORE) else name
    return name


def base(intent: str) -> str:
    return intent.split("/")[0]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(pairs: list[tuple[Example, dict[str, Any]]]) -> dict[str, Any]:
    """Metrics for one language."""
    intents = [(base(e.intent), base(predicted_intent(p))) for e, p in pairs]
    labels = sorted({g for g, _ in intents})
    per_intent, weighted = {}, [0.0, 0.0, 0.0]
    support = Counter(g for g, _ in intents)
    for label in labels:
        tp = sum(1 for g, p in intents if g == label and p == label)
        fp = sum(1 for g, p in intents if g != label and p == label)
        fn = sum(1 for g, p in intents if g == label and p != label)
        p_, r_, f_ = prf(tp, fp, fn)
        per_intent[label] = {"precision": p_, "recall": r_, "f1": f_, "support": support[label]}
        for i, v in enumerate((p_, r_, f_)):
            weighted[i] += v * support[label] / len(intents)
    tp = fp = fn = 0
    entity_errors: list[dict[str, Any]] = []
    for example, parse in pairs:
        got = {(e["entity"], e["start"], e["end"]) for e in parse.get("entities") or []}
        tp += len(got & example.entities)
        fp += len(got - example.entities)
        fn += len(example.entities - got)
        if got != example.entities:
            entity_errors.append(
                {"text": example.text, "missing": sorted(example.entities - got),
                 "extra": sorted(got - example.entities)}
            )
    ep, er, ef = prf(tp, fp, fn)
    faq = [(e, p) for e, p in pairs if base(e.intent) == "faq"]
    oos = [(e, p) for e, p in pairs if e.intent == "out_of_scope"]
    faq_ok = sum(1 for e, p in faq if predicted_intent(p) == e.intent)
    oos_ok = sum(1 for _, p in oos if base(predicted_intent(p)) != "faq")
    intent_errors = [
        {"text": e.text, "expected": e.intent, "predicted": predicted_intent(p),
         "ranking": [(r["name"], round(r["confidence"], 3))
                     for r in (p.get("intent_ranking") or [])[:3]]}
        for e, p in pairs
        if base(predicted_intent(p)) != base(e.intent)
        or (base(e.intent) == "faq" and predicted_intent(p) != e.intent)
    ]
    return {
        "examples": len(pairs),
        "intent": {"precision": weighted[0], "recall": weighted[1], "f1": weighted[2],
                   "per_intent": per_intent},
        "entity": {"precision": ep, "recall": er, "f1": ef, "annotated": tp + fn},
        "faq_top1": faq_ok / len(faq) if faq else None,
        "faq_examples": len(faq),
        "oos_rejection": oos_ok / len(oos) if oos else None,
        "oos_examples": len(oos),
        "intent_errors": intent_errors,
        "confidences": [
            {"expected": e.intent, "ranking": [(r["name"], round(r["confidence"], 3))
                                               for r in (p.get("intent_ranking") or [])[:3]]}
            for e, p in pairs
        ],
        "entity_errors": entity_errors,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_rasa(model: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    port, token = free_port(), secrets.token_hex(16)
    log = open(REPORTS / "nlu_eval_rasa.log", "wb")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen(
        [str(ROOT / ".venv-rasa/bin/rasa"), "run", "--model", str(model), "--enable-api",
         "--auth-token", token, "--interface", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        # Only /model/parse is called; endpoints.yml and the gateway channel still want
        # every ${...} they name to be set.
        env={**os.environ, "ACTION_ENDPOINT_URL": "http://127.0.0.1:1/webhook",
             "TRACKER_DB": str(REPORTS / "nlu_eval_tracker.db"),
             "ACTION_SERVER_TOKEN": secrets.token_hex(16),
             "GATEWAY_RASA_SECRET": secrets.token_hex(16)},
    )
    url = f"http://127.0.0.1:{port}"
    print(f"starting Rasa on {url} to evaluate {model.name} (model load takes ~30 s)", flush=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"Rasa exited; see {REPORTS / 'nlu_eval_rasa.log'}")
        try:
            status = httpx.get(f"{url}/status", params={"token": token}, timeout=2)
            if status.status_code == 200 and status.json().get("model_file"):
                return process, url, token
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("Rasa did not load the model within 300 s")


def evaluate(url: str, token: str) -> dict[str, Any]:
    examples = load_examples()
    client = httpx.Client(base_url=url, timeout=60)

    def parse(example: Example) -> dict[str, Any]:
        response = client.post("/model/parse", params={"token": token}, json={"text": example.text})
        response.raise_for_status()
        return dict(response.json())

    print(f"parsing {len(examples)} held-out examples", flush=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        parses = list(pool.map(parse, examples))
    by_language: dict[str, list[tuple[Example, dict[str, Any]]]] = defaultdict(list)
    for example, result in zip(examples, parses, strict=True):
        by_language[example.language].append((example, result))
    return {lang: score(pairs) for lang, pairs in sorted(by_language.items())}


def failures(report: dict[str, Any], floor: float | None = None) -> list[str]:
    """Metrics below the acceptance thresholds (or below one common floor)."""
    out = []
    for lang, m in report.items():
        values = {"intent_f1": m["intent"]["f1"], "entity_f1": m["entity"]["f1"],
                  "faq_top1": m["faq_top1"], "oos_rejection": m["oos_rejection"]}
        for key, target in THRESHOLDS.items():
            minimum = target if floor is None else floor
            if values[key] is not None and values[key] < minimum:
                out.append(f"{lang} {key} {values[key]:.3f} < {minimum}")
    return out


def markdown(report: dict[str, Any]) -> str:
    lines = ["| language | examples | intent P | intent R | intent F1 | entity P | entity R |"
             " entity F1 | FAQ top-1 | out-of-scope rejected |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for lang, m in report.items():
        i, e = m["intent"], m["entity"]
        faq = f"{m['faq_top1']:.3f} (n={m['faq_examples']})" if m["faq_top1"] is not None else "-"
        oos = (f"{m['oos_rejection']:.3f} (n={m['oos_examples']})"
               if m["oos_rejection"] is not None else "-")
        lines.append(f"| {lang} | {m['examples']} | {i['precision']:.3f} | {i['recall']:.3f} | "
                     f"{i['f1']:.3f} | {e['precision']:.3f} | {e['recall']:.3f} | {e['f1']:.3f} | "
                     f"{faq} | {oos} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url")
    parser.add_argument("--token", default="")
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    parser.add_argument("--check", action="store_true", help="exit 1 below the targets")
    parser.add_argument(
        "--floor", type=float, help="exit 1 if any metric falls below this (regression gate)"
    )
    args = parser.parse_args(argv)
    REPORTS.mkdir(exist_ok=True)
    process = None
    if args.rasa_url:
        url, token = args.rasa_url, args.token
    else:
        process, url, token = start_rasa(Path(args.model))
    try:
        report = evaluate(url, token)
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    (REPORTS / "nlu_eval.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    table = markdown(report)
    (REPORTS / "nlu_eval.md").write_text("# Held-out NLU evaluation\n\n" + table)
    print(table)
    for problem in failures(report):
        print(f"below target: {problem}")
    if args.floor is not None:
        regressions = failures(report, args.floor)
        for problem in regressions:
            print(f"REGRESSION: {problem}")
        if regressions:
            return 1
    return 1 if failures(report) and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
