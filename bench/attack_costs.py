"""What the attack pass's cheap attacks cost the server, each next to its baseline in the
same run (issue 18: items 4, 5, 7 and 11).

    python bench/attack_costs.py [--papers 21000] [--body-mb 300]

- body: peak memory (VmHWM) of a `paperfeed serve` process that receives one unauthenticated
  JSON POST of --body-mb megabytes, with the default body limit and with the limit lifted
  (what every route did before: FastAPI reads a JSON body whole before checking anything).
- tex: 50 abstracts of unclosed `\\(` runs at the abstract length limit (20,000 characters),
  split by the old regular expression and by split_math; then the rendering of a list of them.
- signup: sign-up answer time for a new and for a known address (median of 15 each), with a
  real SMTP server (aiosmtpd) behind: the two must be alike.
- similar: CPU per paper page for "similar papers" without embeddings: the keyword index's
  more-like-this against the in-Python lexical scoring it replaces, over the real cs.*
  papers in ../shared/data (or a synthetic corpus when they are absent).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SHARED = HERE.parent.parent / "shared" / "data" / "arxiv-daily-cs-jsonl"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(
        PAPERFEED_DATA_DIR=str(data),
        PAPERFEED_SEMANTIC_SEARCH="false",
        PAPERFEED_RATE_LIMIT_AUTH="100000/minute",
        PAPERFEED_RATE_LIMIT_WRITE="100000/minute",
        **env_extra,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def bench_body(megabytes: int) -> None:
    print(f"\n## 4. one POST of {megabytes} MB to /api/papers/index (peak server memory, MB)")
    print("| body limit | answer | peak before | peak after |")
    print("| --- | ---: | ---: | ---: |")
    chunk = b"a" * (1 << 20)
    for label, extra in (
        ("lifted (as before the fix)", {"PAPERFEED_MAX_BODY_BYTES": str(4 << 30)}),
        ("default (256 KiB)", {}),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            proc, url = _serve(Path(tmp), extra)
            try:
                httpx.get(f"{url}/papers")
                before = _peak_mb(proc.pid)
                body = (chunk for _ in range(megabytes))
                try:
                    r = httpx.post(
                        f"{url}/api/papers/index",
                        content=body,
                        headers={"content-type": "application/json"},
                        timeout=300,
                    )
                    answer = str(r.status_code)
                except httpx.HTTPError as exc:
                    answer = type(exc).__name__
                after = _peak_mb(proc.pid)
            finally:
                proc.kill()
                proc.wait()
        print(f"| {label} | {answer} | {before:.0f} | {after:.0f} |")


def bench_tex() -> None:
    from paperfeed.papers.render import render_tex
    from paperfeed.sources.normalize import MATH, split_math

    abstracts = ["Hostile " + "\\(" * 9_995 + f" {i}" for i in range(50)]
    print("\n## 5. 50 abstracts of unclosed \\( runs, 20,000 characters each")
    t0 = time.perf_counter()
    old = [MATH.split(a) for a in abstracts]
    regex = time.perf_counter() - t0
    t0 = time.perf_counter()
    new = [split_math(a) for a in abstracts]
    linear = time.perf_counter() - t0
    assert old == new
    t0 = time.perf_counter()
    for a in abstracts:
        render_tex(a)
    rendered = time.perf_counter() - t0
    print("| split by | seconds for the 50 |")
    print("| --- | ---: |")
    print(f"| the regular expression (before) | {regex:.2f} |")
    print(f"| split_math (after) | {linear:.4f} |")
    print(f"| render_tex of the 50 (after, whole list rendering) | {rendered:.4f} |")
    print(f"ratio: {regex / linear:,.0f}x")


def bench_signup(rounds: int = 15) -> None:
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            return "250 OK"

    smtp_port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    print(f"\n## 7. sign-up answer time, ms (median of {rounds}; real SMTP server behind)")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            extra = {"PAPERFEED_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}
            proc, url = _serve(Path(tmp), extra)
            try:
                with httpx.Client(base_url=url) as client:
                    client.get("/signup")
                    token = client.cookies["pf_csrf"]

                    def signup(address: str) -> float:
                        data = {"email": address, "password": "correct horse battery"}
                        t0 = time.perf_counter()
                        r = client.post("/signup", data={**data, "csrf_token": token})
                        assert r.status_code == 200, r.text
                        return (time.perf_counter() - t0) * 1000

                    signup("known@example.org")
                    new, known = [], []
                    for i in range(rounds):
                        new.append(signup(f"new{i}@example.org"))
                        known.append(signup("known@example.org"))
                    forgot_known, forgot_unknown = [], []
                    for _ in range(rounds):
                        for address, into in (
                            ("known@example.org", forgot_known),
                            ("nobody@example.org", forgot_unknown),
                        ):
                            t0 = time.perf_counter()
                            client.post(
                                "/password/forgot", data={"email": address, "csrf_token": token}
                            )
                            into.append((time.perf_counter() - t0) * 1000)
            finally:
                proc.kill()
                proc.wait()
    finally:
        controller.stop()
    print("| request | new / unknown address | known address |")
    print("| --- | ---: | ---: |")
    print(f"| sign-up | {statistics.median(new):.1f} | {statistics.median(known):.1f} |")
    print(
        f"| password reset | {statistics.median(forgot_unknown):.1f} | "
        f"{statistics.median(forgot_known):.1f} |"
    )


def bench_similar(papers: int) -> None:
    from sqlalchemy import select

    from paperfeed.config import Settings
    from paperfeed.db.engine import make_engine
    from paperfeed.db.migrate import upgrade
    from paperfeed.ingest.importer import import_file
    from paperfeed.papers import similar
    from paperfeed.papers.queries import LIST_COLUMNS
    from paperfeed.search.indexes import SearchIndexes
    from paperfeed.search.indexing import keyword_path, sync_keyword
    from paperfeed.search.keyword import KeywordIndex

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        settings = Settings(data_dir=data, semantic_search=False)
        engine = make_engine(settings.sqlalchemy_url)
        upgrade(engine)
        files = sorted(SHARED.glob("*.jsonl")) if SHARED.is_dir() else []
        if files:
            source = f"{len(files)} days of real cs.* papers"
            for f in files:
                import_file(engine, f, rejects_dir=data / "rejects")
        else:
            from synth import write_snapshot

            source = f"{papers:,} synthetic papers"
            path = data / "synth.jsonl"
            write_snapshot(path, papers)
            import_file(engine, path, rejects_dir=data / "rejects")
        sync_keyword(engine, KeywordIndex(keyword_path(settings)))
        indexes = SearchIndexes(settings, engine)
        with engine.connect() as conn:
            rows = conn.execute(select(*LIST_COLUMNS)).mappings().all()
            sample = [dict(r) for r in random.Random(5).sample(list(rows), 100)]
            for paper in sample[:3]:  # warm both paths
                similar._keyword(conn, paper, 5, indexes)
                similar._lexical(conn, paper, 5)
            cpu = {}
            t0 = time.process_time()
            for paper in sample:
                similar._lexical(conn, paper, 5)
            cpu["in-Python lexical scoring (before)"] = time.process_time() - t0
            t0 = time.process_time()
            for paper in sample:
                similar._keyword(conn, paper, 5, indexes)
            cpu["keyword index more-like-this (after)"] = time.process_time() - t0
    print(f"\n## 11. similar papers without embeddings, CPU ms per page ({source}, 100 papers)")
    print("| path | CPU ms per page |")
    print("| --- | ---: |")
    for name, seconds in cpu.items():
        print(f"| {name} | {seconds / len(sample) * 1000:.2f} |")
    values = list(cpu.values())
    print(f"ratio: {values[0] / values[1]:,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=21000)
    parser.add_argument("--body-mb", type=int, default=300)
    parser.add_argument("--only", choices=["body", "tex", "signup", "similar"])
    args = parser.parse_args()
    if args.only in (None, "tex"):
        bench_tex()
    if args.only in (None, "signup"):
        bench_signup()
    if args.only in (None, "similar"):
        bench_similar(args.papers)
    if args.only in (None, "body"):
        bench_body(args.body_mb)


if __name__ == "__main__":
    main()
