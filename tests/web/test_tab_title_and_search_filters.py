"""The browser tab shows a title's math as text, not raw TeX; the search page shows the
filters typed into the query box in their own fields."""

import re

from fastapi.testclient import TestClient


def test_the_tab_title_has_no_raw_tex(client: TestClient) -> None:
    page = client.get("/papers/2608.00001").text
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and title.group(1).startswith("Bounds for α-stable") and "$" not in title.group(1)


def test_filters_typed_in_the_query_fill_their_fields(client: TestClient) -> None:
    q = 'bridges cat:cs.LG author:"Jane Doe" since:2026-08-01 until:2026-08-31'
    page = client.get("/search", params={"q": q}).text
    assert 'name="cat" value="cs.LG"' in page
    assert 'name="author" value="Jane Doe"' in page
    assert 'name="since" value="2026-08-01"' in page and 'name="until" value="2026-08-31"' in page
    again = client.get("/search", params={"q": q, "cat": "cs.LG", "author": "Jane Doe"})
    assert "2608.00001" in again.text  # submitting the filled form finds the same paper
