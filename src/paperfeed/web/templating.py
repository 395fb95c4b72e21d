"""The Jinja2 environment: templates shipped in the package, filters for papers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from paperfeed.pagecache.store import hole
from paperfeed.papers.render import http_url, render_tex, snippet

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def authors_short(authors: list[dict[str, Any]], limit: int = 6) -> str:
    names = [a["name"] for a in authors or []]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" et al. ({len(names)} authors)"


def human_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%a, %-d %b %Y")


def initials(name: str | None) -> str:
    """Up to two letters for an avatar: "Jane Doe" -> "JD"."""
    words = [w for w in (name or "").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def make_templates(site_name: str) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters.update(
        tex=render_tex,
        http_url=http_url,
        snippet=snippet,
        authors_short=authors_short,
        human_date=human_date,
        initials=initials,
    )
    env.globals.update(site_name=site_name, hole=hole)
    return templates
