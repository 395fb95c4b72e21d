"""For-you ranking quality on CiteULike-a, against the peers' methods, in the same run; and
the latency of /api/for-you with 1,000 members over a month of papers.

    python bench/recommend.py [--data ../shared/data] [--users 1000] [--seed 1]
                              [--svm-users 300] [--latency] [--skip-quality]

Warm protocol: per user, 20% of the library held out (seeded); every paper not in the
user's training part is ranked; recall@50, recall@100 and nDCG@10 over a seeded sample of
users. Cold start: 20% of the papers (seeded) are taken out of every training library; a
user's held-out papers are those of theirs among them, ranked among them by content only.

Anchors: popularity; tf-idf (1-2-grams) + a per-user LinearSVC(C=0.01, balanced) (what
arxiv-sanity-lite does; on --svm-users of the sample, it costs ~0.1 s a user); the cosine to
the MiniLM centroid of the library (zotero-arxiv-daily's idea); item-item co-occurrence
(counts) and its cosine-normalised form. paperfeed: personal.recommend's Pool, CoSaves, Taste
and rank(), the functions behind /api/for-you. Embeddings (all-MiniLM-L6-v2 through
paperfeed's Embedder, title + abstract where there is one) are cached in bench/.cache.
The constants in personal/recommend.py were chosen with --seed 0; report with another seed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from paperfeed.personal.recommend import CoSaves, Pool, Taste, rank
from paperfeed.search.embedder import Embedder, paper_text

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
Scorer = Callable[[int], np.ndarray]


class Data:
    def __init__(self, folder: Path) -> None:
        lines = (folder / "users.dat").read_text().split("\n")
        self.libraries = [[int(x) for x in ln.split()[1:]] for ln in lines if ln.strip()]
        items = [json.loads(ln) for ln in (folder / "items.jsonl").open()]
        self.titles = [i["title"] for i in items]
        self.texts = [paper_text(i["title"], i.get("abstract") or "") for i in items]
        self.n = len(items)


def embeddings(data: Data) -> np.ndarray:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"citeulike-{data.n}-all-MiniLM-L6-v2.npy"
    if path.exists():
        return np.load(path)
    print(f"embedding {data.n:,} papers once (cached in {path}) …", flush=True)
    started = time.perf_counter()
    vectors = Embedder("all-MiniLM-L6-v2").encode(data.texts, batch_size=64)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    np.save(path, vectors)
    return vectors


def split(data: Data, seed: int, cold: np.ndarray | None):
    """Training libraries and held-out sets; with `cold`, hold out exactly the cold papers."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for lib in data.libraries:
        arr = np.asarray(lib)
        if cold is not None:
            test.append(set(arr[cold[arr]].tolist()))
            train.append(arr[~cold[arr]])
            continue
        order = rng.permutation(len(arr))
        k = max(1, round(0.2 * len(arr)))
        test.append(set(arr[order[:k]].tolist()))
        train.append(arr[order[k:]])
    return train, test


def saves_matrix(train: list[np.ndarray], n: int) -> sp.csr_matrix:
    rows = np.concatenate([[u] * len(t) for u, t in enumerate(train)]).astype(np.int64)
    cols = np.concatenate(train).astype(np.int64)
    return sp.csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(train), n))


def evaluate(name: str, users, train, test, scorer: Scorer, candidates=None) -> dict:
    r50, r100, ndcg = [], [], []
    started = time.perf_counter()
    for u in users:
        scores = np.asarray(scorer(u), dtype=np.float64).copy()
        if candidates is None:
            scores[train[u]] = -np.inf
            pool = np.arange(len(scores))
        else:
            pool = candidates
            scores = scores[candidates]
        top = np.argpartition(-scores, 100)[:100]
        top = pool[top[np.argsort(-scores[top], kind="stable")]]
        held = test[u]
        r50.append(len(held & set(top[:50].tolist())) / len(held))
        r100.append(len(held & set(top.tolist())) / len(held))
        dcg = sum(1 / math.log2(i + 2) for i, x in enumerate(top[:10]) if x in held)
        ndcg.append(dcg / sum(1 / math.log2(i + 2) for i in range(min(10, len(held)))))
    per_user = (time.perf_counter() - started) / len(users) * 1000
    row = {
        "method": name,
        "users": len(users),
        "recall@50": float(np.mean(r50)),
        "recall@100": float(np.mean(r100)),
        "nDCG@10": float(np.mean(ndcg)),
        "ms/user": per_user,
    }
    print(
        f"| {name} | {len(users)} | {row['recall@50']:.3f} | {row['recall@100']:.3f} "
        f"| {row['nDCG@10']:.3f} | {per_user:.1f} |",
        flush=True,
    )
    return row


def anchors(data: Data, vectors: np.ndarray, train, svm_users: set[int]) -> dict[str, Scorer]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    saves = saves_matrix(train, data.n)
    popularity = np.asarray(saves.sum(axis=0)).ravel().astype(np.float64)
    cooc = sp.csr_matrix(saves.T @ saves)
    cooc.setdiag(0)
    cooc.eliminate_zeros()
    norm = 1 / np.sqrt(np.maximum(popularity, 1))
    cosine = sp.csr_matrix(sp.diags(norm) @ cooc @ sp.diags(norm))
    tfidf = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, stop_words="english"
    ).fit_transform(data.texts)

    def svm(u: int) -> np.ndarray:
        if u not in svm_users:
            raise KeyError(u)
        y = np.zeros(data.n)
        y[train[u]] = 1
        model = LinearSVC(C=0.01, class_weight="balanced").fit(tfidf, y)
        return model.decision_function(tfidf)

    def zsum(u: int) -> np.ndarray:
        parts = (np.asarray(cosine[train[u]].sum(0)).ravel(), vectors @ vectors[train[u]].mean(0))
        return sum((p - p.mean()) / (p.std() + 1e-12) for p in parts)

    return {
        "popularity": lambda u: popularity,
        "tf-idf + LinearSVC (arxiv-sanity-lite)": svm,
        "MiniLM centroid (zotero-arxiv-daily)": lambda u: vectors @ vectors[train[u]].mean(0),
        "item-item co-occurrence": lambda u: np.asarray(cooc[train[u]].sum(0)).ravel(),
        "item-item cosine": lambda u: np.asarray(cosine[train[u]].sum(0)).ravel(),
        "z-sum of item-item cosine and MiniLM centroid": zsum,
    }


def paperfeed_scorer(
    data: Data, vectors: np.ndarray, train, allowed: np.ndarray | None
) -> tuple[Scorer, float]:
    """Scores through personal.recommend, exactly as the feed calls it (rank over the pool)."""
    started = time.perf_counter()
    ids = list(range(data.n))
    pool = Pool.build(ids, vectors, data.texts)
    pairs = [(u, int(p)) for u, lib in enumerate(train) for p in lib]
    cosaves = CoSaves(pairs)
    build = time.perf_counter() - started
    size = sum(
        m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        for m in (cosaves.to_paper, cosaves.to_member, cosaves.saved_by)
    )
    print(
        f"(co-save model: {len(pairs):,} saves in {size / 2**20:.1f} MiB, "
        f"{size / len(pairs):.0f} bytes a save; built with the pool in {build:.1f} s)"
    )

    def score(u: int) -> np.ndarray:
        positives = [int(p) for p in train[u]]
        taste = Taste(
            positive_ids=positives,
            positive_vectors=vectors[positives],
            positive_words=pool.words[positives],
            negative_vectors=np.zeros((0, vectors.shape[1]), np.float32),
            positive_vector_ids=positives,
        )
        ranked = rank(pool, taste, cosaves, allowed=allowed, limit=100)
        out = np.full(data.n, -1e9)
        out[ranked.rows] = -np.arange(len(ranked.rows), dtype=np.float64)  # rank order
        return out

    return score, build


def quality(args: argparse.Namespace) -> None:
    data = Data(args.data / "citeulike-a")
    vectors = embeddings(data)
    rng = np.random.default_rng(args.seed)
    for protocol in ("warm", "cold start"):
        cold = rng.random(data.n) < 0.2 if protocol == "cold start" else None
        train, test = split(data, args.seed, cold)
        eligible = [u for u in range(len(train)) if test[u] and len(train[u]) >= 1]
        users = [
            int(u) for u in rng.choice(eligible, min(args.users, len(eligible)), replace=False)
        ]
        svm_users = set(users[: args.svm_users])
        candidates = np.flatnonzero(cold) if cold is not None else None
        ranked = "all papers" if candidates is None else f"the {len(candidates):,} cold papers"
        print(f"\n### {protocol}: {len(users)} users (seed {args.seed}), {ranked} ranked\n")
        print("| method | users | recall@50 | recall@100 | nDCG@10 | ms/user |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        rows = []
        for name, scorer in anchors(data, vectors, train, svm_users).items():
            if (cold is not None and "co-occurrence" in name) or (
                cold is not None and "cosine" in name
            ):
                continue  # nothing saved the cold papers: these anchors cannot rank them
            subset = users[: args.svm_users] if "LinearSVC" in name else users
            rows.append(evaluate(name, subset, train, test, scorer, candidates))
        score, _ = paperfeed_scorer(data, vectors, train, cold)
        ours = evaluate("**paperfeed for-you**", users, train, test, score, candidates)
        same = evaluate(
            "paperfeed for-you, on the SVM's users",
            users[: args.svm_users],
            train,
            test,
            score,
            candidates,
        )
        print()
        for row in rows:
            if row["method"] == "popularity":
                continue
            mine = same if row["users"] < len(users) else ours
            print(
                f"paperfeed / {row['method']}: recall@50 "
                f"{mine['recall@50'] / row['recall@50']:.2f}×, nDCG@10 "
                f"{mine['nDCG@10'] - row['nDCG@10']:+.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--svm-users", type=int, default=300)
    parser.add_argument("--latency", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if not args.skip_quality:
        if not (args.data / "citeulike-a").is_dir():
            sys.exit(f"CiteULike-a is not at {args.data / 'citeulike-a'} (--data)")
        quality(args)
    if args.latency:
        from recommend_latency import latency

        latency()


if __name__ == "__main__":
    main()
