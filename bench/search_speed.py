"""Search speed at 10k, 100k and 1M papers, with the engines' own speed as the floor.

    python bench/search_speed.py [--sizes 10000,100000,1000000] [--queries 300]
                                 [--real-vectors 3000] [--compare-ann] [--embedding 512]

For each size, in one run:
  1. a synthetic snapshot (bench/synth.py: arXiv's field lengths, Zipf pseudo-words) is
     imported with `import_file` and the keyword index synced (`sync_keyword`), the path
     `paperfeed import` takes; floor: raw Tantivy indexing of the same texts;
  2. vectors: embedding 1M abstracts takes hours on these CPUs, so each synthetic paper
     carries a vector DERIVED from real all-MiniLM-L6-v2 embeddings of real cs.* abstracts
     (../shared/data/arxiv-daily-cs-jsonl): normalise(0.7·a + 0.3·b + 0.03·noise) for two
     real embeddings a, b and Gaussian noise per dimension; stored in paper_embeddings and
     indexed by `sync_vectors` (build time and memory reported);
  3. `paperfeed serve` in a subprocess; distinct 2-3 word queries (Zipf-drawn, so common
     and rare words) through GET /api/papers/search?limit=20: p50/p95, query embedding
     included (the embedding cache never hits: every query is new);
  4. floors, same kind of queries, same index files, called directly in this process,
     each right after one HTTP query (so both meet the same moments of the machine): Tantivy on
     the query paperfeed sends (KeywordIndex.build: zero-idf words left out) and, for
     reference, on the words as typed; usearch (k 100); the query's embedding by the
     encoder the server uses (ONNX Runtime) and, for reference, PyTorch's model.encode.
     The floor is their sum; the server runs the embedding beside the keyword search.
     ANN recall@10 against exact (brute-force) search.
Also: ANN recall@10 on REAL embeddings only (--real-vectors papers, queries = their
titles), and the embedding pipeline (`embed_pending`) against `model.encode` on the same
texts. --compare-ann: usearch against hnswlib on the same vectors (build, query, recall).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import orjson
import tantivy
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from paperfeed.config import Settings  # noqa: E402
from paperfeed.db.engine import make_engine  # noqa: E402
from paperfeed.db.migrate import upgrade  # noqa: E402
from paperfeed.ingest.importer import import_file  # noqa: E402
from paperfeed.search.embedder import _EXECUTOR as EMBED_THREAD  # noqa: E402
from paperfeed.search.embedder import Embedder, embedder_for, paper_text, to_bytes  # noqa: E402
from paperfeed.search.indexing import (  # noqa: E402
    embed_pending,
    keyword_path,
    sync_keyword,
    sync_vectors,
    vectors_path,
)
from paperfeed.search.keyword import TEXT_FIELDS, TITLE_WEIGHT, KeywordIndex, _schema  # noqa: E402
from paperfeed.search.query import parse_query  # noqa: E402
from paperfeed.search.speller import Speller, Vocabulary, surface_words  # noqa: E402
from paperfeed.search.vectors import VectorStore, new_index  # noqa: E402
from search_quality import typo, typod  # noqa: E402
from synth import Generator, write_snapshot  # noqa: E402

CACHE = HERE / ".cache"
REAL = HERE.parent.parent / "shared" / "data" / "arxiv-daily-cs-jsonl"


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p)) * 1000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def real_papers(limit: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in sorted(REAL.glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            out.append(orjson.loads(line))
            if len(out) >= limit:
                return out
    return out


def real_embeddings(embedder: Embedder, n: int) -> tuple[np.ndarray, list[str]]:
    """Real embeddings of n real cs.* papers (cached), and their titles."""
    papers = real_papers(n)
    titles = [str(p["title"]) for p in papers]
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"real-{len(papers)}-{embedder.name}.npy"
    if path.exists():
        return np.load(path), titles
    start = time.perf_counter()
    vectors = embedder.encode([paper_text(str(p["title"]), str(p["summary"])) for p in papers])
    print(f"  embedded {len(papers):,} real papers in {time.perf_counter() - start:.0f} s")
    np.save(path, vectors)
    return vectors, titles


def derived(real: np.ndarray, n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        a = real[rng.integers(0, len(real), m)]
        b = real[rng.integers(0, len(real), m)]
        v = 0.7 * a + 0.3 * b + 0.03 * rng.standard_normal((m, real.shape[1]), dtype=np.float32)
        out[start : start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    out = []
    for start in range(0, len(queries), 20):  # 20 x 1M scores at a time
        scores = queries[start : start + 20] @ vectors.T
        part = np.argpartition(-scores, k, axis=1)[:, :k]
        order = np.take_along_axis(scores, part, axis=1).argsort(axis=1)[:, ::-1]
        out.append(np.take_along_axis(part, order, axis=1))
    return np.concatenate(out)


def recall(found: list[list[int]], truth: np.ndarray, k: int = 10) -> float:
    pairs = zip(found, truth, strict=True)
    return float(np.mean([len(set(f[:k]) & set(t[:k].tolist())) / k for f, t in pairs]))


def queries_for(n: int, seed: int = 99) -> list[str]:
    gen = Generator(7)  # the corpus's own vocabulary and Zipf weights
    gen.rng.seed(seed)
    seen: set[str] = set()
    out = []
    while len(out) < n:
        q = gen.text(gen.rng.choice((2, 2, 3)))
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out


def raw_tantivy_floor(docs: list[tuple[str, str, str]], folder: Path) -> float:
    """Seconds to index the same texts into a fresh Tantivy index of the same schema."""
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(folder), reuse=False)
    writer = index.writer(256 * 1024 * 1024, 0)
    start = time.perf_counter()
    for i, (title, abstract, authors) in enumerate(docs):
        writer.add_document(
            tantivy.Document(id=i, title=title, text=f"{title}\n{abstract}", authors=authors, day=0)
        )
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - start


def snapshot_texts(path: Path) -> list[tuple[str, str, str]]:
    out = []
    with path.open("rb") as fh:
        for line in fh:
            r = orjson.loads(line)
            authors = r["authors"]
            if isinstance(authors, list):
                authors = "; ".join(authors)
            out.append((r["title"], r.get("abstract") or r.get("summary", ""), authors))
    return out


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "paperfeed"), "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            status = httpx.get(f"http://127.0.0.1:{port}/healthz/search", timeout=5).json()
            if status["semantic"] == "ready" and status["speller"].startswith("ready"):
                return proc
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGTERM)
    raise RuntimeError("server did not become ready")


def gzip_levels(body: bytes, repeat: int = 50) -> dict[str, object]:
    """What compressing one search answer costs at gzip levels 1 (the server's), 5 and 9."""
    out: dict[str, object] = {"bytes": len(body)}
    for level in (1, 5, 9):
        spent = timed(lambda level=level: gzip.compress(body, compresslevel=level), repeat)
        out[f"level_{level}"] = {
            "ms": 1000 * float(np.median(spent)),
            "bytes": len(gzip.compress(body, compresslevel=level)),
        }
    return out


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def run_size(
    n: int,
    args: argparse.Namespace,
    embedder: Embedder,
    real: np.ndarray,
    corpus: tuple[Path, np.ndarray] | None = None,
) -> dict:
    """One corpus: synthetic of size n (derived vectors), or `corpus` = (a JSON-lines file
    of real papers, their real embeddings in file order)."""
    print(f"\n== {n:,} papers{' (real)' if corpus else ''}")
    result: dict[str, object] = {"papers": n, "real": corpus is not None}
    snap = corpus[0] if corpus else CACHE / f"snapshot-{n}.jsonl"
    tmp, settings, engine = fresh_site(n, snap)

    # 1. import + keyword index, against raw Tantivy indexing of the same texts
    result["import"] = import_and_index(n, snap, tmp, settings, engine)

    # 2. derived vectors into the table, then the ANN index built from it
    vectors = corpus[1] if corpus else derived(real, n)
    position = {}  # arxiv id -> line of the file (the row of `vectors`)
    with snap.open("rb") as fh:
        for i, line in enumerate(fh):
            position.setdefault(str(orjson.loads(line)["id"]), i)
    t = time.perf_counter()
    with engine.begin() as conn:
        stored = conn.exec_driver_sql(
            "SELECT id, arxiv_id, content_hash FROM papers ORDER BY id"
        ).all()
        # the row order of `vectors` follows the stored papers (for the recall check)
        vectors = vectors[[position[a] for _, a, _ in stored]]
        ids = [pid for pid, _, _ in stored]
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        for s in range(0, len(stored), 20_000):
            conn.exec_driver_sql(
                "INSERT INTO paper_embeddings (paper_id, model, content_hash, vector, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (pid, settings.embedding_model, h, to_bytes(vectors[i]), now)
                    for i, (pid, _, h) in enumerate(stored[s : s + 20_000], start=s)
                ],
            )
    t_store = time.perf_counter() - t
    t = time.perf_counter()
    sync_vectors(engine, settings)
    t_ann = time.perf_counter() - t
    store = VectorStore(vectors_path(settings), settings.embedding_model)
    result["ann_build"] = {
        "store_embeddings_s": t_store,
        "build_s": t_ann,
        "file_mb": store.file.stat().st_size / 1e6,
        "bench_process_peak_rss_mb": rss_mb(),
    }
    print(f"  ANN build {t_ann:.1f} s ({store.file.stat().st_size / 1e6:,.0f} MB file)")

    # 3. through HTTP, and 4. the floors, interleaved: after each HTTP query the bench
    # process runs the floor's parts on a query of its own, so both see the same moments
    # of this shared machine (run one after the other, a noisy minute moved the ratio)
    kw = tantivy.Index.open(str(keyword_path(settings)))
    searcher = kw.searcher()
    ours = KeywordIndex(keyword_path(settings))
    from usearch.index import Index

    ann = Index.restore(str(store.file), view=True)
    embedder.encode(queries_for(5, seed=n + 1))  # warm-up
    onnx = embedder.query_encoder

    def torch_encode(q: str) -> np.ndarray:
        call = EMBED_THREAD.submit(embedder.model.encode, [q], normalize_embeddings=True)
        return np.asarray(call.result()[0])

    def floor_parts(q: str, into: dict[str, list[float]]) -> None:
        t = time.perf_counter()
        parsed = kw.parse_query(q, TEXT_FIELDS, {"title": TITLE_WEIGHT})
        searcher.search(parsed, limit=100, count=False)
        into["kw_raw"].append(time.perf_counter() - t)
        t = time.perf_counter()  # the Tantivy query paperfeed sends for q
        built = ours.build(parse_query(q), searcher=searcher)
        searcher.search(built, limit=100, count=False)
        into["kw"].append(time.perf_counter() - t)
        t = time.perf_counter()  # the encoder the server uses, called directly
        v = onnx.encode(q) if onnx is not None else torch_encode(q)
        into["emb"].append(time.perf_counter() - t)
        t = time.perf_counter()
        ann.search(v, 100)
        into["ann"].append(time.perf_counter() - t)

    port = 8700 + (n % 97)
    env = {
        "PAPERFEED_DATA_DIR": str(settings.data_dir),
        "PAPERFEED_PORT": str(port),
        "PAPERFEED_SEMANTIC_MIN_SCORE": "-1",  # every query runs the whole semantic path
    }
    # two phases on one server: as built (the data files partly out of the OS page cache,
    # as after an import), then once every data file has been read (as on a server that
    # has been up a while); each phase has queries of its own
    phases: dict[str, dict[str, list[float]]] = {}
    proc = serve(env, port)
    try:
        server_rss = int(Path(f"/proc/{proc.pid}/status").read_text().split("VmRSS:")[1].split()[0])
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for phase, seed in (("as_built", n), ("files_cached", n + 2), ("typos", n + 4)):
                if phase == "files_cached":
                    read_mb = read_every_file(settings.data_dir)
                    print(f"  read the data folder once ({read_mb:,.0f} MB)")
                times = phases[phase] = {k: [] for k in ("http", "kw_raw", "kw", "emb", "ann")}
                queries = queries_for(args.queries + 20, seed=seed)
                if phase == "typos":  # the same kind of queries, misspelt: the speller works
                    queries = list(typod(dict(enumerate(queries))).values())
                fresh = queries_for(args.queries, seed=seed + 1)  # no cache helps the floor
                hits = []
                for i, q in enumerate(queries):
                    t = time.perf_counter()
                    r = client.get("/api/papers/search", params={"q": q, "limit": 20})
                    elapsed = time.perf_counter() - t
                    assert r.status_code == 200, r.text
                    if i >= 20:  # the first 20 warm the caches of the process
                        times["http"].append(elapsed)
                        hits.append(len(r.json()))
                        floor_parts(fresh[i - 20], times)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
    lat = phases["as_built"]["http"]
    result["http"] = {
        "p50_ms": pct(lat, 50),
        "p95_ms": pct(lat, 95),
        "mean_results": float(np.mean(hits)),
        "server_rss_mb": server_rss / 1024,
        "gzip_of_an_answer": gzip_levels(r.content),
    }
    gz = result["http"]["gzip_of_an_answer"]
    print(
        f"  gzip of a {gz['bytes']:,}-byte answer: "
        + ", ".join(f"level {v}: {gz[f'level_{v}']['ms']:.2f} ms" for v in (1, 5, 9))
    )

    # PyTorch for reference, in a loop of its own: its worker threads spin on after each
    # call and would slow whatever runs next
    torch_t = []
    for q in queries_for(args.queries, seed=n + 1):
        t = time.perf_counter()
        torch_encode(q)
        torch_t.append(time.perf_counter() - t)
    # ANN recall@10 against exact search, queries near the data (held-out derived vectors)
    qv = derived(real, 200, seed=n + 7)
    truth = exact_top(vectors, qv, 10)
    id_pos = {pid: i for i, pid in enumerate(ids)}
    found_pos = [[id_pos[int(k)] for k in ann.search(v, 10).keys] for v in qv]
    result["embed_query_pytorch_p50_ms"] = pct(torch_t, 50)
    result["embed_query_pytorch_p95_ms"] = pct(torch_t, 95)
    result["ann_recall_at_10_derived"] = recall(found_pos, truth)
    print(
        f"  PyTorch query embedding p50/p95 {pct(torch_t, 50):.2f}/{pct(torch_t, 95):.2f} ms;"
        f" ANN recall@10 {result['ann_recall_at_10_derived']:.3f}"
    )
    result["speller"] = speller_figures(settings, queries_for(args.queries + 20, seed=n + 4))
    for phase, times in phases.items():
        result[phase] = floor_figures(times, embedder.query_backend)
        f = result[phase]
        print(
            f"  {phase}: HTTP p50 {f['http_p50_ms']:.1f} ms, p95 {f['http_p95_ms']:.1f} ms;"
            f" raw Tantivy on the typed query p50/p95 {f['tantivy_raw_query_p50_ms']:.2f}/"
            f"{f['tantivy_raw_query_p95_ms']:.2f} ms\n"
            f"    floor p95: Tantivy {f['tantivy_p95_ms']:.2f} ms + usearch"
            f" {f['ann_p95_ms']:.2f} ms + query embedding ({embedder.query_backend})"
            f" {f['embed_query_p95_ms']:.2f} ms = {f['keyword_ann_embedding_p95_ms']:.1f} ms;"
            f" HTTP/floor {f['http_p95_over_floor_with_embedding']:.2f}x"
        )
    engine.dispose()
    subprocess.run(["rm", "-rf", str(tmp)], check=False)
    return result


def speller_figures(settings: Settings, queries: list[str]) -> dict[str, float]:
    """The site's speller on its vocabulary: build time, words, memory, and what the typo'd
    queries of the "typos" phase cost it (a query's words corrected in one call each)."""
    rss = rss_mb()
    t = time.perf_counter()
    speller = Speller(*Vocabulary(keyword_path(settings)).read())
    built = time.perf_counter() - t
    grown = rss_mb() - rss
    calls, corrected = [], 0
    for q in typod(dict(enumerate(queries))).values():
        words = parse_query(q).words
        t = time.perf_counter()
        corrected += len(speller.corrections(words))
        calls.append(time.perf_counter() - t)
    found = {
        "words": len(speller.words),
        "build_s": built,
        "peak_rss_growth_mb": grown,
        "corrections": corrected,
        "per_query_p50_ms": pct(calls, 50),
        "per_query_p95_ms": pct(calls, 95),
    }
    print(
        f"  speller: {found['words']:,} words, built in {built:.1f} s (+{grown:.0f} MB);"
        f" typo'd queries {pct(calls, 50):.2f}/{pct(calls, 95):.2f} ms p50/p95,"
        f" {corrected} corrections"
    )
    return found


def big_vocabulary(words: int, queries: int) -> dict[str, float]:
    """The speller on a vocabulary the size of a real million papers' (the synthetic
    corpus has too few distinct words): the real cs.* papers' words, filled up to `words`
    with made-up words of the same lengths (one edit apart from real ones: the hardest
    case, many near neighbours); timed on typo'd real titles."""
    rng = random.Random(3)
    vocabulary: Counter[str] = Counter()
    papers = real_papers(10**6)
    for paper in papers:
        vocabulary.update(surface_words(f"{paper['title']} {paper.get('summary', '')}"))
    real_words = list(vocabulary)
    while len(vocabulary) < words:
        vocabulary[typo(rng.choice(real_words), rng)] += 2
    names = list(vocabulary)
    t = time.perf_counter()
    speller = Speller(names, np.array([vocabulary[w] for w in names]))
    built = time.perf_counter() - t
    titles = {i: str(p["title"]) for i, p in enumerate(papers[:queries])}
    calls, corrected = [], 0
    for q in typod(titles).values():
        words = parse_query(q).words
        t = time.perf_counter()
        corrected += len(speller.corrections(words))
        calls.append(time.perf_counter() - t)
    found = {
        "words": len(names),
        "real_words": len(real_words),
        "build_s": built,
        "per_query_p50_ms": pct(calls, 50),
        "per_query_p95_ms": pct(calls, 95),
        "per_query_max_ms": max(calls) * 1000,
        "corrections": corrected,
    }
    print(json.dumps(found, indent=1))
    return found


def fresh_site(n: int, snap: Path) -> tuple[Path, Settings, Engine]:
    """A new data folder and SQLite database, and the snapshot of n papers if missing."""
    CACHE.mkdir(exist_ok=True)
    if not snap.exists():
        write_snapshot(snap, n)
    tmp = Path(tempfile.mkdtemp(prefix=f"pf-speed-{n}-"))
    settings = Settings(data_dir=tmp / "data")
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    return tmp, settings, engine


def import_and_index(n: int, snap: Path, tmp: Path, settings: Settings, engine: Engine) -> dict:
    """`paperfeed import` (import, then the keyword index) against raw Tantivy indexing."""
    t = time.perf_counter()
    import_file(engine, snap, rejects_dir=tmp / "rejects", batch_size=2000, jobs=2)
    t_import = time.perf_counter() - t
    t = time.perf_counter()
    sync_keyword(engine, KeywordIndex(keyword_path(settings)))
    t_index = time.perf_counter() - t
    floor_s = raw_tantivy_floor(snapshot_texts(snap), tmp / "raw-tantivy")
    kw_mb = sum(f.stat().st_size for f in keyword_path(settings).iterdir()) / 1e6
    print(
        f"  import+index {n / (t_import + t_index):,.0f}/s "
        f"(import {t_import:.1f} s, index {t_index:.1f} s); raw Tantivy {n / floor_s:,.0f}/s"
        f" -> {floor_s / (t_import + t_index):.1%}"
    )
    return {
        "import_s": t_import,
        "keyword_index_s": t_index,
        "import_with_index_per_s": n / (t_import + t_index),
        "raw_tantivy_per_s": n / floor_s,
        "ratio_to_floor": (n / (t_import + t_index)) / (n / floor_s),
        "keyword_index_mb_on_disk": kw_mb,
    }


def read_every_file(folder: Path) -> float:
    """Read every file under `folder` once (into the OS page cache); MB read."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 22):
                    total += len(chunk)
    return total / 1e6


def floor_figures(times: dict[str, list[float]], encoder: str) -> dict[str, object]:
    """HTTP latency and the floor's parts (Tantivy, usearch, query embedding) of a phase."""
    lat, kw_raw, kw, emb, ann = (times[k] for k in ("http", "kw_raw", "kw", "emb", "ann"))
    floor = [a + b for a, b in zip(kw, ann, strict=True)]
    floor_emb = [a + b + c for a, b, c in zip(kw, ann, emb, strict=True)]
    floor_raw = [a + b + c for a, b, c in zip(kw_raw, ann, emb, strict=True)]
    return {
        "http_p50_ms": pct(lat, 50),
        "http_p95_ms": pct(lat, 95),
        "query_encoder": encoder,
        "tantivy_raw_query_p50_ms": pct(kw_raw, 50),
        "tantivy_raw_query_p95_ms": pct(kw_raw, 95),
        "tantivy_p50_ms": pct(kw, 50),
        "tantivy_p95_ms": pct(kw, 95),
        "raw_query_floor_with_embedding_p95_ms": pct(floor_raw, 95),
        "ann_p50_ms": pct(ann, 50),
        "ann_p95_ms": pct(ann, 95),
        "embed_query_p50_ms": pct(emb, 50),
        "embed_query_p95_ms": pct(emb, 95),
        "keyword_plus_ann_p95_ms": pct(floor, 95),
        "keyword_ann_embedding_p95_ms": pct(floor_emb, 95),
        "http_p95_over_floor_with_embedding": pct(lat, 95) / pct(floor_emb, 95),
        "http_p95_over_keyword_plus_ann": pct(lat, 95) / pct(floor, 95),
    }


def real_recall(embedder: Embedder, real: np.ndarray, titles: list[str]) -> dict:
    index = new_index(real.shape[1])
    index.add(np.arange(len(real), dtype=np.uint64), real)
    qv = embedder.encode(titles[:200])
    truth = exact_top(real, qv, 10)
    found = [[int(k) for k in index.search(v, 10).keys] for v in qv]
    r = recall(found, truth)
    print(f"\nANN recall@10 on {len(real):,} real embeddings (queries: 200 titles): {r:.3f}")
    return {"papers": len(real), "recall_at_10": r}


def write_generic(jsonl: Path, papers: list[dict[str, object]]) -> None:
    """Real papers in paperfeed's generic JSON-lines schema (docs/import-formats.md)."""
    with jsonl.open("wb") as fh:
        for p in papers:
            fh.write(
                orjson.dumps(
                    {
                        "id": p["id"],
                        "title": p["title"],
                        "abstract": p["summary"],
                        "authors": p["authors"],
                        "categories": p["categories"],
                        "published": "2025-03-19T12:00:00Z",
                    }
                )
                + b"\n"
            )


def site_of_real_papers(n: int) -> tuple[Path, Settings, Engine, int]:
    """A fresh SQLite site holding n real papers: its folder, settings, engine, papers."""
    tmp = Path(tempfile.mkdtemp(prefix="pf-embed-"))
    jsonl = tmp / "real.jsonl"
    write_generic(jsonl, real_papers(n))
    settings = Settings(data_dir=tmp / "data")
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    summary = import_file(engine, jsonl, rejects_dir=tmp / "rejects", batch_size=2000, jobs=1)
    return tmp, settings, engine, summary.counts.added


def pipeline_throughput(embedder: Embedder, n: int) -> dict:
    """embed_pending on n real papers against model.encode of the same texts."""
    tmp, settings, engine, added = site_of_real_papers(n)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT title, abstract FROM papers ORDER BY id").all()
    texts = [paper_text(t, a) for t, a in rows]
    t = time.perf_counter()
    EMBED_THREAD.submit(
        embedder.model.encode, texts, batch_size=32, normalize_embeddings=True
    ).result()  # on the thread the pipeline encodes on: one PyTorch thread pool for both
    base = len(texts) / (time.perf_counter() - t)
    res = embed_pending(engine, settings, embedder=embedder)
    ours = res.embedded / res.seconds
    print(
        f"\nembedding {added:,} real papers: pipeline {ours:.1f}/s, "
        f"model.encode {base:.1f}/s ({ours / base:.0%})"
    )
    subprocess.run(["rm", "-rf", str(tmp)], check=False)
    return {
        "papers": len(texts),
        "pipeline_per_s": ours,
        "encode_per_s": base,
        "ratio": ours / base,
    }


ARXIV_PAPERS = 2_700_000  # the full arXiv backfill the projection is for


def embed_speed(n: int) -> dict:
    """`paperfeed embed` (embed_pending) on n real papers, twice in this process: with
    the earlier encoder (PyTorch, 256 tokens) and with the settings' (ONNX Runtime int8,
    PAPERFEED_DOCUMENT_TOKENS, batches of like length); papers/s, the ratio and the
    full-arXiv projection."""
    tmp, settings, engine, _added = site_of_real_papers(n)
    bundled = settings.models_dir
    if (CACHE / "models").exists():  # exported before (either way, not in the timing)
        shutil.copytree(CACHE / "models", bundled, dirs_exist_ok=True)
    encoders = {
        "pytorch, 256 tokens (before)": Embedder(settings.embedding_model),
        "settings (now)": embedder_for(settings),
    }
    found: dict[str, object] = {}
    for label, embedder in encoders.items():
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM paper_embeddings")
        embedder.encode(["warm up"] * 4)
        res = embed_pending(engine, settings, embedder=embedder)
        rate = res.embedded / res.seconds
        hours = ARXIV_PAPERS / rate / 3600
        found[label] = {"backend": embedder.document_backend, "per_s": rate, "arxiv_hours": hours}
        print(
            f"  {label:30s} {embedder.document_backend:32s} {rate:6.1f} papers/s, "
            f"full arXiv ({ARXIV_PAPERS:,}) {hours:5.1f} h"
        )
    before, now = (found[k]["per_s"] for k in encoders)  # type: ignore[index]
    found["speed-up"] = now / before
    print(f"  speed-up {now / before:.2f}x on {os.cpu_count()} cores")
    subprocess.run(["rm", "-rf", str(tmp)], check=False)
    return found


def encoder_floor(embedders: list[Embedder], sizes: list[int], queries: int) -> dict:
    """The query encoders alone on each size's floor queries: each ONNX Runtime graph, then
    PyTorch (each in its own loop, nothing else running); and how close each graph's
    vectors are to PyTorch's (cosine, lowest and mean)."""
    out = {}
    for n in sizes:
        fresh = queries_for(queries, seed=n + 1)
        times: dict[str, list[float]] = {}
        vectors: dict[str, list[np.ndarray]] = {}
        for e in embedders:
            if e.query_encoder is None:
                continue
            for q in fresh:
                t = time.perf_counter()
                v = e.query_encoder.encode(q)
                times.setdefault(e.query_backend, []).append(time.perf_counter() - t)
                vectors.setdefault(e.query_backend, []).append(v)
        model = embedders[0].model
        reference = []
        for q in fresh:
            t = time.perf_counter()
            v = EMBED_THREAD.submit(model.encode, [q], normalize_embeddings=True).result()[0]
            times.setdefault("pytorch", []).append(time.perf_counter() - t)
            reference.append(v)
        out[str(n)] = {k: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95)} for k, v in times.items()}
        for k, vs in vectors.items():
            cos = np.einsum("ij,ij->i", np.stack(vs), np.stack(reference))
            out[str(n)][k]["cosine_to_pytorch_min"] = float(cos.min())
            out[str(n)][k]["cosine_to_pytorch_mean"] = float(cos.mean())
        print(
            f"  query encoder on the {n:,} queries: "
            + ", ".join(
                f"{k} p50 {r['p50_ms']:.2f} / p95 {r['p95_ms']:.2f} ms"
                + (
                    f" (cosine to PyTorch min {r['cosine_to_pytorch_min']:.4f}"
                    f" mean {r['cosine_to_pytorch_mean']:.4f})"
                    if "cosine_to_pytorch_min" in r
                    else ""
                )
                for k, r in out[str(n)].items()
            )
        )
    return out


def compare_ann(real: np.ndarray, n: int) -> dict:
    import hnswlib

    vectors = derived(real, n, seed=3)
    qv = derived(real, 200, seed=4)
    truth = exact_top(vectors, qv, 10)
    out = {}
    t = time.perf_counter()
    u = new_index(vectors.shape[1])
    u.add(np.arange(n, dtype=np.uint64), vectors)
    build = time.perf_counter() - t
    lat: list[float] = []
    found = []
    for v in qv:
        t = time.perf_counter()
        found.append([int(k) for k in u.search(v, 10).keys])
        lat.append(time.perf_counter() - t)
    out["usearch_f16"] = {
        "build_s": build,
        "p50_ms": pct(lat, 50),
        "recall": recall(found, truth),
        "memory_mb": u.memory_usage / 1e6,
    }
    t = time.perf_counter()
    h = hnswlib.Index(space="cosine", dim=vectors.shape[1])
    h.init_index(max_elements=n, ef_construction=128, M=16)
    h.add_items(vectors, np.arange(n))
    h.set_ef(64)
    build = time.perf_counter() - t
    lat, found = [], []
    for v in qv:
        t = time.perf_counter()
        labels, _ = h.knn_query(v, k=10)
        found.append([int(k) for k in labels[0]])
        lat.append(time.perf_counter() - t)
    out["hnswlib_f32"] = {
        "build_s": build,
        "p50_ms": pct(lat, 50),
        "recall": recall(found, truth),
        "memory_mb": n * (vectors.shape[1] * 4 + 16 * 2 * 4) / 1e6,
    }
    for name, r in out.items():
        print(
            f"  {name}: build {r['build_s']:.1f} s, query p50 {r['p50_ms']:.2f} ms, "
            f"recall@10 {r['recall']:.3f}, ~{r['memory_mb']:.0f} MB"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--real-vectors", type=int, default=3000)
    parser.add_argument("--embedding", type=int, default=512, help="papers for the pipeline test")
    parser.add_argument("--real-corpus", action="store_true", help="also serve the real papers")
    parser.add_argument("--compare-ann", type=int, default=0, help="vectors for usearch vs hnswlib")
    parser.add_argument(
        "--encoder-only", action="store_true", help="only the query encoders on each size's queries"
    )
    parser.add_argument(
        "--speller-words", type=int, default=0, help="only the speller on a vocabulary this big"
    )
    parser.add_argument(
        "--embed-only", type=int, default=0, help="only `paperfeed embed`: before and now"
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only the import with the keyword index against raw Tantivy, each size",
    )
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    if args.speller_words:
        big_vocabulary(args.speller_words, args.queries)
        return
    if args.embed_only:
        print(json.dumps(embed_speed(args.embed_only), indent=1))
        return
    if args.import_only:
        found = {}
        for n in sizes:
            snap = CACHE / f"snapshot-{n}.jsonl"
            print(f"\n== {n:,} papers")
            found[str(n)] = import_and_index(n, snap, *fresh_site(n, snap))
        print(json.dumps(found, indent=1))
        return
    # queries as the server embeds them (its default encoder: ONNX Runtime, the int8 graph),
    # exported once into the bench cache
    settings = Settings()
    embedder = Embedder(
        settings.embedding_model,
        onnx_folder=CACHE / "models",
        int8=settings.query_encoder == "onnx-int8",
    )
    if args.encoder_only:
        other = Embedder(
            settings.embedding_model,
            onnx_folder=CACHE / "models",
            int8=settings.query_encoder != "onnx-int8",
        )
        found = encoder_floor([embedder, other], [3000, *sizes], args.queries)
        print(json.dumps(found, indent=1))
        return
    real, titles = real_embeddings(embedder, args.real_vectors)
    results: dict[str, object] = {"cpus": os.cpu_count()}
    results["real_recall"] = real_recall(embedder, real, titles)
    if args.embedding:
        results["embedding"] = pipeline_throughput(embedder, args.embedding)
    if args.compare_ann:
        print(f"\nusearch vs hnswlib on {args.compare_ann:,} derived vectors")
        results["ann_compare"] = compare_ann(real, args.compare_ann)
    if args.real_corpus:  # the real papers with their real embeddings, end to end
        path = CACHE / f"real-{len(real)}.jsonl"
        write_generic(path, real_papers(len(real)))
        results[f"real-{len(real)}"] = run_size(len(real), args, embedder, real, (path, real))
    for n in sizes:
        results[str(n)] = run_size(n, args, embedder, real)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
