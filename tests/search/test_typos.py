"""Misspelt words are matched to the index's own words; the page offers "did you mean"."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from paperfeed.search.query import did_you_mean, parse_query, spelled
from paperfeed.search.speller import Speller


def _speller(**papers: int) -> Speller:
    return Speller(list(papers), np.array(list(papers.values())), english=frozenset({"anyone"}))


def test_unknown_words_go_to_the_nearest_common_word() -> None:
    s = _speller(decoding=40, speculative=12, diffusion=30, model=50, mode=9, video=8)
    assert s.correct("decodng") == "decoding"  # one letter missing
    assert s.correct("speculativ") == "speculative"
    assert s.correct("difusion") == "diffusion"
    assert s.correct("modle") == "model"  # swapped letters: one edit; commoner than "mode"
    assert s.correct("vidoe") == "video"
    assert s.correct("generaton") is None  # nothing close in this index


def test_known_short_english_acronyms_and_numbers_are_left_alone() -> None:
    s = _speller(decoding=40, alone=16, bert=5, cag=9)
    assert s.correct("decoding") is None  # known
    assert s.correct("anyone") is None  # a word of English, though no paper has it
    assert s.correct("CABG") is None  # capitals inside: an acronym
    assert s.correct("bet") is None  # three letters
    assert s.correct("decod1ng") is None  # digits
    # a word the index knows by its stem is not misspelt
    assert s.corrections(["decodings"], known=lambda w: w == "decodings") == []


def test_did_you_mean_rewrites_only_the_misspelt_words() -> None:
    q = spelled(parse_query("speculativ decodng cat:cs.CL"), {"decodng": "decoding"})
    assert q.words == ["speculativ", "decoding"] and q.typed == ["decodng"]
    assert did_you_mean("speculativ decodng cat:cs.CL", q.corrections) == (
        "speculativ decoding cat:cs.CL"
    )


def test_a_misspelt_query_finds_what_the_spelt_one_finds(topical_client: TestClient) -> None:
    topical_client.app.state.search.speller.get(wait=True)  # type: ignore[attr-defined]
    assert topical_client.get("/healthz/search").json()["speller"].startswith("ready (")
    clean = topical_client.get("/search.json", params={"q": "radar odometry"}).json()
    typo = topical_client.get("/search.json", params={"q": "radr odometri"}).json()
    assert typo["papers"][0]["arxiv_id"] == clean["papers"][0]["arxiv_id"] == "2608.10005"
    assert typo["did_you_mean"] == "radar odometry" and clean["did_you_mean"] is None
    page = topical_client.get("/search", params={"q": "protien foldng"})
    assert page.status_code == 200
    assert "Did you mean" in page.text and "protein folding" in page.text
    assert "2608.10001" in page.text


def test_the_did_you_mean_notice_keeps_hostile_text_inert(topical_client: TestClient) -> None:
    topical_client.app.state.search.speller.get(wait=True)  # type: ignore[attr-defined]
    hostile = 'protien "><script>alert(1)</script> javascript:alert(2)'
    page = topical_client.get("/search", params={"q": hostile})
    assert page.status_code == 200 and "Did you mean" in page.text
    notice = page.text.split('class="notice did-you-mean"', 1)[1].split("</p>", 1)[0]
    assert "<script>" not in notice and "&lt;script&gt;" in notice
    assert 'href="/search?q=protein' in notice  # the link is the query, URL-encoded
