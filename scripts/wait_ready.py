"""Wait until Rasa, the action server and the gateway all answer, then print `ready`.

Runs as the fourth Procfile entry so `make run` says when the stack is usable; it stays
alive afterwards because honcho stops everything when one process exits.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import httpx


def main() -> int:
    rasa = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    actions = f"http://127.0.0.1:{os.environ.get('ACTIONS_PORT', '5055')}"
    gateway = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}"
    checks = {"rasa": f"{rasa}/", "actions": f"{actions}/health", "gateway": f"{gateway}/healthz"}
    deadline = time.monotonic() + float(os.environ.get("READY_TIMEOUT_SECONDS", "300"))
    pending = dict(checks)
    last_report = 0.0
    while pending:
        for name, url in list(pending.items()):
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    print(f"{name} is up ({url})", flush=True)
                    del pending[name]
            except httpx.HTTPError:
                pass
        if time.monotonic() > deadline:
            print(f"error: not answering after the timeout: {', '.join(pending)}", flush=True)
            return 1
        if pending and time.monotonic() - last_report > 15:
            print(f"waiting for {', '.join(pending)} (Rasa loads its model in ~30 s)", flush=True)
            last_report = time.monotonic()
        time.sleep(1)
    print(f"web chat:      {gateway}/", flush=True)
    print(f"staff console: {gateway}/staff", flush=True)
    print(f"staff API:     {gateway}/api  (OpenAPI: {gateway}/openapi.json)", flush=True)
    print(f"Rasa:          {rasa}  actions: {actions}", flush=True)
    print("ready", flush=True)
    signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
