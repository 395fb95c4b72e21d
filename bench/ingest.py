"""Snapshot import speed and memory, against orjson parsing the same file (same run).

    python bench/ingest.py [--records 200000] [--small 50000] [--postgres URL] [--jobs N]

Generates realistic synthetic snapshots (bench/synth.py), then in this one run:
  1. baseline: orjson.loads over every line of the big file;
  2. `import_file` of the big and the small file into fresh SQLite databases;
  3. the big file into a fresh PostgreSQL database (skipped when none answers).
Each import runs in its own subprocess so that its peak memory (main process and the
largest worker) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from synth import write_snapshot


def orjson_baseline(path: Path) -> float:
    start = time.perf_counter()
    n = 0
    with path.open("rb") as fh:
        for line in fh:
            orjson.loads(line)
            n += 1
    return n / (time.perf_counter() - start)


def child(url: str, path: str, jobs: int) -> None:
    """Run one import in this process and print its figures as JSON."""
    from paperfeed.db.engine import make_engine
    from paperfeed.db.migrate import upgrade
    from paperfeed.ingest.importer import import_file

    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    summary = import_file(
        engine, Path(path), rejects_dir=Path(path).parent / "rejects", batch_size=2000, jobs=jobs
    )
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "added": summary.counts.added,
                "rejected": summary.counts.rejected,
                "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def run_import(url: str, path: Path, jobs: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(path), str(jobs)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def make_pg_database(admin: str) -> str | None:
    try:
        import psycopg

        name = f"paperfeed_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # no server: say so and go on
        print(f"PostgreSQL skipped: {exc}")
        return None
    return admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--small", type=int, default=50_000)
    ap.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="paperfeed-bench-") as tmp:
        folder = Path(tmp)
        big = write_snapshot(folder / "big.json", args.records)
        small = write_snapshot(folder / "small.json", args.small)
        mb = big.stat().st_size / 1e6
        print(
            f"snapshot: {args.records:,} records, {mb:,.0f} MB "
            f"({big.stat().st_size / args.records:,.0f} bytes/record); {args.jobs} jobs"
        )
        base = orjson_baseline(big)
        print(f"baseline  orjson.loads only           {base:>10,.0f} records/s")
        rows = []
        for label, url, path, n in [
            ("sqlite", f"sqlite:///{folder / 'big.db'}", big, args.records),
            ("sqlite", f"sqlite:///{folder / 'small.db'}", small, args.small),
        ]:
            r = run_import(url, path, args.jobs)
            rows.append((label, n, r))
        pg = make_pg_database(args.postgres)
        if pg:
            rows.append(("postgresql", args.records, run_import(pg, big, args.jobs)))
        for label, n, r in rows:
            rate = n / r["seconds"]
            print(
                f"import    {label:<10} {n:>8,} records {rate:>10,.0f} records/s "
                f"({rate / base:.1%} of orjson)  {r['seconds']:6.1f} s  "
                f"peak RSS main {r['rss_main_mb']:.0f} MB, worker {r['rss_worker_mb']:.0f} MB"
            )
        sqlite_big = rows[0][1] / rows[0][2]["seconds"]
        print(
            f"whole arXiv (2.7M records) into SQLite at this rate: "
            f"{2_700_000 / sqlite_big / 60:.1f} min"
        )


if __name__ == "__main__":
    main()
