"""Search quality on SciFact (test judgments) and Cranfield: nDCG@10 and recall@100 for
keyword only, semantic only, and hybrid, through paperfeed's own search components.

    python bench/search_quality.py [--data ../shared/data] [--only scifact|cranfield]

Each document goes into a real Tantivy keyword index (KeywordIndex, as the site builds it)
and a real usearch vector index of all-MiniLM-L6-v2 embeddings (Embedder, as `paperfeed
embed` computes them); each query is parsed by the site's query parser and ranked by the
same functions the site uses (keyword BM25 with the title boost, semantic with the minimum
similarity, reciprocal rank fusion with RRF_K). Embeddings are cached in bench/.cache.

Judgments: SciFact test qrels (binary); Cranfield cranqrel codes 1 (complete answer) to
4 (background) as gains 4..1, code -1 as not relevant.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import math
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from paperfeed.config import Settings
from paperfeed.search.embedder import Embedder, paper_text
from paperfeed.search.keyword import KeywordDoc, KeywordIndex
from paperfeed.search.query import parse_query
from paperfeed.search.service import DEPTH, rrf
from paperfeed.search.vectors import add_vectors, new_index

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
csv.field_size_limit(sys.maxsize)


@dataclass
class Dataset:
    name: str
    docs: list[tuple[str, str, str, str]]  # (doc id, title, text, authors)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> gain


def _sentences(cell: str) -> str:
    """corpus_train.csv keeps each abstract as a numpy array repr of sentence strings."""
    parts = re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", cell)
    out = []
    for single, double in parts:
        raw = single or double
        try:
            out.append(ast.literal_eval(f"'{raw}'" if single else f'"{raw}"'))
        except (ValueError, SyntaxError):
            out.append(raw)
    return " ".join(out)


def load_scifact(root: Path, split: str = "test") -> Dataset:
    folder = root / "scifact"
    with zipfile.ZipFile(folder / "scifact.zip") as z:
        text = z.read("corpus_train.csv").decode("utf-8")
    docs = [
        (row["doc_id"], row["title"], _sentences(row["abstract"]), "")
        for row in csv.DictReader(io.StringIO(text))
    ]
    queries = {}
    for line in (folder / "queries.jsonl").read_text().splitlines():
        q = json.loads(line)
        queries[q["_id"]] = q["text"]
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "qrels" / f"{split}.tsv").read_text().splitlines():
        parts = line.split()  # test: query, 0, doc, score; train: query, doc, score
        if parts and parts[0].isdigit():
            qrels.setdefault(parts[0], {})[parts[-2]] = int(parts[-1])
    name = "SciFact" if split == "test" else f"SciFact {split}"
    return Dataset(name, docs, {q: queries[q] for q in qrels}, qrels)


def _smart(text: str) -> list[dict[str, str]]:
    records: list[dict[str, str]] = []
    field = None
    for line in text.splitlines():
        if line.startswith(".I "):
            records.append({"id": line[3:].strip()})
            field = None
        elif re.fullmatch(r"\.[TAWB]", line.strip()):
            field = line.strip()[1]
            records[-1][field] = ""
        elif field:
            records[-1][field] += line + " "
    return records


def load_cranfield(root: Path) -> Dataset:
    folder = root / "cranfield"
    docs = [
        (r["id"], r.get("T", "").strip(), r.get("W", "").strip(), r.get("A", "").strip())
        for r in _smart((folder / "cran.all.1400").read_text(errors="replace"))
    ]
    # cranqrel numbers the queries 1..225 in file order (not by their .I)
    queries = {
        str(i): r.get("W", "").strip()
        for i, r in enumerate(_smart((folder / "cran.qry").read_text()), 1)
    }
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "cranqrel").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            code = int(parts[2])
            gain = 5 - code if 1 <= code <= 4 else 0
            if gain:
                qrels.setdefault(parts[0], {})[parts[1]] = gain
    return Dataset("Cranfield", docs, {q: queries[q] for q in qrels if q in queries}, qrels)


def ndcg_at(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[str], rels: dict[str, int], k: int = 100) -> float:
    relevant = {d for d, g in rels.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def embeddings(ds: Dataset, embedder: Embedder) -> np.ndarray:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{ds.name.split()[0].lower()}-{len(ds.docs)}-{embedder.name}.npy"
    if path.exists():
        return np.load(path)
    start = time.perf_counter()
    vectors = embedder.encode([paper_text(t, a) for _, t, a, _au in ds.docs], batch_size=32)
    print(f"  embedded {len(ds.docs):,} documents in {time.perf_counter() - start:.0f} s")
    np.save(path, vectors)
    return vectors


@dataclass
class Runs:
    """Each query's keyword list, and its semantic list for each query encoder."""

    doc_id: list[str]
    keyword: dict[str, list[int]]
    semantic: dict[str, dict[str, list[int]]]  # encoder -> query id -> ranked docs


def runs(ds: Dataset, embedders: list[Embedder], settings: Settings) -> Runs:
    """Rank every query as the site does: the papers' embeddings are the same for every
    encoder (PyTorch, as `paperfeed embed` computes them); the queries' differ."""
    today = date(2026, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        keyword = KeywordIndex(Path(tmp) / "kw")
        writer = keyword.writer()
        keyword.add(
            writer,
            (KeywordDoc(i, t, a, au, "", today) for i, (_d, t, a, au) in enumerate(ds.docs)),
            replace=False,
        )
        writer.commit()
        writer.wait_merging_threads()
        vectors = embeddings(ds, embedders[0])
        ann = new_index(vectors.shape[1])
        add_vectors(ann, list(range(len(ds.docs))), vectors)
        out = Runs([d for d, *_ in ds.docs], {}, {e.query_backend: {} for e in embedders})
        for qid, text in ds.queries.items():
            query = parse_query(text)
            out.keyword[qid] = keyword.search(query, limit=DEPTH).ids
            for e in embedders:
                matches = ann.search(e.encode_query(" ".join(query.terms)), DEPTH)
                out.semantic[e.query_backend][qid] = [
                    int(k)
                    for k, dist in zip(matches.keys, matches.distances, strict=True)
                    if 1 - dist >= settings.semantic_min_score
                ]
        return out


def scores(ds: Dataset, r: Runs, ranked: Callable[[str], list[int]]) -> dict[str, float]:
    nd, rc = [], []
    for qid in ds.queries:
        found = [r.doc_id[i] for i in ranked(qid)]
        nd.append(ndcg_at(found, ds.qrels[qid]))
        rc.append(recall_at(found, ds.qrels[qid]))
    return {"ndcg@10": float(np.mean(nd)), "recall@100": float(np.mean(rc))}


def evaluate(
    ds: Dataset, embedders: list[Embedder], settings: Settings
) -> dict[str, dict[str, float]]:
    """Keyword only; semantic only and hybrid with each query encoder (the site's first)."""
    r = runs(ds, embedders, settings)
    out = {"keyword": scores(ds, r, lambda q: r.keyword[q])}
    for i, e in enumerate(embedders):
        label = "" if i == 0 else f" ({e.query_backend})"
        sem = r.semantic[e.query_backend]
        out[f"semantic{label}"] = scores(ds, r, lambda q, sem=sem: sem[q])
        out[f"hybrid{label}"] = scores(
            ds, r, lambda q, sem=sem: rrf([r.keyword[q], sem[q]], settings.rrf_k)
        )
    return out


TUNE_K = (5, 10, 20, 30, 60, 100)
TUNE_WEIGHTS = (0.85, 1.0, 1.2, 1.5)  # of the keyword list; the semantic list weighs 1


def tune(ds: Dataset, embedders: list[Embedder], settings: Settings) -> dict[str, float]:
    """Hybrid nDCG@10 for each fusion constant k and keyword weight, on these judgments
    (SciFact train: the fusion is chosen here, and only reported on the test judgments)."""
    r = runs(ds, embedders, settings)
    out = {}
    for e in embedders:
        sem = r.semantic[e.query_backend]
        for k in TUNE_K:
            for w in TUNE_WEIGHTS:
                fused = scores(
                    ds, r, lambda q, k=k, w=w, sem=sem: rrf([r.keyword[q], sem[q]], k, [w, 1])
                )
                out[f"{e.query_backend} k={k} keyword weight {w}"] = fused["ndcg@10"]
        best = max((v, key) for key, v in out.items() if key.startswith(f"{e.query_backend} "))
        print(f"  {e.query_backend}: best {best[1]} ({best[0]:.4f})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--only", choices=["scifact", "cranfield"])
    parser.add_argument(
        "--tune",
        action="store_true",
        help="hybrid nDCG@10 on SciFact train for each fusion constant and weight",
    )
    args = parser.parse_args()
    settings = Settings()
    # queries embedded as the site embeds them (ONNX Runtime, exported into the bench
    # cache: the site's default encoder first, then the other ONNX graph, then PyTorch)
    kinds = ["onnx-int8", "onnx", "torch"]
    kinds.remove(settings.query_encoder)
    embedders = [
        Embedder(
            settings.embedding_model,
            onnx_folder=CACHE / "models" if kind.startswith("onnx") else None,
            int8=kind == "onnx-int8",
        )
        for kind in [settings.query_encoder, *kinds]
    ]
    print("query encoders: " + ", ".join(e.query_backend for e in embedders))
    if args.tune:
        train = load_scifact(args.data, "train")
        print(f"{train.name}: {len(train.queries):,} judged queries")
        print(json.dumps(tune(train, embedders, settings), indent=1))
        return
    loaders = {"scifact": load_scifact, "cranfield": load_cranfield}
    results = {}
    for key, load in loaders.items():
        if args.only and key != args.only:
            continue
        ds = load(args.data)
        print(f"{ds.name}: {len(ds.docs):,} documents, {len(ds.queries):,} judged queries")
        results[ds.name] = evaluate(ds, embedders, settings)
        for system, figures in results[ds.name].items():
            print(
                f"  {system:30s} nDCG@10 {figures['ndcg@10']:.3f}"
                f"  recall@100 {figures['recall@100']:.3f}"
            )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
