"""Serialized pieces that are the same in every answer until a write moves the generation:
each paper's object in the API's search answers, each paper's card on the search page. A
search's papers differ from query to query, but each paper's own piece does not: an answer
joins the kept pieces and builds only the missing ones."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sized
from typing import Generic, TypeVar

T = TypeVar("T", bound=Sized)


class FragmentCache(Generic[T]):
    """Pieces (bytes or text) by key for one generation at a time (a newer generation
    empties it), least recently used first out past `budget` bytes or characters."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.generation: int | None = None
        self._kept: OrderedDict[Hashable, T] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[Hashable], generation: int | None) -> dict[Hashable, T]:
        """The kept pieces among `keys` (none when `generation` is unknown or not theirs)."""
        found: dict[Hashable, T] = {}
        if generation is None:
            return found
        with self._lock:
            if generation != self.generation:
                if self.generation is None or generation > self.generation:
                    self._clear(generation)  # what is kept is older than this reader saw
                return found
            for key in keys:
                piece = self._kept.get(key)
                if piece is not None:
                    self._kept.move_to_end(key)
                    found[key] = piece
        return found

    def put_many(self, pieces: dict[Hashable, T], generation: int | None) -> None:
        if generation is None or self.budget <= 0:
            return
        with self._lock:
            if generation != self.generation:
                if self.generation is not None and generation < self.generation:
                    return  # built from an older snapshot than what is kept now
                self._clear(generation)
            for key, piece in pieces.items():
                old = self._kept.pop(key, None)
                self._used += len(piece) - (len(old) if old is not None else 0)
                self._kept[key] = piece
            while self._used > self.budget and self._kept:
                _key, dropped = self._kept.popitem(last=False)
                self._used -= len(dropped)

    def _clear(self, generation: int) -> None:
        self._kept.clear()
        self._used = 0
        self.generation = generation

    def __len__(self) -> int:
        return len(self._kept)
