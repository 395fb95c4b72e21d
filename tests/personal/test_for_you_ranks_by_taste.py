"""The for-you feed ranks the window's papers by what the member saved, with reasons, and a
new signal changes the very next answer."""

from fastapi.testclient import TestClient

from tests.personal.conftest import DECODING, GRASPING, for_you, headers, ids


def test_saved_papers_pull_their_topic_up(member: TestClient, corpus: list) -> None:
    h = headers(member)
    for paper in ("2611.00101", "2611.00102"):
        member.put(f"/api/library/{paper}", headers=h)
    items = for_you(member)
    ranked = ids(items)
    assert "2611.00101" not in ranked and "2611.00102" not in ranked  # own papers left out
    decoding = {r.id for r in DECODING} - {"2611.00101", "2611.00102"}
    assert set(ranked[:3]) == decoding, ranked
    first = items[0]
    assert first["paper"]["title"] and first["reason"] == "; ".join(first["reasons"])
    assert any(r.startswith("like “") for r in first["reasons"]), first["reasons"]
    assert any(r.startswith("words: ") for i in items[:3] for r in i["reasons"])


def test_a_new_save_changes_the_next_page(member: TestClient, corpus: list) -> None:
    h = headers(member)
    member.put("/api/library/2611.00101", headers=h)
    assert ids(for_you(member))[0] in {r.id for r in DECODING}
    member.delete("/api/library/2611.00101", headers=h)
    for paper in ("2611.00201", "2611.00202"):
        member.put(f"/api/library/{paper}", headers=h)
    top = ids(for_you(member))[:2]
    assert set(top) <= {r.id for r in GRASPING}, top


def test_windows_and_limits(member: TestClient, corpus: list) -> None:
    member.put("/api/library/2611.00101", headers=headers(member))
    month = ids(for_you(member, "month"))
    day = ids(for_you(member, "day"))
    assert len(month) == len(corpus) - 1
    # the latest list day is Friday 27 Nov: the papers of day offset 3 only
    assert set(day) == {"2611.00104", "2611.00105", "2611.00204", "2611.00304"}
    assert len(ids(for_you(member, "month", limit=2))) == 2
    assert member.get("/api/for-you?window=year").status_code == 400
    assert member.get("/api/for-you?limit=501").status_code == 400


def test_the_page_shows_reasons_and_buttons(member: TestClient, corpus: list) -> None:
    member.put("/api/library/2611.00101", headers=headers(member))
    page = member.get("/for-you?window=month").text
    assert "Why:" in page and "data-not-interested=" in page and "Make this feed yours" not in page
    member.cookies.clear()
    assert member.get("/for-you", follow_redirects=False).headers["location"].startswith("/login")
    assert member.get("/api/for-you").status_code == 401
