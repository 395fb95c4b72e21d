"""Each host's keyword index follows the database's change sequence with its own cursor:
nothing one host does takes a change from another; a new, wiped or far-behind host rebuilds
from the papers table; a serving process follows without any search asking it to."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.search.indexing import must_rebuild, prune_outbox, sync_keyword
from paperfeed.search.keyword import KeywordIndex
from paperfeed.search.models import SearchOutbox
from paperfeed.search.query import parse_query
from tests import records as R
from tests.search.papers import TOPICAL
from tests.web.conftest import store

DAY = datetime(2026, 8, 6, 12, 0, tzinfo=UTC)


def _new(n: int, word: str) -> list[R.Rec]:
    return [
        R.Rec(id=f"2608.3{i:04d}", title=f"{word} study {i}", versions=[DAY], categories="cs.DS")
        for i in range(n)
    ]


def _found(index: KeywordIndex, word: str) -> int:
    return len(index.search(parse_query(word), limit=100).ids)


def test_two_hosts_each_index_every_change(topical: Engine, tmp_path: Path) -> None:
    one, two = KeywordIndex(tmp_path / "one"), KeywordIndex(tmp_path / "two")
    assert sync_keyword(topical, one) == len(TOPICAL)
    store(topical, _new(3, "zeppelin"))
    assert sync_keyword(topical, one) == 3  # the first host is ahead now
    assert sync_keyword(topical, two) == len(TOPICAL) + 3  # the second misses nothing
    assert _found(one, "zeppelin") == _found(two, "zeppelin") == 3
    assert one.cursor() == two.cursor()
    with topical.connect() as conn:
        assert conn.execute(select(func.count()).select_from(SearchOutbox)).scalar_one() > 0


def test_a_host_behind_the_pruned_horizon_rebuilds(topical: Engine, tmp_path: Path) -> None:
    ahead, behind = KeywordIndex(tmp_path / "ahead"), KeywordIndex(tmp_path / "behind")
    sync_keyword(topical, ahead)
    sync_keyword(topical, behind)
    store(topical, _new(4, "zeppelin"))
    sync_keyword(topical, ahead)
    assert prune_outbox(topical, retain=1) > 0  # the behind host's changes are gone
    assert must_rebuild(topical, behind)
    sync_keyword(topical, behind)
    assert _found(behind, "zeppelin") == 4
    assert behind.num_docs() == len(TOPICAL) + 4
    assert not must_rebuild(topical, behind)


def test_a_new_host_builds_from_the_papers_table(topical: Engine, tmp_path: Path) -> None:
    with topical.begin() as conn:  # as after the outbox was consumed (earlier versions)
        conn.execute(SearchOutbox.__table__.delete())
    fresh = KeywordIndex(tmp_path / "fresh")
    assert must_rebuild(topical, fresh)
    assert sync_keyword(topical, fresh) == len(TOPICAL)
    assert fresh.num_docs() == len(TOPICAL)


def test_a_serving_process_follows_without_searches(topical: Engine, settings: Settings) -> None:
    from fastapi.testclient import TestClient

    app = create_app(settings, topical)
    with TestClient(app):
        indexes = app.state.search
        indexes.follow(every=0.1)
        store(topical, _new(2, "zeppelin"))  # another process's write
        deadline = time.monotonic() + 20
        while _found(indexes.keyword, "zeppelin") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _found(indexes.keyword, "zeppelin") == 2
        assert indexes.status()["lag_seconds"] == 0.0


def test_a_serving_host_behind_the_horizon_rebuilds_in_the_background(
    topical: Engine, settings: Settings
) -> None:
    from fastapi.testclient import TestClient

    app = create_app(settings, topical)
    with TestClient(app):
        indexes = app.state.search
        store(topical, _new(3, "zeppelin"))
        assert prune_outbox(topical, retain=1) > 0  # this host's changes are gone
        indexes.refresh()  # a search would ask this: the build goes to a thread
        deadline = time.monotonic() + 20
        while indexes.repairing("keyword") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _found(indexes.keyword, "zeppelin") == 3
        assert not must_rebuild(topical, indexes.keyword)
