"""Alice and Bob: each can change only their own things; a moderator hides and restores."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.community.conftest import Inbox, csrf, log_in, sign_up


def _comment(client: TestClient, body: str, parent: int | None = None) -> int:
    data = {"body": body, "csrf_token": csrf(client)}
    if parent:
        data["parent_id"] = str(parent)
    r = client.post("/papers/2608.00001/comments", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("#c")[1])


def test_only_the_author_edits_or_deletes(
    client: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    sign_up(client, inbox, "alice@example.org", "Alice")
    cid = _comment(client, "Alice's **first** thought")
    client.cookies.clear()
    sign_up(client, inbox, "bob@example.org", "Bob")
    assert (
        client.post(
            f"/comments/{cid}/edit", data={"body": "Bob was here", "csrf_token": csrf(client)}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/comments/{cid}/delete", data={"csrf_token": csrf(client)}).status_code == 403
    )
    assert (
        client.post(f"/comments/{cid}/hide", data={"csrf_token": csrf(client)}).status_code == 403
    )
    reply = _comment(client, "Bob replies", parent=cid)
    page = client.get("/papers/2608.00001").text
    assert "Alice's <strong>first</strong> thought" in page and "Bob replies" in page
    client.cookies.clear()
    log_in(client, "alice@example.org")
    r = client.post(
        f"/comments/{cid}/edit", data={"body": "Alice, edited", "csrf_token": csrf(client)}
    )
    assert r.status_code == 200 and "Alice, edited" in r.text and "edited" in r.text
    assert (
        client.post(f"/comments/{reply}/delete", data={"csrf_token": csrf(client)}).status_code
        == 403
    )


def test_moderator_hides_and_restores(
    client: TestClient, inbox: Inbox, engine: Engine, filled_papers: None
) -> None:
    sign_up(client, inbox, "alice@example.org", "Alice")
    cid = _comment(client, "Buy cheap things at example.com")
    client.cookies.clear()
    sign_up(client, inbox, "mod@example.org", "Mo")
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET role = 'moderator' WHERE email = 'mod@example.org'"))
    assert (
        client.post(f"/comments/{cid}/hide", data={"csrf_token": csrf(client)}).status_code == 200
    )
    client.cookies.clear()
    page = client.get("/papers/2608.00001").text
    assert "Buy cheap things" not in page and "hidden by a moderator" in page
    log_in(client, "mod@example.org")
    client.post(f"/comments/{cid}/restore", data={"csrf_token": csrf(client)})
    client.cookies.clear()
    assert "Buy cheap things" in client.get("/papers/2608.00001").text


def test_comment_markdown_is_sanitised(
    client: TestClient, inbox: Inbox, filled_papers: None
) -> None:
    sign_up(client, inbox, "eve@example.org", "Eve <script>alert(9)</script>")
    _comment(
        client,
        "<script>alert(1)</script> [x](javascript:alert(2)) "
        "<img src=x onerror=alert(3)> [ok](https://example.org)",
    )
    page = client.get("/papers/2608.00001").text
    assert "<script>alert(1)" not in page and "<script>alert(9)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and "<img src=x" not in page
    assert '<a href="https://example.org" rel="nofollow noopener ugc">ok</a>' in page


def test_deleting_an_account_removes_votes_keeps_comments_anonymised(
    client: TestClient, inbox: Inbox, engine: Engine, filled_papers: None
) -> None:
    sign_up(client, inbox, "alice@example.org", "Alice")
    _comment(client, "A comment that stays")
    client.post("/papers/2608.00001/vote", data={"up": "true", "csrf_token": csrf(client)})
    assert client.get("/papers/2608.00001.json").json()["upvotes"] == 1
    r = client.post(
        "/account/delete", data={"confirm": "alice@example.org", "csrf_token": csrf(client)}
    )
    assert "Account deleted" in r.text
    page = client.get("/papers/2608.00001").text
    assert "A comment that stays" in page and "a deleted account" in page
    assert client.get("/papers/2608.00001.json").json()["upvotes"] == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 0
