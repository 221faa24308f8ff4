"""Typed gateway configuration, read once from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    """Everything the gateway needs; secrets have no defaults so they can't leak into git."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    rasa_url: str = Field("http://127.0.0.1:5005", alias="RASA_URL")
    rasa_token: SecretStr | None = Field(None, alias="RASA_TOKEN")
    # Rasa's SQL tracker store (a SQLite path or a SQLAlchemy URL): deletion erases there.
    tracker_db: str | None = Field(None, alias="TRACKER_DB")
    # Shared with Rasa's gateway channel (channels/gateway.py); without it Rasa refuses us.
    gateway_rasa_secret: SecretStr | None = Field(None, alias="GATEWAY_RASA_SECRET")
    # Web chat sessions (bot/web_sessions.py): HMAC key of the stored tokens, and lifetime.
    session_hmac_key: SecretStr | None = Field(None, alias="SESSION_HMAC_KEY")
    session_ttl_hours: float = Field(720.0, alias="SESSION_TTL_HOURS", gt=0)
    rasa_timeout_seconds: float = Field(30.0, alias="RASA_TIMEOUT_SECONDS")
    host: str = Field("127.0.0.1", alias="GATEWAY_HOST")
    port: int = Field(8000, alias="GATEWAY_PORT")
    max_message_chars: int = Field(2000, alias="MAX_MESSAGE_CHARS", gt=0)
    staff_api_token: SecretStr | None = Field(None, alias="STAFF_API_TOKEN")
    telegram_bot_token: SecretStr | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    # Telegram bridge (bot/telegram_bridge.py); runs only when the token is set.
    telegram_webhook_url: str | None = Field(None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: SecretStr | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_api_url: str = Field("https://api.telegram.org/bot", alias="TELEGRAM_API_URL")
    telegram_file_url: str = Field(
        "https://api.telegram.org/file/bot", alias="TELEGRAM_FILE_URL"
    )
    telegram_inbox_path: str = Field("var/telegram_inbox.db", alias="TELEGRAM_INBOX_PATH")
    telegram_poll_timeout: float = Field(10.0, alias="TELEGRAM_POLL_TIMEOUT")
    # Seconds between retries of customer messages queued while Rasa was down.
    rasa_retry_seconds: float = Field(2.0, alias="RASA_RETRY_SECONDS", gt=0)
    # staff side (bot/staff/, bot/auth.py)
    staff_agents: SecretStr | None = Field(None, alias="STAFF_AGENTS")
    handoff_timeout_seconds: float = Field(300.0, alias="HANDOFF_TIMEOUT_SECONDS", gt=0)
    staff_telegram_chat_id: str | None = Field(None, alias="STAFF_TELEGRAM_CHAT_ID")
    staff_console_url: str | None = Field(None, alias="STAFF_CONSOLE_URL")
    # bounded input (bot/body_limit.py, bot/rate_limit.py): bytes per request body (uploads
    # get the evidence limit plus the multipart envelope), requests per minute.
    max_body_bytes: int = Field(64 * 1024, alias="MAX_BODY_BYTES", gt=0)
    rate_customer_per_minute: float = Field(30.0, alias="RATE_CUSTOMER_PER_MINUTE", gt=0)
    rate_customer_burst: float = Field(20.0, alias="RATE_CUSTOMER_BURST", gt=0)
    rate_ip_per_minute: float = Field(600.0, alias="RATE_IP_PER_MINUTE", gt=0)
    rate_login_per_minute: float = Field(5.0, alias="RATE_LOGIN_PER_MINUTE", gt=0)
    # Behind a TLS proxy every request comes from the proxy: count X-Forwarded-For instead.
    rate_trust_forwarded_for: bool = Field(False, alias="RATE_TRUST_FORWARDED_FOR")
    # The staff cookie's Secure flag; unset: on, unless the gateway is plain HTTP on loopback.
    staff_cookie_secure: bool | None = Field(None, alias="STAFF_COOKIE_SECURE")

    def cookie_secure(self) -> bool:
        if self.staff_cookie_secure is not None:
            return self.staff_cookie_secure
        return self.host not in ("127.0.0.1", "localhost", "::1")


@lru_cache(maxsize=1)
def get_settings() -> GatewaySettings:
    return GatewaySettings()  # type: ignore[call-arg]  # values come from the environment
