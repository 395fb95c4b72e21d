"""A web client over a database filled with invented papers."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.papers.service import upsert_papers
from paperfeed.sources.arxiv_oai import parse_page
from tests import records as R

MON = datetime(2026, 8, 3, 12, 0, tzinfo=UTC)  # listed Tue 4 Aug
TUE = datetime(2026, 8, 4, 12, 0, tzinfo=UTC)  # listed Wed 5 Aug
THU = datetime(2026, 8, 6, 12, 0, tzinfo=UTC)  # listed Fri 7 Aug

PAPERS = [
    R.Rec(
        id="2608.00001",
        title=r"Bounds for $\alpha$-stable Schr\"odinger bridges",
        abstract=r"We prove $O(n \log n)$ bounds. See https://github.com/example/bridges.",
        versions=[MON, THU],
        categories="cs.LG stat.ML",
        doi="10.1234/abcd",
        journal_ref="Proc. Invented Conf. 2026",
    ),
    R.Rec(id="2608.00002", title="A second Tuesday paper", versions=[MON], categories="cs.CL"),
    R.Rec(
        id="2608.00003",
        title="Wednesday <script>alert(1)</script> paper",
        abstract='Try <b>bold</b> and <a href="javascript:alert(2)">x</a>.',
        authors=[("<img src=x onerror=alert(3)>", "Eve", [])],
        versions=[TUE],
        categories="cs.AI",
    ),
    R.Rec(id="2608.00004", title="Friday paper", versions=[THU], categories="cs.CV cs.LG"),
    R.Rec(
        id="hep-th/9901001",
        title="An old-style identifier paper",
        versions=[datetime(1999, 1, 4, 12, 0, tzinfo=UTC)],
        categories="hep-th",
    ),
]


def store(engine: Engine, recs: list[R.Rec]) -> None:
    page = parse_page(
        R.list_records_page(recs, "arXivRaw", None).encode(),
        where="t",
        today=datetime.now(UTC).date(),
    )
    assert not page.rejects
    with engine.begin() as conn:
        upsert_papers(conn, page.records)


@pytest.fixture
def filled(engine: Engine) -> Engine:
    store(engine, PAPERS)
    return engine


@pytest.fixture
def client(filled: Engine, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"page_size": 2}), filled)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
