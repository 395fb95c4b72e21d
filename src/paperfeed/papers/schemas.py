"""JSON shapes of paper pages and lists (the JSON twins of the HTML pages)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from paperfeed.papers.bibtex import bibtex_entry
from paperfeed.papers.render import code_links


class AuthorOut(BaseModel):
    name: str
    affiliations: list[str] = []


class VersionOut(BaseModel):
    version: int
    created: datetime | None


class LinkOut(BaseModel):
    url: str
    kind: str
    label: str


class PaperOut(BaseModel):
    arxiv_id: str
    version: int
    title: str
    abstract: str
    authors: list[AuthorOut]
    categories: list[str]
    primary_category: str | None
    comments: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    published_at: datetime | None
    updated_at: datetime | None
    feed_date: date
    versions: list[VersionOut] = []
    url: str
    abs_url: str
    pdf_url: str
    code_links: list[LinkOut] = []
    upvotes: int = 0
    submitted_by: str | None = None
    bibtex: str | None = None


class PaperListOut(BaseModel):
    kind: str
    start: date | None
    end: date | None
    label: str
    category: str | None
    total: int
    page: int
    pages: int
    prev_url: str | None
    next_url: str | None
    papers: list[PaperOut]


def paper_out(row: dict[str, Any], *, full: bool = False) -> PaperOut:
    aid = row["arxiv_id"]
    return PaperOut(
        arxiv_id=aid,
        version=row["version"],
        title=row["title"],
        abstract=row["abstract"],
        authors=[AuthorOut(**a) for a in row["authors"]],
        categories=row["categories"].split(),
        primary_category=row["primary_category"],
        comments=row.get("comments"),
        journal_ref=row.get("journal_ref"),
        doi=row.get("doi"),
        published_at=row["published_at"],
        updated_at=row["updated_at"],
        feed_date=row["feed_date"],
        versions=[VersionOut(**v) for v in row.get("versions") or []] if full else [],
        url=f"/papers/{aid}",
        abs_url=f"https://arxiv.org/abs/{aid}",
        pdf_url=f"https://arxiv.org/pdf/{aid}",
        code_links=[LinkOut(**x) for x in code_links(row["abstract"], row.get("comments"))],
        upvotes=row.get("upvotes") or 0,
        submitted_by=row.get("submitted_by"),
        bibtex=bibtex_entry(row) if full else None,
    )
