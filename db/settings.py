"""Database and evidence-store settings, read from the environment.

Relative SQLite paths and the evidence folder are resolved against the project root (found
from this package's location) so the app, the action server and tests started from any
working directory all use the same files.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root: the folder that holds ``db/``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def resolve_database_url(url: str) -> str:
    """Make a relative ``sqlite:///path`` absolute under the project root."""
    prefix = "sqlite:///"
    for scheme in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(scheme):
            prefix = scheme
            rest = url[len(scheme) :]
            path, sep, query = rest.partition("?")
            if path in ("", ":memory:") or path.startswith("/"):
                return url
            return f"{prefix}{PROJECT_ROOT / path}{sep}{query}"
    return url


class DbSettings(BaseSettings):
    """``DATABASE_URL``, ``EVIDENCE_DIR``, ``EVIDENCE_MAX_BYTES``, ``RETENTION_DAYS``."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = Field(default="sqlite:///var/claims.db")
    evidence_dir: Path = Field(default=Path("var/evidence"))
    evidence_max_bytes: int = Field(default=DEFAULT_MAX_BYTES, gt=0)
    #: Closed cases older than this many days are anonymised by ``python -m db.retention``
    #: (None: keep them; the command then does nothing and says so).
    retention_days: int | None = Field(default=None, gt=0)

    @field_validator("database_url")
    @classmethod
    def _absolute_sqlite(cls, value: str) -> str:
        return resolve_database_url(value.strip())

    @field_validator("evidence_dir")
    @classmethod
    def _absolute_dir(cls, value: Path) -> Path:
        return value if value.is_absolute() else PROJECT_ROOT / value


class MailSettings(BaseSettings):
    """``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_FROM``, ``SMTP_USER``, ``SMTP_PASSWORD``,
    ``SMTP_STARTTLS``: where the action server sends one-time access codes. Without a host
    (or a sender address) no code can be sent and the bot offers a person instead."""

    model_config = SettingsConfigDict(env_prefix="SMTP_", extra="ignore")

    host: str = ""
    port: int = Field(default=25, gt=0, lt=65536)
    from_: str = Field(default="", alias="SMTP_FROM")
    user: str = ""
    password: str = ""
    starttls: bool = False

    @property
    def configured(self) -> bool:
        return bool(self.host and self.from_)
