"""Pages of a member's own things: /for-you, /library (collections, import, export, follows
and mutes), and public collections at /collections/{id}."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from paperfeed.community.accounts import Account, now_utc
from paperfeed.papers import queries
from paperfeed.personal import follows, importing, library
from paperfeed.personal.api import MAX_IMPORT_BYTES, current_day, feed_rows, run_import
from paperfeed.personal.feed import Feed
from paperfeed.personal.service import ImportResult
from paperfeed.web.auth import optional_account, required_account
from paperfeed.web.cards import card_context
from paperfeed.web.csrf import check_csrf
from paperfeed.web.deps import read_transaction

router = APIRouter(include_in_schema=False)
Csrf = Depends(check_csrf)
Me = Annotated[Account, Depends(required_account)]
WINDOW_NAMES = {"day": "Today", "week": "This week", "month": "This month"}
STARTER_CATEGORIES = ("cs.AI", "cs.CL", "cs.CV", "cs.LG", "cs.RO", "stat.ML", "cs.CR", "cs.IR")


def _login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


@router.get("/for-you")
def for_you_page(
    request: Request,
    account: Annotated[Account | None, Depends(optional_account)],
    window: Annotated[str, Query(pattern="^(day|week|month)$")] = "week",
) -> Response:
    if account is None:
        return _login(request)
    with read_transaction(request) as conn:
        feed: Feed = request.app.state.for_you.feed(conn, account.id, window, current_day(conn), 50)
        rows, _ = feed_rows(conn, feed)
        context = {
            **card_context(conn, rows, account),
            "feed": feed,
            "papers": rows,
            "reasons": {p.paper_id: p.reasons for p in feed.picks},
            "window": window,
            "windows": WINDOW_NAMES,
            "signals": follows.signals(conn, account.id),
            "starter_categories": [
                c
                for c, _ in queries.category_counts(
                    conn, feed.end.replace(day=1), feed.end, limit=12
                )
            ]
            or list(STARTER_CATEGORIES),
            "page_title": "For you",
        }
    return request.app.state.templates.TemplateResponse(request, "personal/for_you.html", context)


def _library_context(conn: Connection, account: Account) -> dict[str, Any]:
    rows = library.library_papers(conn, account.id)
    return {
        **card_context(conn, rows, account),
        "papers": rows,
        "collections": library.member_collections(conn, account.id),
        "signals": follows.signals(conn, account.id),
        "page_title": "Your library",
    }


@router.get("/library")
def library_page(
    request: Request, account: Annotated[Account | None, Depends(optional_account)]
) -> Response:
    if account is None:
        return _login(request)
    with read_transaction(request) as conn:
        context = _library_context(conn, account)
    return request.app.state.templates.TemplateResponse(request, "personal/library.html", context)


@router.post("/library/import", dependencies=[Csrf])
async def import_upload(
    request: Request,
    me: Me,
    file: Annotated[UploadFile, File()],
    collection: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    raw = await file.read(MAX_IMPORT_BYTES + 1)
    error, result = None, None
    if len(raw) > MAX_IMPORT_BYTES:
        error = f"{file.filename}: at most {MAX_IMPORT_BYTES // 1024 // 1024} MiB a file"
    else:
        error, result = await _import(request, me, raw, file.filename or "the file", collection)
    with read_transaction(request) as conn:
        context = _library_context(conn, me) | {"import_error": error, "imported": result}
    return request.app.state.templates.TemplateResponse(
        request, "personal/library.html", context, status_code=400 if error else 200
    )


async def _import(
    request: Request, me: Account, raw: bytes, name: str, collection: str
) -> tuple[str | None, ImportResult | None]:
    chosen = int(collection) if collection.isdigit() and len(collection) < 10 else None
    try:
        return None, await run_import(request, me, raw, chosen)
    except importing.ReferenceFileError as exc:
        return f"{name}: {exc}", None
    except LookupError:
        return "That collection is not one of yours.", None


@router.post("/library/collections", dependencies=[Csrf])
def new_collection(
    request: Request,
    me: Me,
    name: Annotated[str, Form(max_length=library.NAME_LENGTH * 2)],
    public: Annotated[bool, Form()] = False,
) -> Response:
    try:
        with request.app.state.engine.begin() as conn:
            library.create_collection(conn, me.id, name, now_utc(), public=public)
    except library.CollectionError as exc:
        with read_transaction(request) as conn:
            context = _library_context(conn, me) | {"collection_error": str(exc)}
        return request.app.state.templates.TemplateResponse(
            request, "personal/library.html", context, status_code=400
        )
    return RedirectResponse("/library#collections", status_code=303)


@router.post("/library/collections/{collection_id}", dependencies=[Csrf])
def change_collection(
    request: Request,
    collection_id: int,
    me: Me,
    action: Annotated[str, Form(pattern="^(public|private|delete)$")],
) -> Response:
    try:
        with request.app.state.engine.begin() as conn:
            if action == "delete":
                library.delete_collection(conn, me.id, collection_id)
            else:
                library.update_collection(conn, me.id, collection_id, public=action == "public")
    except LookupError as exc:
        raise HTTPException(404, f"collection {collection_id} is not one of yours") from exc
    return RedirectResponse("/library#collections", status_code=303)


@router.post("/library/signals", dependencies=[Csrf])
def change_signal(
    request: Request,
    me: Me,
    what: Annotated[str, Form(pattern="^(follow|mute)$")],
    kind: Annotated[str, Form(pattern="^(author|category|keyword)$")],
    value: Annotated[list[str], Form()],
    on: Annotated[bool, Form()] = True,
    next: Annotated[str, Form(max_length=200)] = "/library#signals",
) -> Response:
    setter = follows.set_follow if what == "follow" else follows.set_mute
    try:
        with request.app.state.engine.begin() as conn:
            for one in value[:50]:
                setter(conn, me.id, kind, one[:300], on, now_utc())
    except follows.SignalError as exc:
        raise HTTPException(400, str(exc)) from exc
    target = next if next.startswith("/") and not next.startswith("//") else "/library"
    return RedirectResponse(target, status_code=303)


@router.get("/collections/{collection_id}")
def collection_page(
    request: Request,
    collection_id: int,
    account: Annotated[Account | None, Depends(optional_account)],
) -> Response:
    with read_transaction(request) as conn:
        info = library.collection_info(conn, collection_id)
        mine = info is not None and account is not None and account.id == info.user_id
        if info is None or not (info.public or mine):
            raise HTTPException(404, f"no public collection {collection_id}")
        rows = library.collection_papers_of(conn, collection_id)
        context = {
            **card_context(conn, rows, account),
            "collection": info,
            "mine": mine,
            "papers": rows,
            "page_title": info.name,
        }
    return request.app.state.templates.TemplateResponse(
        request, "personal/collection.html", context
    )
