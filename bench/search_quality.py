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


def load_scifact(root: Path) -> Dataset:
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
    for line in (folder / "qrels" / "test.tsv").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].isdigit():
            qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return Dataset("SciFact", docs, {q: queries[q] for q in qrels}, qrels)


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
    path = CACHE / f"{ds.name.lower()}-{len(ds.docs)}-{embedder.name}.npy"
    if path.exists():
        return np.load(path)
    start = time.perf_counter()
    vectors = embedder.encode([paper_text(t, a) for _, t, a, _au in ds.docs], batch_size=32)
    print(f"  embedded {len(ds.docs):,} documents in {time.perf_counter() - start:.0f} s")
    np.save(path, vectors)
    return vectors


def evaluate(ds: Dataset, embedder: Embedder, settings: Settings) -> dict[str, dict[str, float]]:
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
        vectors = embeddings(ds, embedder)
        ann = new_index(vectors.shape[1])
        add_vectors(ann, list(range(len(ds.docs))), vectors)
        doc_id = [d for d, *_ in ds.docs]
        systems: dict[str, Callable[[str], list[int]]] = {}

        def kw(text: str) -> list[int]:
            return keyword.search(parse_query(text), limit=DEPTH).ids

        def sem(text: str) -> list[int]:
            query = parse_query(text)
            vector = embedder.encode_query(" ".join(query.terms))
            matches = ann.search(vector, DEPTH)
            return [
                int(k)
                for k, dist in zip(matches.keys, matches.distances, strict=True)
                if 1 - dist >= settings.semantic_min_score
            ]

        systems = {
            "keyword": kw,
            "semantic": sem,
            "hybrid": lambda text: rrf([kw(text), sem(text)], settings.rrf_k),
        }
        out = {}
        for name, run in systems.items():
            nd, rc = [], []
            for qid, text in ds.queries.items():
                ranked = [doc_id[i] for i in run(text)]
                nd.append(ndcg_at(ranked, ds.qrels[qid]))
                rc.append(recall_at(ranked, ds.qrels[qid]))
            out[name] = {"ndcg@10": float(np.mean(nd)), "recall@100": float(np.mean(rc))}
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--only", choices=["scifact", "cranfield"])
    args = parser.parse_args()
    settings = Settings()
    # queries embedded as the site embeds them (ONNX Runtime, exported into the bench cache)
    embedder = Embedder(settings.embedding_model, onnx_folder=CACHE / "models")
    print(f"query encoder: {embedder.query_backend}")
    loaders = {"scifact": load_scifact, "cranfield": load_cranfield}
    results = {}
    for key, load in loaders.items():
        if args.only and key != args.only:
            continue
        ds = load(args.data)
        print(f"{ds.name}: {len(ds.docs):,} documents, {len(ds.queries):,} judged queries")
        results[ds.name] = evaluate(ds, embedder, settings)
        for system, figures in results[ds.name].items():
            print(
                f"  {system:9s} nDCG@10 {figures['ndcg@10']:.3f}"
                f"  recall@100 {figures['recall@100']:.3f}"
            )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
