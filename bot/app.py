"""The gateway: every customer connection comes in here and goes to Rasa's REST channel."""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from bot.messages import gateway_message
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.sanitize import clean_customer_text
from bot.settings import GatewaySettings, get_settings
from claims.language import detect_language


class ChatIn(BaseModel):
    text: str = Field(..., description="What the customer typed.")
    language: str | None = Field(None, description="zh or en when the customer toggled it.")


class ChatOut(BaseModel):
    messages: list[dict[str, Any]]


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds)
        yield
        await app.state.rasa.aclose()

    app = FastAPI(title="Claim-intake gateway", version="0.1.0", lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "rasa": await app.state.rasa.ready()}

    @app.get("/", response_class=HTMLResponse)
    async def chat_page() -> str:
        return resources.files("bot").joinpath("static/index.html").read_text("utf-8")

    @app.post("/chat/{session_id}/messages", response_model=ChatOut)
    async def chat(session_id: str, body: ChatIn) -> Any:
        language = body.language or detect_language(body.text, default="zh")
        cleaned = clean_customer_text(body.text, settings.max_message_chars)
        if cleaned.problem:
            text = gateway_message(
                cleaned.problem, language, limit=settings.max_message_chars
            )
            status = 413 if cleaned.problem == "too_long" else 422
            return JSONResponse({"messages": [{"text": text}]}, status_code=status)
        metadata: dict[str, Any] = {"channel": "web"}
        if body.language in ("zh", "en"):
            metadata["language"] = body.language
        try:
            messages = await app.state.rasa.send(f"web:{session_id}", cleaned.text, metadata)
        except RasaUnavailable:
            text = gateway_message("rasa_down", language)
            return JSONResponse({"messages": [{"text": text}]}, status_code=503)
        return {"messages": messages}

    return app
