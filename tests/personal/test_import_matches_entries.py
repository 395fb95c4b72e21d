"""Importing BibTeX, RIS and CSL-JSON: entries matched by arXiv id (eprint, URL, `arXiv:`),
then DOI, then title; unknown arXiv ids fetched from arXiv; the rest named with the reason."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests import records as R
from tests.personal.conftest import headers
from tests.standin import ArxivStandIn

BIBTEX = r"""% written for this test
@misc{chen2026speculative,
  title = {Speculative decoding with a small draft model},
  author = {Chen, Mira and Hale, Tom},
  eprint = {2611.00101v1},
  archivePrefix = {arXiv},
}

@article{grasps,
  title = {Whatever the title says},
  url = {https://arxiv.org/abs/2611.00203},
}

@inproceedings{bytitle,
  title = {{Protein} Structure Prediction with Equivariant {Networks}},
  booktitle = {Some workshop},
}

@article{bydoi,
  title = {A journal version},
  doi = {https://doi.org/10.5555/INVENTED.7},
}

@misc{fresh,
  title = {Not here yet},
  note = {Preprint arXiv:2611.07777},
}

@book{nowhere,
  title = {A book about gardening},
}

@misc{broken, title = {Missing the closing brace}

@misc{after, eprint = {2611.00104}}
"""


def _post(client: TestClient, body: str) -> dict:
    r = client.post("/api/library/import", content=body.encode(), headers=headers(client))
    assert r.status_code == 200, r.text
    return r.json()


def test_bibtex_every_way_of_matching(
    member: TestClient, corpus: list, engine: Engine, standin: ArxivStandIn
) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE papers SET doi = '10.5555/invented.7' WHERE arxiv_id = '2611.00202'")
        )
    standin.records = [R.Rec(id="2611.07777", title="A paper fetched on import")]
    out = _post(member, BIBTEX)
    assert out["format"] == "bib" and out["entries"] == 8
    by = {m["key"]: (m["arxivId"], m["by"]) for m in out["matched"]}
    assert by == {
        "chen2026speculative": ("2611.00101", "arXiv id"),
        "grasps": ("2611.00203", "arXiv id"),
        "bytitle": ("2611.00301", "title"),
        "bydoi": ("2611.00202", "DOI"),
        "after": ("2611.00104", "arXiv id"),  # the entry after the broken one still counts
    }
    assert out["fetched"] == [{"key": "fresh", "arxivId": "2611.07777"}]
    reasons = {u["key"]: u["reason"] for u in out["unmatched"]}
    assert "no arXiv id" in reasons["nowhere"] and "(line 29)" in reasons["nowhere"]
    broken = [k for k in reasons if k.startswith("line ")]
    assert broken and "unreadable entry (line 33)" in reasons[broken[0]], reasons
    assert out["added"] == 6
    saved = {p["id"]: p["source"] for p in member.get("/api/library").json()}
    assert set(saved) == {
        "2611.00101",
        "2611.00203",
        "2611.00301",
        "2611.00202",
        "2611.07777",
        "2611.00104",
    }
    assert set(saved.values()) == {"imported"}
    assert _post(member, BIBTEX)["added"] == 0  # a second import adds nothing twice


def test_ris_and_csl_json(member: TestClient, corpus: list) -> None:
    ris = (
        "TY  - JOUR\nID  - one\nTI  - Anything\nUR  - http://arxiv.org/pdf/2611.00102v2\nER  - \n\n"
        "TY  - GEN\nID  - two\nTI  - Grasp planning from point clouds\nER  - \n"
    )
    out = _post(member, ris)
    assert out["format"] == "ris"
    assert {m["arxivId"] for m in out["matched"]} == {"2611.00102", "2611.00203"}
    csl = (
        '[{"id": "a", "type": "article", "title": "x", "publisher": "arXiv",'
        ' "number": "2611.00304"},'
        ' {"id": "b", "type": "article", "title": "Nothing like it", "DOI": "10.1/none"}, 7]'
    )
    out = _post(member, csl)
    assert out["format"] == "csl.json" and [m["arxivId"] for m in out["matched"]] == ["2611.00304"]
    assert {u["key"] for u in out["unmatched"]} == {"b", "item 3"}


def test_unreadable_files_say_why(member: TestClient, corpus: list) -> None:
    h = headers(member)
    r = member.post("/api/library/import", content=b"", headers=h)
    assert r.status_code == 400 and "empty" in r.json()["error"]
    r = member.post("/api/library/import", content=b"[{broken json", headers=h)
    assert r.status_code == 400 and "CSL-JSON" in r.json()["error"]
    r = member.post("/api/library/import", content=b"\xff\xfe@misc{", headers=h)
    assert r.status_code == 400 and "UTF-8" in r.json()["error"]
    assert (
        member.post(
            "/api/library/import?collection=999", content=BIBTEX.encode(), headers=h
        ).status_code
        == 404
    )
    assert member.get("/api/library").json() == []


def test_upload_form_on_the_library_page(member: TestClient, corpus: list) -> None:
    token = headers(member)["X-CSRF-Token"]
    r = member.post(
        "/library/import",
        data={"csrf_token": token},
        files={"file": ("zotero.bib", BIBTEX.replace("2611.07777", "2611.00303").encode())},
    )
    assert r.status_code == 200
    assert "Read 8 entries (bib)" in r.text and "<code>nowhere</code>" in r.text
    assert "Speculative decoding with a small draft model" in r.text  # the saved cards


def test_a_large_library_file_is_read(member: TestClient, corpus: list) -> None:
    """A Zotero export is often over the 256 KiB body limit of other requests: imports
    take up to 4 MiB; over that, a clear 413."""
    padding = "".join(
        f"@book{{pad{i}, title = {{Gardening volume {i}}}, note = {{{'x' * 200}}}}}\n"
        for i in range(1500)
    )
    body = (BIBTEX.split("@misc{broken")[0] + padding).encode()
    assert 256 * 1024 < len(body) < 4 * 1024 * 1024
    out = _post(member, body.decode())
    assert len(out["matched"]) == 3  # bydoi and fresh are not here in this test
    assert len(out["unmatched"]) == 1503
    too_big = b"@misc{x, title={y}}\n" * (4 * 1024 * 1024 // 20 + 10)
    r = member.post("/api/library/import", content=too_big, headers=headers(member))
    assert r.status_code == 413
