"""Library, follows, mutes and model are private; deleting the account deletes them; the
home page leads a member with signals to their feed."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from paperfeed.personal.models import Collection, CollectionPaper, Follow, LibraryItem, Mute
from tests.community.conftest import Inbox, sign_up
from tests.personal.conftest import for_you, headers, ids

TABLES = (LibraryItem, Collection, CollectionPaper, Follow, Mute)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.__tablename__: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in TABLES
        }


def test_each_member_sees_only_their_own(member: TestClient, inbox: Inbox, corpus: list) -> None:
    h = headers(member)
    assert member.get("/", follow_redirects=False).headers["location"] == "/papers"
    member.put("/api/library/2611.00201", headers=h)
    member.put("/api/mutes/authors/Sara Lind", headers=h)
    assert member.get("/", follow_redirects=False).headers["location"] == "/for-you"
    member.cookies.clear()
    sign_up(member, inbox, "bob@example.org", "Bob")
    assert member.get("/api/library").json() == []
    assert member.get("/api/follows").json()["mutedAuthors"] == []
    assert "2611.00301" in ids(for_you(member))  # Mira's mute is hers alone
    assert "Sara Lind" not in member.get("/library").text


def test_deleting_the_account_deletes_its_things(
    member: TestClient, engine: Engine, corpus: list
) -> None:
    h = headers(member)
    member.put("/api/library/2611.00201", headers=h)
    cid = member.post("/api/collections", json={"name": "Mine", "public": True}, headers=h).json()[
        "id"
    ]
    member.put(f"/api/collections/{cid}/papers/2611.00202", headers=h)
    member.put("/api/follows/categories/cs.RO", headers=h)
    member.put("/api/mutes/keywords/cloth", headers=h)
    assert all(_counts(engine).values())
    r = member.post(
        "/account/delete", data={"confirm": "mira@example.org", "csrf_token": h["X-CSRF-Token"]}
    )
    assert r.status_code in (200, 303)
    assert _counts(engine) == dict.fromkeys(_counts(engine), 0)
    assert member.get(f"/collections/{cid}").status_code == 404
