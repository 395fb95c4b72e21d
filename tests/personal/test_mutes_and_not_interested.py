"""Muted authors, categories and keywords and "not interested" papers never reach the feed,
whatever else pulls them up; each is undoable."""

from fastapi.testclient import TestClient

from tests.personal.conftest import for_you, headers, ids

EVERY_WINDOW = ("day", "week", "month")


def _all(client: TestClient) -> set[str]:
    return {i for w in EVERY_WINDOW for i in ids(for_you(client, w))}


def test_mutes_beat_follows_and_saves(member: TestClient, corpus: list) -> None:
    h = headers(member)
    member.put("/api/library/2611.00101", headers=h)
    member.put("/api/follows/authors/Tom Hale", headers=h)  # pulls 2611.00102 up...
    member.put("/api/follows/categories/cs.CL", headers=h)
    assert "2611.00102" in _all(member)
    assert member.put("/api/mutes/authors/Tom Hale", headers=h).status_code == 200  # ...muted
    assert member.put("/api/mutes/categories/q-bio.BM", headers=h).status_code == 200
    r = member.put("/api/mutes/keywords/Tree-Structured", headers=h)
    assert r.json()["value"] == "tree-structured"
    shown = _all(member)
    assert "2611.00102" not in shown and "2611.00103" not in shown
    assert not shown & {"2611.00301", "2611.00302", "2611.00303", "2611.00304"}
    page = member.get("/for-you?window=month").text
    assert "Tom Hale" not in page and "Tree-structured" not in page and "Protein" not in page
    member.delete("/api/mutes/keywords/tree-structured", headers=h)
    assert "2611.00103" in _all(member)


def test_a_keyword_matches_whole_words_only(member: TestClient, corpus: list) -> None:
    member.put("/api/mutes/keywords/robot", headers=headers(member))
    shown = _all(member)
    assert "2611.00201" not in shown and "2611.00204" not in shown  # "robot" in the text
    assert "2611.00202" in shown  # only "robotic": not the muted word


def test_not_interested_and_undo(member: TestClient, corpus: list) -> None:
    h = headers(member)
    member.put("/api/library/2611.00201", headers=h)
    top = ids(for_you(member))[0]
    r = member.post(f"/api/papers/{top}/not-interested", json={"on": True}, headers=h)
    assert r.status_code == 200 and r.json() == {"id": top, "notInterested": True}
    assert top not in _all(member)
    member.post(f"/api/papers/{top}/not-interested", json={"on": False}, headers=h)
    assert top in _all(member)


def test_bad_signals_are_named(member: TestClient, corpus: list) -> None:
    h = headers(member)
    r = member.put("/api/follows/categories/not a category", headers=h)
    assert r.status_code == 400 and "category" in r.json()["error"]
    assert member.put("/api/mutes/colours/red", headers=h).status_code == 404
    r = member.post("/api/papers/2611.00101/not-interested", json={"on": "maybe"}, headers=h)
    assert r.status_code == 400
