"""Thumbnail rendering: time per first page (p50/p95) and bytes per thumbnail, through
paperfeed's render_first_page (pdfium -> 320-px WebP), with a floor in the same run.

    python bench/thumbnails.py [--pdfs 200]

No real PDFs are shipped or fetched: each PDF is made here, letter-size pages of text lines,
a title bar, figure boxes and a formula-like band, written by Pillow (a page as an embedded
image, as scanned or image-heavy papers are) and by pdfium itself (vector text, as LaTeX
output is). The floor: Pillow resizing the same page image to 320 px and encoding it as WebP,
without any PDF.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from PIL import Image, ImageDraw

from paperfeed.papers.thumbnails import QUALITY, WIDTH, render_first_page


def page_image(rng: random.Random) -> Image.Image:
    page = Image.new("RGB", (1275, 1650), "white")  # letter at 150 dpi
    draw = ImageDraw.Draw(page)
    draw.rectangle((150, 110, 1125, 170), fill=(20, 20, 20))
    y = 240
    while y < 1550:
        if rng.random() < 0.08:
            draw.rectangle(
                (150, y, 1125, y + 260), outline=(40, 40, 40), fill=(rng.randrange(200, 250),) * 3
            )
            y += 290
            continue
        draw.line((150, y, 1125 - rng.randrange(0, 200), y), fill=(60, 60, 60), width=6)
        y += 26
    return page


def raster_pdf(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    return out.getvalue()


def vector_pdf(rng: random.Random) -> bytes:
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(612, 792)
    font = raw.FPDFText_LoadStandardFont(doc.raw, b"Times-Roman")
    for line in range(48):
        obj = raw.FPDFPageObj_NewTextObj(doc.raw, b"Times-Roman", 10.0)
        words = " ".join(
            rng.choice(["model", "data", "we", "show", "bound", "the", "of"]) for _ in range(14)
        )
        text = (words + "\0").encode("utf-16-le")
        raw.FPDFText_SetText(obj, (raw.FPDF_WCHAR * (len(text) // 2)).from_buffer_copy(text))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, 720 - line * 13)
        raw.FPDFPage_InsertObject(page.raw, obj)
    raw.FPDFFont_Close(font)
    raw.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdfs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(11)
    rows = []
    for kind in ("raster", "vector"):
        times, sizes, floor = [], [], []
        for _ in range(args.pdfs):
            image = page_image(rng)
            pdf = raster_pdf(image) if kind == "raster" else vector_pdf(rng)
            started = time.perf_counter()
            webp = render_first_page(pdf)
            times.append(time.perf_counter() - started)
            sizes.append(len(webp))
            started = time.perf_counter()
            small = image.resize((WIDTH, round(WIDTH * image.height / image.width)))
            small.save(io.BytesIO(), format="WEBP", quality=QUALITY, method=4)
            floor.append(time.perf_counter() - started)
        rows.append((kind, times, sizes, floor))
    print("| PDFs | n | render p50 ms | p95 ms | floor p50 ms | bytes p50 | bytes max |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, times, sizes, floor in rows:
        print(
            f"| {kind} | {len(times)} | {pct(times, 50) * 1000:.1f} | {pct(times, 95) * 1000:.1f} "
            f"| {pct(floor, 50) * 1000:.1f} | {statistics.median(sizes):,.0f} | {max(sizes):,} |"
        )


if __name__ == "__main__":
    main()
