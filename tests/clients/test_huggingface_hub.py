"""huggingface_hub's HfApi against a live paperfeed, every call a Papers user makes: the
same counts and submitter on every endpoint, every parameter of list_daily_papers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from tests.clients.conftest import NOW, Site


@pytest.fixture
def hub(site: Site) -> HfApi:
    return HfApi(endpoint=site.url)


def test_votes_comments_and_submitter_in_every_list(hub: HfApi) -> None:
    daily = {p.id: p for p in hub.list_daily_papers(date="2026-08-04")}
    searched = {p.id: p for p in hub.list_papers(query="Schrodinger bridges")}
    info = hub.paper_info("2608.00001")
    for paper in (daily["2608.00001"], searched["2608.00001"], info):
        assert paper.upvotes == 1, paper
    assert daily["2608.00001"].comments == searched["2608.00001"].comments == 1
    today = NOW.date().isoformat()
    (mine,) = [p for p in hub.list_daily_papers(date=today) if p.id == "2611.07001"]
    (found,) = [p for p in hub.list_papers(query="member's recent find") if p.id == "2611.07001"]
    for paper in (mine, found, hub.paper_info("2611.07001")):
        assert paper.submitted_by is not None and paper.submitted_by.fullname == "Ada Lovelace"


def test_list_daily_papers_with_every_parameter(hub: HfApi) -> None:
    week = list(hub.list_daily_papers(week="2026-W32", limit=50))
    assert {p.id for p in week} >= {"2608.00001", "2608.00031", "2608.00004"}
    for p in week:
        assert p.submitted_at is None or datetime(2026, 8, 2, tzinfo=UTC) <= p.submitted_at
    month = [p.id for p in hub.list_daily_papers(month="2026-08", limit=100)]
    assert "2608.00004" in month and "2611.07001" not in month
    by_date = [p.published_at for p in hub.list_daily_papers(date="2026-08-04", sort="publishedAt")]
    assert by_date == sorted(by_date, reverse=True)
    trending = list(hub.list_daily_papers(date="2026-08-04", sort="trending"))
    assert trending[0].id in ("2608.00001", "2608.00031")  # the voted ones first
    page0 = [p.id for p in hub.list_daily_papers(date="2026-08-04", limit=2, p=0)]
    page1 = [p.id for p in hub.list_daily_papers(date="2026-08-04", limit=2, p=1)]
    assert len(page0) == 2 and not set(page0) & set(page1)
    today = NOW.date().isoformat()
    by_handle = [p.id for p in hub.list_daily_papers(date=today, submitter="adalovelace")]
    assert by_handle == ["2611.07001"]
    harvested = [p.id for p in hub.list_daily_papers(date="2026-08-04", submitter="arXiv")]
    assert "2608.00001" in harvested and "2611.07001" not in harvested


def test_paper_info_for_every_id_form(hub: HfApi) -> None:
    assert hub.paper_info("2608.00001").id == "2608.00001"
    assert hub.paper_info("2608.00001v2").id == "2608.00001"
    assert hub.paper_info("hep-th/9901001").title == "An old-style identifier paper"
    with pytest.raises(HfHubHTTPError):
        hub.paper_info("2608.09999")


def test_read_paper_is_markdown(hub: HfApi) -> None:
    text = hub.read_paper("2608.00033")
    assert text.startswith("# Inequalities with markup")
    assert r"\<b\>bold\</b\>" in text and "$0<p\\le 1$" in text  # markup escaped, math kept
