"""/search: the search page, its JSON twin and its BibTeX; a pasted arXiv id goes straight there."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import Connection

from paperfeed.papers.schemas import paper_out
from paperfeed.papers.views import bibtex_list
from paperfeed.search.query import Query as SearchQuery
from paperfeed.search.query import parse_query
from paperfeed.search.service import SORTS, search_papers
from paperfeed.web.deps import read_conn

router = APIRouter()
Conn = Annotated[Connection, Depends(read_conn)]
Text = Annotated[str, Query(max_length=10_000)]


def build_query(q: str, cat: str, author: str, since: str, until: str) -> SearchQuery:
    """The query box's text plus the filter fields, parsed the forgiving way."""
    extra = []
    if cat.strip():
        extra.append(f"cat:{cat.strip()}")
    if author.strip():
        extra.append(f'author:"{author.strip()}"')
    if since.strip():
        extra.append(f"since:{since.strip()}")
    if until.strip():
        extra.append(f"until:{until.strip()}")
    return parse_query(" ".join([q, *extra]) if extra else q)


def _search(
    request: Request,
    conn: Connection,
    q: str,
    cat: str,
    author: str,
    since: str,
    until: str,
    sort: str,
    page: int,
) -> tuple[SearchQuery, Any]:
    query = build_query(q, cat, author, since, until)
    if sort not in SORTS:
        query.notes.append(f"Sort by {' or '.join(SORTS)}; '{sort[:20]}' is neither.")
        sort = "relevance"
    size = request.app.state.settings.page_size
    result = (
        None if query.empty else search_papers(conn, query, sort=sort, page=page, page_size=size)
    )
    return query, result


@router.get("/search", summary="Search papers; a pasted arXiv id or URL opens that paper")
def search_page(
    request: Request,
    conn: Conn,
    q: Text = "",
    cat: Text = "",
    author: Text = "",
    since: Text = "",
    until: Text = "",
    sort: Text = "relevance",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    query, result = _search(request, conn, q, cat, author, since, until, sort, page)
    if query.arxiv_id:
        return RedirectResponse(f"/papers/{query.arxiv_id}", status_code=303)
    return request.app.state.templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": q,
            "cat": cat,
            "author": author,
            "since": since,
            "until": until,
            "sort": sort,
            "query": query,
            "result": result,
            "marks": tuple(query.terms),
            "page_title": f"Search: {q}" if q else "Search",
            "today": date.today().isoformat(),
        },
    )


@router.get("/search.json", summary="Search results as JSON")
def search_json(
    request: Request,
    conn: Conn,
    q: Text = "",
    cat: Text = "",
    author: Text = "",
    since: Text = "",
    until: Text = "",
    sort: Text = "relevance",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    query, result = _search(request, conn, q, cat, author, since, until, sort, page)
    return JSONResponse(
        {
            "q": q,
            "arxiv_id": query.arxiv_id,
            "notes": query.notes,
            "total": result.total if result else 0,
            "page": page,
            "papers": [
                paper_out(p).model_dump(mode="json") for p in (result.papers if result else [])
            ],
        }
    )


@router.get("/search.bib", summary="BibTeX of a search's results")
def search_bibtex(
    request: Request,
    conn: Conn,
    q: Text = "",
    cat: Text = "",
    author: Text = "",
    since: Text = "",
    until: Text = "",
    sort: Text = "relevance",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    _query, result = _search(request, conn, q, cat, author, since, until, sort, page)
    return bibtex_list(result.papers if result else [])
