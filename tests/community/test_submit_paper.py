"""Submitting papers: fetched from arXiv when new, on today's list with "submitted by"."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests import records as R
from tests.community.conftest import Inbox, csrf, sign_up
from tests.standin import ArxivStandIn


def test_submit_by_url_fetches_the_paper_and_lists_it_today(
    client: TestClient, inbox: Inbox, standin: ArxivStandIn
) -> None:
    recent = datetime.now(UTC) - timedelta(days=3)
    standin.records = [R.Rec(id="2611.04242", title="A freshly invented result", versions=[recent])]
    sign_up(client, inbox, "alice@example.org", "Alice")
    r = client.post(
        "/submit",
        data={"paper": "https://arxiv.org/pdf/2611.04242v1", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/papers/2611.04242?submitted=1"
    assert standin.requests[-1][2]["id_list"] == "2611.04242"
    page = client.get(r.headers["location"]).text
    assert "Submitted by Alice" in page
    today = datetime.now(UTC).date().isoformat()
    listed = client.get(f"/papers/date/{today}.json").json()["papers"]
    assert [(p["arxiv_id"], p["submitted_by"]) for p in listed] == [("2611.04242", "Alice")]


def test_second_submission_links_to_the_first(
    client: TestClient, inbox: Inbox, standin: ArxivStandIn
) -> None:
    standin.records = [R.Rec(id="2611.04243", title="Twice", versions=[datetime.now(UTC)])]
    sign_up(client, inbox, "alice@example.org", "Alice")
    client.post("/submit", data={"paper": "2611.04243", "csrf_token": csrf(client)})
    client.cookies.clear()
    sign_up(client, inbox, "bob@example.org", "Bob")
    r = client.post(
        "/submit",
        data={"paper": "arXiv:2611.04243", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/papers/2611.04243?already=1"
    assert "Submitted by Alice" in client.get(r.headers["location"]).text


def test_old_unknown_and_malformed_submissions_are_refused(
    client: TestClient, inbox: Inbox, standin: ArxivStandIn
) -> None:
    old = datetime.now(UTC) - timedelta(days=40)
    standin.records = [R.Rec(id="2609.00001", title="Old", versions=[old])]
    sign_up(client, inbox, "alice@example.org", "Alice")
    for paper, words in [
        ("2609.00001", "Only papers from the last 14 days"),
        ("2611.99999", "could not be found on arXiv"),
        ("not a paper", "Give an arXiv id"),
    ]:
        r = client.post("/submit", data={"paper": paper, "csrf_token": csrf(client)})
        assert r.status_code == 400 and words in r.text, paper
