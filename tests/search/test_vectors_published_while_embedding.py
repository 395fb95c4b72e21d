"""A long embedding run publishes its vectors as it goes (after the first batch, then at
least every PUBLISH_EVERY seconds): a running site searches by meaning from the start."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from sqlalchemy import Engine

from paperfeed.config import Settings
from paperfeed.ingest.progress import RichReporter
from paperfeed.search import indexing
from paperfeed.search.indexing import embed_pending, vectors_path
from paperfeed.search.vectors import VectorReader, VectorStore
from tests.search.papers import TOPICAL


def test_vectors_reach_the_index_batch_by_batch(
    topical: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "EMBED_CHUNK", 2)
    monkeypatch.setattr(indexing, "PUBLISH_EVERY", 0.0)
    reader = VectorReader(VectorStore(vectors_path(settings), settings.embedding_model))
    seen: list[int] = []
    real = indexing.sync_vectors

    def watched(*args: object, **kwargs: object) -> int:
        added = real(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(len(reader))
        return added

    monkeypatch.setattr(indexing, "sync_vectors", watched)
    result = embed_pending(topical, settings)
    assert result.embedded == result.indexed == len(TOPICAL)
    assert seen[0] == 2 and seen[-1] == len(TOPICAL)  # the first batch, before the end
    assert seen == sorted(seen) and len(set(seen)) >= 3


def test_the_eta_shows_from_the_first_step() -> None:
    reporter = RichReporter(Console(file=io.StringIO(), force_terminal=False))
    reporter.start("embed", 1000)
    reporter.advance(10, records=10)
    (task,) = reporter._progress.tasks
    assert task.fields["eta"] != "-:--:--"
    reporter.stop()


def test_a_second_embedder_says_it_stood_aside(topical: Engine, settings: Settings) -> None:
    with indexing._single_embedder(settings) as alone:  # another process embedding
        assert alone
        result = embed_pending(topical, settings)
    assert result.busy and result.embedded == 0
