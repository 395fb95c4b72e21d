"""The common record every source produces, and the reject that names what was wrong and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(slots=True)
class Author:
    name: str
    affiliations: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Version:
    number: int
    created: datetime | None


@dataclass(slots=True)
class PaperRecord:
    """One paper as a source saw it, already normalised (Unicode text, UTC dates)."""

    arxiv_id: str
    version: int
    title: str
    abstract: str
    authors: list[Author]
    categories: list[str]
    feed_date: date
    source: str
    comments: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    report_no: str | None = None
    license: str | None = None
    submitter: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    versions: list[Version] = field(default_factory=list)
    metadata_date: date | None = None
    stray_categories: list[str] = field(default_factory=list)  # skipped; worth a note


@dataclass(slots=True)
class Reject:
    """A record left out: where it was (file:line, OAI identifier, URL), which field, why."""

    where: str
    reason: str
    field: str | None = None
    record_id: str | None = None

    def describe(self) -> str:
        parts = [self.where]
        if self.record_id:
            parts.append(f"id {self.record_id}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join([", ".join(parts), self.reason])


class RecordError(ValueError):
    """Raised by a parser for one record; carries the field at fault."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
