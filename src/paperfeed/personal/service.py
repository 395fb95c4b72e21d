"""Importing a reference file into a member's library (and, optionally, a collection)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from paperfeed.community.submissions import UpstreamFailure, fetch_many
from paperfeed.config import Settings
from paperfeed.papers.queries import papers
from paperfeed.personal import importing, library


@dataclass
class ImportResult:
    format: str
    entries: int
    matched: list[dict[str, str]] = field(default_factory=list)  # key, arxivId, by
    fetched: list[dict[str, str]] = field(default_factory=list)  # key, arxivId
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # key, reason
    added: int = 0  # papers new to the library
    collection: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "entries": self.entries,
            "matched": self.matched,
            "fetched": self.fetched,
            "unmatched": self.unmatched,
            "added": self.added,
            "collection": self.collection,
        }


def import_references(
    engine: Engine,
    settings: Settings,
    user_id: int,
    text: str,
    now: datetime,
    *,
    collection_id: int | None = None,
    find_title: importing.TitleFinder | None = None,
) -> ImportResult:
    """Match every entry, fetch unknown arXiv ids from arXiv, then save the papers in one
    transaction. ReferenceFileError when the file cannot be read at all; LookupError when
    the collection is not the member's."""
    fmt, refs = importing.parse(text)
    if collection_id is not None:
        with engine.connect() as conn:
            library.own_collection(conn, user_id, collection_id)
    with engine.connect() as conn:
        matching = importing.match(conn, refs, find_title)
    fetched = _fetch(engine, settings, matching)
    result = ImportResult(
        fmt, len(refs), unmatched=list(matching.unmatched), collection=collection_id
    )
    keyed: dict[str, int] = dict(matching.matched)
    with engine.begin() as conn:
        arxiv_of = (
            dict(
                conn.execute(
                    select(papers.c.id, papers.c.arxiv_id).where(
                        papers.c.id.in_(list(keyed.values()))
                    )
                ).all()
            )
            if keyed
            else {}
        )
        for key, pid in matching.matched.items():
            result.matched.append(
                {"key": key, "arxivId": arxiv_of.get(pid, ""), "by": matching.how[key]}
            )
        for key, arxiv_id in matching.to_fetch.items():
            got = fetched.get(arxiv_id)
            if isinstance(got, int):
                keyed[key] = got
                result.fetched.append({"key": key, "arxivId": arxiv_id})
            else:
                result.unmatched.append({"key": key, "reason": str(got)})
        ids = list(dict.fromkeys(keyed.values()))
        result.added = library.save(conn, user_id, ids, now, "imported")
        if collection_id is not None:
            for pid in ids:
                library.add_to_collection(conn, user_id, collection_id, pid, now)
    return result


def _fetch(engine: Engine, settings: Settings, matching: importing.Matching) -> dict[str, object]:
    """arXiv id -> paper id once fetched, or why it could not be."""
    wanted = sorted(set(matching.to_fetch.values()))
    if not wanted:
        return {}
    try:
        fetch_many(engine, settings, wanted)
        problem = "arXiv has no paper with this id"
    except UpstreamFailure as exc:
        problem = f"not fetched: {exc}"
    with engine.connect() as conn:
        found = dict(
            conn.execute(
                select(papers.c.arxiv_id, papers.c.id).where(papers.c.arxiv_id.in_(wanted))
            ).all()
        )
    return {a: found.get(a, f"arXiv:{a}: {problem}") for a in wanted}
