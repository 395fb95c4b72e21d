"""Collections: private until made public; a public one has a page, an Atom feed that
feedparser reads, and BibTeX / RIS / CSL-JSON exports that import back to the same papers."""

import feedparser
from fastapi.testclient import TestClient

from tests.community.conftest import Inbox, sign_up
from tests.personal.conftest import headers

PAPERS = ["2611.00101", "2611.00203", "2611.00304"]


def _collection(client: TestClient, name: str = "Reading group") -> int:
    h = headers(client)
    r = client.post("/api/collections", json={"name": name}, headers=h)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    for paper in PAPERS:
        assert client.put(f"/api/collections/{cid}/papers/{paper}", headers=h).status_code == 200
    return int(cid)


def test_private_then_public(member: TestClient, inbox: Inbox, corpus: list) -> None:
    cid = _collection(member)
    assert {p["id"] for p in member.get("/api/library").json()} == set(PAPERS)  # saved too
    assert member.get(f"/collections/{cid}").status_code == 200  # the owner sees it
    r = member.post("/api/collections", json={"name": "Reading group"}, headers=headers(member))
    assert r.status_code == 400 and "already" in r.json()["error"]
    member.cookies.clear()
    assert member.get(f"/collections/{cid}").status_code == 404
    assert member.get(f"/feeds/collections/{cid}.atom").status_code == 404
    assert member.get(f"/api/collections/{cid}.bib").status_code == 404
    sign_up(member, inbox, "bob@example.org", "Bob")
    assert (
        member.patch(
            f"/api/collections/{cid}", json={"public": True}, headers=headers(member)
        ).status_code
        == 404
    )
    member.cookies.clear()
    from tests.community.conftest import log_in

    log_in(member, "mira@example.org")
    r = member.patch(f"/api/collections/{cid}", json={"public": True}, headers=headers(member))
    assert r.json()["public"] is True
    member.cookies.clear()
    page = member.get(f"/collections/{cid}")
    assert page.status_code == 200 and "A public collection by Mira" in page.text
    feed = feedparser.parse(member.get(f"/feeds/collections/{cid}.atom").content)
    assert not feed.bozo and "Reading group" in feed.feed.title
    assert {e.link.rsplit("/", 1)[1] for e in feed.entries} == set(PAPERS)


def test_exports_import_back_to_the_same_papers(
    member: TestClient, inbox: Inbox, corpus: list
) -> None:
    cid = _collection(member)
    files = {fmt: member.get(f"/api/collections/{cid}.{fmt}") for fmt in ("bib", "ris", "csl.json")}
    assert files["bib"].headers["content-type"].startswith("text/x-bibtex")
    assert files["ris"].headers["content-type"].startswith("application/x-research-info-systems")
    assert member.get("/api/library.bib").text.count("@") == 3
    member.cookies.clear()
    sign_up(member, inbox, "bob@example.org", "Bob")
    for fmt, response in files.items():
        r = member.post("/api/library/import", content=response.content, headers=headers(member))
        out = r.json()
        assert r.status_code == 200, (fmt, out)
        assert out["format"] == fmt and out["unmatched"] == [], out
        assert sorted(m["arxivId"] for m in out["matched"]) == PAPERS
        assert {m["by"] for m in out["matched"]} == {"arXiv id"}


def test_removing_and_deleting(member: TestClient, corpus: list) -> None:
    cid = _collection(member)
    h = headers(member)
    member.delete(f"/api/collections/{cid}/papers/2611.00101", headers=h)
    assert member.get("/api/collections").json()[0]["papers"] == 2
    member.delete("/api/library/2611.00203", headers=h)  # unsaving takes it out too
    assert member.get("/api/collections").json()[0]["papers"] == 1
    assert member.delete(f"/api/collections/{cid}", headers=h).status_code == 204
    assert member.get("/api/collections").json() == []
