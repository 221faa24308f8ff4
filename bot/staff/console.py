"""Staff console at ``/staff``: server-rendered queue and case pages plus a live chat panel.

Pages are rendered with Jinja2 autoescaping on, because everything a customer typed ends up
here and may contain markup. The pages' JavaScript only calls the JSON API (with the
session cookie), so the console can do nothing the API would not allow.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FunctionLoader, select_autoescape

from bot.auth import (
    COOKIE_MAX_AGE,
    COOKIE_NAME,
    AgentDirectory,
    Principal,
    authenticate,
    same_origin,
    valid_agent_name,
)
from bot.rate_limit import RateLimiter
from bot.staff.service import StaffService
from claims.names import CODES, Names
from db.repository import CaseNotFound


def _load(name: str) -> str | None:
    path = resources.files("bot").joinpath("templates", name)
    return path.read_text("utf-8") if path.is_file() else None


def _age(seconds: int | float | None) -> str:
    if seconds is None:
        return "-"
    s = int(seconds)
    if s < 90:
        return f"{s}s"
    if s < 5400:
        return f"{s // 60} min"
    if s < 2 * 86400:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86400} d"


def _when(value: str | datetime | None) -> str:
    if not value:
        return "-"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _money(value: dict[str, Any] | None) -> str:
    if not value:
        return "-"
    return f"{value.get('amount')} {value.get('currency', '')}".strip()


def make_env(names: Names) -> Environment:
    """Templates from ``bot/templates`` with autoescape for every ``.html`` file."""
    env = Environment(
        loader=FunctionLoader(_load),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    )
    env.filters.update(age=_age, when=_when, money=_money)
    env.globals.update(
        stage_label=lambda s: names.stage(s, "en"),
        stage_label_zh=lambda s: names.stage(s, "zh"),
        reason_label=names.reason,
        category_label=lambda c: names.category(c, "en") if c else "—",
        loss_label=lambda k: names.loss(k, "en") if k else "—",
        evidence_label=lambda k: names.evidence(k, "en") if k else "—",
    )
    return env


HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
Render = Callable[..., HTMLResponse]


async def static(ext: str) -> Response:
    types = {"css": "text/css", "js": "text/javascript"}
    if ext not in types:
        raise HTTPException(status_code=404)
    text = resources.files("bot").joinpath("static", f"staff.{ext}").read_text("utf-8")
    return Response(text, media_type=f"{types[ext]}; charset=utf-8",
                    headers={"Cache-Control": "no-cache"})  # fmt: skip


async def logout() -> Response:
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


def queue_filters(agent: str | None, view: str, stage: str, language: str) -> dict[str, Any]:
    """The queue page's view and pickers as case-list filters (unknown values are ignored)."""
    filters: dict[str, Any] = {"limit": 200}
    if view == "escalated":
        filters["escalated"] = True
    elif view == "mine":
        filters["assigned_agent"] = agent
    elif view == "unassigned":
        filters["unassigned"] = True
    if stage in CODES["stage"]:
        filters["stage"] = stage
    if language in ("zh", "en"):
        filters["language"] = language
    return filters


@dataclass(frozen=True)
class LoginGuard:
    """How the console login defends itself: the cookie's ``Secure`` flag and a token
    bucket per address and per agent name (guessing tokens is slow)."""

    cookie_secure: bool = True
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(5.0))

    def wait(self, request: Request, agent: str) -> int:
        address = request.client.host if request.client else "unknown"
        by_address = self.limiter.allow(f"ip:{address}")
        by_name = self.limiter.allow(f"agent:{agent.strip().lower()}") if agent.strip() else 0
        return max(by_address, by_name)


def _login_routes(
    router: APIRouter, directory: AgentDirectory, render: Render, guard: LoginGuard
) -> None:
    @router.get("/login")
    async def login_page(request: Request, error: str = "", wait: int = 0) -> HTMLResponse:
        return render(
            "staff_login.html", error=error, wait=wait, configured=directory.configured
        )

    @router.post("/login")
    async def login(
        request: Request,
        token: str = Form(..., max_length=512),
        agent: str = Form("", max_length=64),
    ) -> Response:
        if request.headers.get("origin") and not same_origin(request):
            raise HTTPException(status_code=403, detail="cross-origin request refused")
        if wait := guard.wait(request, agent):
            return RedirectResponse(f"/staff/login?error=slow&wait={wait}", status_code=303)
        principal = directory.check_token(token.strip(), valid_agent_name(agent))
        if principal is None or not principal.agent:
            reason = "name" if principal is not None else "token"
            return RedirectResponse(f"/staff/login?error={reason}", status_code=303)
        response = RedirectResponse("/staff", status_code=303)
        response.set_cookie(
            COOKIE_NAME,
            directory.make_cookie(principal),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="strict",
            secure=guard.cookie_secure,
            path="/",
        )
        return response


def _page_routes(
    router: APIRouter, service: StaffService, directory: AgentDirectory, render: Render
) -> None:
    def who(request: Request) -> Principal | None:
        try:
            principal = authenticate(request, directory)
        except HTTPException:
            return None
        service.presence.seen(principal.agent)
        return principal if principal.agent else None

    @router.get("")
    async def queue(
        request: Request,
        view: str = "escalated",
        stage: str = "",
        language: str = "",
    ) -> Response:
        principal = who(request)
        if principal is None:
            return RedirectResponse("/staff/login", status_code=303)
        filters = queue_filters(principal.agent, view, stage, language)
        cases = await asyncio.to_thread(service.queue, **filters)
        return render(
            "staff_queue.html", agent=principal.agent, cases=cases, view=view, stage=stage,
            language=language, stages=list(CODES["stage"]), online=service.presence.online(),
        )  # fmt: skip

    @router.get("/cases/{reference}")
    async def case_page(request: Request, reference: str, claim: bool = False) -> Response:
        principal = who(request)
        if principal is None:
            return RedirectResponse("/staff/login", status_code=303)
        try:
            case = await asyncio.to_thread(service.detail, reference)
        except CaseNotFound:
            return render("staff_missing.html", agent=principal.agent, reference=reference)
        details = (case.get("estimate") or {}).get("details") or {}
        compensation = details.get("compensation", details) if isinstance(details, dict) else {}
        durations = details.get("durations") if isinstance(details, dict) else None
        return render(
            "staff_case.html", agent=principal.agent, case=case, c=case,
            compensation=compensation, durations=durations, offer_claim=claim,
        )  # fmt: skip


def build_console(
    service: StaffService, directory: AgentDirectory, guard: LoginGuard | None = None
) -> APIRouter:
    """The HTML routes; they are left out of the OpenAPI schema (not an API)."""
    router = APIRouter(prefix="/staff", include_in_schema=False)
    env = make_env(service.names)

    def render(name: str, **values: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**values), headers=HEADERS)

    router.add_api_route("/static/staff.{ext}", static, methods=["GET"])
    _login_routes(router, directory, render, guard or LoginGuard())
    router.add_api_route("/logout", logout, methods=["POST"])
    _page_routes(router, service, directory, render)
    return router
