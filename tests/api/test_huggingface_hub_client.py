"""The real huggingface_hub client, pointed at a running paperfeed, reads papers as from the Hub."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from tests.live import live_server


@pytest.fixture
def hub(filled: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[HfApi]:
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    with live_server(create_app(settings, filled)) as url:
        yield HfApi(endpoint=url)


def test_list_daily_papers(hub: HfApi) -> None:
    papers = list(hub.list_daily_papers(date="2026-08-04"))
    assert {p.id for p in papers} == {"2608.00001", "2608.00002"}
    first = next(p for p in papers if p.id == "2608.00001")
    assert first.title.startswith("Bounds for")
    assert [a.name for a in first.authors or []] == ["Jane Doe", "John Roe"]
    assert first.published_at is not None and first.published_at.year == 2026
    # the client turns 0 upvotes into None (`x or None`), as it does against the Hub
    assert not first.upvotes and first.comments == 0
    assert first.github_repo == "https://github.com/example/bridges"
    assert first.submitted_by is not None and first.submitted_by.fullname == "arXiv"
    week = list(hub.list_daily_papers(week="2026-W32", limit=10))
    assert len(week) == 4
    assert list(hub.list_daily_papers(date="2026-08-04", p=5)) == []


def test_paper_info_and_markdown(hub: HfApi) -> None:
    info = hub.paper_info("2608.00001")
    assert info.id == "2608.00001" and "O(n \\log n)" in (info.summary or "")
    assert info.num_total_models == 0 and info.linked_models == []
    with pytest.raises(HfHubHTTPError):
        hub.paper_info("2608.09999")
    if hasattr(hub, "paper_markdown"):
        assert hub.paper_markdown("2608.00001").startswith("# Bounds for")


def test_list_papers_searches(hub: HfApi) -> None:
    found = list(hub.list_papers(query="Friday", limit=5))
    assert [p.id for p in found] == ["2608.00004"]


def test_bad_and_missing_days(hub: HfApi) -> None:
    with pytest.raises(HfHubHTTPError) as err:
        list(hub.list_daily_papers(date="yesterday"))
    assert err.value.response.status_code == 400
    assert "is not a valid day" in err.value.response.json()["error"]
    with pytest.raises(HfHubHTTPError) as err:  # well-formed, but no such day
        list(hub.list_daily_papers(date="2026-02-30"))
    assert err.value.response.status_code == 404
