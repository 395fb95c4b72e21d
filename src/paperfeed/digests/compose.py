"""What goes into a digest and why: the instance's trending papers and the subscriber's
topics (categories, keyword searches, followed authors), for the period's feed days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from paperfeed.community.trending import trending
from paperfeed.community.votes import vote_counts
from paperfeed.digests.models import Subscription
from paperfeed.digests.schedule import period_days
from paperfeed.papers.queries import LIST_COLUMNS, papers
from paperfeed.search.query import Query, parse_query
from paperfeed.search.service import constraints

if TYPE_CHECKING:
    from paperfeed.search.keyword import KeywordIndex

PER_TOPIC = 50


@dataclass
class Item:
    paper: dict[str, Any]
    reasons: list[str] = field(default_factory=list)
    rank: float = 0.0


@dataclass
class Composer:
    """Composes many digests in one batch; shared lists are computed once per batch."""

    conn: Connection
    now: datetime
    keyword: KeywordIndex | None = None
    _cache: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)

    def items(self, sub: Subscription, period: str) -> list[Item]:
        start, end = self._days(period)
        chosen: dict[int, Item] = {}

        def add(rows: list[dict[str, Any]], reason: str, weight: float) -> None:
            for i, row in enumerate(rows):
                item = chosen.setdefault(row["id"], Item(row))
                if reason not in item.reasons:
                    item.reasons.append(reason)
                item.rank += weight / (i + 1)

        if sub.trending:
            add(self._trending(period), "Trending on this site", 2.0)
        for cat in sub.categories.split():
            add(self._filtered(Query(categories=[cat], since=start, until=end)), f"In {cat}", 1)
        for line in _lines(sub.keywords):
            add(self._keyword(line, start, end), f"Matches “{line}”", 1.5)
        for name in _lines(sub.authors):
            add(self._filtered(Query(authors=[name], since=start, until=end)), f"By {name}", 3)
        ranked = sorted(chosen.values(), key=lambda it: (-it.rank, it.paper["arxiv_id"]))
        top = ranked[: sub.max_papers]
        counts = vote_counts(self.conn, [it.paper["id"] for it in top])
        for it in top:
            it.paper["upvotes"] = counts.get(it.paper["id"], 0)
        return top

    def _days(self, period: str) -> tuple[date, date]:
        start, end = period_days(period)
        if period.startswith("daily:"):  # the latest list published by that day
            key = ("latest", end.isoformat())
            if key not in self._cache:
                latest = self.conn.execute(
                    select(func.max(papers.c.feed_date)).where(papers.c.feed_date <= end)
                ).scalar()
                self._cache[key] = [{"day": latest or end}]
            start = end = self._cache[key][0]["day"]
        return start, end

    def _trending(self, period: str) -> list[dict[str, Any]]:
        window = "week" if period.startswith("weekly:") else "day"
        key = ("trending", window)
        if key not in self._cache:
            self._cache[key] = [s.paper for s in trending(self.conn, window, self.now)]
        return self._cache[key]

    def _filtered(self, query: Query) -> list[dict[str, Any]]:
        key = ("filter", repr(query))
        if key not in self._cache:
            rows = self.conn.execute(
                select(*LIST_COLUMNS)
                .where(*constraints(query))
                .order_by(papers.c.feed_date.desc(), papers.c.id.desc())
                .limit(PER_TOPIC)
            ).mappings()
            self._cache[key] = [dict(r) for r in rows]
        return self._cache[key]

    def _keyword(self, line: str, start: date, end: date) -> list[dict[str, Any]]:
        key = ("keyword", line.lower(), start.isoformat(), end.isoformat())
        if key not in self._cache:
            query = parse_query(line)
            query.since, query.until = start, end
            if self.keyword is not None and (query.terms or query.authors):
                ids = self.keyword.search(query, limit=PER_TOPIC).ids
                from paperfeed.search.service import rows_by_id

                self._cache[key] = rows_by_id(self.conn, ids)
            else:  # no keyword index in this process: every word must appear
                words = Query(phrases=query.terms, since=start, until=end)
                self._cache[key] = self._filtered(words)
        return self._cache[key]


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.replace(",", "\n").splitlines() if x.strip()][:20]


def period_label(period: str) -> str:
    start, end = period_days(period)
    if period.startswith("weekly:"):
        return f"{start:%-d %b} – {end:%-d %b %Y}"
    return f"{end:%A %-d %B %Y}"
