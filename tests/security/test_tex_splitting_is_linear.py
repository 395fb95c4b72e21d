"""Splitting text into formulas finds what the regular expression defines, scanning each
character a bounded number of times (the expression scanned to the end from every opener
of a run that never closes: 50 such abstracts stalled a whole site)."""

import random

from paperfeed.papers import render
from paperfeed.sources.normalize import MATH, split_math


class CountingText(str):
    """A string that adds up how far each find() call scans."""

    scanned = 0

    def find(self, sub, start=0, end=None):  # type: ignore[no-untyped-def,override]
        found = super().find(sub, start) if end is None else super().find(sub, start, end)
        CountingText.scanned += (len(self) if found < 0 else found + len(sub)) - start
        return found


def test_same_pieces_as_the_expression() -> None:
    rng = random.Random(7)
    alphabet = ["$", "$$", "\\", "(", ")", "[", "]", "a", " ", "\\(", "\\)", "\\$", "\\["]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert split_math(text) == MATH.split(text), text


def test_runs_of_unclosed_openers_are_scanned_a_bounded_number_of_times() -> None:
    for unit in ("\\(", "\\[", "$", "$$ ", "a $ \\$ "):
        text = CountingText(unit * 20000)
        CountingText.scanned = 0
        pieces = split_math(text)
        assert "".join(pieces) == text
        assert CountingText.scanned <= 4 * len(text), (unit, CountingText.scanned)


def test_formulas_rendered_per_field_are_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = render._math_html.__wrapped__

    def counting(formula: str) -> str:
        calls.append(formula)
        return real(formula)

    monkeypatch.setattr(render, "_math_html", counting)
    html = str(render.render_tex(" ".join(f"$x_{{{i}}}$" for i in range(1000))))
    assert len(calls) == render.MAX_FORMULAS
    assert html.count("<math") == render.MAX_FORMULAS
    assert html.count('<code class="tex">') == 1000 - render.MAX_FORMULAS
