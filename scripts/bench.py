"""Load benchmark: our stack against a plain ``rasa init`` assistant, on loopback only.

Starts the real stack (``tests/integration/stack.py``: Rasa, action server, gateway on
free 127.0.0.1 ports, temporary tracker and case database), then drives N concurrent
simulated customers through scripted claim intakes (English and Chinese, alternating per
customer) for a fixed time, first through the gateway's web endpoint, then directly
against Rasa's REST webhook. Then the same customers, for the same time, against a plain
``rasa init --no-prompt`` assistant (trained once, cached under
``~/.cache/claim-intake/baseline/``) so our pipeline's cost reads as ratios.

Prints and writes (``reports/bench.json``, ``reports/bench.md``): messages per second,
p50/p95/p99 latency per turn for each path, error count, peak RSS (VmHWM) of each process
tree and the model load time (start until ``/status`` names the model).

    .venv/bin/python -m scripts.bench [--customers 1,10,50] [--seconds 30] [--no-baseline]

Bounded: every request goes to 127.0.0.1, each phase stops after ``--seconds``, every
process it started is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.stack import LOGS, MODEL, Stack, free_port  # noqa: E402

REPORTS = ROOT / "reports"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "claim-intake"
BASELINE_DIR = CACHE / "baseline"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"

#: One scripted customer each; customers alternate between them.
SCRIPTS: dict[str, list[str]] = {
    "en": [
        "hello",
        "Our payment API was down yesterday from 9am to 1pm, we lost about $12,000 in "
        "orders and 3000 customers were affected",
        "no, nothing changed on our side and no third party was involved",
        "we have system logs and screenshots",
        "John Smith, john.smith@example.com",
        "yes",
        "how long does a compensation claim usually take?",
    ],
    "zh": [
        "你好",
        "昨天上午10点我们的会员系统宕机了，到中午12点才恢复，损失大约20万元，影响了5000个用户",
        "没有，我们没改过配置，也没有第三方",
        "有系统日志和截图",
        "王小明，13800138000",
        "确认",
        "赔偿一般需要多长时间？",
    ],
}


# -- measuring -------------------------------------------------------------------------------


@dataclass
class PathResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    conversations: int = 0
    elapsed: float = 0.0

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float | None:
            if not ordered:
                return None
            index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
            return round(ordered[index] * 1000, 1)

        return {
            "messages": len(ordered),
            "conversations": self.conversations,
            "seconds": round(self.elapsed, 2),
            "messages_per_second": round(len(ordered) / self.elapsed, 2) if self.elapsed else 0,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
        }


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc/<pid>/stat parent ids)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def vm_hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssWatch:
    """Peak RSS (VmHWM) per process of each watched tree, sampled while the load runs."""

    def __init__(self) -> None:
        self.roots: dict[str, int] = {}
        self.peaks: dict[str, dict[int, int]] = {}

    def watch(self, name: str, pid: int) -> None:
        self.roots[name] = pid
        self.peaks.setdefault(name, {})

    def sample(self) -> None:
        for name, root in self.roots.items():
            for pid in tree(root):
                hwm = vm_hwm_kib(pid)
                peaks = self.peaks[name]
                peaks[pid] = max(peaks.get(pid, 0), hwm)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
        self.sample()

    def report(self) -> dict[str, dict[str, float]]:
        return {
            name: {
                "processes": len(peaks),
                "tree_peak_rss_mib": round(sum(peaks.values()) / 1024, 1),
                "largest_process_peak_rss_mib": round(max(peaks.values(), default=0) / 1024, 1),
            }
            for name, peaks in self.peaks.items()
        }


# -- load ------------------------------------------------------------------------------------


@dataclass
class Target:
    """Where one path's messages go and how to read the answer."""

    name: str
    url: str
    gateway: bool  # gateway web endpoint (a gateway-issued session) or Rasa straight
    #: Ours: Rasa's gateway channel wants this secret; the baseline has the open rest channel.
    secret: str = ""

    async def open(self, client: httpx.AsyncClient) -> dict[str, str]:
        """The headers of one new conversation: its gateway session, or the channel secret."""
        if self.gateway:
            issued = await client.post(f"{self.url}/chat/session")
            issued.raise_for_status()
            return {"X-Chat-Session": str(issued.json()["token"])}
        return {"X-Gateway-Secret": self.secret} if self.secret else {}

    def request(self, session: str, text: str, language: str) -> tuple[str, dict[str, Any]]:
        if self.gateway:
            return f"{self.url}/chat/messages", {"text": text}
        channel = "gateway" if self.secret else "rest"
        return f"{self.url}/webhooks/{channel}/webhook", {
            "sender": f"bench-{session}",
            "message": text,
            "metadata": {"channel": "rest", "language": language},
        }


async def customer(
    index: int, target: Target, deadline: float, client: httpx.AsyncClient, result: PathResult
) -> None:
    language = "en" if index % 2 == 0 else "zh"
    turns = SCRIPTS[language]
    while time.monotonic() < deadline:
        session = uuid.uuid4().hex
        result.conversations += 1
        try:
            headers = await target.open(client)
        except httpx.HTTPError as exc:
            result.error(type(exc).__name__)
            await asyncio.sleep(0.2)
            continue
        for text in turns:
            if time.monotonic() >= deadline:
                return
            url, body = target.request(session, text, language)
            started = time.perf_counter()
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                result.error(type(exc).__name__)
                await asyncio.sleep(0.2)
                break
            took = time.perf_counter() - started
            if response.status_code != 200:
                result.error(f"http_{response.status_code}")
                break
            if not isinstance(response.json(), list | dict):
                result.error("bad_body")
                break
            result.latencies.append(took)


async def drive(target: Target, customers: int, seconds: float, watch: RssWatch) -> PathResult:
    result = PathResult()
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=customers, max_keepalive_connections=customers)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        sampler = asyncio.create_task(watch.run(stop))
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(customer(i, target, deadline, client, result) for i in range(customers))
        )
        result.elapsed = time.monotonic() - started
        stop.set()
        await sampler
    return result


# -- processes -------------------------------------------------------------------------------


def model_load_seconds(start: float, status_url: str, token: str, timeout: float = 600) -> float:
    """Seconds from ``start`` until ``/status`` names a model file."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = httpx.get(status_url, params={"token": token}, timeout=2)
            if status.status_code == 200 and status.json().get("model_file"):
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"no model loaded at {status_url} after {timeout}s")


def ensure_baseline() -> Path:
    """The cached ``rasa init`` project with its trained model; trains it the first time."""
    models = sorted((BASELINE_DIR / "project" / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    print(f"training the baseline (rasa init --no-prompt) once into {BASELINE_DIR} ...")
    with tempfile.TemporaryDirectory(prefix="baseline-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        subprocess.run(
            [str(RASA), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=tmp, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        BASELINE_DIR.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(BASELINE_DIR / "project", ignore_errors=True)
        shutil.copytree(project, BASELINE_DIR / "project", ignore=shutil.ignore_patterns(".rasa"))
    models = sorted((BASELINE_DIR / "project" / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError("rasa init did not produce a model")
    return models[-1]


class BaselineRasa:
    """A plain ``rasa run`` of the baseline model (in-memory tracker, no action server)."""

    def __init__(self, model: Path) -> None:
        self.model = model
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / "baseline_rasa.log", "ab")  # noqa: SIM115 - lives with the process
        started = time.monotonic()
        self.process = subprocess.Popen(
            [
                str(RASA), "run", "--model", str(self.model), "--enable-api",
                "--auth-token", self.token, "--interface", "127.0.0.1",
                "--port", str(self.port),
            ],
            cwd=self.model.parent.parent, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, env={**os.environ, "SANIC_HOST": "127.0.0.1"},
        )  # fmt: skip
        return model_load_seconds(started, f"{self.url}/status", self.token)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# -- run -------------------------------------------------------------------------------------

#: A long conversation: questions that never end the chat, asked in turn (none of them asks
#: for a person: a hand-off would take the chat away from Rasa and make turns look free).
LONG_TURNS = 50
LONG_SCRIPT = [
    "how long does a compensation claim usually take?",
    "what evidence should I keep?",
    "who are you?",
    "how is the SLA credit calculated?",
    "what happens if we cannot agree on the amount?",
]


def run_levels(
    targets: list[Target], levels: list[int], seconds: float, watch: RssWatch, label: str
) -> dict[str, dict[str, Any]]:
    """Each target at each number of concurrent customers, one after the other."""
    out: dict[str, dict[str, Any]] = {}
    for customers in levels:
        for target in targets:
            summary = asyncio.run(drive(target, customers, seconds, watch)).summary()
            out.setdefault(str(customers), {})[target.name] = summary
            print(f"  {label} {target.name} x{customers}: {summary['messages_per_second']} msg/s, "
                  f"p50 {summary['p50_ms']} p95 {summary['p95_ms']} p99 {summary['p99_ms']} ms, "
                  f"{summary['errors']} errors")  # fmt: skip
    return out


async def long_conversation(target: Target, turns: int = LONG_TURNS) -> dict[str, Any]:
    """One customer asking ``turns`` questions in one chat: does a turn get dearer as the
    tracker and the transcript grow?"""
    session, took = uuid.uuid4().hex, []
    async with httpx.AsyncClient(timeout=120) as client:
        headers = await target.open(client)
        for turn in range(turns):
            url, body = target.request(session, LONG_SCRIPT[turn % len(LONG_SCRIPT)], "en")
            started = time.perf_counter()
            response = await client.post(url, json=body, headers=headers)
            response.raise_for_status()
            took.append((time.perf_counter() - started) * 1000)
    first, last = sorted(took[:5]), sorted(took[-5:])
    return {
        "turns": turns,
        "median_ms_turns_1_5": round(first[2], 1),
        f"median_ms_turns_{turns - 4}_{turns}": round(last[2], 1),
        "growth": ratio(last[2], first[2]),
    }


def bench_ours(levels: list[int], seconds: float) -> dict[str, Any]:
    if not MODEL.exists():
        raise SystemExit(f"no trained model at {MODEL}: run `make train` first")
    with tempfile.TemporaryDirectory(prefix="bench-stack-") as tmp:
        stack = Stack(workdir=Path(tmp))
        try:
            started = time.monotonic()
            stack.start("rasa")
            load = model_load_seconds(started, f"{stack.rasa_url}/status", stack.rasa_token)
            stack.start("actions", "gateway")
            watch = RssWatch()
            for name, process in stack.processes.items():
                watch.watch(name, process.pid)
            print(f"ours: model loaded in {load:.1f} s; {seconds:.0f} s per path and level")
            targets = [
                Target("gateway", stack.gateway_url, True),
                Target("rasa_rest", stack.rasa_url, False, stack.gateway_secret),
            ]
            result = run_levels(targets, levels, seconds, watch, "ours")
            growth = asyncio.run(long_conversation(targets[0]))
            print(f"  ours long conversation (gateway): {growth}")
            return {
                "model": str(MODEL.resolve()),
                "model_mib": round(MODEL.resolve().stat().st_size / 2**20, 1),
                "model_load_seconds": round(load, 1),
                "levels": result,
                "long_conversation": growth,
                "peak_rss": watch.report(),
            }
        finally:
            stack.stop()


def bench_baseline(levels: list[int], seconds: float) -> dict[str, Any]:
    model = ensure_baseline()
    server = BaselineRasa(model)
    try:
        load = server.start()
        assert server.process is not None
        watch = RssWatch()
        watch.watch("rasa", server.process.pid)
        print(f"baseline: model loaded in {load:.1f} s")
        result = run_levels(
            [Target("rasa_rest", server.url, False)], levels, seconds, watch, "baseline"
        )
        return {
            "model": str(model),
            "model_load_seconds": round(load, 1),
            "levels": result,
            "peak_rss": watch.report(),
        }
    finally:
        server.stop()


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def ratios(ours: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for level, paths in ours["levels"].items():
        b = base["levels"][level]["rasa_rest"]
        for path, r in paths.items():
            out[f"{path} x{level}"] = {
                "p50_vs_baseline": ratio(r["p50_ms"], b["p50_ms"]),
                "p95_vs_baseline": ratio(r["p95_ms"], b["p95_ms"]),
                "msgs_per_s_vs_baseline": ratio(
                    r["messages_per_second"], b["messages_per_second"]
                ),
            }
    out["model_load_vs_baseline"] = ratio(ours["model_load_seconds"], base["model_load_seconds"])
    ours_rss = sum(p["tree_peak_rss_mib"] for p in ours["peak_rss"].values())
    out["total_peak_rss_vs_baseline"] = ratio(
        ours_rss, base["peak_rss"]["rasa"]["tree_peak_rss_mib"]
    )
    return out


def _latency_rows(report: dict[str, Any]) -> list[str]:
    runs = [("ours", report["ours"])]
    if report.get("baseline"):
        runs.append(("baseline (rasa init)", report["baseline"]))
    rows = []
    for label, run in runs:
        for level, paths in run["levels"].items():
            for path, r in paths.items():
                rows.append(
                    f"| {label} | {path} | {level} | {r['messages_per_second']} | {r['p50_ms']} | "
                    f"{r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['messages']} | "
                    f"{r['errors']} |"
                )
    return rows


def _rss_rows(report: dict[str, Any]) -> list[str]:
    runs = [("ours", report["ours"])] + (
        [("baseline (rasa init)", report["baseline"])] if report.get("baseline") else []
    )
    rows = []
    for label, run in runs:
        for name, rss in run["peak_rss"].items():
            rows.append(
                f"| {label} | {name} | {rss['processes']} | {rss['tree_peak_rss_mib']} | "
                f"{rss['largest_process_peak_rss_mib']} |"
            )
        rows.append(f"| {label} | model load | | {run['model_load_seconds']} s | |")
    return rows


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Load benchmark",
        "",
        f"{report['when']} on {report['machine']}; {report['seconds']:.0f} s per path and "
        f"number of customers, scripted {len(SCRIPTS['en'])}-turn intakes (English and "
        "Chinese alternating). All requests to 127.0.0.1.",
        "",
        "| run | path | customers | msgs/s | p50 ms | p95 ms | p99 ms | max ms | messages "
        "| errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *_latency_rows(report),
        "",
        "| run | process | processes | tree peak RSS MiB | largest process MiB |",
        "| --- | --- | ---: | ---: | ---: |",
        *_rss_rows(report),
        "",
        f"Model: {report['ours'].get('model_mib')} MiB. One customer asking "
        f"{LONG_TURNS} questions in one chat (gateway): {report['ours']['long_conversation']}.",
    ]
    if report.get("ratios"):
        lines += ["", "Ratios, ours / baseline (latency > 1 is slower, msgs/s < 1 is slower):", ""]
        lines += [f"- {key}: {value}" for key, value in report["ratios"].items()]
    lines += [
        "",
        "Notes: the baseline runs without an action server and keeps trackers in memory; "
        "ours runs custom actions on every turn, a SQL tracker store and the case database, "
        "and the gateway path adds the transcript and the hub. Peak RSS is VmHWM summed "
        "over each process tree (an upper bound; shared pages count once per process).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--customers", default="1,10,50", help="comma-separated numbers of concurrent customers"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="per path and level")
    parser.add_argument("--no-baseline", action="store_true", help="skip the rasa init run")
    parser.add_argument("--out", type=Path, default=REPORTS)
    args = parser.parse_args(argv)
    try:
        levels = [int(n) for n in str(args.customers).split(",")]
    except ValueError:
        parser.error("--customers takes numbers separated by commas, e.g. 1,10,50")
    if min(levels) < 1 or args.seconds <= 0:
        parser.error("--customers and --seconds must be positive")

    report: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} ({os.cpu_count()} CPUs)",
        "customers": levels,
        "seconds": args.seconds,
        "ours": bench_ours(levels, args.seconds),
    }
    if not args.no_baseline:
        report["baseline"] = bench_baseline(levels, args.seconds)
        report["ratios"] = ratios(report["ours"], report["baseline"])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    text = markdown(report)
    (args.out / "bench.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
