"""The keyword index: BM25 with title above abstract, filters, the same ranking on both
databases, kept up to date incrementally, rebuildable."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, insert, select

from paperfeed.search.indexing import rebuild_keyword, sync_keyword
from paperfeed.search.keyword import KeywordIndex
from paperfeed.search.models import SearchOutbox
from paperfeed.search.query import parse_query
from tests.search.papers import D2, TOPICAL
from tests.web.conftest import store


def _arxiv_ids(engine: Engine, index: KeywordIndex, text: str) -> list[str]:
    from paperfeed.papers.queries import papers

    hits = index.search(parse_query(text), limit=50)
    with engine.connect() as conn:
        by_id = dict(conn.execute(select(papers.c.id, papers.c.arxiv_id)).all())
    return [by_id[i] for i in hits.ids]


def _indexed(topical: Engine, tmp_path: Path) -> KeywordIndex:
    index = KeywordIndex(tmp_path / "kw")
    assert sync_keyword(topical, index) == len(TOPICAL)
    return index


def test_title_matches_rank_above_abstract_matches(topical: Engine, tmp_path: Path) -> None:
    index = _indexed(topical, tmp_path)
    # both mention diffusion; only 10001 has it in the title. The order is the same on
    # SQLite and PostgreSQL: the index, not the database, ranks.
    assert _arxiv_ids(topical, index, "diffusion") == ["2608.10001", "2608.10004"]
    assert set(_arxiv_ids(topical, index, "radar rain")) == {"2608.10002", "2608.10005"}
    # more of the words (and rarer ones) first
    assert _arxiv_ids(topical, index, "radar odometry fog")[0] == "2608.10005"


def test_phrases_authors_categories_dates_must_match(topical: Engine, tmp_path: Path) -> None:
    index = _indexed(topical, tmp_path)
    assert _arxiv_ids(topical, index, '+"radar scans"') == ["2608.10005"]
    assert _arxiv_ids(topical, index, '+"scans radar"') == []
    assert _arxiv_ids(topical, index, "author:Quill") == ["2608.10004"]
    assert _arxiv_ids(topical, index, "radar cat:cs.CV") == ["2608.10002"]
    since = D2.date().isoformat()
    assert _arxiv_ids(topical, index, f"radar since:{since}") == ["2608.10005"]
    assert _arxiv_ids(topical, index, "radar until:2026-08-04") == ["2608.10002"]


def test_updates_replace_the_indexed_paper(topical: Engine, tmp_path: Path) -> None:
    index = _indexed(topical, tmp_path)
    renamed = TOPICAL[4]
    newer = type(renamed)(
        id=renamed.id,
        title="Sonar odometry",
        abstract="Estimating how a submarine moves from sonar pings.",
        categories=renamed.categories,
        versions=[*renamed.versions, D2.replace(day=7)],
    )
    store(topical, [newer])
    assert sync_keyword(topical, index) == 1
    assert _arxiv_ids(topical, index, "sonar") == ["2608.10005"]
    assert "2608.10005" not in _arxiv_ids(topical, index, "fog")
    assert index.num_docs() == len(TOPICAL)  # replaced, not duplicated
    with topical.connect() as conn:  # the index's cursor is at the newest change
        newest = conn.execute(select(func.max(SearchOutbox.seq))).scalar_one()
    assert index.cursor() == newest
    assert sync_keyword(topical, index) == 0


def test_a_pass_repeated_after_a_crash_adds_no_duplicates(topical: Engine, tmp_path: Path) -> None:
    index = _indexed(topical, tmp_path)
    # as if the process died after the index commit and before the queue was emptied
    with topical.begin() as conn:
        conn.execute(insert(SearchOutbox), [{"arxiv_id": r.id} for r in TOPICAL])
    assert sync_keyword(topical, index) == len(TOPICAL)
    assert index.num_docs() == len(TOPICAL)


def test_rebuild_gives_the_same_answers(topical: Engine, tmp_path: Path) -> None:
    index = _indexed(topical, tmp_path)
    before = [_arxiv_ids(topical, index, q) for q in ("diffusion", "radar rain", "languages")]
    fresh = KeywordIndex(tmp_path / "rebuilt")
    assert rebuild_keyword(topical, fresh) == len(TOPICAL)
    assert rebuild_keyword(topical, index) == len(TOPICAL)
    for i in (fresh, index):
        assert i.num_docs() == len(TOPICAL)
        assert [_arxiv_ids(topical, i, q) for q in ("diffusion", "radar rain", "languages")] == (
            before
        )
