"""/api for a member's own things: library, collections, follows, mutes, the for-you feed.

Authenticated by a personal API token, or by the site's session with its CSRF token in
`X-CSRF-Token` (the buttons on the pages use these same routes)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from paperfeed.api.schemas import hf_daily
from paperfeed.api.views import ErrorOut, paper_row
from paperfeed.community.accounts import Account, now_utc
from paperfeed.papers import queries
from paperfeed.papers.ids import CATEGORY_PATTERN
from paperfeed.personal import follows, formats, importing, library
from paperfeed.personal.feed import Feed
from paperfeed.personal.service import ImportResult, import_references
from paperfeed.search.query import parse_query
from paperfeed.web.auth import api_member
from paperfeed.web.cards import with_community
from paperfeed.web.deps import read_transaction
from paperfeed.web.ratelimit import client_ip

router = APIRouter(
    prefix="/api",
    tags=["For you (your account)"],
    responses={
        400: {"model": ErrorOut},
        401: {"model": ErrorOut},
        403: {"model": ErrorOut},
        404: {"model": ErrorOut},
        429: {"model": ErrorOut, "description": "Too many writes: try again later"},
    },
)
Member = Annotated[Account, Depends(api_member)]
PaperId = Annotated[str, Path(description="arXiv id, e.g. 2401.01234", max_length=100)]
CollectionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_IMPORT_BYTES = 4 * 1024 * 1024


class Saved(BaseModel):
    id: str
    saved: bool


class OnOff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: bool = True


class CollectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=library.NAME_LENGTH)
    public: bool = False
    description: str = Field(default="", max_length=2000)


class CollectionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=library.NAME_LENGTH)
    public: bool | None = None
    description: str | None = Field(default=None, max_length=2000)


def _json(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


def _write(request: Request, me: Account) -> AbstractContextManager[Connection]:
    """The write transaction of a request, once the member's write rate allows it."""
    request.app.state.rate_limits.hit("write", f"ip:{client_ip(request)}", f"user:{me.id}")
    transaction: AbstractContextManager[Connection] = request.app.state.engine.begin()
    return transaction


@router.put("/library/{paper_id:path}", response_model=Saved, summary="Save a paper")
def save_paper(request: Request, paper_id: PaperId, me: Member) -> Saved:
    with _write(request, me) as conn:
        row = paper_row(conn, paper_id)
        library.save(conn, me.id, [row["id"]], now_utc(), "saved")
    return Saved(id=row["arxiv_id"], saved=True)


@router.delete("/library/{paper_id:path}", response_model=Saved, summary="Unsave a paper")
def unsave_paper(request: Request, paper_id: PaperId, me: Member) -> Saved:
    with _write(request, me) as conn:
        row = paper_row(conn, paper_id)
        library.unsave(conn, me.id, row["id"])
    return Saved(id=row["arxiv_id"], saved=False)


def _export(rows: list[dict[str, Any]], fmt: str, name: str) -> Response:
    body = formats.export(rows, fmt)
    ext = "json" if fmt == "csl.json" else fmt
    return Response(
        body,
        media_type=formats.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{ext}"'},
    )


@router.get("/library", summary="Your library (newest saves first)")
def get_library(request: Request, me: Member) -> Response:
    with read_transaction(request) as conn:
        rows = library.library_papers(conn, me.id)
    return _json(
        [
            {
                "id": r["arxiv_id"],
                "title": r["title"],
                "savedAt": r["saved_at"].isoformat(),
                "source": r["source"],
            }
            for r in rows
        ]
    )


@router.get(
    "/library.{fmt}",
    summary="Export your library as BibTeX (.bib), RIS (.ris) or CSL-JSON (.csl.json)",
    response_class=Response,
)
def export_library(
    request: Request, me: Member, fmt: Annotated[str, Path(pattern=r"^(bib|ris|csl\.json)$")]
) -> Response:
    with read_transaction(request) as conn:
        rows = library.library_papers(conn, me.id)
    return _export(rows, fmt, "library")


@router.post(
    "/library/import",
    summary="Import a BibTeX, RIS or CSL-JSON file (the request body) into your library",
    responses={413: {"model": ErrorOut, "description": "The file is over 4 MiB"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string"}}
                for t in (
                    "application/x-bibtex",
                    "application/x-research-info-systems",
                    "application/vnd.citationstyles.csl+json",
                    "text/plain",
                )
            },
        }
    },
)
async def import_library(
    request: Request,
    me: Member,
    collection: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Also add to this collection")
    ] = None,
) -> Response:
    raw = await request.body()
    return await _run_import(request, me, raw, collection)


async def _run_import(
    request: Request, me: Account, raw: bytes, collection: int | None
) -> Response:
    if len(raw) > MAX_IMPORT_BYTES:
        raise HTTPException(413, f"at most {MAX_IMPORT_BYTES // 1024 // 1024} MiB a file")
    try:
        result = await run_import(request, me, raw, collection)
    except importing.ReferenceFileError as exc:
        raise HTTPException(400, str(exc)) from exc
    except LookupError as exc:
        raise HTTPException(404, f"collection {collection} is not one of yours") from exc
    return _json(result.as_json())


async def run_import(
    request: Request, me: Account, raw: bytes, collection: int | None
) -> ImportResult:
    """Import a file's bytes into the member's library (the API's body, the page's upload):
    ReferenceFileError says what is wrong with the file, LookupError that the collection is
    not the member's."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise importing.ReferenceFileError(f"the file is not UTF-8 (byte {exc.start})") from exc
    if not text.strip():
        raise importing.ReferenceFileError("the file is empty: send a BibTeX, RIS or CSL-JSON file")
    request.app.state.rate_limits.hit("write", f"ip:{client_ip(request)}", f"user:{me.id}")
    result: ImportResult = await run_in_threadpool(
        import_references,
        request.app.state.engine,
        request.app.state.settings,
        me.id,
        text,
        now_utc(),
        collection_id=collection,
        find_title=title_finder(request),
    )
    return result


def title_finder(request: Request) -> importing.TitleFinder:
    keyword = request.app.state.search.keyword

    def find(title: str) -> list[int]:
        try:
            return list(keyword.search(parse_query(title[:300]), limit=5).ids)
        except Exception:  # the index is rebuilding or busy: the database is asked instead
            return []

    return find


# -- collections ----------------------------------------------------------------------------
def _collection_json(c: library.CollectionInfo, base: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "public": c.public,
        "papers": c.size,
        "url": f"{base}/collections/{c.id}",
    }


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url).rstrip("/")


@router.get("/collections", summary="Your collections")
def list_collections(request: Request, me: Member) -> Response:
    with read_transaction(request) as conn:
        found = library.member_collections(conn, me.id)
    return _json([_collection_json(c, _base(request)) for c in found])


@router.post("/collections", status_code=201, summary="Make a collection")
def make_collection(request: Request, body: CollectionIn, me: Member) -> Response:
    try:
        with _write(request, me) as conn:
            new = library.create_collection(
                conn, me.id, body.name, now_utc(), public=body.public, description=body.description
            )
            info = library.own_collection(conn, me.id, new)
    except library.CollectionError as exc:
        raise HTTPException(400, str(exc)) from exc
    return _json(_collection_json(info, _base(request)), 201)


def _own(conn: Connection, me: Account, collection_id: int) -> library.CollectionInfo:
    try:
        return library.own_collection(conn, me.id, collection_id)
    except LookupError as exc:
        raise HTTPException(404, f"collection {collection_id} is not one of yours") from exc


@router.patch("/collections/{collection_id:int}", summary="Rename, describe, or make public")
def change_collection(
    request: Request, collection_id: CollectionId, body: CollectionPatch, me: Member
) -> Response:
    try:
        with _write(request, me) as conn:
            _own(conn, me, collection_id)
            library.update_collection(
                conn,
                me.id,
                collection_id,
                name=body.name,
                public=body.public,
                description=body.description,
            )
            info = _own(conn, me, collection_id)
    except library.CollectionError as exc:
        raise HTTPException(400, str(exc)) from exc
    return _json(_collection_json(info, _base(request)))


@router.delete("/collections/{collection_id:int}", status_code=204, summary="Delete a collection")
def remove_collection(request: Request, collection_id: CollectionId, me: Member) -> Response:
    with _write(request, me) as conn:
        _own(conn, me, collection_id)
        library.delete_collection(conn, me.id, collection_id)
    return Response(status_code=204)


@router.put("/collections/{collection_id:int}/papers/{paper_id:path}", summary="Add a paper")
def add_paper(
    request: Request, collection_id: CollectionId, paper_id: PaperId, me: Member
) -> Response:
    with _write(request, me) as conn:
        _own(conn, me, collection_id)
        row = paper_row(conn, paper_id)
        library.add_to_collection(conn, me.id, collection_id, row["id"], now_utc())
    return _json({"collection": collection_id, "id": row["arxiv_id"], "in": True})


@router.delete(
    "/collections/{collection_id:int}/papers/{paper_id:path}", summary="Take a paper out"
)
def take_paper(
    request: Request, collection_id: CollectionId, paper_id: PaperId, me: Member
) -> Response:
    with _write(request, me) as conn:
        _own(conn, me, collection_id)
        row = paper_row(conn, paper_id)
        library.remove_from_collection(conn, me.id, collection_id, row["id"])
    return _json({"collection": collection_id, "id": row["arxiv_id"], "in": False})


@router.get(
    "/collections/{collection_id:int}.{fmt}",
    summary="Export a collection (yours, or a public one)",
    response_class=Response,
)
def export_collection(
    request: Request,
    collection_id: CollectionId,
    fmt: Annotated[str, Path(pattern=r"^(bib|ris|csl\.json)$")],
) -> Response:
    account = request.state.account
    with read_transaction(request) as conn:
        info = library.collection_info(conn, collection_id)
        if info is None or not (info.public or (account and account.id == info.user_id)):
            raise HTTPException(404, f"no public collection {collection_id}")
        rows = library.collection_papers_of(conn, collection_id)
    return _export(rows, fmt, f"collection-{collection_id}")


# -- follows, mutes, not interested ---------------------------------------------------------
def _signal(request: Request, me: Account, what: str, kind: str, value: str, on: bool) -> Response:
    setter = follows.set_follow if what == "follows" else follows.set_mute
    try:
        with _write(request, me) as conn:
            stored = setter(conn, me.id, kind, value, on, now_utc())
    except follows.SignalError as exc:
        raise HTTPException(400, str(exc)) from exc
    return _json({"kind": kind, "value": stored, "on": on})


NAME = {"max_length": 300, "pattern": r"\S", "description": "as papers spell it, e.g. Jane Doe"}
CATEGORY_PARAM = {"max_length": 40, "pattern": rf"^{CATEGORY_PATTERN}$", "examples": ["cs.CL"]}
WORD = {"max_length": 300, "pattern": r"\S", "description": "a word or phrase, any case"}
SIGNAL_ROUTES = (  # (what, path's kind, stored kind, parameter, its description)
    ("follows", "authors", "author", NAME, "an author"),
    ("follows", "categories", "category", CATEGORY_PARAM, "a category"),
    ("mutes", "authors", "author", NAME, "an author"),
    ("mutes", "categories", "category", CATEGORY_PARAM, "a category"),
    ("mutes", "keywords", "keyword", WORD, "a keyword"),
)


def _signal_route(what: str, kind: str, param: dict[str, Any], on: bool) -> Any:
    def route(request: Request, value: str, me: Member) -> Response:
        return _signal(request, me, what, kind, value, on)

    # each kind's own name and pattern, in errors and in the OpenAPI document
    route.__annotations__["value"] = Annotated[str, Path(alias=kind, **param)]
    return route


def _signal_routes() -> None:
    """PUT and DELETE /api/{follows|mutes}/{kind}/{value}, one pair per kind, each with the
    value's own pattern in the OpenAPI document."""
    for what, plural, kind, param, label in SIGNAL_ROUTES:
        path = f"/{what}/{plural}/{{{kind}:path}}"
        verb = "Follow" if what == "follows" else "Mute"
        router.add_api_route(
            path,
            _signal_route(what, kind, param, True),
            methods=["PUT"],
            summary=f"{verb} {label}",
            name=f"{what}_{plural}_on",
        )
        router.add_api_route(
            path,
            _signal_route(what, kind, param, False),
            methods=["DELETE"],
            summary=f"Un{verb.lower()} {label}",
            name=f"{what}_{plural}_off",
        )


@router.get("/follows", summary="What you follow and mute")
def get_signals(request: Request, me: Member) -> Response:
    with read_transaction(request) as conn:
        return _json(follows.signals(conn, me.id).as_json())


_signal_routes()


@router.post(
    "/papers/{paper_id:path}/not-interested",
    summary='Mark a paper "not interested" (or undo it)',
)
def not_interested(request: Request, paper_id: PaperId, body: OnOff, me: Member) -> Response:
    with _write(request, me) as conn:
        row = paper_row(conn, paper_id)
        follows.set_not_interested(conn, me.id, row["id"], body.on, now_utc())
    return _json({"id": row["arxiv_id"], "notInterested": body.on})


# -- the feed -------------------------------------------------------------------------------
@router.get("/for-you", summary="The window's papers ranked for you, each with its reasons")
def for_you(
    request: Request,
    me: Member,
    window: Annotated[str, Query(pattern="^(day|week|month)$")] = "week",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    with read_transaction(request) as conn:
        feed = request.app.state.for_you.feed(conn, me.id, window, current_day(conn), limit)
        items = feed_items(conn, feed, _base(request))
    return _json(items)


def current_day(conn: Connection) -> date:
    """The feed's "today": the latest day with papers on its list (or the calendar's)."""
    today = datetime.now(UTC).date()
    return queries.latest_day(conn, today) or today


def feed_rows(conn: Connection, feed: Feed) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The feed's papers in its order, with upvotes, submitter and comment counts."""
    ids = [p.paper_id for p in feed.picks]
    rows = {r["id"]: r for r in queries.papers_by_ids(conn, ids)}
    ordered = [rows[i] for i in ids if i in rows]
    return with_community(conn, ordered)


def feed_items(conn: Connection, feed: Feed, base: str) -> list[dict[str, Any]]:
    rows, comments = feed_rows(conn, feed)
    reasons = {p.paper_id: p.reasons for p in feed.picks}
    out = []
    for r in rows:
        item = hf_daily(r, base, comments.get(r["id"], 0)).model_dump(
            mode="json", exclude_none=True
        )
        item["reason"] = "; ".join(reasons[r["id"]])
        item["reasons"] = reasons[r["id"]]
        out.append(item)
    return out
