"""Reciprocal rank fusion, as published in docs/search.md."""

from pathlib import Path

from paperfeed.config import Settings
from paperfeed.search.service import rrf


def test_papers_in_both_lists_come_first() -> None:
    assert rrf([[1, 2, 3], [3, 4, 1]], k=60) == [1, 3, 2, 4]


def test_ties_go_to_the_keyword_rank_then_the_id() -> None:
    # 7 and 8 each appear once at rank 1: the keyword list (first) wins the tie
    assert rrf([[7], [8]], k=60) == [7, 8]
    assert rrf([[5, 9], [9, 5]], k=60) == [5, 9]


def test_the_constant_flattens_or_sharpens() -> None:
    lists = [[1, 2, 3, 4, 5], [6, 7, 8, 9, 5]]
    # small k: a first place in one list beats fifth place in both; k=60: agreement wins
    assert rrf(lists, k=1)[0] == 1
    assert rrf(lists, k=60)[0] == 5


def test_the_default_constant_lets_a_first_place_beat_thirtieth_in_both() -> None:
    k = Settings(data_dir=Path("unused")).rrf_k  # docs/search.md: chosen on SciFact train
    keyword = [1, *range(100, 128), 5]  # 5 is 30th
    semantic = [*range(200, 229), 5]  # 5 is 30th here too, 1 absent
    fused = rrf([keyword, semantic], k=k)
    assert fused.index(1) < fused.index(5)
    assert rrf([keyword, semantic], k=60).index(5) < rrf([keyword, semantic], k=60).index(1)
