"""What goes into a digest and why: the instance's trending papers and the subscriber's
topics (categories, keyword searches, followed authors), for the period's feed days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select

from paperfeed.community.models import Vote
from paperfeed.community.trending import trending
from paperfeed.db.engine import reader
from paperfeed.digests.models import Subscription
from paperfeed.digests.schedule import period_days
from paperfeed.papers.queries import LIST_COLUMNS, papers, papers_by_ids
from paperfeed.personal.feed import ForYou
from paperfeed.personal.follows import keyword_pattern, muted_reason, signals
from paperfeed.personal.pool import CandidateCache
from paperfeed.search.embedder import DEFAULT_MODEL
from paperfeed.search.query import parse_query, required_phrases

if TYPE_CHECKING:
    from paperfeed.search.keyword import KeywordIndex

PER_TOPIC = 50
FOR_YOU = 10  # papers in a member's "For you" section


@dataclass
class Item:
    paper: dict[str, Any]
    reasons: list[str] = field(default_factory=list)
    rank: float = 0.0
    for_you: bool = False  # in the member's "For you" section


@dataclass
class _Period:
    """The papers of a period's feed days, loaded once per sending run."""

    rows: dict[int, dict[str, Any]]  # newest first
    authors: dict[int, str]  # lower-case names, for "By ..."
    votes: dict[int, int]


@dataclass
class Composer:
    """Composes many digests in one run: each period's papers, each category, author or
    keyword list and the trending list are computed once and shared by every digest."""

    engine: Engine
    now: datetime
    keyword: KeywordIndex | None = None
    model: str = DEFAULT_MODEL
    _periods: dict[tuple[date, date], _Period] = field(default_factory=dict)
    _lists: dict[tuple[str, ...], list[int]] = field(default_factory=dict)
    _latest: dict[date, date] = field(default_factory=dict)
    _trend: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _for_you: ForYou | None = None

    def items(self, sub: Subscription, period: str) -> list[Item]:
        start, end = self._days(period)
        days = self._period(start, end)
        chosen: dict[int, Item] = {}

        def add(ids: list[int], reason: str, weight: float) -> None:
            for i, pid in enumerate(ids):
                item = chosen.get(pid)
                if item is None:
                    item = chosen[pid] = Item(days.rows[pid])
                if reason not in item.reasons:
                    item.reasons.append(reason)
                item.rank += weight / (i + 1)

        if sub.trending:
            trend = self._trending(period)
            for row in trend:
                if row["id"] not in days.rows:
                    days.rows[row["id"]] = _shown(row)
            add([r["id"] for r in trend], "Trending on this site", 2.0)
        for cat in sub.categories.split():
            add(self._category(days, start, end, cat), f"In {cat}", 1)
        for line in _lines(sub.keywords):
            add(self._keyword(days, start, end, line), f"Matches “{line}”", 1.5)
        for name in _lines(sub.authors):
            add(self._author(days, start, end, name), f"By {name}", 3)
        ranked = sorted(chosen.values(), key=lambda it: (-it.rank, it.paper["arxiv_id"]))
        if sub.user_id is None:
            return ranked[: sub.max_papers]
        return self._personal(sub.user_id, period, end, days, ranked)[: sub.max_papers]

    def _personal(
        self, user_id: int, period: str, end: date, days: _Period, ranked: list[Item]
    ) -> list[Item]:
        """A member's digest: their "For you" section first, then their topics, and none of
        their mutes or "not interested" papers anywhere."""
        window = "week" if period.startswith("weekly:") else "day"
        if self._for_you is None:
            self._for_you = ForYou(CandidateCache(self.engine, self.model))
        with reader(self.engine).connect() as conn:
            found = signals(conn, user_id)
            feed = self._for_you.feed(conn, user_id, window, end, FOR_YOU)
            rows = {
                r["id"]: _shown(r) for r in papers_by_ids(conn, [p.paper_id for p in feed.picks])
            }
        keywords = keyword_pattern(found.mute_keywords)
        personal = (
            []
            if feed.cold
            else [
                Item(
                    days.rows.get(p.paper_id) or rows[p.paper_id],
                    [f"For you: {p.reasons[0]}"],
                    p.score,
                    for_you=True,
                )
                for p in feed.picks
                if p.paper_id in rows
            ]
        )
        shown = {it.paper["id"] for it in personal}
        rest = [it for it in ranked if it.paper["id"] not in shown]
        return [it for it in personal + rest if muted_reason(it.paper, found, keywords) is None]

    def _days(self, period: str) -> tuple[date, date]:
        start, end = period_days(period)
        if period.startswith("daily:"):  # the latest list published by that day
            if end not in self._latest:
                with reader(self.engine).connect() as conn:
                    latest = conn.execute(
                        select(func.max(papers.c.feed_date)).where(papers.c.feed_date <= end)
                    ).scalar()
                self._latest[end] = latest or end
            start = end = self._latest[end]
        return start, end

    def _period(self, start: date, end: date) -> _Period:
        key = (start, end)
        if key not in self._periods:
            with reader(self.engine).connect() as conn:
                rows = conn.execute(
                    select(*LIST_COLUMNS)
                    .where(papers.c.feed_date >= start, papers.c.feed_date <= end)
                    .order_by(papers.c.feed_date.desc(), papers.c.id.desc())
                ).mappings()
                by_id = {r["id"]: dict(r) for r in rows}
                votes = dict(
                    conn.execute(
                        select(Vote.paper_id, func.count())
                        .join(papers, papers.c.id == Vote.paper_id)
                        .where(papers.c.feed_date >= start, papers.c.feed_date <= end)
                        .group_by(Vote.paper_id)
                    ).all()
                )
            for pid, r in by_id.items():
                r["upvotes"] = votes.get(pid, 0)
                _shown(r)
            authors = {
                pid: " | ".join(a.get("name", "") for a in r["authors"] or []).lower()
                for pid, r in by_id.items()
            }
            self._periods[key] = _Period(by_id, authors, votes)
        return self._periods[key]

    def _trending(self, period: str) -> list[dict[str, Any]]:
        window = "week" if period.startswith("weekly:") else "day"
        if window not in self._trend:
            with reader(self.engine).connect() as conn:
                scored = trending(conn, window, self.now)
                self._trend[window] = [s.paper for s in scored]
        return self._trend[window]

    def _category(self, days: _Period, start: date, end: date, cat: str) -> list[int]:
        key = ("cat", cat, start.isoformat(), end.isoformat())
        if key not in self._lists:
            self._lists[key] = [
                pid for pid, r in days.rows.items() if cat in r["categories"].split()
            ][:PER_TOPIC]
        return self._lists[key]

    def _author(self, days: _Period, start: date, end: date, name: str) -> list[int]:
        key = ("author", name.lower(), start.isoformat(), end.isoformat())
        if key not in self._lists:
            wanted = " ".join(name.lower().split())
            self._lists[key] = [pid for pid, names in days.authors.items() if wanted in names][
                :PER_TOPIC
            ]
        return self._lists[key]

    def _keyword(self, days: _Period, start: date, end: date, line: str) -> list[int]:
        key = ("keyword", line.lower(), start.isoformat(), end.isoformat())
        if key not in self._lists:
            query = required_phrases(parse_query(line))
            query.since, query.until = start, end
            if self.keyword is not None and (query.terms or query.authors):
                ids = self.keyword.search(query, limit=PER_TOPIC).ids
            else:  # no keyword index here: every word must appear in the title or abstract
                words = [w.lower() for w in query.terms]
                ids = [
                    pid
                    for pid, r in days.rows.items()
                    if all(w in f"{r['title']} {r['abstract']}".lower() for w in words)
                ]
            self._lists[key] = [pid for pid in ids if pid in days.rows][:PER_TOPIC]
        return self._lists[key]


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """Add what every digest shows of a paper (made once per run, not once per digest)."""
    names = ", ".join(a.get("name", "") for a in row["authors"] or [])
    row["authors_line"] = _cut(names, 200)
    row["abstract_short"] = _cut(row["abstract"] or "", 300)
    return row


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.replace(",", "\n").splitlines() if x.strip()][:20]


def period_label(period: str) -> str:
    start, end = period_days(period)
    if period.startswith("weekly:"):
        return f"{start:%-d %b} – {end:%-d %b %Y}"
    return f"{end:%A %-d %B %Y}"
