"""A paper whose stored text holds characters XML forbids does not break the feeds that list
it; ingest removes control characters in the first place."""

import feedparser
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.sources.normalize import fold_whitespace


def test_feeds_parse_with_control_characters_stored(filled: Engine, settings: Settings) -> None:
    with filled.begin() as conn:  # as an older version could have stored it
        conn.execute(
            text("UPDATE papers SET title = :t, abstract = :a WHERE arxiv_id = '2608.00001'"),
            {"t": "Bell\x07 and escape\x1b[31m title", "a": "Form\x0cfeed \ufffe abstract"},
        )
    with TestClient(create_app(settings, filled)) as client:
        for kind in ("atom", "rss"):
            body = client.get(f"/feeds/category/cs.LG.{kind}").content
            parsed = feedparser.parse(body)
            assert not parsed.bozo, parsed.get("bozo_exception")
            titles = [e.title for e in parsed.entries]
            assert "Bell and escape[31m title" in titles, titles


def test_ingest_removes_control_characters() -> None:
    assert fold_whitespace("a\x00b\x07c\x1bd\te\nf") == "abcd e f"
