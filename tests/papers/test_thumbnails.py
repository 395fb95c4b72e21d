"""First-page thumbnails: PDFs the tests make, served by the arXiv stand-in, rendered to WebP;
a broken or huge PDF is reported, marked and skipped; the site serves each thumbnail with long
caching (a placeholder while there is none), cards and the API point at it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from sqlalchemy import Engine, text

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.ingest.harvester import client_for
from paperfeed.papers.thumbnails import (
    folder,
    forget_failures,
    make_thumbnails,
    render_first_page,
)
from tests import records as R
from tests.standin import ArxivStandIn
from tests.web.conftest import store


def a_pdf(pages: int = 2) -> bytes:
    """A letter-size PDF with a title bar and text lines, as Pillow writes one."""
    images = []
    for n in range(pages):
        page = Image.new("RGB", (612, 792), "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle((60, 50, 552, 80), fill=(30, 30, 30))
        for y in range(120, 740, 14):
            draw.line((60, y, 552 - (y * 7 + n) % 90, y), fill=(90, 90, 90), width=3)
        images.append(page)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def test_render_first_page() -> None:
    webp = render_first_page(a_pdf())
    image = Image.open(io.BytesIO(webp))
    assert image.format == "WEBP" and image.size[0] == 320 and 410 <= image.size[1] <= 416
    assert image.getpixel((160, 35)) < (100, 100, 100)  # the title bar, dark


def _settings(settings: Settings, standin: ArxivStandIn) -> Settings:
    return settings.model_copy(
        update={"arxiv_pdf_url": f"{standin.url}/pdf/{{id}}", "thumbnail_max_pdf_bytes": 200_000}
    )


def test_make_thumbnails_skips_broken_and_huge(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    recent = datetime.now(UTC) - timedelta(days=1)
    store(
        engine,
        [R.Rec(id=f"2611.0000{i}", title=f"Paper {i}", versions=[recent]) for i in range(1, 5)],
    )
    standin.pdfs = {
        "2611.00001": a_pdf(),
        "2611.00002": b"%PDF-1.7\nthis is not really a PDF",
        "2611.00003": b"%PDF-1.7\n" + b"0" * 300_000,  # over the limit set above
    }  # 2611.00004: no PDF at all (404)
    conf = _settings(settings, standin)
    with client_for(conf) as client:
        run = make_thumbnails(engine, conf, client, days=5)
    assert run.made == 1
    reasons = dict(run.failed)
    assert "not a readable PDF" in reasons["2611.00002"]
    assert "over PAPERFEED_THUMBNAIL_MAX_PDF_BYTES" in reasons["2611.00003"]
    assert "HTTP 404" in reasons["2611.00004"]
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                text(
                    "SELECT p.arxiv_id, coalesce(t.failed, 'image') FROM paper_thumbnails t"
                    " JOIN papers p ON p.id = t.paper_id"
                )
            ).all()
        )
    assert rows["2611.00001"] == "image" and "not a readable PDF" in rows["2611.00002"]
    with client_for(conf) as client:  # again: nothing fetched twice, failures not retried
        before = len(standin.requests)
        again = make_thumbnails(engine, conf, client, days=5)
    assert again.made == 0 and again.present == 4 and len(standin.requests) == before
    assert forget_failures(engine, 5) == 3  # --retry-failed: the three are tried again
    with client_for(conf) as client:
        third = make_thumbnails(engine, conf, client, days=5)
    assert third.present == 1 and len(third.failed) == 3


def test_files_of_earlier_versions_move_into_the_table(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    recent = datetime.now(UTC) - timedelta(days=1)
    store(
        engine, [R.Rec(id=f"2611.0000{i}", title=f"Paper {i}", versions=[recent]) for i in (1, 2)]
    )
    conf = _settings(settings, standin)
    old = folder(conf)
    old.mkdir(parents=True)
    image = render_first_page(a_pdf())
    (old / "2611.00001.webp").write_bytes(image)
    (old / "2611.00002.failed").write_text("the PDF is too large\n")
    (old / "9999.99999.webp").write_bytes(image)  # a paper this instance no longer has
    with client_for(conf) as client:
        run = make_thumbnails(engine, conf, client, days=5)
    assert (run.made, run.present, standin.requests) == (0, 2, [])  # nothing fetched again
    assert not old.exists() and old.with_name("thumbnails.moved").is_dir()
    with TestClient(create_app(conf, engine)) as web:
        assert web.get("/thumbnails/2611.00001.webp").content == image
        assert (
            web.get("/thumbnails/2611.00002.webp").headers["content-type"].startswith("image/svg")
        )


def test_served_with_long_caching_and_a_placeholder(
    engine: Engine, settings: Settings, standin: ArxivStandIn
) -> None:
    recent = datetime.now(UTC) - timedelta(days=3)  # listed by today
    store(
        engine,
        [
            R.Rec(id="2611.00001", title="Has one", versions=[recent]),
            R.Rec(id="2611.00002", title="Has none", versions=[recent]),
        ],
    )
    standin.pdfs = {"2611.00001": a_pdf()}
    conf = _settings(settings, standin)
    with client_for(conf) as client:
        make_thumbnails(engine, conf, client, days=5)
    with TestClient(create_app(conf, engine)) as web:
        got = web.get("/thumbnails/2611.00001.webp")
        assert got.status_code == 200 and got.headers["content-type"] == "image/webp"
        assert "max-age=31536000" in got.headers["cache-control"]
        missing = web.get("/thumbnails/2611.00002.webp")
        assert missing.headers["content-type"].startswith("image/svg+xml")
        assert "max-age=600" in missing.headers["cache-control"]
        assert web.get("/thumbnails/not-an-id.webp").status_code == 404
        page = web.get("/authors/Jane Doe").text  # a list of cards
        assert 'src="/thumbnails/2611.00001.webp"' in page
        items = web.get("/api/daily_papers").json()
        assert items and all(
            i["thumbnail"].endswith(f"/thumbnails/{i['paper']['id']}.webp") for i in items
        )
