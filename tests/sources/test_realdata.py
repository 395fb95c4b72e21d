"""Every real arXiv response in ../shared/data parses, and the fields match the files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from lxml import etree

from paperfeed.ingest.chunks import Chunk, build_chunk
from paperfeed.sources.arxiv_api import ApiError, parse_feed
from paperfeed.sources.arxiv_oai import parse_page
from paperfeed.sources.normalize import tex_to_unicode
from paperfeed.sources.snapshot import snapshot_record

pytestmark = pytest.mark.realdata
TODAY = date(2026, 11, 25)
OAI_DIRS = ("arxiv-oai-arxivraw-mikesaelim", "arxiv-oai-hepcrawl", "arxiv-oai-invenio")
NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


def _oai_files(root: Path) -> list[Path]:
    return sorted(p for d in OAI_DIRS for p in (root / d).glob("*.xml"))


def _local(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el.iter() if etree.QName(c).localname == name), None)


def test_every_oai_page_parses_and_matches_the_file(shared_data: Path) -> None:
    files = _oai_files(shared_data)
    assert len(files) >= 20
    checked = 0
    for path in files:
        raw = path.read_bytes()
        page = parse_page(raw, where=path.name, today=TODAY)
        tree = etree.fromstring(raw)
        error = tree.find("o:error", NS)
        if error is not None:
            assert page.error is not None and page.error.code == error.get("code"), path
            continue
        recs = tree.findall(".//o:record", NS)
        assert len(page.records) + len(page.rejects) + len(page.deleted) == len(recs), path
        by_id = {r.arxiv_id: r for r in page.records}
        for rec in recs:
            meta = rec.find("o:metadata", NS)
            if meta is None or etree.QName(meta[0]).localname not in ("arXiv", "arXivRaw"):
                continue
            body = meta[0]
            got = by_id[_local(body, "id").text.strip()]  # type: ignore[union-attr]
            title = "".join(_local(body, "title").itertext())  # type: ignore[union-attr]
            assert got.title == tex_to_unicode(title), path
            assert got.categories == _local(body, "categories").text.split()  # type: ignore[union-attr]
            if etree.QName(body).localname == "arXiv":
                n_authors = len([a for a in body.iter() if etree.QName(a).localname == "author"])
                assert len(got.authors) == n_authors, (path, got.arxiv_id)
            else:
                versions = [v for v in body.iter() if etree.QName(v).localname == "version"]
                assert got.version == len(versions) and got.published_at is not None
            checked += 1
    assert checked >= 150


def test_real_resumption_token_and_error_codes(shared_data: Path) -> None:
    folder = shared_data / "arxiv-oai-arxivraw-mikesaelim"
    page = parse_page((folder / "ListRecordsResponse.xml").read_bytes(), where="x", today=TODAY)
    assert page.token == "726959|1001" and len(page.records) == 6
    expected = {
        "BadArgument": "badArgument",
        "BadResumptionToken": "badResumptionToken",
        "BadVerb": "badVerb",
        "IdDoesNotExist": "idDoesNotExist",
        "NoRecordsMatch": "noRecordsMatch",
    }
    for suffix, code in expected.items():
        err = parse_page(
            (folder / f"ErrorResponse{suffix}.xml").read_bytes(), where="x", today=TODAY
        ).error
        assert err is not None and err.code == code


def test_every_api_response_parses(shared_data: Path) -> None:
    folder = shared_data / "arxiv-api-atom-arxivpy-fixtures"
    files = sorted(folder.glob("*.json"))
    assert files
    for path in files:
        exchange = orjson.loads(path.read_bytes())
        body = exchange["body"].encode()
        tree = etree.fromstring(body)
        entries = tree.findall("{http://www.w3.org/2005/Atom}entry")
        is_error = any(
            "/api/errors" in (e.findtext("{http://www.w3.org/2005/Atom}id") or "") for e in entries
        )
        if is_error:
            with pytest.raises(ApiError):
                parse_feed(body, where=path.name, today=TODAY)
            continue
        page = parse_feed(body, where=path.name, today=TODAY)
        assert len(page.records) + len(page.rejects) == len(entries), path
        for entry, rec in zip(entries, page.records, strict=False):
            assert rec.arxiv_id in entry.findtext("{http://www.w3.org/2005/Atom}id", "")
            assert rec.title == tex_to_unicode(
                entry.findtext("{http://www.w3.org/2005/Atom}title", "")
            )


def test_snapshot_sample_matches_the_file(shared_data: Path) -> None:
    path = shared_data / "kaggle-arxiv-snapshot-sample" / "arxiv-metadata-oai-snapshot.json"
    lines = path.read_bytes().splitlines()
    assert len(lines) == 200
    for line in lines:
        obj = orjson.loads(line)
        rec = snapshot_record(obj, TODAY)
        assert rec.arxiv_id == obj["id"]
        assert rec.version == len(obj["versions"])
        assert rec.categories == obj["categories"].split()
        assert len(rec.authors) == len(obj["authors_parsed"])
        assert rec.metadata_date == date.fromisoformat(obj["update_date"])


def test_daily_listing_files_import_with_few_rejects(shared_data: Path) -> None:
    files = sorted((shared_data / "arxiv-daily-cs-jsonl").glob("*.jsonl"))
    assert files
    lines = files[0].read_bytes().splitlines(keepends=True)
    result = build_chunk(
        Chunk(files[0].name, 1, lines, 0, "auto", date.fromisoformat(files[0].stem), "sqlite")
    )
    assert len(result.rows) + len(result.rejects) == len(lines)
    assert len(result.rejects) <= len(lines) * 0.02
    for reject in result.rejects:
        assert reject.where.startswith(files[0].name + ":") and reject.field
