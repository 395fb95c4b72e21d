"""What a paper card shows besides the paper: comment count, GitHub repository and stars,
and the viewer's votes and saves — the same on every page that lists papers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fastapi import Request
from markupsafe import Markup
from sqlalchemy import Connection

from paperfeed.community.accounts import Account
from paperfeed.community.comments import comment_counts
from paperfeed.community.github import github_repo, latest_stars
from paperfeed.community.submissions import submissions_of
from paperfeed.community.votes import vote_counts, voted_papers
from paperfeed.pagecache.store import CSRF, hole
from paperfeed.personal.library import saved_ids


def card_context(
    conn: Connection,
    rows: list[dict[str, Any]],
    account: Account | None,
    comments: dict[int, int] | None = None,
) -> dict[str, Any]:
    """`comments`: the rows' comment counts when the caller has them (with_community)."""
    ids = [r["id"] for r in rows]
    repos = {r["id"]: github_repo(r.get("abstract"), r.get("comments")) for r in rows}
    who = account.id if account else None
    return {
        "comment_counts": comment_counts(conn, ids) if comments is None else comments,
        "repos": repos,
        "stars": latest_stars(conn, [r for r in repos.values() if r]),
        "voted": voted_papers(conn, who, ids),
        "saved": saved_ids(conn, who, ids),
    }


def with_community(
    conn: Connection, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The rows with their upvotes and submitter (as the day's list and /api/papers/{id}
    have them), and their comment counts: three queries for the whole list."""
    ids = [r["id"] for r in rows]
    votes, subs = vote_counts(conn, ids), submissions_of(conn, ids)
    out = []
    for r in rows:
        sub = subs.get(r["id"], {})
        out.append(
            {
                **r,
                "upvotes": votes.get(r["id"], 0),
                "submitted_by": sub.get("display_name"),
                "submitted_at": sub.get("submitted_at"),
            }
        )
    return out, comment_counts(conn, ids)


TITLE, SNIPPET = str(hole("title")), str(hole("snippet"))


def kept_cards(
    request: Request,
    papers: list[dict[str, Any]],
    context: dict[str, Any],
    marks: Any,
    generation: int | None,
) -> list[Markup]:
    """The search page's cards for a visitor who is not signed in: each card's parts that
    no query changes kept per paper and generation (app.state.cards), its title and
    snippet, highlighted for this query, put in per request."""
    kept = request.app.state.cards
    keys = [(p["id"], p.get("matched")) for p in papers]
    found = kept.get_many(keys, generation)
    missing = [(key, p) for key, p in zip(keys, papers, strict=True) if key not in found]
    if missing:
        env = request.app.state.templates.env
        card = env.get_template("papers/_card.html")
        shell = SimpleNamespace(  # kept for every visitor: no one's own CSRF token in it
            url=request.url,
            query_params=request.query_params,
            state=SimpleNamespace(csrf=CSRF, account=None),
        )
        built = {
            key: card.render(request=shell, p=p, card_holes=True, **context) for key, p in missing
        }
        kept.put_many(built, generation)
        found.update(built)
    tex, snippet = env_filters(request)
    return [
        Markup(
            found[key]
            .replace(TITLE, str(tex(p["title"], marks)))
            .replace(SNIPPET, str(tex(snippet(p["abstract"], 280, marks), marks)))
            .replace(CSRF, request.state.csrf)
        )
        for key, p in zip(keys, papers, strict=True)
    ]


def env_filters(request: Request) -> tuple[Any, Any]:
    filters = request.app.state.templates.env.filters
    return filters["tex"], filters["snippet"]
