"""What the import with the keyword index costs against raw Tantivy, and what 60% would leave.

    python bench/import_budget.py [--sizes 100000] [--sample 20000]

Issue 3 asks the snapshot import with the keyword index built to run at >= 60% of raw
Tantivy indexing of the same texts. Both use every core of this machine, so the question is
one of CPU time, and this bench measures it, per size, in one run (CPU = user + system of
this process and of its finished children, by getrusage):
  1. floor: raw Tantivy indexing of the same texts (bench/search_speed.py raw_tantivy_floor),
     before and after the rest; its mean is the floor;
  2. as users run it: `paperfeed import FILE` in a subprocess (two parser processes, then
     the keyword pass), its start-up included (the database is created beforehand);
  3. the same without building records: the rows built beforehand (not measured), written
     by `upsert_rows` one transaction per 2,000, then `sync_keyword` - everything but the
     record builder;
  4. the record builder alone (`build_chunk`, one process), per record, on the first
     5 x --sample lines, read beforehand;
  5. C-level calls that any builder keeping today's storage format makes per record, with no
     Python around them: orjson.loads of the line, orjson.dumps of the authors and of the
     versions, the two timestamps' isoformat, blake2b of title, abstract, authors and
     versions (less than the content hash covers: a lower bound).
At 60% the import may take floor / 0.6 seconds, at most CORES x that in CPU time;
what (3) leaves of it, per record, is the budget for building one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from paperfeed.ingest.chunks import Chunk, ChunkResult, build_chunk  # noqa: E402
from paperfeed.papers.service import upsert_rows  # noqa: E402
from paperfeed.papers.storage import COL, storage_for  # noqa: E402
from paperfeed.search.indexing import keyword_path, sync_keyword  # noqa: E402
from paperfeed.search.keyword import KeywordIndex  # noqa: E402
from paperfeed.sources.snapshot import snapshot_record  # noqa: E402
from search_speed import CACHE, fresh_site, raw_tantivy_floor, snapshot_texts  # noqa: E402

CORES = os.cpu_count() or 1  # the floor keeps every core busy
TARGET = 0.6
BATCH = 2000
FALLBACK_DAY = date(2026, 1, 1)
TEXT_COLUMNS = tuple(COL[c] for c in ("title", "abstract", "authors", "versions"))


def cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measured(work: Callable[[], None]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of calling `work`."""
    wall, cpu = time.perf_counter(), cpu_s()
    work()
    return time.perf_counter() - wall, cpu_s() - cpu


def floor(snap: Path, folder: Path) -> tuple[float, float]:
    texts = snapshot_texts(snap)
    cpu = cpu_s()
    wall = raw_tantivy_floor(texts, folder)
    return wall, cpu_s() - cpu


def as_users_run_it(n: int, snap: Path) -> tuple[float, float]:
    tmp, settings, engine = fresh_site(n, snap)
    engine.dispose()  # the command opens its own
    command = [str(Path(sys.executable).parent / "paperfeed"), "import", str(snap)]
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(settings.data_dir)}

    def run() -> None:
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)

    wall_cpu = measured(run)
    if KeywordIndex(keyword_path(settings)).num_docs() != n:
        raise RuntimeError(f"the import left {tmp} with an incomplete keyword index")
    shutil.rmtree(tmp)
    return wall_cpu


def snapshot_lines(snap: Path, limit: int | None = None) -> list[bytes]:
    return snap.read_bytes().splitlines(keepends=True)[:limit]


def built_chunks(name: str, lines: list[bytes]) -> list[ChunkResult]:
    chunks = (
        Chunk(name, i + 1, lines[i : i + BATCH], 0, "auto", FALLBACK_DAY, "sqlite")
        for i in range(0, len(lines), BATCH)
    )
    return [build_chunk(c) for c in chunks]


def without_builder(n: int, snap: Path, built: list[ChunkResult]) -> tuple[float, float]:
    tmp, settings, engine = fresh_site(n, snap)

    def run() -> None:
        for result in built:
            with engine.begin() as conn:
                upsert_rows(conn, result.rows)
        sync_keyword(engine, KeywordIndex(keyword_path(settings)))

    wall_cpu = measured(run)
    engine.dispose()
    shutil.rmtree(tmp)
    return wall_cpu


def builder_alone(snap: Path, limit: int) -> float:
    """CPU microseconds per record of build_chunk on the first `limit` lines (read
    beforehand), one process (best of two)."""
    lines = snapshot_lines(snap, limit)
    best = float("inf")
    for _ in range(2):
        cpu = cpu_s()
        records = sum(len(r.rows) + len(r.rejects) for r in built_chunks(snap.name, lines))
        best = min(best, (cpu_s() - cpu) / records * 1e6)
    return best


def c_calls(snap: Path, sample: int) -> float:
    """CPU microseconds per record of the C-level calls a builder cannot do without."""
    lines = snap.read_bytes().splitlines()[:sample]
    storage = storage_for("sqlite")
    records = [snapshot_record(orjson.loads(x), FALLBACK_DAY) for x in lines]
    rows = [storage.row(r) for r in records]  # hashed: a part of what the hash covers
    hashed = ["\x1f".join(r[c] for c in TEXT_COLUMNS) for r in rows]
    versions = [[{"version": v.number, "created": v.created} for v in r.versions] for r in records]
    stamps = [(r.published_at, r.updated_at) for r in records]
    cpu = cpu_s()
    for line, rec, text, vs, (a, b) in zip(lines, records, hashed, versions, stamps, strict=True):
        orjson.loads(line)
        orjson.dumps(rec.authors)
        orjson.dumps(vs)
        if a is not None:
            a.isoformat(" ", "microseconds")
        if b is not None:
            b.isoformat(" ", "microseconds")
        hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return (cpu_s() - cpu) / len(lines) * 1e6


def one_size(n: int, sample: int) -> dict[str, float]:
    snap = CACHE / f"snapshot-{n}.jsonl"
    tmp, _settings, engine = fresh_site(n, snap)  # writes the snapshot when missing
    floor_a = floor(snap, tmp / "floor-a")
    users = as_users_run_it(n, snap)
    built = built_chunks(snap.name, snapshot_lines(snap))
    bare = without_builder(n, snap, built)
    del built
    floor_b = floor(snap, tmp / "floor-b")
    engine.dispose()
    shutil.rmtree(tmp)
    floor_wall = (floor_a[0] + floor_b[0]) / 2
    allowed_cpu = CORES * floor_wall / TARGET
    out = {
        "floor_wall_s": floor_wall,
        "floor_cpu_s": (floor_a[1] + floor_b[1]) / 2,
        "import_with_index_wall_s": users[0],
        "import_with_index_cpu_s": users[1],
        "ratio_to_floor": floor_wall / users[0],
        "without_builder_wall_s": bare[0],
        "without_builder_cpu_s": bare[1],
        "ratio_without_builder": floor_wall / bare[0],
        "cpu_allowed_at_60pct_s": allowed_cpu,
        "builder_budget_us_per_record": (allowed_cpu - bare[1]) / n * 1e6,
        "builder_us_per_record": builder_alone(snap, 5 * sample),
        "c_calls_us_per_record": c_calls(snap, sample),
    }
    print(
        f"  floor {floor_a[0]:.2f} / {floor_b[0]:.2f} s ({out['floor_cpu_s']:.1f} CPU-s); "
        f"import+index {users[0]:.2f} s ({users[1]:.1f} CPU-s) -> {out['ratio_to_floor']:.1%}\n"
        f"  without the builder {bare[0]:.2f} s ({bare[1]:.1f} CPU-s) -> "
        f"{out['ratio_without_builder']:.1%}; 60% allows {allowed_cpu:.1f} CPU-s\n"
        f"  builder budget {out['builder_budget_us_per_record']:.1f} us/record; builder "
        f"{out['builder_us_per_record']:.1f} us; its C calls alone "
        f"{out['c_calls_us_per_record']:.1f} us"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--sample", type=int, default=20000, help="records for the C calls")
    args = parser.parse_args()
    found = {}
    for n in (int(x) for x in args.sizes.split(",") if x):
        print(f"\n== {n:,} papers")
        found[str(n)] = one_size(n, args.sample)
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
