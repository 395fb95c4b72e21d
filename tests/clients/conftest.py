"""A live paperfeed (uvicorn on loopback, SQLite) with papers, votes, a comment and a
member's submission, for the real third-party clients: huggingface_hub, feedparser,
bibtexparser, pybtex, schemathesis, Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from paperfeed.app import create_app
from paperfeed.community import api_tokens, comments, votes
from paperfeed.community.accounts import Account, create_admin
from paperfeed.community.models import User
from paperfeed.community.submissions import submit
from paperfeed.config import Settings
from paperfeed.papers.models import Paper
from tests import records as R
from tests.live import live_server
from tests.web.conftest import PAPERS, store

NOW = datetime.now(UTC)
RECENT = NOW - timedelta(days=2)
MATH_ABSTRACT = r"For $0<p\le 1$ & $q>0$ we show <b>bold</b> claims & a <i>gap</i>."
EXTRA = [
    R.Rec(id="2608.00031", title="Learning sparse maps", authors=[("Wang", "Li", [])],
          versions=[datetime(2026, 8, 3, 13, tzinfo=UTC)], categories="cs.LG"),
    R.Rec(id="2608.00032", title="Learning dense maps", authors=[("Wang", "Mei", [])],
          versions=[datetime(2026, 8, 3, 14, tzinfo=UTC)], categories="cs.LG"),
    R.Rec(id="2608.00033", title="Inequalities with markup", abstract=MATH_ABSTRACT,
          versions=[datetime(2026, 8, 3, 15, tzinfo=UTC)], categories="cs.LG"),
    R.Rec(id="2611.07001", title="A member's recent find", versions=[RECENT], categories="cs.CL"),
]  # fmt: skip


@dataclass
class Site:
    url: str
    token: str
    engine: Engine


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """One database for the client suite (the queries behind it run on both elsewhere)."""
    return f"sqlite:///{tmp_path / 'clients.db'}"


def _community(engine: Engine) -> str:
    """Ada votes for three papers, comments on one, submits a recent one; her API token."""
    with engine.begin() as conn:
        create_admin(conn, "ada@example.org", "correct horse battery", NOW)
        conn.execute(
            update(User).where(User.email == "ada@example.org").values(display_name="Ada Lovelace")
        )
        uid = conn.execute(select(User.id).where(User.email == "ada@example.org")).scalar_one()
        ada = Account(uid, "ada@example.org", "Ada Lovelace", "admin", True)
        ids = {r[0]: r[1] for r in conn.execute(select(Paper.arxiv_id, Paper.id))}
        votes.set_vote(conn, uid, ids["2608.00001"], True, NOW)
        votes.set_vote(conn, uid, ids["2608.00031"], True, NOW)
        votes.set_vote(conn, uid, ids["2611.07001"], True, NOW)  # trending this week
        comments.add_comment(conn, ada, ids["2608.00001"], "A *fine* result.", None, NOW)
        submit(conn, uid, "2611.07001", max_age_days=14, now=NOW)
        return api_tokens.create_token(conn, ada, "clients", NOW)


@pytest.fixture
def site(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    store(engine, [*PAPERS, *EXTRA])
    token = _community(engine)
    # two papers a page: lists span pages, so "the whole list" means something
    app = create_app(settings.model_copy(update={"semantic_search": False, "page_size": 2}), engine)
    with live_server(app) as url:
        yield Site(url, token, engine)
