"""The search page keeps each card's query-free parts per paper and generation (for visitors
who are not signed in): every query still gets its own highlighting, a vote or a changed
title shows on the next search, and a kept card reads the same as one rendered afresh."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.pagecache.conftest import upvotes
from tests.web.conftest import THU, store


def _card(html: str, arxiv_id: str) -> str:
    found = re.search(
        rf'<article class="card" id="p-{re.escape(arxiv_id)}".*?</article>', html, re.S
    )
    assert found, f"no card for {arxiv_id}"
    return found.group(0)


def _title(card: str) -> str:
    found = re.search(r'<h2 class="card-title"><a [^>]*>(.*?)</a></h2>', card, re.S)
    assert found
    return found.group(1)


def test_each_query_highlights_its_own_words(reader: TestClient, filled_papers: None) -> None:
    first = _card(reader.get("/search?q=paper").text, "2608.00004")
    assert _title(first) == "Friday <mark>paper</mark>"
    again = _card(reader.get("/search?q=friday").text, "2608.00004")  # the card now kept
    assert _title(again) == "<mark>Friday</mark> paper"
    assert "<mark>" not in _card(reader.get("/search?q=author:Doe").text, "2608.00004")
    # apart from the highlighted words, a kept card reads as the first one did
    assert again.replace("<mark>", "").replace("</mark>", "") == first.replace(
        "<mark>", ""
    ).replace("</mark>", "")


def test_a_kept_card_carries_no_other_visitors_csrf_token(
    client: TestClient, reader: TestClient, filled_papers: None
) -> None:
    first = _card(client.get("/search?q=friday").text, "2608.00004")  # builds the card
    second = _card(reader.get("/search?q=friday").text, "2608.00004")  # from the kept one
    mine, theirs = client.cookies["pf_csrf"], reader.cookies["pf_csrf"]
    assert mine != theirs
    assert mine in first and theirs not in first
    assert theirs in second and mine not in second


def test_kept_cards_follow_votes_and_updates(
    client: TestClient, reader: TestClient, inbox: Inbox, engine: Engine, filled_papers: None
) -> None:
    search = "/search?q=friday"
    assert upvotes(_card(reader.get(search).text, "2608.00004"), "2608.00004") == 0
    sign_up(client, inbox, "alice@example.org", "Alice")
    client.post("/papers/2608.00004/vote", data={"up": "true", "csrf_token": csrf(client)})
    assert upvotes(_card(reader.get(search).text, "2608.00004"), "2608.00004") == 1
    store(engine, [R.Rec(id="2608.00004", title="Friday paper, revised", versions=[THU, THU])])
    assert (
        _title(_card(reader.get(search).text, "2608.00004")) == "<mark>Friday</mark> paper, revised"
    )
    # members' cards carry their own vote: rendered for them, not taken from the kept ones
    assert 'aria-pressed="true"' in _card(client.get(search).text, "2608.00004")
    assert 'aria-pressed="true"' not in _card(reader.get(search).text, "2608.00004")
