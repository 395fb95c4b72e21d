"""bibtexparser and pybtex read every entry of a paper's, a whole day's and a search's .bib:
keys unique within each file (two Wang 2026 "Learning …" papers), the whole list."""

from __future__ import annotations

import bibtexparser
import httpx
import pybtex.database

from tests.clients.conftest import Site


def _both_read(text: str) -> list[str]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [], library.failed_blocks
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys)), keys
    parsed = pybtex.database.parse_string(text, "bibtex")  # raises on a repeated key
    assert sorted(parsed.entries.keys()) == sorted(keys)
    return keys


def test_a_paper_a_whole_day_and_a_search(site: Site) -> None:
    paper = httpx.get(f"{site.url}/papers/2608.00033.bib")
    assert paper.headers["content-type"] == "text/x-bibtex; charset=utf-8"
    assert len(_both_read(paper.text)) == 1
    day = httpx.get(f"{site.url}/papers/date/2026-08-04.bib").text
    day_json = httpx.get(f"{site.url}/papers/date/2026-08-04.json").json()
    keys = _both_read(day)
    assert len(keys) == day_json["total"]  # the whole list, not a page of it
    assert {"wang2026learning", "wang2026learninga"} <= set(keys)
    search = httpx.get(f"{site.url}/search.bib", params={"q": "learning maps"}).text
    assert {"wang2026learning", "wang2026learninga"} <= set(_both_read(search))
    library = bibtexparser.parse_string(paper.text)
    (entry,) = library.entries
    assert entry.fields_dict["eprint"].value == "2608.00033"
