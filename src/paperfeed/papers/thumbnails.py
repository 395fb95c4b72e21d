"""First-page thumbnails: each new paper's PDF fetched from arXiv politely, page 1 rendered
with pdfium (pypdfium2) to a small WebP kept in the table `paper_thumbnails` (so that every
web replica serves what any worker made), served with long caching.

A PDF that cannot be fetched, is too large or cannot be rendered leaves a row with the reason
instead of an image, and is not tried again until `paperfeed thumbnails --retry-failed`;
nothing stops the run. Thumbnails that earlier versions kept as files in DATA_DIR/thumbnails
are moved into the table by the first run that finds them."""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, delete, select

from paperfeed.config import Settings
from paperfeed.db.engine import insert_for
from paperfeed.ingest.progress import Reporter, Silent
from paperfeed.papers.models import Thumbnail
from paperfeed.papers.queries import papers
from paperfeed.sources.http import PoliteClient, UpstreamUnavailable

thumbs = cast(Table, Thumbnail.__table__)
WIDTH = 320  # pixels: two cards wide on a phone's screen at 2x
QUALITY = 70


class ThumbnailError(Exception):
    """Why a paper has no thumbnail (shown to operators, kept in its .failed file)."""


@dataclass
class ThumbnailRun:
    made: int = 0
    present: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # render time of each made one
    sizes: list[int] = field(default_factory=list)  # bytes of each made one


def folder(settings: Settings) -> Path:
    """Where versions before the table kept thumbnails (moved into it, then renamed)."""
    return settings.data_dir / "thumbnails"


def render_first_page(pdf: bytes, width: int = WIDTH) -> bytes:
    """Page 1 of the PDF as a WebP `width` pixels wide; ThumbnailError if it cannot be read."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except Exception as exc:  # pdfium says PdfiumError; anything else is as unreadable
        raise ThumbnailError(f"not a readable PDF ({exc})") from exc
    try:
        return _render(document, width)
    except ThumbnailError:
        raise
    except Exception as exc:
        raise ThumbnailError(f"page 1 cannot be rendered ({exc})") from exc
    finally:
        document.close()


def _render(document: Any, width: int) -> bytes:
    if len(document) == 0:
        raise ThumbnailError("the PDF has no pages")
    page = document[0]
    page_width = page.get_width()
    if page_width <= 0:
        raise ThumbnailError("the first page has no width")
    image = page.render(scale=width / page_width).to_pil()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="WEBP", quality=QUALITY, method=4)
    return out.getvalue()


def fetch_pdf(client: PoliteClient, settings: Settings, arxiv_id: str) -> bytes:
    url = settings.arxiv_pdf_url.format(id=arxiv_id)
    try:
        response = client.get(url, {})
    except UpstreamUnavailable as exc:
        raise ThumbnailError(str(exc)) from exc
    if response.status_code != 200:
        raise ThumbnailError(f"{url} answered HTTP {response.status_code}")
    declared = int(response.headers.get("content-length") or 0)
    size = max(declared, len(response.content))
    if size > settings.thumbnail_max_pdf_bytes:
        raise ThumbnailError(
            f"the PDF is {size:,} bytes, over PAPERFEED_THUMBNAIL_MAX_PDF_BYTES "
            f"({settings.thumbnail_max_pdf_bytes:,})"
        )
    return response.content


def wanted(engine: Engine, days: int) -> tuple[list[tuple[int, str]], int]:
    """The papers of the last `days` feed days that have no thumbnail row yet, newest
    first, as (paper id, arXiv id); and how many of those days' papers have one."""
    since = datetime.now(UTC).date() - timedelta(days=days)
    with engine.connect() as conn:
        rows = conn.execute(
            select(papers.c.id, papers.c.arxiv_id, thumbs.c.paper_id.is_not(None))
            .outerjoin(thumbs, thumbs.c.paper_id == papers.c.id)
            .where(papers.c.feed_date >= since)
            .order_by(papers.c.feed_date.desc(), papers.c.id.desc())
        ).all()
    return [(r[0], r[1]) for r in rows if not r[2]], sum(1 for r in rows if r[2])


def image_of(conn: Connection, arxiv_id: str) -> bytes | None:
    """The stored thumbnail of a paper (its base id), or None."""
    found = conn.execute(
        select(thumbs.c.image)
        .join(papers, papers.c.id == thumbs.c.paper_id)
        .where(papers.c.arxiv_id == arxiv_id)
    ).scalar()
    return bytes(found) if found is not None else None


def forget_failures(engine: Engine, days: int) -> int:
    """Let the recent papers whose thumbnail failed be tried again; how many."""
    since = datetime.now(UTC).date() - timedelta(days=days)
    recent = select(papers.c.id).where(papers.c.feed_date >= since)
    with engine.begin() as conn:
        gone = conn.execute(
            delete(thumbs).where(thumbs.c.failed.is_not(None), thumbs.c.paper_id.in_(recent))
        )
    return int(gone.rowcount or 0)


def _store(engine: Engine, paper_id: int, image: bytes | None, failed: str | None) -> None:
    values = {"paper_id": paper_id, "image": image, "failed": failed, "made_at": datetime.now(UTC)}
    with engine.begin() as conn:
        conn.execute(insert_for(conn, thumbs).values(values).on_conflict_do_nothing())


def adopt_files(engine: Engine, settings: Settings) -> int:
    """Move the files of DATA_DIR/thumbnails (earlier versions) into the table; the folder
    is renamed `thumbnails.moved` afterwards. How many were moved."""
    source = folder(settings)
    if not source.is_dir():
        return 0
    moved = 0
    for path in sorted(source.iterdir()):
        if path.suffix not in (".webp", ".failed"):
            continue
        arxiv_id = path.stem.replace("_", "/")
        with engine.connect() as conn:
            paper_id = conn.execute(
                select(papers.c.id).where(papers.c.arxiv_id == arxiv_id)
            ).scalar()
        if paper_id is None:
            continue
        data = path.read_bytes()
        if path.suffix == ".webp":
            _store(engine, paper_id, data, None)
        else:
            _store(engine, paper_id, None, data.decode(errors="replace").strip() or "failed")
        moved += 1
    os.replace(source, source.with_name("thumbnails.moved"))
    return moved


def make_thumbnails(
    engine: Engine,
    settings: Settings,
    client: PoliteClient,
    *,
    days: int = 3,
    reporter: Reporter | None = None,
) -> ThumbnailRun:
    """A thumbnail for every recent paper that has none (and has not failed before)."""
    reporter = reporter or Silent()
    run = ThumbnailRun()
    adopt_files(engine, settings)
    missing, run.present = wanted(engine, days)
    reporter.start("thumbnails", len(missing))
    try:
        for paper_id, arxiv_id in missing:
            _one(engine, client, settings, (paper_id, arxiv_id), run, reporter)
            reporter.advance(1, records=1)
    finally:
        reporter.stop()
    return run


def _one(
    engine: Engine,
    client: PoliteClient,
    settings: Settings,
    paper: tuple[int, str],
    run: ThumbnailRun,
    reporter: Reporter,
) -> None:
    paper_id, arxiv_id = paper
    try:
        pdf = fetch_pdf(client, settings, arxiv_id)
        started = time.perf_counter()
        image = render_first_page(pdf)
        run.seconds.append(time.perf_counter() - started)
    except ThumbnailError as exc:
        run.failed.append((arxiv_id, str(exc)))
        reporter.note(f"{arxiv_id}: no thumbnail: {exc}")
        _store(engine, paper_id, None, str(exc))
        return
    _store(engine, paper_id, image, None)
    run.made += 1
    run.sizes.append(len(image))
