"""First-page thumbnails: each new paper's PDF fetched from arXiv politely, page 1 rendered
with pdfium (pypdfium2) to a small WebP under DATA_DIR/thumbnails, served with long caching.

Derived state: a thumbnail can always be made again. A PDF that cannot be fetched, is too
large or cannot be rendered leaves `<id>.failed` (the reason, one line) and is not tried again
until that file is removed; nothing stops the run."""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from paperfeed.config import Settings
from paperfeed.ingest.progress import Reporter, Silent
from paperfeed.papers.queries import papers
from paperfeed.sources.http import PoliteClient, UpstreamUnavailable

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
    return settings.data_dir / "thumbnails"


def path_for(settings: Settings, arxiv_id: str) -> Path:
    return folder(settings) / f"{arxiv_id.replace('/', '_')}.webp"


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


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def wanted(engine: Engine, days: int) -> list[str]:
    """The arXiv ids of the papers of the last `days` feed days, newest first."""
    since = datetime.now(UTC).date() - timedelta(days=days)
    with engine.connect() as conn:
        rows = conn.execute(
            select(papers.c.arxiv_id)
            .where(papers.c.feed_date >= since)
            .order_by(papers.c.feed_date.desc(), papers.c.id.desc())
        )
        return [r[0] for r in rows]


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
    ids = wanted(engine, days)
    reporter.start("thumbnails", len(ids))
    try:
        for arxiv_id in ids:
            target = path_for(settings, arxiv_id)
            failed = target.with_suffix(".failed")
            if target.exists() or failed.exists():
                run.present += 1
            else:
                _one(client, settings, arxiv_id, target, failed, run, reporter)
            reporter.advance(1, records=1)
    finally:
        reporter.stop()
    return run


def _one(
    client: PoliteClient,
    settings: Settings,
    arxiv_id: str,
    target: Path,
    failed: Path,
    run: ThumbnailRun,
    reporter: Reporter,
) -> None:
    try:
        pdf = fetch_pdf(client, settings, arxiv_id)
        started = time.perf_counter()
        image = render_first_page(pdf)
        run.seconds.append(time.perf_counter() - started)
    except ThumbnailError as exc:
        run.failed.append((arxiv_id, str(exc)))
        reporter.note(f"{arxiv_id}: no thumbnail: {exc}")
        _write(failed, f"{exc}\n".encode())
        return
    _write(target, image)
    run.made += 1
    run.sizes.append(len(image))
