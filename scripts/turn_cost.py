"""CPU seconds per customer turn, per process: what one turn costs the gateway, Rasa and the
action server (the case database is SQLite inside the processes that use it).

Wall time lies on a shared machine; CPU time (utime + stime of every process in each tree,
from /proc/<pid>/stat, children that exited included) barely moves when others load the
cores. Starts its own stack on free loopback ports (tests/integration/stack.py), warms it
up, then drives one customer's scripted intakes through the gateway's web endpoint and
prints milliseconds of CPU per turn for each process; then one long chat of FAQ questions,
turns 1-10 against turns 41-50, to show how a turn's cost grows with the conversation.

    .venv/bin/python -m scripts.turn_cost [--conversations 8] [--long 50] [--json PATH]

Also prints how long Rasa took from start until ``/status`` named its model, in wall time
and in CPU seconds of the Rasa process (the figure that sharing the cores barely moves).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench import LONG_SCRIPT, SCRIPTS, Target, model_load_seconds, tree  # noqa: E402
from tests.integration.stack import Stack  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root: int) -> float:
    """utime + stime of ``root`` and its live descendants, plus what reaped children used."""
    total = 0
    for pid in tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[0] is the state (stat field 3): utime, stime, cutime, cstime are 14-17.
        total += sum(int(v) for v in fields[11:15])
    return total / TICK


class Meter:
    """CPU seconds of each watched process tree since the last ``reset``."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.start = self.now()

    def now(self) -> dict[str, float]:
        return {name: cpu_seconds(pid) for name, pid in self.roots.items()}

    def reset(self) -> None:
        self.start = self.now()

    def spent(self) -> dict[str, float]:
        now = self.now()
        return {name: now[name] - self.start[name] for name in self.roots}


class Chat:
    """One conversation through ``target``: its gateway session, then message after message."""

    headers: dict[str, str] | None

    def __init__(self, client: httpx.AsyncClient, target: Target, language: str) -> None:
        self.client, self.target, self.language = client, target, language
        self.session, self.headers = uuid.uuid4().hex, None

    async def say(self, text: str) -> None:
        if self.headers is None:
            self.headers = await self.target.open(self.client)
        url, body = self.target.request(self.session, text, self.language)
        (await self.client.post(url, json=body, headers=self.headers)).raise_for_status()


async def intakes(client: httpx.AsyncClient, target: Target, conversations: int) -> int:
    turns = 0
    for index in range(conversations):
        chat = Chat(client, target, ("en", "zh")[index % 2])
        for text in SCRIPTS[chat.language]:
            await chat.say(text)
            turns += 1
    return turns


def per_turn_ms(spent: dict[str, float], turns: int) -> dict[str, float]:
    row = {name: round(1000 * seconds / turns, 1) for name, seconds in spent.items()}
    row["all"] = round(sum(row.values()), 1)
    return row


async def long_chat(
    client: httpx.AsyncClient, target: Target, meter: Meter, turns: int
) -> dict[str, dict[str, float]]:
    """CPU per turn over the first ten and the last ten turns of one FAQ-only chat."""
    chat, window = Chat(client, target, "en"), 10
    out: dict[str, dict[str, float]] = {}
    for turn in range(turns):
        if turn in (0, turns - window):
            meter.reset()
        await chat.say(LONG_SCRIPT[turn % len(LONG_SCRIPT)])
        if turn in (window - 1, turns - 1):
            out[f"turns {turn + 2 - window}-{turn + 1}"] = per_turn_ms(meter.spent(), window)
    return out


async def drive(
    target: Target, meter: Meter, conversations: int, long_turns: int
) -> dict[str, dict[str, float]]:
    async with httpx.AsyncClient(timeout=120) as client:
        await intakes(client, target, 2)  # warm up: lazy imports, the topic model, caches
        meter.reset()
        turns = await intakes(client, target, conversations)
        rows = {f"intake turn (mean of {turns})": per_turn_ms(meter.spent(), turns)}
        if long_turns >= 20:
            rows.update(await long_chat(client, target, meter, long_turns))
    return rows


def table(rows: dict[str, dict[str, float]]) -> str:
    names = list(next(iter(rows.values())))
    lines = ["| what | " + " | ".join(f"{n} ms" for n in names) + " |",
             "| --- |" + " ---: |" * len(names)]  # fmt: skip
    lines += [f"| {label} | " + " | ".join(str(row[n]) for n in names) + " |"
              for label, row in rows.items()]  # fmt: skip
    return "\n".join(lines)


class EndpointsStack(Stack):
    """The test stack with another Rasa endpoints file (to compare tracker stores)."""

    endpoints: Path = ROOT / "endpoints.yml"

    def commands(self) -> dict[str, list[str]]:
        commands = super().commands()
        rasa = commands["rasa"]
        rasa[rasa.index("--endpoints") + 1] = str(self.endpoints)
        return commands


def measure(conversations: int, long_turns: int, endpoints: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="turn-cost-") as tmp:
        stack = EndpointsStack(workdir=Path(tmp))
        stack.endpoints = endpoints
        try:
            started = time.monotonic()
            stack.start("rasa")
            load = model_load_seconds(started, f"{stack.rasa_url}/status", stack.rasa_token)
            start_cpu = cpu_seconds(stack.processes["rasa"].pid)
            stack.start("actions", "gateway")
            meter = Meter({name: p.pid for name, p in stack.processes.items()})
            rows = asyncio.run(drive(Target("gateway", stack.gateway_url, True), meter,
                                     conversations, long_turns))  # fmt: skip
            return {
                "rasa_ready_seconds": round(load, 1),
                "rasa_cpu_seconds_to_ready": round(start_cpu, 1),
                "cpu_ms_per_turn": rows,
            }
        finally:
            stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=8, help="scripted intakes")
    parser.add_argument("--long", type=int, default=50, help="turns of the long chat (0: none)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml",
                        help="Rasa endpoints file (default: endpoints.yml)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.conversations < 1:
        parser.error("--conversations must be positive")
    result = measure(args.conversations, args.long, args.endpoints.resolve())
    print(f"Rasa ready {result['rasa_ready_seconds']} s after start, "
          f"{result['rasa_cpu_seconds_to_ready']} s of CPU")  # fmt: skip
    print("CPU per turn through the gateway (utime + stime of each process tree):")
    print(table(result["cpu_ms_per_turn"]))  # type: ignore[arg-type]
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
