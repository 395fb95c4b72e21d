"""A library or collection as BibTeX, RIS or CSL-JSON (what Zotero, Mendeley and JabRef read)."""

from __future__ import annotations

from typing import Any

import orjson
import rispy

from paperfeed.papers.bibtex import bibtex_file, citation_key

MEDIA_TYPES = {
    "bib": "text/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "csl.json": "application/vnd.citationstyles.csl+json",
}


def export(rows: list[dict[str, Any]], fmt: str) -> str | bytes:
    if fmt == "bib":
        return bibtex_file(rows)
    if fmt == "ris":
        return ris_file(rows)
    if fmt == "csl.json":
        return orjson.dumps([csl_item(r) for r in rows], option=orjson.OPT_INDENT_2)
    raise ValueError(fmt)


def _when(row: dict[str, Any]) -> Any:
    return row.get("published_at") or row.get("feed_date")


def ris_file(rows: list[dict[str, Any]]) -> str:
    entries = []
    for row in rows:
        when = _when(row)
        entry: dict[str, Any] = {
            "type_of_reference": "JOUR" if row.get("journal_ref") else "GEN",
            "id": citation_key(row),
            "title": row["title"],
            "authors": [a["name"] for a in row.get("authors") or []],
            "year": str(when.year) if when else "",
            "abstract": row.get("abstract") or "",
            "urls": [f"https://arxiv.org/abs/{row['arxiv_id']}"],
            "notes": [f"arXiv:{row['arxiv_id']}"],
            "publisher": "arXiv",
            "keywords": (row.get("categories") or "").split(),
        }
        if row.get("doi"):
            entry["doi"] = row["doi"]
        if row.get("journal_ref"):
            entry["journal_name"] = row["journal_ref"]
        entries.append({k: v for k, v in entry.items() if v})
    return str(rispy.dumps(entries))


def _person(name: str) -> dict[str, str]:
    parts = name.rsplit(" ", 1)
    if len(parts) == 1:
        return {"literal": name}
    return {"given": parts[0], "family": parts[1]}


def csl_item(row: dict[str, Any]) -> dict[str, Any]:
    when = _when(row)
    item: dict[str, Any] = {
        "id": citation_key(row),
        "type": "article-journal" if row.get("journal_ref") else "article",
        "title": row["title"],
        "author": [_person(a["name"]) for a in row.get("authors") or []],
        "abstract": row.get("abstract") or "",
        "URL": f"https://arxiv.org/abs/{row['arxiv_id']}",
        "number": row["arxiv_id"],
        "publisher": "arXiv",
        "genre": "preprint",
    }
    if when:
        item["issued"] = {"date-parts": [[when.year, when.month, when.day]]}
    if row.get("doi"):
        item["DOI"] = row["doi"]
    if row.get("journal_ref"):
        item["container-title"] = row["journal_ref"]
    return item
