"""An index written by an older paperfeed (other fields) is set aside and rebuilt from the
database, not opened (Tantivy refuses it) nor left to crash the process."""

from __future__ import annotations

from pathlib import Path

import tantivy

from paperfeed.search.keyword import KeywordIndex


def test_an_index_of_the_old_layout_is_rebuilt(tmp_path: Path) -> None:
    old = tantivy.SchemaBuilder()
    old.add_integer_field("id", stored=True, indexed=True, fast=True)
    old.add_text_field("title", tokenizer_name="en_stem")
    old.add_text_field("abstract", tokenizer_name="en_stem")
    folder = tmp_path / "keyword"
    folder.mkdir()
    writer = tantivy.Index(old.build(), path=str(folder)).writer()
    writer.add_document(tantivy.Document(id=1, title="Radar odometry", abstract="fog"))
    writer.commit()
    index = KeywordIndex(folder)
    assert index.needs_rebuild and "older paperfeed" in (index.damage or "")
    assert index.num_docs() == 0  # empty, of the new layout, until rebuilt
    assert (tmp_path / "keyword.damaged").is_dir()  # the old files set aside
