"""Who is calling the staff API: bearer tokens, named agents and the console's session cookie.

Tokens come only from the environment. ``STAFF_API_TOKEN`` is shared by the team, so the
agent names themselves with an ``X-Agent`` header; ``STAFF_AGENTS="alice:tok1,bob:tok2"``
gives each agent a token that *is* their name. Every write is audited under that name, so
a write without a name is refused (400) rather than recorded as "somebody".

The console logs in once with a token and a name and gets an HttpOnly, SameSite=Strict
cookie signed (HMAC-SHA256) with that token: rotating the token logs everyone out, and the
browser never keeps the token itself.

Issue 16 (staff auth): a placeholder, empty or short token stops the gateway at start with
a message saying what to set (:func:`require_strong`); once per-agent tokens exist the
shared token names nobody, so no agent's name can be claimed with it; the cookie is
``Secure`` unless the gateway is plain HTTP on loopback; a state-changing request carried
by the cookie must come from the gateway's own origin (:func:`same_origin`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass, field

from fastapi import HTTPException
from starlette.requests import HTTPConnection

from bot.settings import GatewaySettings

COOKIE_NAME = "staff_session"
COOKIE_MAX_AGE = 12 * 3600
AGENT_HEADER = "X-Agent"
_AGENT_RE = re.compile(r"^[\w][\w .@-]{0,63}$")
#: Tokens that ship in examples and docs; a server using one is open to anyone who read them.
PLACEHOLDERS = frozenset({"change-me", "changeme", "change_me", "secret", "password", "token"})
MIN_TOKEN_CHARS = 16
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WeakToken(ValueError):
    """A configured staff token that must not be used; the message says what to set."""


def require_strong(variable: str, token: str) -> None:
    """Refuse placeholder, empty and short tokens (raised at start, never at login)."""
    value = token.strip()
    if value.lower() in PLACEHOLDERS or not value:
        why = "empty" if not value else f"the placeholder {value!r}"
    elif len(value) < MIN_TOKEN_CHARS:
        why = f"only {len(value)} characters long"
    else:
        return
    raise WeakToken(
        f"{variable} is {why}. Set it to a random value of at least {MIN_TOKEN_CHARS} "
        "characters, e.g. `python -c 'import secrets; print(secrets.token_hex(24))'` "
        "(`make run` writes one into .env), or unset it to close the staff API."
    )


def valid_agent_name(name: str | None) -> str | None:
    """A clean agent name, or None: names end up in the audit log and on screen."""
    if name is None:
        return None
    name = name.strip()
    return name if _AGENT_RE.match(name) else None


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated staff caller; ``agent`` is None for an unnamed shared-token read."""

    agent: str | None
    via: str  # "shared", "agent" or "cookie"

    @property
    def actor(self) -> str:
        return f"agent:{self.agent}" if self.agent else "staff"


@dataclass(frozen=True)
class AgentDirectory:
    """The configured tokens; empty means the staff API refuses everyone (fail closed)."""

    shared: str | None = None
    agents: dict[str, str] = field(default_factory=dict)  # name -> token

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> AgentDirectory:
        """The directory, or ``WeakToken`` when a configured token must not be used."""
        secret = settings.staff_api_token
        shared = secret.get_secret_value() if secret is not None else None
        raw = settings.staff_agents.get_secret_value() if settings.staff_agents else ""
        if shared is not None:
            require_strong("STAFF_API_TOKEN", shared)
        agents = parse_agents(raw)
        for name, agent_token in agents.items():
            require_strong(f"STAFF_AGENTS (the token of {name})", agent_token)
        return cls(shared=shared or None, agents=agents)

    @property
    def configured(self) -> bool:
        return bool(self.shared or self.agents)

    def check_token(self, token: str, claimed: str | None) -> Principal | None:
        """Match a token in constant time; a per-agent token names its agent."""
        if not token:
            return None
        found: Principal | None = None
        for name, agent_token in self.agents.items():
            if secrets.compare_digest(token.encode(), agent_token.encode()):
                found = Principal(name, "agent")
        if found is not None:
            return found
        if self.shared and secrets.compare_digest(token.encode(), self.shared.encode()):
            # With per-agent tokens the shared one names nobody: a name is claimed only
            # by its own token. Without them (one team, one token) it names its caller.
            return Principal(None if self.agents else valid_agent_name(claimed), "shared")
        return None

    def _key(self, agent: str, kind: str) -> bytes | None:
        token = self.agents.get(agent) if kind == "agent" else self.shared
        return None if not token else hashlib.sha256(b"staff-cookie:" + token.encode()).digest()

    def make_cookie(self, principal: Principal, now: float | None = None) -> str:
        """A signed session value for a logged-in, named agent."""
        assert principal.agent
        kind = "agent" if principal.via == "agent" else "shared"
        payload = {"a": principal.agent, "k": kind, "e": int((now or time.time()) + COOKIE_MAX_AGE)}
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
        key = self._key(principal.agent, kind)
        assert key is not None
        sig = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
        return f"{body}.{sig}"

    def read_cookie(self, value: str | None, now: float | None = None) -> Principal | None:
        """The agent of a valid, unexpired cookie, else None."""
        if not value or "." not in value:
            return None
        body, _, sig = value.rpartition(".")
        try:
            payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            agent, kind, expires = str(payload["a"]), str(payload["k"]), int(payload["e"])
        except (ValueError, KeyError, TypeError):
            return None
        key = self._key(agent, kind)
        if key is None or valid_agent_name(agent) is None:
            return None
        expected = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
        if not secrets.compare_digest(expected.encode(), sig.encode()):
            return None
        if expires < (now or time.time()):
            return None
        return Principal(agent, "cookie")


def parse_agents(raw: str) -> dict[str, str]:
    """``"alice:tok1,bob:tok2"`` → ``{"alice": "tok1", "bob": "tok2"}``; bad entries are skipped."""
    agents: dict[str, str] = {}
    for item in raw.split(","):
        name, sep, token = item.strip().partition(":")
        clean = valid_agent_name(name)
        if sep and clean and token.strip():
            agents[clean] = token.strip()
    return agents


def _unauthorized() -> HTTPException:
    return HTTPException(
        status_code=401,
        detail="staff token required",
        headers={"WWW-Authenticate": "Bearer"},
    )


def same_origin(request: HTTPConnection) -> bool:
    """Whether ``Origin`` (else ``Referer``) names this very host; neither: False."""
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    host = request.headers.get("host", "")
    if not source or not host:
        return False
    rest = source.split("://", 1)[-1]
    return rest.split("/", 1)[0] == host


def authenticate(request: HTTPConnection, directory: AgentDirectory) -> Principal:
    """Bearer token first, then the console cookie; 401 otherwise.

    A browser sends the cookie on its own, so a state-changing request carried by the
    cookie must come from our own pages (Origin or Referer); 403 otherwise. Bearer tokens
    are never sent by a browser on its own, so they need no such check.
    """
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if header:
        if scheme.lower() != "bearer":
            raise _unauthorized()
        principal = directory.check_token(token.strip(), request.headers.get(AGENT_HEADER))
        if principal is None:
            raise _unauthorized()
        return principal
    principal = directory.read_cookie(request.cookies.get(COOKIE_NAME))
    if principal is None:
        raise _unauthorized()
    method = str(request.scope.get("method") or "GET").upper()
    if method not in SAFE_METHODS and not same_origin(request):
        raise HTTPException(status_code=403, detail="cross-origin request refused")
    return principal


def require_name(principal: Principal) -> str:
    """The agent name a write is audited under; 400 when the shared token came unnamed."""
    if not principal.agent:
        raise HTTPException(
            status_code=400,
            detail=f"name the agent with the {AGENT_HEADER} header (letters, digits, . @ - _)",
        )
    return principal.agent
