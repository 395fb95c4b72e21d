"""Each card shows its comment count, its GitHub repository with the last known stars, the
submitter's initials; list pages carry the digest banner."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from paperfeed.community.github import record_stars
from paperfeed.web.templating import initials


def test_comment_count_repository_and_stars(client: TestClient, filled: Engine) -> None:
    with filled.begin() as conn:
        pid = conn.execute(text("SELECT id FROM papers WHERE arxiv_id = '2608.00001'")).scalar()
        conn.execute(
            text(
                "INSERT INTO comments (paper_id, body, created_at) VALUES (:p, 'hi', :t), "
                "(:p, 'again', :t)"
            ),
            {"p": pid, "t": datetime(2026, 8, 4, tzinfo=UTC)},
        )
        record_stars(conn, "example/bridges", 1234, datetime(2026, 8, 4, tzinfo=UTC))
        record_stars(conn, "example/bridges", 1500, datetime(2026, 8, 5, tzinfo=UTC))
    page = client.get("/papers/date/2026-08-04").text
    card = page.split('id="p-2608.00001"')[1].split("</article>")[0]
    assert 'aria-label="2 comments"' in card and 'href="/papers/2608.00001#comments"' in card
    assert 'href="https://github.com/example/bridges"' in card and "★ 1,500" in card
    other = page.split('id="p-2608.00002"')[1].split("</article>")[0]
    assert 'aria-label="0 comments"' in other
    assert "GitHub example/invented</a>" in other and "★" not in other  # stars never checked
    assert 'data-dismissible="subscribe-banner"' in page


def test_initials() -> None:
    assert initials("Jane Doe") == "JD"
    assert initials("Ada Augusta King Lovelace") == "AA"
    assert initials("  ") == "?" and initials(None) == "?"
    assert initials("émile zola") == "ÉZ"
