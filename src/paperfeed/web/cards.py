"""What a paper card shows besides the paper: comment count, GitHub repository and stars,
and the viewer's votes and saves — the same on every page that lists papers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from paperfeed.community.accounts import Account
from paperfeed.community.comments import comment_counts
from paperfeed.community.github import github_repo, latest_stars
from paperfeed.community.votes import voted_papers
from paperfeed.personal.library import saved_ids


def card_context(
    conn: Connection, rows: list[dict[str, Any]], account: Account | None
) -> dict[str, Any]:
    ids = [r["id"] for r in rows]
    repos = {r["id"]: github_repo(r.get("abstract"), r.get("comments")) for r in rows}
    who = account.id if account else None
    return {
        "comment_counts": comment_counts(conn, ids),
        "repos": repos,
        "stars": latest_stars(conn, [r for r in repos.values() if r]),
        "voted": voted_papers(conn, who, ids),
        "saved": saved_ids(conn, who, ids),
    }
