"""GitHub stars of papers' code repositories, and their velocity (stars gained per day)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import cast

import httpx
from sqlalchemy import Connection, Engine, Table, func, insert, select

from paperfeed.community.models import RepoStars
from paperfeed.config import Settings
from paperfeed.papers.render import code_links

repo_stars = cast(Table, RepoStars.__table__)
_REPO = re.compile(r"github\.com/([\w.-]+)/([\w.-]+)", re.IGNORECASE)
VELOCITY_DAYS = 7


class GitHubError(RuntimeError):
    pass


def github_repo(abstract: str | None, comments: str | None) -> str | None:
    """owner/name of the first GitHub repository the paper mentions."""
    return repo_in(code_links(abstract, comments))


def repo_in(links: Iterable[dict[str, str]]) -> str | None:
    """owner/name of the first GitHub repository among code_links' links."""
    for link in links:
        match = _REPO.search(link["url"])
        if match:
            return f"{match[1]}/{match[2].removesuffix('.git')}".lower()
    return None


class GitHubClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 20) -> None:
        headers = {"Accept": "application/vnd.github+json", "User-Agent": "paperfeed"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def stars(self, repo: str) -> int | None:
        """stargazers_count, or None when the repository does not exist."""
        try:
            response = self._http.get(f"/repos/{repo}")
        except httpx.TransportError as exc:
            raise GitHubError(f"GitHub cannot be reached: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code in (403, 429):
            raise GitHubError(f"GitHub rate limit reached ({response.status_code})")
        response.raise_for_status()
        return int(response.json()["stargazers_count"])


def record_stars(conn: Connection, repo: str, stars: int, now: datetime) -> None:
    conn.execute(insert(repo_stars).values(repo=repo, stars=stars, checked_at=now))


def star_velocity(
    conn: Connection, repos: Iterable[str], now: datetime, first_seen: dict[str, datetime]
) -> dict[str, tuple[int, float]]:
    """repo -> (latest stars, stars gained per day).

    Over the last VELOCITY_DAYS between the oldest and newest check; with one check only,
    the stars divided by the days since the paper joined the feed."""
    wanted = list(set(repos))
    if not wanted:
        return {}
    since = now - timedelta(days=VELOCITY_DAYS)
    rows = conn.execute(
        select(repo_stars.c.repo, repo_stars.c.stars, repo_stars.c.checked_at)
        .where(repo_stars.c.repo.in_(wanted), repo_stars.c.checked_at >= since)
        .order_by(repo_stars.c.checked_at)
    ).all()
    history: dict[str, list[tuple[int, datetime]]] = {}
    for r in rows:
        history.setdefault(r.repo, []).append((r.stars, r.checked_at))
    out = {}
    for repo, points in history.items():
        (s0, t0), (s1, t1) = points[0], points[-1]
        days = (t1 - t0).total_seconds() / 86400
        if days >= 0.5:
            out[repo] = (s1, max(0.0, (s1 - s0) / days))
        else:
            age = max(1.0, (now - first_seen.get(repo, now)).total_seconds() / 86400)
            out[repo] = (s1, s1 / age)
    return out


def refresh_stars(engine: Engine, settings: Settings, *, days: int) -> int:
    """Check the stars of every repository mentioned by papers of the last `days` days."""
    from datetime import UTC

    from paperfeed.papers.queries import papers

    now = datetime.now(UTC)
    since = (now - timedelta(days=days)).date()
    with engine.connect() as conn:
        rows = conn.execute(
            select(papers.c.abstract, papers.c.comments).where(papers.c.feed_date >= since)
        ).all()
    repos = sorted({r for row in rows if (r := github_repo(row.abstract, row.comments))})
    client = GitHubClient(settings.github_api_url, settings.github_token)
    try:
        for repo in repos:
            stars = client.stars(repo)
            if stars is not None:
                with engine.begin() as conn:
                    record_stars(conn, repo, stars, datetime.now(UTC))
    finally:
        client.close()
    return len(repos)


def latest_stars(conn: Connection, repos: list[str]) -> dict[str, int]:
    """The last recorded star count of each of these repositories (those never checked:
    absent)."""
    if not repos:
        return {}
    newest = (
        select(repo_stars.c.repo, func.max(repo_stars.c.checked_at).label("at"))
        .where(repo_stars.c.repo.in_(sorted(set(repos))))
        .group_by(repo_stars.c.repo)
        .subquery()
    )
    rows = conn.execute(
        select(repo_stars.c.repo, repo_stars.c.stars).join(
            newest,
            (newest.c.repo == repo_stars.c.repo) & (newest.c.at == repo_stars.c.checked_at),
        )
    )
    return {repo: stars for repo, stars in rows}
