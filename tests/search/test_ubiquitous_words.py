"""Words in more than half of the papers (zero weight in BM25's original idf) are left out
of relevance queries that have other words, and a query of only such words is looked for
in titles; the index itself decides, not a fixed list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from paperfeed.search.keyword import UBIQUITOUS_MIN_DOCS, KeywordDoc, KeywordIndex
from paperfeed.search.query import parse_query


def _index(tmp_path: Path, n: int) -> KeywordIndex:
    """n papers: 'network' in 60% of them, 'quokka' in ids 0-4 only; paper 5 has 'network'
    in its title (the best 'network' match), and no quokka."""
    index = KeywordIndex(tmp_path / "kw")
    writer = index.writer()
    docs = []
    for i in range(n):
        title = "Network network design" if i == 5 else f"Paper {i}"
        words = ["study"]
        if i % 5 < 3 or i == 5:
            words.append("network")
        if i < 5:
            words.append("quokka")
        docs.append(KeywordDoc(i, title, " ".join(words), "A. Author", "cs.LG", date(2026, 1, 1)))
    index.add(writer, docs, replace=False)
    writer.commit()
    writer.wait_merging_threads()
    return index


def test_a_word_in_most_papers_does_not_drag_them_all_in(tmp_path: Path) -> None:
    index = _index(tmp_path, UBIQUITOUS_MIN_DOCS)
    hits = index.search(parse_query("quokka network"), limit=50).ids
    assert sorted(hits) == [0, 1, 2, 3, 4]  # not paper 5, nor the 600 other network papers
    # alone, or with only such words, it is looked for in titles, not in the 600 abstracts
    assert index.search(parse_query("network"), limit=700).ids == [5]
    assert index.search(parse_query("network study"), limit=700).ids == [5]
    # "study" is in every abstract and in no title: searched as typed
    assert len(index.search(parse_query("study"), limit=2000).ids) == UBIQUITOUS_MIN_DOCS
    # a phrase keeps it (its paper first, then the quokka papers), and sorting by date
    # needs every word
    assert index.search(parse_query('quokka +"network design"'), limit=5).ids == [5]
    soft = index.search(parse_query('quokka "network design"'), limit=10).ids
    assert soft[0] == 5 and sorted(soft[1:]) == [0, 1, 2, 3, 4]
    assert index.search(parse_query("quokka network"), limit=50, by_date=True).total == 3


def test_small_indexes_keep_every_word(tmp_path: Path) -> None:
    index = _index(tmp_path, UBIQUITOUS_MIN_DOCS - 1)
    hits = index.search(parse_query("quokka network"), limit=2000).ids
    assert 5 in hits
    assert len(hits) > 500
    assert len(index.search(parse_query("study"), limit=2000).ids) == UBIQUITOUS_MIN_DOCS - 1
