"""Typed settings from PAPERFEED_* environment variables, built by the caller (never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_CATEGORIES = ["cs.AI", "cs.CL", "cs.CV", "cs.LG"]


class Settings(BaseSettings):
    """Every setting of a paperfeed instance. Documented in docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="PAPERFEED_", extra="ignore")

    data_dir: Path = Field(
        default=Path("./paperfeed-data"),
        description="Folder for the SQLite database, reject reports and other state.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Default: SQLite at DATA_DIR/paperfeed.db. "
        "PostgreSQL: postgresql+psycopg://user@host/dbname.",
    )
    categories: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_CATEGORIES),
        description="arXiv categories harvested by `paperfeed up` (space or comma separated).",
    )
    harvest_days: int = Field(
        default=4, ge=1, le=60, description="How many days back the first harvest of `up` reaches."
    )
    arxiv_oai_url: str = Field(
        default="https://oaipmh.arxiv.org/oai", description="arXiv OAI-PMH base URL."
    )
    arxiv_api_url: str = Field(
        default="https://export.arxiv.org/api/query", description="arXiv API (Atom) URL."
    )
    arxiv_delay: float = Field(
        default=3.0, ge=0, description="Seconds between two requests to arXiv (its terms: 3)."
    )
    arxiv_timeout: float = Field(default=30.0, gt=0, description="HTTP timeout for arXiv, seconds.")
    arxiv_retries: int = Field(
        default=5, ge=0, description="Retries of a request answered 503 or cut off."
    )
    arxiv_max_retry_after: float = Field(
        default=600.0, ge=0, description="Longest Retry-After (seconds) paperfeed will wait for."
    )
    oai_metadata_prefix: str = Field(
        default="arXivRaw", description="OAI-PMH format: arXivRaw (versions) or arXiv (parsed)."
    )
    import_batch_size: int = Field(
        default=2000,
        ge=1,
        description="Records written per transaction (and checkpoint) on import.",
    )
    page_size: int = Field(default=50, ge=1, le=500, description="Papers per page on lists.")
    host: str = Field(default="127.0.0.1", description="Address `serve` and `up` listen on.")
    port: int = Field(default=8000, description="Port `serve` and `up` listen on.")
    site_name: str = Field(default="paperfeed", description="Name shown in the page header.")

    @field_validator("categories", mode="before")
    @classmethod
    def _split_categories(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return value
            return [c for c in text.replace(",", " ").split() if c]
        return value

    @field_validator("oai_metadata_prefix")
    @classmethod
    def _known_prefix(cls, value: str) -> str:
        if value not in ("arXiv", "arXivRaw"):
            raise ValueError("must be arXiv or arXivRaw")
        return value

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'paperfeed.db').resolve()}"

    @property
    def rejects_dir(self) -> Path:
        return self.data_dir / "rejects"
