"""Where one turn's CPU goes in one process: py-spy samples Rasa (or, with --process, the
action server or the gateway, child processes included) while one customer runs the
benchmark's scripted intakes straight to Rasa's REST webhook (or, with --gateway, through
the gateway), then the busy samples are summed per function (shares of the process's busy
time, top 40) and the ms per turn printed. --raw keeps the samples for a closer look.

    .venv/bin/pip install py-spy   # a profiler, not a dependency of the project
    .venv/bin/python -m scripts.profile_turn [--seconds 40] [--process rasa|actions|gateway]
        [--gateway] [--raw samples.txt]

Starts its own stack on free loopback ports (tests/integration/stack.py) and stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench import SCRIPTS, Target  # noqa: E402
from scripts.turn_cost import Chat  # noqa: E402
from tests.integration.stack import Stack  # noqa: E402

IDLE = ("select (selectors", "poll", "wait (threading")


def conversation(target: Target, index: int) -> int:
    async def run() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            chat = Chat(client, target, language)
            for text in SCRIPTS[language]:
                await chat.say(text)

    language = ("en", "zh")[index % 2]
    asyncio.run(run())
    return len(SCRIPTS[language])


def shares(raw: Path, top: int = 40) -> list[tuple[float, str]]:
    counts: collections.Counter[str] = collections.Counter()
    busy = 0
    for line in raw.read_text().splitlines():
        stack, n = line.rsplit(" ", 1)
        frames = stack.split(";")
        if any(word in frames[-1] for word in IDLE):
            continue
        busy += int(n)
        for name in {f.split(" (")[0] + " " + f.rsplit("(", 1)[-1][:70] for f in frames}:
            counts[name] += int(n)
    return [(round(100 * c / busy, 1), name) for name, c in counts.most_common(top)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--process", choices=("rasa", "actions", "gateway"), default="rasa")
    parser.add_argument("--gateway", action="store_true", help="drive the gateway, not Rasa REST")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--raw", type=Path, help="keep py-spy's raw samples here")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    if not Path(spy).exists():
        raise SystemExit("py-spy is not installed: .venv/bin/pip install py-spy")
    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        stack = Stack(workdir=Path(tmp))
        try:
            stack.start("rasa", "actions", "gateway")
            target = Target("rasa_rest", stack.rasa_url, False, stack.gateway_secret)
            if args.gateway:
                target = Target("gateway", stack.gateway_url, True)
            conversation(target, 0)  # warm up
            raw = Path(tmp) / "samples.txt"
            spy_cmd = [
                spy,
                "record",
                "-p",
                str(stack.processes[args.process].pid),
                "--subprocesses",
                "-d",
                str(int(args.seconds)),
                "-f",
                "raw",
                "-o",
                str(raw),
                "--nonblocking",
            ]
            recorder = subprocess.Popen(spy_cmd, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)  # fmt: skip
            started, turns, index = time.monotonic(), 0, 0
            while time.monotonic() - started < args.seconds - 2:
                turns += conversation(target, index)
                index += 1
            elapsed = time.monotonic() - started
            recorder.wait(timeout=args.seconds + 60)
            print(f"{turns} turns, {elapsed * 1000 / turns:.0f} ms per turn (under py-spy)")
            if args.raw:
                shutil.copy(raw, args.raw)
            for share, name in shares(raw, args.top):
                print(f"{share:5.1f} %  {name}")
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
