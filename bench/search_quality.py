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
import random
import re
import string
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from paperfeed.config import Settings
from paperfeed.search.embedder import Embedder, paper_text
from paperfeed.search.keyword import KeywordDoc, KeywordIndex
from paperfeed.search.query import STOPWORDS, parse_query, spelled
from paperfeed.search.service import DEPTH, preferred_first, rrf
from paperfeed.search.speller import Speller
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
    how = "" if embedder.document_encoder is None else "-" + embedder.document_backend
    name = f"{ds.name.split()[0].lower()}-{len(ds.docs)}-{embedder.name}{how}"
    path = CACHE / (name.replace(" ", "").replace(",", "-") + ".npy")
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
    preferred: dict[str, set[int]] = field(default_factory=dict)  # with the quoted phrases

    def hybrid(self, qid: str, semantic: list[int], k: int) -> list[int]:
        """The site's fusion (service.rank): RRF, then papers with the quoted phrases first."""
        fused = rrf([self.keyword[qid], semantic], k)
        return preferred_first(fused, self.preferred.get(qid, set()))


def plain_bm25(ds: Dataset, queries: dict[str, str]) -> dict[str, list[int]]:
    """The reference keyword list: bm25s (Lucene's BM25, k1 1.5, b 0.75) over title and
    text as one field, with the same English Snowball stemmer as Tantivy's en_stem
    (PyStemmer) and paperfeed's list of function words; nothing else."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    stop = sorted(STOPWORDS)
    corpus = [f"{t} {a}" for _d, t, a, _au in ds.docs]
    model = bm25s.BM25()
    model.index(
        bm25s.tokenize(corpus, stopwords=stop, stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    out = {}
    for qid, text in queries.items():
        tokens = bm25s.tokenize([text], stopwords=stop, stemmer=stemmer, show_progress=False)
        if not tokens.ids[0]:
            out[qid] = []
            continue
        docs, scores = model.retrieve(tokens, k=DEPTH, show_progress=False)
        out[qid] = [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
    return out


def exact_semantic(
    ds: Dataset, vectors: np.ndarray, embedder: Embedder, queries: dict[str, str]
) -> dict[str, list[int]]:
    """The reference semantic list: the whole query text embedded by PyTorch
    (sentence-transformers' own encode), exact cosine over every document."""
    ids = list(queries)
    q = embedder.encode([queries[i] for i in ids], batch_size=64)
    top = np.argsort(-(q @ vectors.T), axis=1)[:, :DEPTH]
    return {qid: [int(d) for d in top[n]] for n, qid in enumerate(ids)}


def baselines(ds: Dataset, embedder: Embedder) -> dict[str, dict[str, float]]:
    """Plain BM25, exact MiniLM and plain RRF (k = 60) of the two, in the same run."""
    vectors = embeddings(ds, embedder)
    bm25 = plain_bm25(ds, ds.queries)
    exact = exact_semantic(ds, vectors, embedder, ds.queries)
    r = Runs([d for d, *_ in ds.docs], {}, {})
    return {
        "plain BM25 (bm25s)": scores(ds, r, lambda q: bm25[q]),
        "exact MiniLM (PyTorch)": scores(ds, r, lambda q: exact[q]),
        "plain RRF k=60 (bm25s + exact)": scores(ds, r, lambda q: rrf([bm25[q], exact[q]], 60)),
    }


def runs(
    ds: Dataset,
    embedders: list[Embedder],
    settings: Settings,
    queries: dict[str, str] | None = None,
    speller: bool = True,
    documents: Embedder | None = None,
) -> Runs:
    """Rank every query as the site does (parsed, spelled, keyword and semantic lists,
    fused): the papers' embeddings are the same for every encoder (as `paperfeed embed`
    computes them); the queries' differ. speller: correct misspelt words as the site does."""
    today = date(2026, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        keyword = KeywordIndex(Path(tmp) / "kw")
        writer = keyword.writer()
        keyword.add(
            writer,
            (KeywordDoc(i, t, a, au, "", today) for i, (_d, t, a, au) in enumerate(ds.docs)),
            replace=False,
        )
        keyword.commit(writer, fresh=True)
        writer.wait_merging_threads()
        spell = Speller(*keyword.vocabulary.read()) if speller else None
        vectors = embeddings(ds, documents or embedders[0])
        ann = new_index(vectors.shape[1])
        add_vectors(ann, list(range(len(ds.docs))), vectors)
        out = Runs([d for d, *_ in ds.docs], {}, {e.query_backend: {} for e in embedders})
        for qid, text in (queries or ds.queries).items():
            query = parse_query(text)
            if spell is not None:
                fixes = spell.corrections(query.words, keyword.knows)
                query = spelled(query, {c.word: c.to for c in fixes})
            hits = keyword.search(query, limit=DEPTH)
            out.keyword[qid], out.preferred[qid] = hits.ids, hits.preferred
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
    ds: Dataset, embedders: list[Embedder], settings: Settings, documents: Embedder | None = None
) -> dict[str, dict[str, float]]:
    """Keyword only; semantic only and hybrid with each query encoder (the site's first),
    over the papers embedded by `documents` (default: the first encoder's model.encode)."""
    r = runs(ds, embedders, settings, documents=documents)
    out = {"keyword": scores(ds, r, lambda q: r.keyword[q])}
    for i, e in enumerate(embedders):
        label = "" if i == 0 else f" ({e.query_backend})"
        sem = r.semantic[e.query_backend]
        out[f"semantic{label}"] = scores(ds, r, lambda q, sem=sem: sem[q])
        out[f"hybrid{label}"] = scores(
            ds, r, lambda q, sem=sem: r.hybrid(q, sem[q], settings.rrf_k)
        )
    return out


def typo(word: str, rng: random.Random) -> str:
    """One seeded edit: a letter deleted, inserted, replaced, or two swapped."""
    i = rng.randrange(len(word))
    kind = rng.choice(("delete", "insert", "replace", "swap"))
    letter = rng.choice(string.ascii_lowercase)
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + letter + word[i:]
    if kind == "replace":
        return word[:i] + letter + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def typod(queries: dict[str, str], seed: int = 7) -> dict[str, str]:
    """A typo'd copy: a third of each query's words (of 4+ letters, at least one) get one or
    two seeded edits."""
    rng = random.Random(seed)
    out = {}
    for qid, text in queries.items():
        tokens = re.split(r"(\W+)", text)
        words = [i for i, t in enumerate(tokens) if len(t) >= 4 and t.isalpha()]
        chosen = rng.sample(words, max(1, round(len(words) / 3))) if words else []
        for i in chosen:
            for _ in range(rng.choice((1, 2))):
                tokens[i] = typo(tokens[i], rng)
        out[qid] = "".join(tokens)
    return out


def typo_figures(
    ds: Dataset, embedders: list[Embedder], settings: Settings, documents: Embedder
) -> dict[str, dict[str, float]]:
    """The site (first encoder) on the typo'd queries, with and without its speller."""
    e = embedders[0]
    bad = typod(ds.queries)
    out = {}
    for label, speller in (("typo'd, no speller", False), ("typo'd, speller", True)):
        r = runs(ds, [e], settings, bad, speller=speller, documents=documents)
        sem = r.semantic[e.query_backend]
        out[f"keyword, {label}"] = scores(ds, r, lambda q, r=r: r.keyword[q])
        out[f"hybrid, {label}"] = scores(
            ds, r, lambda q, r=r, sem=sem: r.hybrid(q, sem[q], settings.rrf_k)
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
    # papers embedded as `paperfeed embed` does now (the settings' document encoder); "as
    # before": PyTorch's model.encode, 256 tokens
    papers = Embedder(
        settings.embedding_model,
        onnx_folder=CACHE / "models",
        documents=settings.document_encoder,
        document_tokens=settings.document_tokens,
        onnx_queries=False,
    )
    print("query encoders: " + ", ".join(e.query_backend for e in embedders))
    print(f"papers: {papers.document_backend} (before: {embedders[-1].document_backend})")
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
        results[ds.name] = {
            **baselines(ds, embedders[-1]),
            **evaluate(ds, embedders, settings, documents=papers),
        }
        before = evaluate(ds, embedders[:1], settings, documents=embedders[-1])
        results[ds.name]["semantic, papers embedded as before"] = before["semantic"]
        results[ds.name]["hybrid, papers embedded as before"] = before["hybrid"]
        if key == "scifact":
            results[ds.name].update(typo_figures(ds, embedders, settings, papers))
        for system, figures in results[ds.name].items():
            print(
                f"  {system:30s} nDCG@10 {figures['ndcg@10']:.3f}"
                f"  recall@100 {figures['recall@100']:.3f}"
            )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
