"""/search: the search page, its JSON twin and its BibTeX; a pasted arXiv id goes straight there."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Any

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import Connection

from paperfeed.papers.schemas import paper_out
from paperfeed.papers.views import bibtex_list
from paperfeed.search.query import Query as SearchQuery
from paperfeed.search.query import did_you_mean, parse_query
from paperfeed.search.service import SORTS, search_papers, spell
from paperfeed.web.cards import card_context, kept_cards, with_community
from paperfeed.web.deps import on_replica, read_conn, read_transaction

router = APIRouter()
Conn = Annotated[Connection, Depends(read_conn)]
Text = Annotated[str, Query(max_length=10_000)]


@dataclass
class SearchForm:
    """The query box and the filter fields, as every /search variant takes them."""

    q: Text = ""
    cat: Text = ""
    author: Text = ""
    since: Text = ""
    until: Text = ""
    sort: Text = "relevance"
    page: Annotated[int, Query(ge=1, le=10_000)] = 1


Form = Annotated[SearchForm, Depends()]


def shown_filters(form: SearchForm, query: SearchQuery) -> dict[str, Any]:
    """The form's fields, with the filters typed into the query box (`cat:cs.LG`,
    `author:Name`, `since:…`, `until:…`) shown in their own fields when those are empty."""
    shown = asdict(form)
    if not form.cat.strip() and query.categories:
        shown["cat"] = " ".join(query.categories)
    if not form.author.strip() and query.authors:
        shown["author"] = query.authors[0]
    if not form.since.strip() and query.since:
        shown["since"] = query.since.isoformat()
    if not form.until.strip() and query.until:
        shown["until"] = query.until.isoformat()
    return shown


def searches(request: Request) -> CapacityLimiter:
    """How many searches this process runs at once (PAPERFEED_SEARCH_THREADS): a search is
    CPU work (the query's embedding, both indexes), and more of them at once than cores only
    adds thread switches. The others wait their turn on the event loop."""
    state = request.app.state
    limiter: CapacityLimiter | None = getattr(state, "search_limiter", None)
    if limiter is None:  # made on the event loop, at the first search
        limiter = state.search_limiter = CapacityLimiter(state.settings.search_threads)
    return limiter


def build_query(form: SearchForm) -> SearchQuery:
    """The query box's text plus the filter fields, parsed the forgiving way."""
    extra = []
    if form.cat.strip():
        extra.append(f"cat:{form.cat.strip()}")
    if form.author.strip():
        extra.append(f'author:"{form.author.strip()}"')
    if form.since.strip():
        extra.append(f"since:{form.since.strip()}")
    if form.until.strip():
        extra.append(f"until:{form.until.strip()}")
    return parse_query(" ".join([form.q, *extra]) if extra else form.q)


def _search(request: Request, conn: Connection, form: SearchForm) -> tuple[SearchQuery, Any]:
    query = build_query(form)
    sort = form.sort
    if sort not in SORTS:
        query.notes.append(f"Sort by {' or '.join(SORTS)}; '{sort[:20]}' is neither.")
        sort = "relevance"
    size = request.app.state.settings.page_size
    if query.empty:
        return query, None
    query = spell(request.app.state.search, query)
    return query, search_papers(
        conn,
        query,
        indexes=request.app.state.search,
        sort=sort,
        page=form.page,
        page_size=size,
    )


@router.get("/search", summary="Search papers; a pasted arXiv id or URL opens that paper")
async def search_page(request: Request, form: Form) -> Response:
    # the whole page (search, rows, rendering) on one thread, with the searches' turn
    return await to_thread.run_sync(_search_page, request, form, limiter=searches(request))


def _search_page(request: Request, form: SearchForm) -> Response:
    generation = request.app.state.generation.read(on_replica(request))  # before the rows
    with read_transaction(request) as conn:
        query, result = _search(request, conn, form)
        if query.arxiv_id:
            return RedirectResponse(f"/papers/{query.arxiv_id}", status_code=303)
        comments: dict[int, int] = {}
        if result is not None:  # the cards show each paper's upvotes and submitter
            result.papers, comments = with_community(conn, result.papers)
        papers = result.papers if result else []
        cards = card_context(conn, papers, request.state.account, comments)
    kept = []
    if papers and request.state.account is None:  # members' cards carry their own marks
        kept = kept_cards(request, papers, cards, query.marks, generation)
    return request.app.state.templates.TemplateResponse(
        request,
        "search.html",
        {
            **shown_filters(form, query),
            "query": query,
            "result": result,
            "marks": query.marks,
            "did_you_mean": did_you_mean(form.q, query.corrections) if query.corrections else "",
            "page_title": f"Search: {form.q}" if form.q else "Search",
            "today": date.today().isoformat(),
            **cards,
            "kept_cards": kept,
        },
    )


@router.get("/search.json", summary="Search results as JSON")
def search_json(request: Request, conn: Conn, form: Form) -> Response:
    query, result = _search(request, conn, form)
    papers = result.papers if result else []
    return JSONResponse(
        {
            "q": form.q,
            "arxiv_id": query.arxiv_id,
            "notes": query.notes,
            "did_you_mean": did_you_mean(form.q, query.corrections) if query.corrections else None,
            "total": result.total if result else 0,
            "page": form.page,
            "papers": [
                {**paper_out(p).model_dump(mode="json"), "matched": p.get("matched")}
                for p in papers
            ],
        }
    )


@router.get("/search.bib", summary="BibTeX of a search's results")
def search_bibtex(request: Request, conn: Conn, form: Form) -> Response:
    _query, result = _search(request, conn, form)
    return bibtex_list(result.papers if result else [])
