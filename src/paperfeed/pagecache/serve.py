"""Serving a cacheable page: look up (or render once) the page of this generation, then
fill the visitor's holes. Views hand in a key and a render function; see papers/views.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from paperfeed.pagecache.members import Marks, MarksCache, load_marks
from paperfeed.pagecache.store import CSRF, Page
from paperfeed.web.deps import on_replica, read_transaction

TOGGLES = {"vote": "papers/_vote.html", "save": "papers/_save.html"}


@dataclass
class Rendered:
    """What a view's render function returns: the template and its context, the papers
    shown (their vote and save buttons become toggles), data the holes need later."""

    template: str
    context: dict[str, Any]
    papers: list[dict[str, Any]] = field(default_factory=list)
    keep: dict[str, Any] = field(default_factory=dict)


Render = Callable[[Connection], Rendered]
# the visitor's own text for a hole: (request, kept data) -> HTML
Filler = Callable[[Request, dict[str, Any]], str]


class _Member:
    """Stands for 'a signed-in member' while a page is rendered for all members alike."""

    id = None
    display_name = ""
    verified = False
    is_moderator = False


async def cached_page(
    request: Request, key: Hashable, render: Render, fillers: dict[str, Filler] | None = None
) -> Response:
    """The page for `key` as this visitor sees it; rendered at most once per generation and
    kind of visitor (anonymous or member) in this process."""
    app = request.app
    account = request.state.account
    generation = app.state.generation.read(on_replica(request))
    full_key = (key, account is not None)
    page: Page | None = None
    if generation is not None:
        page = app.state.pages.get(full_key, generation)
    if page is None:
        page = await _render_once(request, (full_key, generation), render)
        if generation is not None:
            page.generation = generation
            app.state.pages.put(full_key, page)
    on: dict[str, frozenset[str]] = {}
    text: dict[str, str] = {}
    if account is not None:
        on = await _member_marks(request)
        text = _member_text(request, page, fillers or {})
    html = page.fill(request.state.csrf, on, text)
    return HTMLResponse(html)


async def _render_once(request: Request, key: Hashable, render: Render) -> Page:
    """Render a missing page once, however many requests ask for it meanwhile (20 readers
    arriving as a page expires wait for one rendering instead of making 20)."""
    waiting: dict[Hashable, asyncio.Future[Page]] = request.app.state.pages.rendering
    pending = waiting.get(key)
    if pending is not None:
        return await asyncio.shield(pending)
    pending = asyncio.get_running_loop().create_future()
    waiting[key] = pending
    try:
        page = await run_in_threadpool(_render_page, request, render)
    except BaseException as exc:
        pending.set_exception(exc)
        pending.exception()  # retrieved: no "never retrieved" warning when nobody waited
        raise
    finally:
        del waiting[key]
    pending.set_result(page)
    return page


def _shell(request: Request) -> SimpleNamespace:
    """The request as a cacheable template sees it: the CSRF mark, 'a member' or nobody."""
    member = _Member() if request.state.account is not None else None
    return SimpleNamespace(
        url=request.url,
        query_params=request.query_params,
        state=SimpleNamespace(csrf=CSRF, account=member),
    )


def _render_page(request: Request, render: Render) -> Page:
    env = request.app.state.templates.env
    shell = _shell(request)
    with read_transaction(request) as conn:
        rendered = render(conn)
    html = env.get_template(rendered.template).render(
        {**rendered.context, "request": shell, "holes": True}
    )
    variants: dict[tuple[str, str], tuple[str, str]] = {}
    for p in rendered.papers:
        for kind, template in TOGGLES.items():
            partial = env.get_template(template)
            off, on = (
                partial.render(request=shell, p=p, voted=chosen, saved=chosen)
                for chosen in (set(), {p["id"]})
            )
            variants[(kind, str(p["id"]))] = (off, on)
    page = Page.split(html, variants=variants, papers=[p["id"] for p in rendered.papers])
    page.kept = rendered.keep
    return page


async def _member_marks(request: Request) -> dict[str, frozenset[str]]:
    """The member's votes and saves: kept per member until their next vote or save."""
    account = request.state.account
    kept: MarksCache = request.app.state.marks
    marks = kept.get(account)
    if marks is None:
        marks = await run_in_threadpool(_load_marks, request)
        kept.put(account.id, marks)
    return {"vote": marks.voted, "save": marks.saved}


def _load_marks(request: Request) -> Marks:
    # from the primary, where the session (and so the marks' version) was read
    with request.app.state.reads.begin(False) as conn:
        return load_marks(conn, request.state.account)


def _member_text(request: Request, page: Page, fillers: dict[str, Filler]) -> dict[str, str]:
    env = request.app.state.templates.env
    text = {"nav": env.get_template("_user_nav.html").render(request=request)}
    for kind, filler in fillers.items():
        text[kind] = filler(request, page.kept)
    return text
