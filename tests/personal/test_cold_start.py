"""With nothing saved, a followed category or author ranks the feed at once; with nothing at
all, the page asks for a first signal."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.personal.conftest import GRASPING, PROTEINS, for_you, headers, ids


def test_nothing_yet_asks_for_a_signal(member: TestClient, corpus: list) -> None:
    page = member.get("/for-you?window=month").text
    assert "Make this feed yours" in page and 'name="value" value="cs.RO"' in page
    assert len(for_you(member)) == len(corpus)


def test_followed_category_from_the_form(member: TestClient, corpus: list) -> None:
    token = headers(member)["X-CSRF-Token"]
    r = member.post(
        "/library/signals",
        data={
            "csrf_token": token,
            "what": "follow",
            "kind": "category",
            "value": ["cs.RO"],
            "next": "/for-you?window=month",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/for-you?window=month"
    items = for_you(member)
    assert set(ids(items)[:4]) == {r.id for r in GRASPING}
    assert "in cs.RO, which you follow" in items[0]["reasons"]


def test_followed_author_first_and_their_topic_next(member: TestClient, corpus: list) -> None:
    r = member.put("/api/follows/authors/Sara Lind", headers=headers(member))
    assert r.status_code == 200 and r.json() == {"kind": "author", "value": "Sara Lind", "on": True}
    items = for_you(member)
    assert set(ids(items)[:2]) == {"2611.00301", "2611.00302"}
    assert "by Sara Lind, whom you follow" in items[0]["reasons"]
    assert set(ids(items)[2:4]) <= {r.id for r in PROTEINS}
    assert member.get("/api/follows").json()["followedAuthors"] == ["Sara Lind"]


def test_an_empty_instance(member: TestClient, engine: Engine) -> None:
    """No papers at all: an empty feed and a page that says so, not an error."""
    assert for_you(member) == []
    page = member.get("/for-you")
    assert page.status_code == 200 and "No papers in this window" in page.text
