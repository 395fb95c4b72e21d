"""Realistic synthetic arXiv snapshot lines (the Kaggle format), written for benchmarks.

Field lengths, author counts, version counts, TeX accents and math follow arXiv's
shapes; the words are pseudo-words drawn with a Zipf law, so nothing real is copied.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

CATEGORIES = [
    "cs.LG",
    "cs.AI",
    "cs.CL",
    "cs.CV",
    "stat.ML",
    "math.OC",
    "cs.RO",
    "cs.IR",
    "quant-ph",
    "hep-th",
    "cond-mat.stat-mech",
    "astro-ph.GA",
    "math.PR",
    "eess.SP",
]
_SYL = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "si",
    "tu",
    "vo",
    "ber",
    "dan",
    "gel",
    "hin",
    "tor",
    "qua",
    "zen",
    "lim",
    "pha",
    "tri",
    "ono",
    "ex",
    "al",
    "ic",
    "ment",
    "tion",
    "ar",
]
_ACCENTED = [r"M\"uller", r"Schr\"odinger", r"G\'omez", r"Erd{\H o}s", r"Fran\c{c}ois"]
_MATH = [r"$O(n \log n)$", r"$\alpha$", r"$\ell_1$", r"$x^2 + y^2$", r"$\mathcal{L}$"]


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYL) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words)


class Generator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        self.rng.shuffle(self.words)
        self.cum_weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(self.words))))

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cum_weights, k=n))

    def name(self) -> list[str]:
        r = self.rng
        last = r.choice(_ACCENTED) if r.random() < 0.04 else self.text(1).title()
        return [last, self.text(1).title(), ""]

    def record(self, i: int) -> dict[str, object]:
        r = self.rng
        start = datetime(2015, 1, 1, tzinfo=UTC) + timedelta(minutes=5 * i)
        yymm = start.strftime("%y%m")
        authors = [self.name() for _ in range(min(100, int(r.paretovariate(1.5))))]
        abstract = self.text(r.randint(50, 190))
        if r.random() < 0.25:
            abstract = abstract.replace(" ", f" {r.choice(_MATH)} ", 1)
        nver = r.choice((1, 1, 1, 2, 2, 3))
        versions = [
            {
                "version": f"v{k + 1}",
                "created": (start + timedelta(days=30 * k)).strftime("%a, %-d %b %Y %H:%M:%S GMT"),
            }
            for k in range(nver)
        ]
        cats = r.sample(CATEGORIES, r.choice((1, 1, 2, 2, 3, 4)))
        return {
            "id": f"{yymm}.{i:05d}" if i < 100000 else f"{yymm}.{i % 100000:05d}x",
            "submitter": " ".join(reversed(authors[0][:2])),
            "authors": ", ".join(f"{a[1]} {a[0]}" for a in authors),
            "title": self.text(r.randint(5, 16)).capitalize(),
            "comments": f"{r.randint(4, 40)} pages, {r.randint(1, 12)} figures"
            if r.random() < 0.6
            else None,
            "journal-ref": f"J. {self.text(2).title()} {r.randint(1, 99)} ({start.year})"
            if r.random() < 0.2
            else None,
            "doi": f"10.{r.randint(1000, 9999)}/{self.text(1)}.{i}" if r.random() < 0.2 else None,
            "report-no": None,
            "categories": " ".join(cats),
            "license": "http://creativecommons.org/licenses/by/4.0/",
            "abstract": "  " + abstract + "\n",
            "versions": versions,
            "update_date": (start + timedelta(days=30 * (nver - 1) + 1)).date().isoformat(),
            "authors_parsed": authors,
        }


def write_snapshot(path: Path, n: int, seed: int = 7) -> Path:
    gen = Generator(seed)
    with path.open("wb") as fh:
        for i in range(n):
            rec = gen.record(i)
            # ids must be valid and unique: YYMM.NNNNN with a running 5-digit number per month
            rec["id"] = _unique_id(i)
            fh.write(orjson.dumps(rec) + b"\n")
    return path


def _unique_id(i: int) -> str:
    month, number = divmod(i, 90000)
    year, mon = divmod(month, 12)
    return f"{(15 + year) % 100:02d}{mon + 1:02d}.{number + 1:05d}"


def iter_records(n: int, seed: int = 7) -> Iterator[dict[str, object]]:
    gen = Generator(seed)
    for i in range(n):
        rec = gen.record(i)
        rec["id"] = _unique_id(i)
        yield rec
