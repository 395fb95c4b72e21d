"""A quoted phrase is a strong preference (its papers first, the others after); +"…" is a
requirement."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.search.keyword import KeywordIndex
from paperfeed.search.query import parse_query
from paperfeed.search.service import preferred_first
from tests.search.test_keyword_ranking import _arxiv_ids, _indexed


def test_papers_with_the_phrase_come_first_and_the_rest_follow(
    topical: Engine, tmp_path: Path
) -> None:
    index = _indexed(topical, tmp_path)
    # by BM25 alone the radar odometry paper (radar in its short title) leads
    assert _arxiv_ids(topical, index, "radar odometry in rain")[0] == "2608.10005"
    # quoted, the paper that has the phrase leads; the other radar paper still follows
    quoted = _arxiv_ids(topical, index, 'radar odometry "in rain"')
    assert quoted[0] == "2608.10002" and "2608.10005" in quoted
    hits = index.search(parse_query('radar odometry "in rain"'), limit=10)
    assert len(hits.preferred) == 1


def test_a_phrase_no_paper_has_is_searched_as_words(topical: Engine, tmp_path: Path) -> None:
    index = _indexed(topical, tmp_path)
    # the natural-language quote that used to find nothing
    assert _arxiv_ids(topical, index, 'the "radar odometry in fog" idea')[0] == "2608.10005"
    assert _arxiv_ids(topical, index, '+"radar odometry in fog"') == []


def test_the_strict_form_filters(topical: Engine, tmp_path: Path) -> None:
    index: KeywordIndex = _indexed(topical, tmp_path)
    assert _arxiv_ids(topical, index, 'radar +"lidar returns"') == ["2608.10002"]


def test_fusion_keeps_phrase_papers_first() -> None:
    assert preferred_first([5, 3, 9, 1], {9, 1}) == [9, 1, 5, 3]
    assert preferred_first([5, 3], set()) == [5, 3]


def test_search_pages_rank_the_phrase_first(topical_client: TestClient) -> None:
    found = topical_client.get("/search.json", params={"q": '"radar scans" rain'}).json()
    ids = [p["arxiv_id"] for p in found["papers"]]
    assert ids[0] == "2608.10005" and "2608.10002" in ids
    strict = topical_client.get("/search.json", params={"q": '+"radar scans"'}).json()
    assert [p["arxiv_id"] for p in strict["papers"]] == ["2608.10005"]
