"""The forgiving query language."""

from datetime import date

import pytest

from paperfeed.search.query import MAX_WORDS, parse_query


def test_words_phrases_and_filters() -> None:
    q = parse_query(
        'graph "exact phrase" author:"Jane Doe" au:Roe cat:cs.LG since:2024-01-01 until:2024-12-31'
    )
    assert q.words == ["graph"] and q.phrases == ["exact phrase"]
    assert q.authors == ["Jane Doe", "Roe"] and q.categories == ["cs.LG"]
    assert (q.since, q.until) == (date(2024, 1, 1), date(2024, 12, 31))
    assert q.notes == []


@pytest.mark.parametrize(
    "text",
    [
        "2401.01234",
        "arXiv:2401.01234v3",
        "https://arxiv.org/abs/2401.01234v2",
        "https://arxiv.org/pdf/2401.01234.pdf",
    ],
)
def test_pasted_ids_and_urls(text: str) -> None:
    assert parse_query(text).arxiv_id == "2401.01234"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('"unbalanced quote', []),
        ("NEAR(graph neural) * AND x", ["graph", "neural", "x"]),
        ("'; DROP TABLE papers; --", ["DROP", "TABLE", "papers"]),
        ("🙂🙂🙂", []),
    ],
)
def test_anything_parses(text: str, words: list[str]) -> None:
    q = parse_query(text)
    assert q.words == words


def test_bad_filter_values_become_notes() -> None:
    q = parse_query("cat:<script> since:yesterday until:2025-02-30 transformers")
    assert q.words == ["transformers"] and q.categories == [] and q.since is None
    assert len(q.notes) == 3 and "not an arXiv category" in q.notes[0]


def test_long_queries_are_cut_with_a_note() -> None:
    q = parse_query(" ".join(f"w{i}" for i in range(5000)))
    assert len(q.terms) == MAX_WORDS and q.notes


def test_quotes_are_a_preference_and_plus_quotes_a_requirement() -> None:
    q = parse_query('the "memex" idea +"hypertext system" trails')
    assert q.phrases == ["memex"] and q.required == ["hypertext system"]
    assert q.words == ["the", "idea", "trails"]
    assert q.terms == ["hypertext system", "memex", "the", "idea", "trails"]
