"""Rendered pages with holes: what is the same for every visitor is kept as text; what is
one visitor's own (the CSRF token, the account menu, their votes and saves, the comment
forms) is a hole, filled per request from a few strings.

A page is rendered once per generation with the marks below in place of those parts, split
at the marks, and kept; each request joins the pieces with its own fillings."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

# Marks start with NUL, which no form, API body or arXiv XML can carry (the request guard
# refuses it, XML forbids it); a mark smuggled into a snapshot file could at worst put one
# of paperfeed's own buttons or an empty string where it stands, never foreign markup.
_MARK = re.compile("\x00pf:(\\w+):([^\x00]*)\x00")
CSRF = "\x00pf:csrf:\x00"


def hole(kind: str, key: object = "") -> Markup:
    """The mark a cacheable template writes for a visitor's own part."""
    return Markup(f"\x00pf:{kind}:{key}\x00")


@dataclass(frozen=True)
class Hole:
    kind: str
    key: str


@dataclass
class Page:
    """A page split at its holes; `variants[(kind, key)]` = (off, on) for toggles such as
    one paper's vote button; `papers` the paper ids it shows (for the visitor's marks)."""

    parts: list[str | Hole]
    variants: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    papers: list[int] = field(default_factory=list)
    generation: int = 0
    size: int = 0
    kept: dict[str, Any] = field(default_factory=dict)  # data the holes are filled from

    @classmethod
    def split(cls, html: str, **kwargs: object) -> Page:
        pieces = _MARK.split(html)
        parts: list[str | Hole] = []
        for i in range(0, len(pieces), 3):
            if pieces[i]:
                parts.append(pieces[i])
            if i + 2 < len(pieces):
                parts.append(Hole(pieces[i + 1], pieces[i + 2]))
        page = cls(parts, **kwargs)  # type: ignore[arg-type]
        page.size = len(html) + sum(len(a) + len(b) for a, b in page.variants.values())
        return page

    def fill(self, csrf: str, on: Mapping[str, AbstractSet[str]], text: dict[str, str]) -> str:
        """The page for one visitor: toggles `on` where their key is in `on[kind]`, other
        holes from `text[kind]` (empty when absent), the CSRF token everywhere."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif (part.kind, part.key) in self.variants:
                off_html, on_html = self.variants[(part.kind, part.key)]
                out.append(on_html if part.key in on.get(part.kind, ()) else off_html)
            elif part.kind == "csrf":
                out.append(csrf)
            else:
                out.append(text.get(part.kind, ""))
        return "".join(out).replace(CSRF, csrf)  # the toggles' own forms


class PageCache:
    """Pages by key, least recently used first out, within a budget of characters; and a
    few small values found once per generation (the current day)."""

    MISSING = object()
    VALUES = 64

    def __init__(self, budget_chars: int) -> None:
        self.budget = budget_chars
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()
        self._values: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        self.rendering: dict[Hashable, Any] = {}  # key -> the future of its rendering
        self._used = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, generation: int) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.generation != generation:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: Hashable, page: Page) -> None:
        if self.budget <= 0 or page.size > self.budget // 4:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._used -= old.size
            self._pages[key] = page
            self._used += page.size
            while self._used > self.budget and self._pages:
                _key, dropped = self._pages.popitem(last=False)
                self._used -= dropped.size

    def value(self, key: Hashable, generation: int | None) -> object:
        """A kept value of this generation, or MISSING."""
        with self._lock:
            kept = self._values.get(key)
            if generation is None or kept is None or kept[0] != generation:
                return self.MISSING
            return kept[1]

    def keep_value(self, key: Hashable, generation: int | None, value: object) -> None:
        if generation is None:
            return
        with self._lock:
            self._values[key] = (generation, value)
            self._values.move_to_end(key)
            while len(self._values) > self.VALUES:
                self._values.popitem(last=False)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "pages": len(self._pages),
                "chars": self._used,
                "hits": self.hits,
                "misses": self.misses,
            }
