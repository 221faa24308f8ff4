"""Start the real stack (Rasa, action server, gateway) for integration tests.

Each process gets free loopback ports and its own temporary tracker and case database, so
tests never touch a developer's `make run`. Logs go to test-artifacts/logs/.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
LOGS = ROOT / "test-artifacts" / "logs"
#: ``rasa run`` through scripts/start_rasa.py (the same CLI, ~9 s less start: see there).
RASA_RUN = [str(ROOT / ".venv-rasa/bin/python"), str(ROOT / "scripts/start_rasa.py"), "run"]
#: Rasa's only customer channel (channels/gateway.py) and the header carrying its secret.
RASA_WEBHOOK = "/webhooks/gateway/webhook"
SECRET_HEADER = "X-Gateway-Secret"
#: Where the web chat's session token goes (bot/web.py).
SESSION_HEADER = "X-Chat-Session"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    gateway_port: int = field(default_factory=free_port)
    rasa_token: str = field(default_factory=lambda: secrets.token_hex(16))
    staff_token: str = field(default_factory=lambda: secrets.token_hex(16))
    gateway_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    action_token: str = field(default_factory=lambda: secrets.token_hex(16))
    session_key: str = field(default_factory=lambda: secrets.token_hex(32))
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    #: Web chat tokens the gateway issued, by the label a test calls its conversation.
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            RASA_TOKEN=self.rasa_token,
            STAFF_API_TOKEN=self.staff_token,
            GATEWAY_RASA_SECRET=self.gateway_secret,
            ACTION_SERVER_TOKEN=self.action_token,
            SESSION_HMAC_KEY=self.session_key,
            RASA_PORT=str(self.rasa_port),
            ACTIONS_PORT=str(self.actions_port),
            GATEWAY_PORT=str(self.gateway_port),
            ACTION_ENDPOINT_URL=f"{self.actions_url}/webhook",
            RASA_URL=self.rasa_url,
            TRACKER_DB=str(self.workdir / "tracker.db"),
            DATABASE_URL=f"sqlite:///{self.workdir / 'claims.db'}",
            EVIDENCE_DIR=str(self.workdir / "evidence"),
            SANIC_HOST="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def commands(self) -> dict[str, list[str]]:
        return {
            "rasa": [
                *RASA_RUN, "--model", str(MODEL),
                "--enable-api", "--auth-token", self.rasa_token,
                "--interface", "127.0.0.1", "--port", str(self.rasa_port),
                "--endpoints", str(ROOT / "endpoints.yml"),
                "--credentials", str(ROOT / "credentials.yml"),
            ],
            "actions": [
                str(ROOT / ".venv/bin/python"), "-m", "actions.server", "--actions", "actions",
                "--port", str(self.actions_port),
            ],
            "gateway": [str(ROOT / ".venv/bin/python"), "-m", "bot"],
        }

    def health_urls(self) -> dict[str, str]:
        return {
            "rasa": f"{self.rasa_url}/",
            "actions": f"{self.actions_url}/health",
            "gateway": f"{self.gateway_url}/healthz",
        }

    def start(self, *names: str, timeout: float = 300) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        wanted = names or tuple(self.commands())
        for name in wanted:
            log = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
            self.processes[name] = subprocess.Popen(
                self.commands()[name], cwd=ROOT, env=self.env(), stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.wait_ready(wanted, timeout)
        if "rasa" in wanted:
            self.wait_model_loaded(timeout)

    def wait_ready(self, names: tuple[str, ...], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = {n: self.health_urls()[n] for n in names}
        while pending:
            for name, url in list(pending.items()):
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {LOGS}")
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout}s: {sorted(pending)}; see {LOGS}")
            time.sleep(0.5)

    def wait_model_loaded(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = httpx.get(f"{self.rasa_url}/status", params={"token": self.rasa_token})
            if status.status_code == 200 and status.json().get("model_file"):
                return
            time.sleep(0.5)
        raise TimeoutError("Rasa answered but never loaded its model")

    def stop(self, *names: str) -> None:
        for name in names or tuple(self.processes):
            process = self.processes.pop(name, None)
            if process is None or process.poll() is not None:
                continue
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def restart(self, *names: str) -> None:
        self.stop(*names)
        self.start(*names)

    # -- helpers used by tests -------------------------------------------------------------
    def token(self, session: str) -> str:
        """The gateway-issued web token of the conversation a test calls ``session``."""
        if session not in self.tokens:
            issued = httpx.post(f"{self.gateway_url}/chat/session", timeout=30)
            issued.raise_for_status()
            self.tokens[session] = str(issued.json()["token"])
        return self.tokens[session]

    def session_headers(self, session: str) -> dict[str, str]:
        return {SESSION_HEADER: self.token(session)}

    def sender(self, session: str) -> str:
        """The sender id (``web:<id>``) Rasa and the case database know that conversation by."""
        return self.sender_of_token(self.token(session))

    def sender_of_token(self, token: str) -> str:
        """The sender id of a token the gateway issued (e.g. read from a browser's storage)."""
        from bot.web_sessions import sender_of, token_hmac

        key = self.session_key.encode()
        return sender_of(key, token_hmac(key, token))

    def say(self, session: str, text: str, **extra: object) -> list[dict[str, object]]:
        """One customer message through the gateway's web chat endpoint."""
        response = httpx.post(
            f"{self.gateway_url}/chat/messages", json={"text": text, **extra},
            headers=self.session_headers(session), timeout=120,
        )
        response.raise_for_status()
        return list(response.json()["messages"])

    def rasa_message(
        self, sender: str, text: str, *, url: str | None = None, **metadata: object
    ) -> list[dict[str, object]]:
        """One message straight to Rasa's gateway channel, as the gateway sends it."""
        response = httpx.post(
            f"{url or self.rasa_url}{RASA_WEBHOOK}",
            json={"sender": sender, "message": text, "metadata": metadata},
            headers={SECRET_HEADER: self.gateway_secret}, timeout=120,
        )
        response.raise_for_status()
        return list(response.json())

    def tracker(self, sender: str) -> dict[str, object]:
        response = httpx.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.rasa_token}, timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())
